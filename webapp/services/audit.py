"""The audit trail: one call adds an event to the current transaction."""

from flask import has_request_context, request

from webapp.extensions import db
from webapp.models import AuditEvent, User

# Never written to the audit trail, whatever a caller passes.
SECRET_FIELDS = frozenset({"password", "password_hash", "session_token", "token", "token_hash"})


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


def record(
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
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    if target is not None:
        target_type, target_id = "user", str(target.id) if target.id else target.username
        if organisation_id is None:
            organisation_id = target.organisation_id
    if organisation_id is None and actor is not None:
        organisation_id = actor.organisation_id
    entry = AuditEvent(
        event=event,
        actor_user_id=actor.id if actor is not None else None,
        organisation_id=organisation_id,
        target_type=target_type,
        target_id=target_id,
        before=_without_secrets(before),
        after=_without_secrets(after),
        details=_without_secrets(details),
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
