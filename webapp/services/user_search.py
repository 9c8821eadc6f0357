"""‘Find user’: a super user's search of their organisation's accounts (the service desk
may search any organisation), a page at a time or every match for the download."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select

from webapp.extensions import db
from webapp.models import User, UserRole, UserStatus
from webapp.models.user import fold
from webapp.rules import permissions
from webapp.rules.permissions import Area
from webapp.rules.roles import ROLES
from webapp.services import audit
from webapp.services.errors import NotFound
from webapp.services.paging import Page, paginate, rows_in
from webapp.services.user_management import require_area

EXPORT_BATCH = 500
# Find user counts this many matches at most: beyond it the page says "More than 1,000"
# and a wider count would cost in proportion to the organisation's size (issue 14).
COUNT_LIMIT = 1_000


@dataclass
class UserSearch:
    """Blank names and no roles (or every role) match everyone."""

    given_name: str = ""
    family_name: str = ""
    username: str = ""
    status: str = UserStatus.ACTIVE.value
    roles: list[str] = field(default_factory=list)


def _contains(folded_column, text: str) -> ColumnElement[bool]:
    """A substring of the stored folded value: LIKE on both databases (a trigram index
    serves it on PostgreSQL), no per-row folding."""
    escaped = fold(text.strip()).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return folded_column.like(f"%{escaped}%", escape="\\")


def _search_statement(organisation_id: int, criteria: UserSearch) -> Select:
    statement = select(User).where(User.organisation_id == organisation_id)
    if criteria.given_name.strip():
        statement = statement.where(_contains(User.search_given_name, criteria.given_name))
    if criteria.family_name.strip():
        statement = statement.where(_contains(User.search_family_name, criteria.family_name))
    if criteria.username.strip():
        statement = statement.where(_contains(User.search_username, criteria.username))
    if criteria.status:
        statement = statement.where(User.status == criteria.status)
    if criteria.roles and set(criteria.roles) != set(ROLES):
        statement = statement.where(User.id.in_(
            select(UserRole.user_id).where(UserRole.role.in_(criteria.roles))))
    # The order of ix_users_find_user_order, so the default listing reads the index.
    return statement.order_by(User.search_family_name, User.search_given_name, User.username)


def _organisation_scope(actor: User, organisation_id: int | None) -> int:
    """Super users search their own organisation; the service desk any organisation."""
    if permissions.may_use(actor, Area.SERVICE_DESK):
        return organisation_id or actor.organisation_id
    require_area(actor, Area.USER_MANAGEMENT)
    if organisation_id not in (None, actor.organisation_id):
        raise NotFound("No such organisation")
    return actor.organisation_id


@dataclass(frozen=True, slots=True)
class ListedUser:
    """An account as Find user's table shows it: the columns its row prints and that the
    Suspend / Reinstate / Unlock rules read, with its roles. Read as plain columns, not as
    the ORM entity with its organisation and role rows: building 25 entities was most of
    the time of the page's queries."""

    id: int
    organisation_id: int
    title: str | None
    given_name: str
    family_name: str
    username: str
    email: str
    status: str
    locked: bool
    last_sign_in_at: datetime | None
    roles: frozenset[str]

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


_LISTED_COLUMNS = (User.id, User.organisation_id, User.title, User.given_name,
                   User.family_name, User.username, User.email, User.status, User.locked,
                   User.last_sign_in_at)


def find_users(actor: User, criteria: UserSearch, page: int = 1,
               organisation_id: int | None = None) -> Page:
    """A page of matching accounts as User entities (the service desk's list)."""
    statement = _search_statement(_organisation_scope(actor, organisation_id), criteria)

    def read(window: Select) -> list[User]:
        return list(db.session.scalars(rows_in(window, User.id, statement)))

    return _page_by_id(statement, page, read)


def find_users_listed(actor: User, criteria: UserSearch, page: int = 1) -> Page:
    """A page of matching accounts as `ListedUser`s, for Find user's table."""
    statement = _search_statement(_organisation_scope(actor, None), criteria)
    listed = statement.with_only_columns(*_LISTED_COLUMNS, _ROLES)

    def read(window: Select) -> list[ListedUser]:
        return [ListedUser(*row[:-1], roles=frozenset((row[-1] or "").split()))
                for row in db.session.execute(rows_in(window, User.id, listed))]

    return _page_by_id(statement, page, read)


# Each listed user's roles, space-separated, read in the same statement as the rows (a
# second query was a second round trip to the database on every page). Role names hold no
# spaces (rules/roles.py).
_ROLES = (select(func.aggregate_strings(UserRole.role, " "))
          .where(UserRole.user_id == User.id).correlate(User).scalar_subquery())


def _page_by_id(statement: Select, page: int, read) -> Page:
    """The page's user ids are read from the ordering index alone (on PostgreSQL it carries
    the id): a filter the index cannot seek (LIKE '%smi%') is checked on each index entry
    walked, not on a table row fetched for it. The page's rows are read by those ids in
    the same statement (`read`)."""
    return paginate(statement.with_only_columns(User.id), page, count_limit=COUNT_LIMIT,
                    read=read)


def users_for_export(actor: User, criteria: UserSearch) -> Iterator[User]:
    """Every match, for the housekeeping download. The download is audited now (in the
    caller's unit of work); the users are read a few hundred at a time as it is written."""
    require_area(actor, Area.USER_MANAGEMENT)
    statement = _search_statement(actor.organisation_id, criteria)
    count = db.session.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery()))
    audit.record("users.exported", actor=actor, details={"count": count,
                                                          "status": criteria.status})
    return _stream(statement)


def _stream(statement: Select) -> Iterator[User]:
    yield from db.session.scalars(statement.execution_options(yield_per=EXPORT_BATCH))
