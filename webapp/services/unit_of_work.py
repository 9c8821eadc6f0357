"""The unit of work: the one place a transaction begins and ends.

Services stage their changes, audit rows and emails in the session and never commit. The
caller owns the transaction: one per portal request (a view wraps its service calls in
`with unit_of_work():`), one per CLI command, one per chunk of a batch file, one per bulk
action. When the block ends the transaction commits and the staged emails go; when it
raises, everything is rolled back and no email leaves.

    with unit_of_work():
        user_management.suspend_user(actor, user_id, reason)
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from webapp.extensions import db
from webapp.services.errors import ChangedMeanwhile, Conflict

AFTER_COMMIT = "lrs_after_commit"
T = TypeVar("T")


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Commit what the block staged, or roll all of it back if the block raises.

    A row changed by someone else since it was read (a version mismatch) becomes
    ChangedMeanwhile; SQLite giving up waiting for another writer becomes Conflict."""
    session = db.session
    try:
        yield session
        session.commit()
    except BaseException as error:
        session.info.pop(AFTER_COMMIT, None)
        session.rollback()
        if isinstance(error, StaleDataError):
            raise ChangedMeanwhile() from None
        if isinstance(error, OperationalError) and "database is locked" in str(error):
            raise Conflict("Another change is being saved at the same moment. Try again.",
                           code="BUSY") from None
        raise


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` once the current transaction commits (emails, notices); forget it if
    the transaction is rolled back."""
    db.session.info.setdefault(AFTER_COMMIT, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for action in session.info.pop(AFTER_COMMIT, []):
        action()


@event.listens_for(Session, "after_rollback")
def _forget_after_commit(session: Session) -> None:
    session.info.pop(AFTER_COMMIT, None)


def unit_of_work_per_chunk(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield `rows` in lists of `size`; the caller's work on each list is one unit of work,
    committed before the next list is read (one commit per chunk, not per row)."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        with unit_of_work():
            yield chunk
