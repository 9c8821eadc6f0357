from datetime import date

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.rules.qualifications import parse_list


class Qualification(db.Model):
    """A qualification or unit of the register (Ofqual / Qualifications in Wales data),
    keyed by its reference as held: NNN/NNNN/C or L/NNN/NNNN. The grading scale and the
    mandatory units are `;`-separated lists (see decisions.md)."""

    __tablename__ = "qualifications"

    reference: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(13))           # qualification or unit
    title: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(20))
    owner_ukprn: Mapped[str] = mapped_column(String(8), index=True)
    availability: Mapped[str] = mapped_column(String(10))  # restricted or shared
    operational_start_date: Mapped[date] = mapped_column(Date)
    operational_end_date: Mapped[date | None] = mapped_column(Date)
    certification_end_date: Mapped[date | None] = mapped_column(Date)
    grading_scale: Mapped[str] = mapped_column(Text)
    credit_value: Mapped[int | None] = mapped_column(Integer)
    credits_required: Mapped[int | None] = mapped_column(Integer)
    mandatory_units: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    @property
    def grades(self) -> list[str]:
        return parse_list(self.grading_scale)

    @property
    def mandatory_unit_list(self) -> list[str]:
        return parse_list(self.mandatory_units)

    @property
    def built_from_units(self) -> bool:
        return self.credits_required is not None
