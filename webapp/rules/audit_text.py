"""Plain-English descriptions of audit events for the User activity page."""

EVENT_LABELS = {
    "sign_in.succeeded": "Signed in",
    "sign_in.failed": "Sign-in failed",
    "sign_out": "Signed out",
    "user.locked": "Account locked",
    "user.unlocked": "Account unlocked",
    "user.created": "User created",
    "user.updated": "User edited",
    "user.registered": "Registration completed",
    "user.suspended": "User suspended",
    "user.reinstated": "User reinstated",
    "user.deleted": "User deleted",
    "user.email_verified": "Email address verified",
    "user.welcome_resent": "Welcome email resent",
    "users.exported": "User list downloaded",
    "email_change.requested": "Email change requested",
    "email_change.refused": "Email change refused",
    "password.reset": "Password reset",
    "password_reset.requested": "Password reset requested",
    "password_reset.refused": "Password reset refused",
    "terms.accepted": "Terms of the user agreement accepted",
    "organisation.created": "Organisation created",
    "learner.verified": "Learner verified",
    "learners.imported": "Learners imported",
}

FIELD_LABELS = {
    "username": "Username", "title": "Title", "given_name": "Given name",
    "family_name": "Family name", "email": "Email", "landline": "Telephone (landline)",
    "mobile": "Telephone (mobile)", "staff_reference": "Staff ID or your reference",
    "verification_provided": "Verification provided", "status": "Status",
}

# Why a sign-in, reset or sign-out happened, in words (details["reason"]).
REASONS = {
    "wrong_password": "Wrong password",
    "unknown_username": "Unknown username",
    "locked": "The account is locked",
    "status_suspended": "The account is suspended",
    "status_inactive": "The account has not been registered yet",
    "status_deleted": "The account is deleted",
    "no_active_account": "No active account has that username",
    "user": "Signed out by the user",
    "timeout_idle": "Signed out after a time without activity",
    "timeout_absolute": "Signed out when the session reached its longest time",
}


def event_label(event: str) -> str:
    return EVENT_LABELS.get(event, event.replace("_", " ").replace(".", ": ").capitalize())


def _show(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    return str(value)


def _role_names(names) -> str:
    from webapp.rules.roles import role_label

    return ", ".join(role_label(name) for name in names)


def _describe_change(key: str, old, new) -> str:
    if key == "roles":
        added = [name for name in new or [] if name not in (old or [])]
        removed = [name for name in old or [] if name not in (new or [])]
        parts = ([f"added {_role_names(added)}"] if added else []) + (
            [f"removed {_role_names(removed)}"] if removed else [])
        return "Roles changed: " + "; ".join(parts)
    if key == "locked":
        return "Locked" if new else "Unlocked"
    label = FIELD_LABELS.get(key, key.replace("_", " ").capitalize())
    return f"{label} changed from {_show(old)} to {_show(new)}"


def describe_changes(before: dict | None, after: dict | None) -> list[str]:
    """A sentence for each field whose value changed: ‘Roles changed: added QCF user’,
    ‘Status changed from Active to Suspended’, ‘Unlocked’."""
    before, after = before or {}, after or {}
    if not before:
        return []
    return [_describe_change(key, before.get(key), after.get(key))
            for key in after if before.get(key) != after.get(key)]


def describe_details(event: str, details: dict | None) -> list[str]:
    """What an event's details say, in words. Internal values (a username's keyed hash,
    the channel of a verification) are left out; the ULN of a verification is the
    caller's to show, on the User activity page only."""
    from webapp.rules.matching import FLAGS

    details = dict(details or {})
    lines = []
    reason = details.pop("reason", None)
    failures = details.pop("consecutive_failures", None)
    if reason is not None:
        if event == "user.suspended":
            lines.append(f"Reason: {reason}")
        else:
            words = REASONS.get(reason, str(reason).replace("_", " ").capitalize())
            lines.append(f"{words} ({failures} in a row)" if failures else words)
    if "code" in details:
        lines.append(f"Result {details.pop('code')}")
    flags = details.pop("flags", None)
    if flags:
        lines += [f"{flag}: {FLAGS.get(flag, flag)}" for flag in flags]
    if "new_email" in details:
        lines.append(f"New email: {details.pop('new_email')}")
    if event == "users.exported":
        count = details.pop("count", 0)
        status = details.pop("status", "")
        lines.append(f"{count} user{'s' if count != 1 else ''}"
                     + (f" with status {status}" if status else ""))
    details.pop("username_fingerprint", None)
    details.pop("channel", None)
    lines += [f"{key.replace('_', ' ').capitalize()}: {_show(value)}"
              for key, value in details.items()]
    return lines
