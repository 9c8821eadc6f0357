"""The learner register: import from CSV (streamed, validated, upserted in chunks) and
look-ups for verification."""

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import TextIO

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.models import Learner
from webapp.rules.learner_data import LearnerDataError, LearnerRecord, learner_errors
from webapp.services import audit

COLUMNS = ("uln", "given_name", "family_name", "preferred_given_name", "middle_other_names",
           "previous_family_name", "family_name_at_16", "date_of_birth", "gender", "postcode",
           "master_uln")
DATA_COLUMNS = COLUMNS[1:]
CHUNK_ROWS = 2000
REPORT_LIMIT = 1000  # rejected rows listed in full; beyond this only counted


@dataclass
class RejectedRow:
    row: int
    errors: list[LearnerDataError]


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
            for error in rejected.errors:
                value = f" (value ‘{error.value}’)" if error.value else ""
                yield f"Row {rejected.row}: {error.field}{value}: {error.message}"
        if self.rejected_count > len(self.rejected):
            yield f"… and {self.rejected_count - len(self.rejected)} more rejected rows."


class BadHeader(ValueError):
    pass


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(text: str) -> date | None:
    """YYYY-MM-DD only (Python would also take 20080501 and week dates)."""
    text = text.strip()
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _record(row: dict) -> tuple[LearnerRecord, list[LearnerDataError]]:
    text = {column: (row.get(column) or "").strip() for column in COLUMNS}
    date_of_birth = _parse_date(text["date_of_birth"])
    errors = []
    if text["date_of_birth"] and date_of_birth is None:
        errors.append(LearnerDataError("date_of_birth", "BAD_DATE", text["date_of_birth"],
                                       "Date of birth must be a real date as YYYY-MM-DD"))
        text["date_of_birth"] = "invalid"
    record = LearnerRecord(**{**text, "date_of_birth": date_of_birth})
    return record, errors


def _values(record: LearnerRecord) -> dict:
    return {
        "uln": record.uln, "given_name": record.given_name, "family_name": record.family_name,
        "preferred_given_name": record.preferred_given_name or None,
        "middle_other_names": record.middle_other_names or None,
        "previous_family_name": record.previous_family_name or None,
        "family_name_at_16": record.family_name_at_16 or None,
        "date_of_birth": record.date_of_birth, "gender": record.gender,
        "postcode": record.postcode.upper() or None, "master_uln": record.master_uln or None,
    }


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _save_chunk(chunk: list[dict], report: ImportReport) -> None:
    by_uln = {values["uln"]: values for values in chunk}  # a later row for a ULN wins
    existing = {learner.uln: learner for learner in db.session.scalars(
        select(Learner).where(Learner.uln.in_(by_uln)))}
    new_rows, changed_rows = [], []
    for uln, values in by_uln.items():
        held = existing.get(uln)
        if held is None:
            new_rows.append(values)
        elif any(getattr(held, column) != values[column] for column in DATA_COLUMNS):
            changed_rows.append(values)
        else:
            report.unchanged += 1
    report.unchanged += len(chunk) - len(by_uln)
    if new_rows:
        db.session.execute(insert(Learner), new_rows)
    if changed_rows:
        db.session.execute(update(Learner), changed_rows)
    for learner in existing.values():  # keep memory flat; leave the caller's objects alone
        db.session.expunge(learner)
    db.session.commit()
    report.inserted += len(new_rows)
    report.updated += len(changed_rows)


def import_learners(source: TextIO, today: date, chunk_rows: int = CHUNK_ROWS) -> ImportReport:
    """Read learners from CSV, row by row; valid rows are inserted or updated by ULN in
    chunks (each its own transaction), invalid rows reported with row, field and reason."""
    reader = csv.DictReader(source)
    reader.fieldnames = [name.strip().lstrip("\ufeff") for name in (reader.fieldnames or ())]
    header = tuple(reader.fieldnames)
    missing = [column for column in COLUMNS if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    if missing or unknown:
        raise BadHeader("The header must be: " + ",".join(COLUMNS) + (
            f". Missing: {', '.join(missing)}" if missing else "") + (
            f". Not expected: {', '.join(unknown)}" if unknown else ""))
    report = ImportReport()

    def valid_rows():
        for row in reader:
            row_number = reader.line_num  # the file's line, blank lines included
            record, errors = _record(row)
            errors += [e for e in learner_errors(record, today)
                       if not (e.field == "date_of_birth" and errors)]
            if errors:
                report.rejected_count += 1
                if len(report.rejected) < REPORT_LIMIT:
                    report.rejected.append(RejectedRow(row_number, errors))
                continue
            yield _values(record)

    for chunk in _chunks(valid_rows(), chunk_rows):
        _save_chunk(chunk, report)
    report.missing_masters = count_missing_masters()
    report.chained_links = count_chained_links()
    audit.record("learners.imported", details={
        "inserted": report.inserted, "updated": report.updated, "unchanged": report.unchanged,
        "rejected": report.rejected_count})
    db.session.commit()
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


def learner_for_verification(uln: str) -> tuple[Learner | None, bool]:
    """The learner whose details a verification of this ULN is checked against: the master
    for a linked ULN (and True, linked), otherwise the learner itself. A chain of links is
    followed to its end; a loop or a missing master stops at the last learner found."""
    learner = db.session.get(Learner, uln)
    if learner is None:
        return None, False
    current, seen = learner, {learner.uln}
    for _hop in range(MAX_LINK_HOPS):
        if not current.master_uln or current.master_uln in seen:
            break
        master = db.session.get(Learner, current.master_uln)
        if master is None:
            break
        current = master
        seen.add(master.uln)
    return current, current is not learner
