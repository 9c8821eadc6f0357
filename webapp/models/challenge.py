from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow

UNRESOLVED_SQL = "status IN ('open', 'in_progress')"


class Challenge(db.Model):
    """An event data challenge (guide 8): raised by a learning provider on one achievement
    (two for a duplicate), resolved by the awarding organisation that owns it. An
    achievement is ‘under data challenge’ while it has an unresolved challenge: derived, not
    stored, so it cannot drift. A partial unique index refuses a second unresolved challenge
    of the same type on the same achievement even when two are raised at once."""

    __tablename__ = "challenges"
    __table_args__ = (
        Index("ix_challenges_organisation_status_raised", "organisation_id", "status",
              "raised_at", "id"),
        Index("ix_challenges_organisation_raised", "organisation_id", "raised_at", "id"),
        Index("ix_challenges_raised_by_organisation", "raised_by_organisation_id",
              "raised_at", "id"),
        Index("uq_challenges_unresolved_type", "achievement_id", "type", unique=True,
              sqlite_where=text(UNRESOLVED_SQL), postgresql_where=text(UNRESOLVED_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id"))
    duplicate_achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievements.id"))
    uln: Mapped[str] = mapped_column(String(10))
    type: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(20))
    proposed_value: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(200))
    raised_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_by_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    raised_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    status: Mapped[str] = mapped_column(String(12), default="open")
    resolution_comments: Mapped[str | None] = mapped_column(Text)
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at = mapped_column(UTCDateTime)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    achievement = relationship("Achievement", foreign_keys=[achievement_id], lazy="joined")
    duplicate_achievement = relationship("Achievement", foreign_keys=[duplicate_achievement_id])
    organisation = relationship("Organisation", foreign_keys=[organisation_id])
    raised_by = relationship("User", foreign_keys=[raised_by_user_id])
    raised_by_organisation = relationship("Organisation",
                                          foreign_keys=[raised_by_organisation_id],
                                          lazy="joined")
    resolved_by = relationship("User", foreign_keys=[resolved_by_user_id])


class ChallengeReport(db.Model):
    """One monthly report sent to one organisation's resolvers. The unique (organisation,
    month) is claimed in the transaction that stages the emails: a second run, or a second
    worker running at the same moment, sends nothing."""

    __tablename__ = "challenge_reports"
    __table_args__ = (UniqueConstraint("organisation_id", "month",
                                       name="uq_challenge_reports_organisation_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    month: Mapped[str] = mapped_column(String(7))   # 2026-12
    sent_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    open_challenges: Mapped[int] = mapped_column(Integer)
    recipients: Mapped[int] = mapped_column(Integer)

    organisation = relationship("Organisation", lazy="joined")
