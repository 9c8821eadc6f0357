import enum
from datetime import date

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, orm_insert_sentinel, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.qualification import Qualification


class AchievementStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Achievement(db.Model):
    """A unit or qualification on a learner's personal learning record. Held on the master
    learner's ULN; `submitted_uln` is the ULN it came in with (a linked one, perhaps). Its
    unique reference is ULN + award date + reference."""

    __tablename__ = "achievements"
    __table_args__ = (UniqueConstraint("uln", "award_date", "reference",
                                       name="uq_achievements_uln_award_date_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uln: Mapped[str] = mapped_column(String(10), index=True)
    reference: Mapped[str] = mapped_column(ForeignKey("qualifications.reference"), index=True)
    award_date: Mapped[date] = mapped_column(Date)
    grade: Mapped[str | None] = mapped_column(String(20))
    provider_ukprn: Mapped[str | None] = mapped_column(String(8))
    language: Mapped[str | None] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    submitted_uln: Mapped[str] = mapped_column(String(10))
    submitted_given_name: Mapped[str] = mapped_column(String(35))
    submitted_family_name: Mapped[str] = mapped_column(String(35))
    submitted_date_of_birth: Mapped[date | None] = mapped_column(Date)
    submitted_postcode: Mapped[str | None] = mapped_column(String(9))
    status: Mapped[str] = mapped_column(String(10), default=AchievementStatus.ACTIVE.value)
    channel: Mapped[str] = mapped_column(String(10))   # portal, batch, api
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # Filled only by multi-row inserts, so that SQLite, whose RETURNING has no set order,
    # can insert a batch chunk's achievements in one statement and still match each new id
    # to its row (otherwise SQLAlchemy inserts them one statement each). Migration 0009.
    _sentinel: Mapped[int | None] = orm_insert_sentinel()

    __mapper_args__ = {"version_id_col": version}

    qualification: Mapped[Qualification] = relationship(lazy="joined")
    history: Mapped[list["AchievementEvent"]] = relationship(
        order_by="AchievementEvent.id", back_populates="achievement")

    @property
    def active(self) -> bool:
        return self.status == AchievementStatus.ACTIVE


class AchievementEvent(db.Model):
    """One line of an achievement's history: created, grade_changed, moved, withdrawn,
    reinstated. Append-only (database triggers, migration 0003)."""

    __tablename__ = "achievement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    occurred_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    action_date: Mapped[date | None] = mapped_column(Date)
    action_reason: Mapped[str | None] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(10))
    details: Mapped[dict | None] = mapped_column(JSON)   # grade from/to, ULN from/to

    achievement: Mapped[Achievement] = relationship(back_populates="history")
    actor = relationship("User", lazy="joined")
