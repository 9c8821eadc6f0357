from sqlalchemy import JSON, FetchedValue, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.base import UTCDateTime


class AuditEvent(db.Model):
    """Append-only record of every change and sign-in attempt.

    Database triggers (see the first migration) refuse UPDATE and DELETE on this table,
    and TRUNCATE on PostgreSQL (0003). The database sets `occurred_at` (0003): on
    PostgreSQL a trigger overrides whatever the application sends.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at = mapped_column(UTCDateTime, server_default=FetchedValue(), nullable=False,
                                index=True)
    event: Mapped[str] = mapped_column(String(60), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The organisation whose data this is: what its super users may see.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    details: Mapped[dict | None] = mapped_column(JSON)
    ip_address: Mapped[str | None] = mapped_column(String(45))
