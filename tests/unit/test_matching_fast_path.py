"""The exact-names fast path of matching.verify gives exactly the Verification of the full
engine (code, flags, checks, returned details), on every case of the labelled sets in
bench/data and on variants of them: names shouted and spaced, decomposed accents, a date
of birth or gender that differs or is missing, and linked ULNs both ways round."""

import csv
import unicodedata
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from webapp.rules import matching, names
from webapp.rules.learner_data import LearnerDetails
from webapp.rules.matching import Supplied

CASE_SETS = [Path(__file__).parents[2] / "bench" / "data" / name
             for name in ("match_cases_independent.csv", "match_cases_fresh.csv")]


def _cases() -> list[tuple[Supplied, LearnerDetails]]:
    cases = []
    for path in CASE_SETS:
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                uln = f"{len(cases) + 1:010d}"
                held = LearnerDetails(
                    uln, row["held_given"], row["held_family"],
                    date.fromisoformat(row["held_dob"]), row["held_gender"],
                    middle_other_names=row["held_middle"] or None,
                    previous_family_name=row["held_previous_family"] or None)
                supplied = Supplied(
                    uln, row["supplied_given"], row["supplied_family"],
                    date.fromisoformat(row["supplied_dob"]) if row["supplied_dob"] else None,
                    row["supplied_gender"] or None)
                cases.append((supplied, held))
    return cases


CASES = _cases()


def _shouted(name: str) -> str:
    return f"  {' '.join(name.upper().split())}  " if name else name


def _questions(supplied: Supplied, held: LearnerDetails, neighbour: LearnerDetails):
    """(supplied, held, linked, linked_held) to ask about one case."""
    born = held.date_of_birth
    yield supplied, held, False, None
    yield replace(supplied, given_name=_shouted(supplied.given_name),
                  family_name=unicodedata.normalize("NFD", _shouted(supplied.family_name))
                  ), held, False, None
    yield replace(supplied, date_of_birth=born + timedelta(days=1)), held, False, None
    yield replace(supplied, date_of_birth=None, gender=None), held, False, None
    yield replace(supplied, gender={"1": "2", "2": "1"}.get(held.gender, "1")), held, False, None
    yield supplied, neighbour, True, held    # the case's learner is the linked ULN's own
    yield supplied, held, True, neighbour    # the case's learner is the master


def _answers() -> list:
    return [matching.verify(*question)
            for index, (supplied, held) in enumerate(CASES)
            for question in _questions(supplied, held, CASES[index - 1][1])]


def test_the_fast_path_answers_exactly_as_the_full_engine(monkeypatch):
    fast = _answers()
    monkeypatch.setattr(matching, "_exact_names", lambda supplied, held: None)
    full = _answers()
    assert len(fast) == len(full) > 50_000
    differing = [(index, a, b) for index, (a, b) in enumerate(zip(fast, full, strict=True))
                 if a != b]
    assert differing == []
    # the sets and variants reach every code the fast path can give, and the others
    assert {answer.code for answer in fast} == {"VRC001", "VRC002", "VRC003", "VRC004",
                                                "VRC005"}


def test_exact_names_are_decided_before_any_fuzzy_work():
    names.clear_name_caches()
    held = LearnerDetails("4715200006", "Siobhán", "O’Brien", date(2008, 3, 27), "2")
    result = matching.verify(Supplied("4715200006", " SIOBHÁN ", "o’brien ",
                                      date(2008, 3, 27), "1"), held)
    assert (result.code, result.flags) == ("VRC005", ["VRF8"])
    assert names.profile.cache_info().currsize == 0   # no name was profiled


@pytest.mark.parametrize(("given", "family"), [("Siobhan", "O’Brien"), ("Siobhán", "OBrien"),
                                               ("", "O’Brien"), ("Siobhán", " ")])
def test_names_that_are_not_both_exact_take_the_full_engine(given, family):
    held = LearnerDetails("4715200006", "Siobhán", "O’Brien", date(2008, 3, 27), "2")
    assert matching._exact_names(Supplied("4715200006", given, family), held) is None
