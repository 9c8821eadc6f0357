"""The downloads of User Management: Find user's list of users and User activity's
events, as rows for formats/csv_files.stream_csv."""

from collections.abc import Iterable, Iterator

from webapp.rules.audit_text import describe_changes, describe_details, event_label
from webapp.rules.roles import ROLES

USERS_HEADER = ["Username", "Title", "Given name", "Family name", "Email", "Roles", "Status",
                "Locked", "Last sign-in (UTC)", "Verification provided",
                "Staff ID or your reference"]
ACTIVITY_HEADER = ["When (UTC)", "Event", "By", "User affected", "Changes", "Details"]


def _when(moment, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return moment.strftime(pattern) if moment else ""


def user_rows(users: Iterable) -> Iterator[list]:
    for user in users:
        yield [user.username, user.title, user.given_name, user.family_name, user.email,
               ", ".join(ROLES[name].label for name in ROLES if name in user.roles),
               user.status, "Yes" if user.locked else "No", _when(user.last_sign_in_at),
               user.verification_provided, user.staff_reference]


def activity_rows(rows: Iterable) -> Iterator[list]:
    for row in rows:
        event = row.event
        yield [_when(event.occurred_at, "%Y-%m-%d %H:%M:%S"), event_label(event.event),
               row.actor_username or "", row.target_username or "",
               "; ".join(describe_changes(event.before, event.after)),
               "; ".join(describe_details(event.event, event.details))]
