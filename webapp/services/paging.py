"""One way to page a query: fetch one page, count only when the page is full, clamp the
page number."""

from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, select

from webapp.extensions import db

PER_PAGE = 25
# A page number from a query string is capped before it becomes an OFFSET: 10**20 would
# overflow the database's integer. No list here comes near a million pages.
MAX_PAGE = 1_000_000


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page links a pagination shows: the first and last pages and those within
        `around` of this one, with None (an ellipsis) one step further out. Worked out
        from those few candidates, so 2,000 pages cost no more than 5."""
        reach = around + 1
        near = range(max(1, self.number - reach), min(self.pages, self.number + reach) + 1)
        shown = []
        for number in sorted({1, self.pages, *near}):
            if number in (1, self.pages) or abs(number - self.number) <= around:
                shown.append(number)
            elif abs(number - self.number) == reach:
                shown.append(None)
        return shown

    @classmethod
    def empty(cls, per_page: int = PER_PAGE) -> "Page":
        return cls(items=[], number=1, per_page=per_page, total=0)


def paginate(statement: Select, page: int, per_page: int = PER_PAGE) -> Page:
    """`statement` must already be ordered. A page number past the end shows the last page.

    The page is read first: when it is not full and not empty (or is the empty first
    page), it is the last one, so the total is known without a count. A narrow search,
    which is most of them, costs one query; only a full page also counts."""
    number = min(max(1, page), MAX_PAGE)
    items = _page_items(statement, number, per_page)
    if len(items) < per_page and (items or number == 1):
        return Page(items=items, number=number, per_page=per_page,
                    total=(number - 1) * per_page + len(items))
    total = db.session.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery()))
    last = max(1, ceil(total / per_page))
    if number > last:  # past the end: the last page instead
        number = last
        items = _page_items(statement, number, per_page)
    return Page(items=items, number=number, per_page=per_page, total=total)


def _page_items(statement: Select, number: int, per_page: int) -> list:
    return list(db.session.scalars(statement.limit(per_page).offset((number - 1) * per_page)))
