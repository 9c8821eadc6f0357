"""The qualification register's rules: references, the QAN check character, grading scales,
credits and dates (rules/qualifications.py)."""

import csv
from datetime import date
from importlib import resources

import pytest

from webapp.rules.qualifications import (
    QUALIFICATION,
    UNIT,
    QualificationDetails,
    canonical_reference,
    grade_in_scale,
    grading_scale_problems,
    qan_check_character,
    qualification_problems,
    reference_kind,
    reference_problem,
)


@pytest.mark.parametrize("reference", ["600/1166/X", "100/2510/8", "100/2508/X", "601/4640/0"])
def test_real_qualification_numbers_have_the_right_check_character(reference):
    assert qan_check_character(reference[:3] + reference[4:8]) == reference[-1]
    assert reference_problem(reference) is None


def test_every_demo_qualification_number_passes_the_check():
    text = resources.files("webapp.services.data").joinpath("demo_qualifications.csv")
    with text.open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    assert len(rows) > 500
    assert all(reference_problem(row["reference"]) is None for row in rows)


@pytest.mark.parametrize(("text", "held", "kind"), [
    ("600/1166/X", "600/1166/X", QUALIFICATION),
    ("6001166X", "600/1166/X", QUALIFICATION),      # aim reference without obliques
    (" 6001166x ", "600/1166/X", QUALIFICATION),
    ("K/501/5773", "K/501/5773", UNIT),
    ("k/501/5773", "K/501/5773", UNIT),
])
def test_references_are_held_one_way(text, held, kind):
    assert canonical_reference(text) == held
    assert reference_kind(text) == kind
    assert reference_problem(text) is None


@pytest.mark.parametrize(("text", "code"), [
    ("", "REFERENCE_REQUIRED"),
    ("600/1166/1", "BAD_CHECK_CHARACTER"),
    ("60011661", "BAD_CHECK_CHARACTER"),
    ("600-1166-X", "BAD_REFERENCE"),
    ("600/116/X", "BAD_REFERENCE"),
    ("KK/501/5773", "BAD_REFERENCE"),
    ("1/501/5773", "BAD_REFERENCE"),
    ("ZZZ01234", "BAD_REFERENCE"),
])
def test_bad_references_are_named(text, code):
    problem = reference_problem(text)
    assert problem is not None and problem.code == code and problem.field == "reference"


def test_a_reference_asked_about_again_is_answered_from_the_first_time_for_its_own_field():
    """An achievement row asks about its reference in the file's field rules and again in
    the service: the answers are kept, each for the field and label it was asked with."""
    reference_problem.cache_clear()
    assert reference_problem("600/1166/X") is None and reference_problem("600/1166/X") is None
    assert reference_problem.cache_info().hits == 1
    in_service = reference_problem("600/1166/1")
    in_file = reference_problem("600/1166/1", "Reference", "Reference")
    assert (in_service.field, in_service.code) == ("reference", "BAD_CHECK_CHARACTER")
    assert in_service.message.startswith("Aim reference number is not valid")
    assert (in_file.field, in_file.message.split()[0]) == ("Reference", "Reference")
    assert canonical_reference(" 6001166x ") == "600/1166/X" == canonical_reference("6001166X")


def test_a_long_reference_is_refused_without_being_kept():
    reference_problem.cache_clear()
    canonical_reference.cache_clear()
    assert reference_problem("6" * 100_000).code == "BAD_REFERENCE"
    assert reference_problem.cache_info().currsize == canonical_reference.cache_info().currsize == 0


@pytest.mark.parametrize(("scale", "codes"), [
    ("A*;A;B;C;D;E;U", []),
    ("9;8;7;6;5;4;3;2;1;U", []),
    ("Pass;Merit;Distinction", []),
    ("", ["GRADING_SCALE_REQUIRED"]),
    ("Pass;pass", ["GRADE_REPEATED"]),
    ("Pass;" + "X" * 21, ["GRADE_TOO_LONG"]),
])
def test_grading_scales(scale, codes):
    assert [problem.code for problem in grading_scale_problems(scale)] == codes


def test_a_grade_is_matched_as_the_scale_spells_it():
    assert grade_in_scale("merit", ["Pass", "Merit"]) == "Merit"
    assert grade_in_scale("a*", ["A*", "A"]) == "A*"
    assert grade_in_scale("F", ["Pass", "Fail"]) is None


def details(**changes) -> QualificationDetails:
    values = dict(reference="600/1166/X", kind="qualification", title="GCSE in Mathematics",
                  type="GCSE", level="1/2", owner_ukprn="10000001", availability="restricted",
                  operational_start_date=date(2015, 9, 1), operational_end_date=None,
                  certification_end_date=None, grading_scale="9;8;7;6;5;4;3;2;1;U")
    return QualificationDetails(**{**values, **changes})


UNIT_ROW = dict(reference="K/501/5773", kind="unit", credit_value=3, grading_scale="Pass;Fail")


@pytest.mark.parametrize(("changes", "codes"), [
    ({}, []),
    (UNIT_ROW, []),
    ({"credits_required": 25, "mandatory_units": "K/501/5773;H/650/1001"}, []),
    ({"kind": "course"}, ["BAD_KIND"]),
    ({"kind": "unit", "credit_value": 3}, ["REFERENCE_KIND"]),
    ({"reference": "600/1166/1"}, ["BAD_CHECK_CHARACTER"]),
    ({"title": ""}, ["TITLE_REQUIRED"]),
    ({"level": "x" * 21}, ["LEVEL_TOO_LONG"]),
    ({"owner_ukprn": "1234"}, ["BAD_UKPRN"]),
    ({"availability": "public"}, ["BAD_AVAILABILITY"]),
    ({"operational_start_date": None}, ["START_DATE_REQUIRED"]),
    ({"operational_end_date": date(2014, 1, 1)}, ["END_BEFORE_START"]),
    ({"operational_end_date": date(2020, 1, 1), "certification_end_date": date(2019, 1, 1)},
     ["CERTIFICATION_BEFORE_END"]),
    ({**UNIT_ROW, "credit_value": None}, ["CREDIT_VALUE_REQUIRED"]),
    ({**UNIT_ROW, "credit_value": 0}, ["BAD_CREDITS"]),
    ({**UNIT_ROW, "credits_required": 10}, ["UNIT_WITH_UNITS"]),
    ({"mandatory_units": "K/501/5773"}, ["CREDITS_REQUIRED_MISSING"]),
    ({"credits_required": 25, "mandatory_units": "600/1166/X"}, ["BAD_MANDATORY_UNIT"]),
])
def test_register_rows(changes, codes):
    assert [problem.code for problem in qualification_problems(details(**changes))] == codes
