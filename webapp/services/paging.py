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
    """`statement` must already be ordered. A page number past the end shows the last page."""
    total = db.session.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery()))
    number = min(max(1, page), max(1, ceil(total / per_page)))
    items = list(db.session.scalars(statement.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, per_page=per_page, total=total)
