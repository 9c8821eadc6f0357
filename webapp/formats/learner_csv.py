"""The learner register's import file (README, ‘The learner register’): one learner a row,
read into LearnerDetails with the row number and any problem reading a cell."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from webapp.formats.csv_files import read_rows
from webapp.rules.learner_data import LEARNER_FIELDS, LearnerDetails
from webapp.rules.problems import Problem

COLUMNS = ("uln", "given_name", "family_name", "preferred_given_name", "middle_other_names",
           "previous_family_name", "family_name_at_16", "date_of_birth", "gender", "postcode",
           "master_uln")
assert set(COLUMNS) == set(LEARNER_FIELDS)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class LearnerRow:
    number: int
    details: LearnerDetails
    problems: list[Problem]  # cells that could not be read; the rules' checks come later


def parse_iso_date(text: str) -> date | None:
    """YYYY-MM-DD only (Python would also take 20080501 and week dates)."""
    text = text.strip()
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_learners(source: TextIO) -> Iterator[LearnerRow]:
    for row in read_rows(source, COLUMNS):
        cells = row.cells
        problems = list(row.problems)
        born = parse_iso_date(cells["date_of_birth"])
        if cells["date_of_birth"] and born is None:
            problems.append(Problem("BAD_DATE", "Date of birth must be a real date as YYYY-MM-DD",
                                    "date_of_birth", cells["date_of_birth"]))
        details = LearnerDetails(**{
            **{name: cells[name] or None for name in COLUMNS},
            "uln": cells["uln"], "given_name": cells["given_name"],
            "family_name": cells["family_name"], "gender": cells["gender"],
            "date_of_birth": born, "postcode": cells["postcode"].upper() or None})
        yield LearnerRow(row.number, details, problems)


def learner_cells(details: LearnerDetails) -> list[str]:
    """One learner as a row of the import file (for the synthetic generator)."""
    values = details.as_dict()
    return ["" if values[name] is None else str(values[name]) for name in COLUMNS]
