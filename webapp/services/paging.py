"""One way to page a query: fetch one page, count only when the page is full, clamp the
page number, and optionally stop counting at a bound."""

from collections.abc import Callable
from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, literal, select

from webapp.extensions import db

PER_PAGE = 25
# A page number from a query string is capped before it becomes an OFFSET: 10**20 would
# overflow the database's integer. No list here comes near a million pages.
MAX_PAGE = 1_000_000


@dataclass
class Page:
    """`total` is the number of matches; when not `exact`, a number they exceed (the
    count stopped there), so the last page is not known and every page has a next."""

    items: list
    number: int
    per_page: int
    total: int
    exact: bool = True

    @property
    def pages(self) -> int:
        """The last page, or when not exact the last page known to exist."""
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages or not self.exact

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page links a pagination shows: the first and last pages and those within
        `around` of this one, with None (an ellipsis) one step further out. Worked out
        from those few candidates, so 2,000 pages cost no more than 5. Past a bounded
        count there is no last page to link: an ellipsis ends the list."""
        reach = around + 1
        ends = {1, self.pages} if self.exact else {1}
        near = range(max(1, self.number - reach), min(self.pages, self.number + reach) + 1)
        shown = []
        for number in sorted(ends | set(near)):
            if number in ends or abs(number - self.number) <= around:
                shown.append(number)
            elif abs(number - self.number) == reach:
                shown.append(None)
        if not self.exact and shown[-1] is not None:
            shown.append(None)
        return shown

    @classmethod
    def empty(cls, per_page: int = PER_PAGE) -> "Page":
        return cls(items=[], number=1, per_page=per_page, total=0)


def paginate(statement: Select, page: int, per_page: int = PER_PAGE,
             count_limit: int | None = None,
             read: Callable[[Select], list] | None = None) -> Page:
    """`statement` must already be ordered. A page number past the end shows the last page.

    The page is read first: when it is not full and not empty (or is the empty first
    page), it is the last one, so the total is known without a count. A narrow search,
    which is most of them, costs one query; only a full page also counts. With a
    `count_limit` the count stops past that many matches (or past this page, if further):
    a wide search costs the same in a large organisation as in a small one.

    To read a page from an index alone, page a statement of the key the index carries and
    give `read`: it is handed that statement limited to the page (the window) and reads
    the page's rows in one statement, those whose key is in the window (`rows_in`), in
    the same order (Find user, the EDC list)."""
    read = read or _scalars
    number = min(max(1, page), MAX_PAGE)
    items = read(_window(statement, number, per_page))
    found = len(items)
    if found < per_page and (found or number == 1):
        return Page(items=items, number=number, per_page=per_page,
                    total=(number - 1) * per_page + found)
    bound = None if count_limit is None else max(count_limit, number * per_page)
    total = _count(statement, bound)
    if bound is not None and total > bound:
        return Page(items=items, number=number, per_page=per_page, total=bound, exact=False)
    last = max(1, ceil(total / per_page))
    if number > last:  # past the end: the last page instead
        number = last
        items = read(_window(statement, number, per_page))
    return Page(items=items, number=number, per_page=per_page, total=total)


def rows_in(window: Select, key, rows: Select) -> Select:
    """`rows` (already ordered as the page is) of the keys in a page's `window`: one
    statement, so one round trip, and the page and its rows are one snapshot. `rows` must
    give exactly one row a key (joins along non-null keys only): how full the page is, and
    so whether it is the last, is read from the rows."""
    return rows.where(key.in_(window.scalar_subquery()))


def _count(statement: Select, bound: int | None) -> int:
    """The matches, or bound + 1 when there are more than bound."""
    return db.session.scalar(count_statement(statement, bound))


def count_statement(statement: Select, bound: int | None = None) -> Select:
    """A limited subquery is not flattened into the count, so a bounded one selects a
    constant, not the rows' columns: the count can then read an index alone. (So a bound
    is not for a DISTINCT statement.)"""
    matches = statement.order_by(None)
    if bound is not None:
        matches = matches.with_only_columns(literal(1), maintain_column_froms=True).limit(
            bound + 1)
    return select(func.count()).select_from(matches.subquery())


def _window(statement: Select, number: int, per_page: int) -> Select:
    return statement.limit(per_page).offset((number - 1) * per_page)


def _scalars(window: Select) -> list:
    return list(db.session.scalars(window))
