import enum
import hashlib

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.user import User


class TokenPurpose(enum.StrEnum):
    REGISTRATION = "registration"
    EMAIL_CHANGE_STOP = "email_change_stop"  # sent to the old address: stops a change
    PASSWORD_RESET = "password_reset"
    EMAIL_VERIFICATION = "email_verification"


def hash_token(raw: str) -> str:
    """Tokens are 256-bit random values, so one fast hash is enough to make a stolen
    table useless; only the hash is stored."""
    return hashlib.sha256(raw.encode()).hexdigest()


class OneTimeToken(db.Model):
    """A single-use, expiring link sent by email."""

    __tablename__ = "one_time_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    new_email: Mapped[str | None] = mapped_column(String(254))  # email verification only
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime)
    # Who asked for this link (an email change started by someone else than the owner).
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # An email change started by someone else: when the new address was verified, and
    # when the change takes effect unless the owner stops it first.
    verified_at = mapped_column(UTCDateTime)
    takes_effect_at = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])
