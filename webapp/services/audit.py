"""The audit trail: one call adds an event to the current transaction."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import insert, literal_column

from webapp.extensions import db
from webapp.models import AuditEvent, User

# Never written to the audit trail, whatever a caller passes.
SECRET_FIELDS = frozenset({"password", "password_hash", "session_token", "token", "token_hash"})
# The events together() is holding back (a context variable: read once a row of a batch
# chunk, cheaper than the scoped session's info).
_STAGED: ContextVar[list[dict] | None] = ContextVar("audit_staged", default=None)


def user_snapshot(user: User) -> dict:
    """The audited view of a user: every field a person can change, no secrets."""
    return {
        "username": user.username,
        "title": user.title,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "email": user.email,
        "landline": user.landline,
        "mobile": user.mobile,
        "staff_reference": user.staff_reference,
        "verification_provided": user.verification_provided,
        "roles": sorted(user.roles),
        "status": user.status,
        "locked": user.locked,
    }


def _without_secrets(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {key: value for key, value in values.items() if key not in SECRET_FIELDS}


def values(
    event: str,
    *,
    actor: User | None = None,
    organisation_id: int | None = None,
    target: User | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    details: dict | None = None,
) -> dict:
    """The columns of an audit event: who, whose data, what, without secrets."""
    if target is not None:
        target_type, target_id = "user", str(target.id) if target.id else target.username
        if organisation_id is None:
            organisation_id = target.organisation_id
    if organisation_id is None and actor is not None:
        organisation_id = actor.organisation_id
    return {
        "event": event,
        "actor_user_id": actor.id if actor is not None else None,
        "organisation_id": organisation_id,
        "target_type": target_type,
        "target_id": target_id,
        "before": _without_secrets(before),
        "after": _without_secrets(after),
        "details": _without_secrets(details),
        "ip_address": request.remote_addr if has_request_context() else None,
    }


def record(event: str, **given) -> AuditEvent | None:
    """Add an audit event to the session; it commits with the change it describes. Inside
    together() it is written with the others at the end (and None is returned)."""
    return add(values(event, **given))


def add(entry: dict) -> AuditEvent | None:
    """Add an audit event made by values()."""
    if (staged := _STAGED.get()) is not None:
        staged.append(entry)
        return None
    event = AuditEvent(**entry)
    db.session.add(event)
    return event


@contextmanager
def together() -> Iterator[None]:
    """Audit events recorded inside are written in one insert at the end, in their order
    (a batch chunk's: thousands of rows, no caller needs them back before then)."""
    staged: list[dict] = []
    token = _STAGED.set(staged)
    try:
        yield
        record_all(staged)
    finally:
        _STAGED.reset(token)


# What the JSON type stores for None (JSON null, not SQL NULL), written by the database:
# a batch chunk's events have no before or after, and encoding None twice an event was a
# few per cent of a verify row.
_JSON_NULL = literal_column("'null'")
_WITHOUT_CHANGES = insert(AuditEvent.__table__).values(before=_JSON_NULL, after=_JSON_NULL)


def record_all(entries: list[dict]) -> None:
    """Write many audit events (each from values()) in one statement, in the current
    transaction, stored exactly as add() would store them."""
    if not entries:
        return
    if all(entry["before"] is None and entry["after"] is None for entry in entries):
        db.session.execute(_WITHOUT_CHANGES, [
            {name: value for name, value in entry.items() if name not in ("before", "after")}
            for entry in entries])
    else:
        db.session.execute(insert(AuditEvent.__table__), entries)
