"""One way to page a query: count once, clamp the page number, fetch one page."""

from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, select

from webapp.extensions import db

PER_PAGE = 25


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @classmethod
    def empty(cls, per_page: int = PER_PAGE) -> "Page":
        return cls(items=[], number=1, per_page=per_page, total=0)


def paginate(statement: Select, page: int, per_page: int = PER_PAGE) -> Page:
    """`statement` must already be ordered and select one entity. One scan gives the page
    and the number of matches (count(*) OVER ()); only a page number past the end costs a
    count and a second fetch, of the last page."""
    number = max(1, page)
    rows = _page_rows(statement, number, per_page)
    if rows:
        return Page(items=[row[0] for row in rows], number=number, per_page=per_page,
                    total=rows[0][1])
    total = db.session.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery()))
    if total == 0 or number == 1:
        return Page(items=[], number=1, per_page=per_page, total=total)
    last = ceil(total / per_page)
    return Page(items=[row[0] for row in _page_rows(statement, last, per_page)], number=last,
                per_page=per_page, total=total)


def _page_rows(statement: Select, number: int, per_page: int) -> list:
    counted = statement.add_columns(func.count().over().label("total_matches"))
    return db.session.execute(counted.limit(per_page).offset((number - 1) * per_page)).all()
