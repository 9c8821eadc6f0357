"""The qualification and unit register: loading it (validated row by row, upserted a chunk
at a time, like the learner register) and looking references up for achievements.

    load = QualificationLoad()
    for chunk in unit_of_work_per_chunk(load.valid(read_qualifications(file)), CHUNK_ROWS):
        load.save(chunk)
    with unit_of_work():
        load.finish()

webapp/jobs.py's import_qualifications does exactly that for `lrs import-qualifications`."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update

from webapp.extensions import db
from webapp.formats.qualification_csv import COLUMNS, QualificationRow
from webapp.models import Qualification
from webapp.rules.problems import Problem
from webapp.rules.qualifications import (
    QualificationDetails,
    canonical_reference,
    parse_list,
    qualification_problems,
)
from webapp.services import audit

DATA_FIELDS = tuple(name for name in COLUMNS if name != "reference")
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
    missing_mandatory_units: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.inserted + self.updated + self.unchanged + self.rejected_count

    def lines(self) -> Iterator[str]:
        yield (f"Rows read: {self.read}. Inserted {self.inserted}, updated {self.updated}, "
               f"unchanged {self.unchanged}, rejected {self.rejected_count}.")
        if self.missing_mandatory_units:
            yield (f"{len(self.missing_mandatory_units)} mandatory unit(s) are not on the "
                   "register: import them as kind unit ("
                   + ", ".join(self.missing_mandatory_units[:10])
                   + (", …" if len(self.missing_mandatory_units) > 10 else "") + ").")
        for rejected in self.rejected:
            for problem in rejected.problems:
                value = f" (value ‘{problem.value}’)" if problem.value else ""
                yield (f"Row {rejected.row}: {problem.field or 'row'}{value}: {problem.message}"
                       + (f" Fix: {problem.fix}" if problem.fix != problem.message else ""))
        if self.rejected_count > len(self.rejected):
            yield f"… and {self.rejected_count - len(self.rejected)} more rejected rows."


class QualificationLoad:
    """One load of the register, reported as it goes."""

    def __init__(self):
        self.report = ImportReport()

    def valid(self, rows: Iterable[QualificationRow]) -> Iterator[QualificationDetails]:
        for row in rows:
            problems = row.problems + [
                problem for problem in qualification_problems(row.details)
                if not (problem.code == "START_DATE_REQUIRED" and row.problems)]
            if problems:
                self.report.rejected_count += 1
                if len(self.report.rejected) < REPORT_LIMIT:
                    self.report.rejected.append(RejectedRow(row.number, problems))
                continue
            yield row.details

    def save(self, chunk: list[QualificationDetails]) -> None:
        """Stage inserts and updates for one chunk; a later row for a reference wins."""
        by_reference = {details.reference: details.as_dict() for details in chunk}
        existing = {held.reference: held for held in db.session.scalars(
            select(Qualification).where(Qualification.reference.in_(by_reference)))}
        new_rows, changed_rows = [], []
        for reference, values in by_reference.items():
            held = existing.get(reference)
            if held is None:
                new_rows.append(values)
            elif any(getattr(held, name) != values[name] for name in DATA_FIELDS):
                changed_rows.append(values)
            else:
                self.report.unchanged += 1
        self.report.unchanged += len(chunk) - len(by_reference)
        if new_rows:
            db.session.execute(insert(Qualification), new_rows)
        if changed_rows:
            db.session.execute(update(Qualification), changed_rows)
        for held in existing.values():
            db.session.expunge(held)
        self.report.inserted += len(new_rows)
        self.report.updated += len(changed_rows)

    def finish(self) -> ImportReport:
        """List mandatory units that are not on the register, and audit the load."""
        report = self.report
        report.missing_mandatory_units = missing_mandatory_units()
        audit.record("qualifications.imported", details={
            "inserted": report.inserted, "updated": report.updated,
            "unchanged": report.unchanged, "rejected": report.rejected_count})
        return report


def missing_mandatory_units() -> list[str]:
    named = set()
    for text in db.session.scalars(select(Qualification.mandatory_units)
                                   .where(Qualification.mandatory_units.is_not(None))):
        named.update(parse_list(text))
    if not named:
        return []
    held = set(db.session.scalars(select(Qualification.reference)
                                  .where(Qualification.reference.in_(named))))
    return sorted(named - held)


def find(reference: str) -> Qualification | None:
    """The qualification or unit for a reference as typed (an aim reference too)."""
    return db.session.get(Qualification, canonical_reference(reference))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Qualification))


def units_of(qualification: Qualification) -> list[Qualification]:
    """The mandatory units of a qualification built from units, as held."""
    references = qualification.mandatory_unit_list
    if not references:
        return []
    return list(db.session.scalars(select(Qualification)
                                   .where(Qualification.reference.in_(references))))


def unit_based_qualifications() -> list[Qualification]:
    return list(db.session.scalars(select(Qualification)
                                   .where(Qualification.credits_required.is_not(None))
                                   .order_by(Qualification.title)))
