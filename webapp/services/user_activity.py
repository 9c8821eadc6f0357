"""‘User activity’ (guide 5.1, monitor user activity): the organisation's audit trail for
its super users, and each user's verification volume."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select

from webapp.extensions import db
from webapp.models import AuditEvent, User
from webapp.rules.permissions import Area
from webapp.services.errors import ValidationFailed
from webapp.services.paging import Page, paginate
from webapp.services.user_management import require_area

EXPORT_BATCH = 500


@dataclass
class ActivityFilter:
    username: str = ""
    event: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class ActivityRow:
    event: AuditEvent
    actor_username: str | None
    target_username: str | None


def _activity_statement(organisation_id: int, filters: ActivityFilter) -> Select:
    statement = select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
    if filters.username.strip():
        ids = [str(uid) for uid in db.session.scalars(select(User.id).where(
            User.organisation_id == organisation_id,
            func.lower(User.username) == filters.username.strip().lower()))]
        statement = statement.where(or_(
            AuditEvent.actor_user_id.in_([int(uid) for uid in ids]),
            (AuditEvent.target_type == "user") & AuditEvent.target_id.in_(ids)))
    if filters.event:
        statement = statement.where(AuditEvent.event == filters.event)
    if filters.date_from:
        statement = statement.where(
            AuditEvent.occurred_at >= datetime.combine(filters.date_from, time.min, UTC))
    if filters.date_to:
        statement = statement.where(AuditEvent.occurred_at < datetime.combine(
            filters.date_to + timedelta(days=1), time.min, UTC))
    return statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def _with_usernames(events: list[AuditEvent]) -> list[ActivityRow]:
    ids = {e.actor_user_id for e in events if e.actor_user_id} | {
        int(e.target_id) for e in events if e.target_type == "user" and e.target_id
        and e.target_id.isdigit()}
    names = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
    return [ActivityRow(
        event=e, actor_username=names.get(e.actor_user_id),
        target_username=names.get(int(e.target_id)) if e.target_type == "user" and (
            e.target_id or "").isdigit() else None,
    ) for e in events]


def _checked(actor: User, filters: ActivityFilter) -> None:
    require_area(actor, Area.USER_MANAGEMENT)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationFailed("The ‘from’ date must be on or before the ‘to’ date",
                               "date_from", code="DATES_REVERSED")


def activity(actor: User, filters: ActivityFilter, page: int = 1) -> Page:
    _checked(actor, filters)
    found = paginate(_activity_statement(actor.organisation_id, filters), page)
    found.items = _with_usernames(found.items)
    return found


def activity_for_export(actor: User, filters: ActivityFilter) -> Iterator[ActivityRow]:
    """Every matching event, newest first, read a few hundred at a time. (Checked now,
    read as the download is written.)"""
    _checked(actor, filters)
    return _export_rows(actor.organisation_id, filters)


def _export_rows(organisation_id: int, filters: ActivityFilter) -> Iterator[ActivityRow]:
    events = db.session.scalars(_activity_statement(organisation_id, filters)
                                .execution_options(yield_per=EXPORT_BATCH))
    batch = []
    for event in events:
        batch.append(event)
        if len(batch) == EXPORT_BATCH:
            yield from _with_usernames(batch)
            batch = []
    yield from _with_usernames(batch)


def activity_event_names(actor: User) -> list[str]:
    require_area(actor, Area.USER_MANAGEMENT)
    return sorted(db.session.scalars(select(AuditEvent.event).distinct().where(
        AuditEvent.organisation_id == actor.organisation_id)))


def verification_volumes(actor: User, hours: int = 24) -> list[tuple[str, int]]:
    """Single verifications per user of the organisation in the last `hours`, busiest first:
    an unusual volume stands out on the User activity page."""
    require_area(actor, Area.USER_MANAGEMENT)
    since = datetime.now(UTC) - timedelta(hours=hours)
    rows = db.session.execute(
        select(User.username, func.count(AuditEvent.id))
        .join(User, User.id == AuditEvent.actor_user_id)
        .where(AuditEvent.organisation_id == actor.organisation_id,
               AuditEvent.event == "learner.verified", AuditEvent.occurred_at >= since)
        .group_by(User.username)
        .order_by(func.count(AuditEvent.id).desc(), User.username))
    return [(username, count) for username, count in rows]
