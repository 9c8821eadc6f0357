from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow


class Learner(db.Model):
    """A learner on the register, keyed by ULN. A linked (non-master) ULN points at its
    master with master_uln; a master has none."""

    __tablename__ = "learners"

    uln: Mapped[str] = mapped_column(String(10), primary_key=True)
    given_name: Mapped[str] = mapped_column(String(35))
    preferred_given_name: Mapped[str | None] = mapped_column(String(35))
    middle_other_names: Mapped[str | None] = mapped_column(String(35))
    family_name: Mapped[str] = mapped_column(String(35))
    previous_family_name: Mapped[str | None] = mapped_column(String(35))
    family_name_at_16: Mapped[str | None] = mapped_column(String(35))
    date_of_birth: Mapped[date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(1))
    postcode: Mapped[str | None] = mapped_column(String(9))
    master_uln: Mapped[str | None] = mapped_column(String(10), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
