"""The qualification register's import file (README, ‘The qualification register’): one
qualification or unit a row, read into QualificationDetails with the row number and any
problem reading a cell. The rules' checks come later (rules/qualifications.py)."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from webapp.formats.csv_files import read_rows
from webapp.formats.learner_csv import parse_iso_date
from webapp.rules.problems import Problem
from webapp.rules.qualifications import QualificationDetails, canonical_reference, parse_list

COLUMNS = ("reference", "kind", "title", "type", "level", "owner_ukprn", "availability",
           "operational_start_date", "operational_end_date", "certification_end_date",
           "grading_scale", "credit_value", "credits_required", "mandatory_units")
DATE_COLUMNS = ("operational_start_date", "operational_end_date", "certification_end_date")
NUMBER_COLUMNS = ("credit_value", "credits_required")


@dataclass(frozen=True)
class QualificationRow:
    number: int
    details: QualificationDetails
    problems: list[Problem]  # cells that could not be read


def read_qualifications(source: TextIO) -> Iterator[QualificationRow]:
    for row in read_rows(source, COLUMNS):
        cells, problems = row.cells, list(row.problems)
        dates = {}
        for name in DATE_COLUMNS:
            dates[name] = parse_iso_date(cells[name])
            if cells[name] and dates[name] is None:
                problems.append(Problem("BAD_DATE", "Dates must be real dates as YYYY-MM-DD",
                                        name, cells[name]))
        numbers = {}
        for name in NUMBER_COLUMNS:
            numbers[name] = int(cells[name]) if cells[name].isdigit() else None
            if cells[name] and numbers[name] is None:
                problems.append(Problem("BAD_NUMBER", "Credits must be a whole number", name,
                                        cells[name]))
        mandatory = ";".join(canonical_reference(unit)
                             for unit in parse_list(cells["mandatory_units"])) or None
        details = QualificationDetails(
            reference=canonical_reference(cells["reference"]), kind=cells["kind"].lower(),
            title=cells["title"], type=cells["type"], level=cells["level"],
            owner_ukprn=cells["owner_ukprn"], availability=cells["availability"].lower(),
            grading_scale=";".join(parse_list(cells["grading_scale"])),
            mandatory_units=mandatory, **dates, **numbers)
        yield QualificationRow(row.number, details, problems)


def qualification_cells(details: QualificationDetails) -> list[str]:
    values = details.as_dict()
    return ["" if values[name] is None else str(values[name]) for name in COLUMNS]
