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
          new_email: str | None = None, *, revoke_earlier: bool = True,
          requested_by: User | None = None) -> str:
    """Create a token and return the raw value for the email. Earlier unused links of the
    same purpose stop working, so only the newest email's link is live, except where
    `revoke_earlier` is False: a reset link asked for by anyone who types a username
    must not cancel the owner's earlier link (they all die when one is used)."""
    now = utcnow()
    if revoke_earlier:
        revoke_all(user, purpose)
    raw = secrets.token_urlsafe(32)
    db.session.add(OneTimeToken(
        token_hash=hash_token(raw), purpose=purpose.value, user_id=user.id,
        new_email=new_email, created_at=now, expires_at=now + lifetime,
        requested_by_id=requested_by.id if requested_by is not None else None,
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


def consume(token: OneTimeToken) -> None:
    """Mark a live token used, in the caller's transaction. The conditional UPDATE makes
    the link single use even when two requests race with it."""
    now = utcnow()
    claimed = db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == token.id, OneTimeToken.used_at.is_(None),
               OneTimeToken.expires_at > now)
        .values(used_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if claimed != 1:
        raise LinkNotValid(_MESSAGES["used"], "used")


def revoke_all(user: User, purpose: TokenPurpose) -> None:
    db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose.value,
               OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
