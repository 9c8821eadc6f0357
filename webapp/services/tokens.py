"""Single-use, expiring links sent by email. The raw token (256 random bits) is only ever
in the email; the database keeps its SHA-256."""

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from webapp.extensions import db
from webapp.models import OneTimeToken, TokenPurpose, User
from webapp.models.base import utcnow
from webapp.models.token import hash_token
from webapp.services.errors import LinkNotValid

_MESSAGES = {
    "unknown": "This link is not valid. Check you copied the whole link from the email.",
    "used": "This link has already been used. Each link works once.",
    "expired": "This link has expired.",
}


def issue(user: User, purpose: TokenPurpose, lifetime: timedelta,
          new_email: str | None = None) -> str:
    """Create a token and return the raw value for the email. Earlier unused links of the
    same purpose stop working, so only the newest email's link is live."""
    now = utcnow()
    db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose.value,
               OneTimeToken.used_at.is_(None))
        .values(used_at=now)
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(OneTimeToken(
        token_hash=hash_token(raw), purpose=purpose.value, user_id=user.id,
        new_email=new_email, created_at=now, expires_at=now + lifetime,
    ))
    return raw


def find_live(raw: str, purpose: TokenPurpose) -> OneTimeToken:
    """The live token for this raw value, or LinkNotValid saying why not."""
    token = db.session.scalar(
        select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(raw or ""),
                                   OneTimeToken.purpose == purpose.value)
    )
    if token is None:
        raise LinkNotValid(_MESSAGES["unknown"], "unknown")
    if token.used_at is not None:
        raise LinkNotValid(_MESSAGES["used"], "used")
    if token.expires_at <= utcnow():
        raise LinkNotValid(_MESSAGES["expired"], "expired")
    return token


def consume(raw: str, purpose: TokenPurpose) -> OneTimeToken:
    """Mark the token used, in the caller's transaction. A conditional UPDATE makes the
    link single use even when two requests race with it."""
    token = find_live(raw, purpose)
    claimed = db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == token.id, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        raise LinkNotValid(_MESSAGES["used"], "used")
    return token


def revoke_all(user: User, purpose: TokenPurpose) -> None:
    db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose.value,
               OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
