"""The learner register: loading learners (validated, upserted a chunk at a time) and
looking them up for verification.

Loading is staged chunk by chunk; the caller owns each chunk's transaction:

    load = LearnerLoad(today)
    for chunk in unit_of_work_per_chunk(load.valid(read_learners(file)), CHUNK_ROWS):
        load.save(chunk)
    with unit_of_work():
        load.finish()

webapp/jobs.py's import_learners does exactly that for the CLI and the tests."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.formats.learner_csv import LearnerRow
from webapp.models import Learner
from webapp.rules.learner_data import LEARNER_FIELDS, LearnerDetails, learner_errors
from webapp.rules.problems import Problem
from webapp.services import audit

DATA_FIELDS = tuple(name for name in LEARNER_FIELDS if name != "uln")
CHUNK_ROWS = 2000
REPORT_LIMIT = 1000  # rejected rows listed in full; beyond this only counted


@dataclass
class RejectedRow:
    row: int
    problems: list[Problem]


@dataclass
class ImportReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_count: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    missing_masters: int = 0
    chained_links: int = 0

    @property
    def read(self) -> int:
        return self.inserted + self.updated + self.unchanged + self.rejected_count

    def lines(self) -> Iterator[str]:
        yield (f"Rows read: {self.read}. Inserted {self.inserted}, updated {self.updated}, "
               f"unchanged {self.unchanged}, rejected {self.rejected_count}.")
        if self.missing_masters:
            yield (f"{self.missing_masters} learner(s) link to a master ULN that is not on the "
                   "register: import the master learners too.")
        if self.chained_links:
            yield (f"{self.chained_links} learner(s) link to a ULN that is itself linked: "
                   "point every linked ULN at the master. Verification follows the chain.")
        for rejected in self.rejected:
            for problem in rejected.problems:
                value = f" (value ‘{problem.value}’)" if problem.value else ""
                yield f"Row {rejected.row}: {problem.field}{value}: {problem.message}"
        if self.rejected_count > len(self.rejected):
            yield f"… and {self.rejected_count - len(self.rejected)} more rejected rows."


class LearnerLoad:
    """One load of learners into the register, reported as it goes."""

    def __init__(self, today: date):
        self.today = today
        self.report = ImportReport()

    def valid(self, rows: Iterable[LearnerRow]) -> Iterator[LearnerDetails]:
        """The rows that pass every rule of appendix B; the others go into the report."""
        for row in rows:
            problems = row.problems + [
                problem for problem in learner_errors(row.details, self.today)
                if not (problem.field == "date_of_birth" and row.problems)]
            if problems:
                self.report.rejected_count += 1
                if len(self.report.rejected) < REPORT_LIMIT:
                    self.report.rejected.append(RejectedRow(row.number, problems))
                continue
            yield row.details

    def save(self, chunk: list[LearnerDetails]) -> None:
        """Stage inserts and updates for one chunk; a later row for a ULN wins."""
        by_uln = {details.uln: details.as_dict() for details in chunk}
        existing = {learner.uln: learner for learner in db.session.scalars(
            select(Learner).where(Learner.uln.in_(by_uln)))}
        new_rows, changed_rows = [], []
        for uln, values in by_uln.items():
            held = existing.get(uln)
            if held is None:
                new_rows.append(values)
            elif any(getattr(held, name) != values[name] for name in DATA_FIELDS):
                changed_rows.append(values)
            else:
                self.report.unchanged += 1
        self.report.unchanged += len(chunk) - len(by_uln)
        if new_rows:
            db.session.execute(insert(Learner), new_rows)
        if changed_rows:
            db.session.execute(update(Learner), changed_rows)
        for learner in existing.values():  # keep memory flat; leave the caller's objects alone
            db.session.expunge(learner)
        self.report.inserted += len(new_rows)
        self.report.updated += len(changed_rows)

    def finish(self) -> ImportReport:
        """Count links that need attention and audit the load."""
        report = self.report
        report.missing_masters = count_missing_masters()
        report.chained_links = count_chained_links()
        audit.record("learners.imported", details={
            "inserted": report.inserted, "updated": report.updated,
            "unchanged": report.unchanged, "rejected": report.rejected_count})
        return report


def count_missing_masters() -> int:
    master = aliased(Learner)
    return db.session.scalar(
        select(func.count()).select_from(Learner)
        .outerjoin(master, master.uln == Learner.master_uln)
        .where(Learner.master_uln.is_not(None), master.uln.is_(None)))


def count_chained_links() -> int:
    master = aliased(Learner)
    return db.session.scalar(
        select(func.count()).select_from(Learner)
        .join(master, master.uln == Learner.master_uln)
        .where(master.master_uln.is_not(None)))


MAX_LINK_HOPS = 5


# A batch chunk's learners while holding() runs (a context variable: read once or twice a
# row, cheaper than the scoped session's info).
_HELD: ContextVar[dict | None] = ContextVar("learners_held", default=None)


@contextmanager
def holding(records: dict) -> Iterator[None]:
    """learner_for_verification reads these records (by ULN; None: no such learner) instead
    of asking the session one ULN at a time: a batch chunk loads its learners at once, in
    the same transaction, as rows with the learner's details (every caller only reads
    them). A ULN not among them is asked for as usual."""
    token = _HELD.set(records)
    try:
        yield
    finally:
        _HELD.reset(token)


def _learner(uln: str):
    held = _HELD.get()
    if held is not None and uln in held:
        return held[uln]
    return db.session.get(Learner, uln)


class VerificationRecords(NamedTuple):
    """What a verification of one ULN is checked against (guide 13.2)."""
    master: Learner | None   # whose details are returned: the learner itself when not linked
    linked: bool             # the ULN is linked to another (master) ULN
    own: Learner | None      # the supplied ULN's own record (the master itself when not linked)


def learner_for_verification(uln: str) -> VerificationRecords:
    """The records a verification of this ULN is checked against: the supplied ULN's own
    record and, for a linked ULN, its master (the details returned). A chain of links is
    followed to its end; a loop or a missing master stops at the last learner found."""
    learner = _learner(uln)
    if learner is None:
        return VerificationRecords(None, False, None)
    current, seen = learner, {learner.uln}
    for _hop in range(MAX_LINK_HOPS):
        if not current.master_uln or current.master_uln in seen:
            break
        master = _learner(current.master_uln)
        if master is None:
            break
        current = master
        seen.add(master.uln)
    return VerificationRecords(current, current is not learner, learner)
