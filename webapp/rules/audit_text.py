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
}


def event_label(event: str) -> str:
    return EVENT_LABELS.get(event, event.replace("_", " ").replace(".", ": ").capitalize())


def _show(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    return str(value)


def describe_changes(before: dict | None, after: dict | None) -> list[str]:
    """‘field: old → new’ for each field whose value changed."""
    before, after = before or {}, after or {}
    if not before:
        return []
    return [
        f"{key.replace('_', ' ')}: {_show(before.get(key))} → {_show(after.get(key))}"
        for key in after
        if before.get(key) != after.get(key)
    ]
