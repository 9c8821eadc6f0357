"""The achievement rules on their own (rules/achievements.py): pure, no database."""

from datetime import date

import pytest

from webapp.rules import achievements as rules

TODAY = date(2026, 11, 29)
ENTRY = rules.RegisterEntry("600/1166/X", "10012345", "restricted", date(2015, 9, 1),
                            date(2025, 8, 31), ["9", "8", "7", "U"])


@pytest.mark.parametrize(("award", "codes"), [
    (date(2019, 8, 22), []),
    (TODAY, []),
    (None, ["AWARD_DATE_REQUIRED"]),
    (date(2026, 11, 30), ["AWARD_DATE_IN_FUTURE"]),
    (date(2006, 8, 31), ["AWARD_DATE_TOO_EARLY"]),
    (date(2015, 8, 31), ["AWARD_DATE_BEFORE_START"]),
    (date(2025, 9, 1), ["AWARD_DATE_AFTER_CERTIFICATION_END"]),
])
def test_award_dates(award, codes):
    entry = ENTRY if award != TODAY else rules.RegisterEntry(
        "x", "1", "shared", date(2015, 9, 1), None, [])
    assert [p.code for p in rules.award_date_problems(award, TODAY, entry)] == codes


def test_ownership():
    assert rules.ownership_problem(ENTRY, "10012345") is None
    assert rules.ownership_problem(ENTRY, "10067890").code == "REFERENCE_NOT_OWNED"
    shared = rules.RegisterEntry("x", "10067890", "shared", date(2015, 9, 1), None, [])
    assert rules.ownership_problem(shared, "10012345") is None


@pytest.mark.parametrize(("action_date", "reason", "codes"), [
    (date(2026, 11, 1), "SUBINERROR", []),
    (None, None, ["ACTION_DATE_REQUIRED", "ACTION_REASON_REQUIRED"]),
    (date(2026, 11, 30), "WHATEVER", ["ACTION_DATE_IN_FUTURE", "BAD_ACTION_REASON"]),
])
def test_action_date_and_reason(action_date, reason, codes):
    assert [p.code for p in rules.action_problems(action_date, reason, TODAY)] == codes


@pytest.mark.parametrize(("action", "status", "code"), [
    ("update", "withdrawn", "ACHIEVEMENT_WITHDRAWN"),
    ("move", "withdrawn", "ACHIEVEMENT_WITHDRAWN"),
    ("withdraw", "withdrawn", "ACHIEVEMENT_WITHDRAWN"),
    ("reinstate", "active", "ACHIEVEMENT_ACTIVE"),
    ("update", "active", None),
    ("reinstate", "withdrawn", None),
])
def test_state(action, status, code):
    problem = rules.state_problem(action, status)
    assert (problem.code if problem else None) == code


@pytest.mark.parametrize(("supplied", "held", "same"), [
    ("John", "John", True), (" john ", "JOHN", True), ("Mary  Ann", "Mary Ann", True),
    ("John", "Johnathon", False), ("Jon", "John", False),
])
def test_names_used_to_find_an_achievement(supplied, held, same):
    assert rules.same_name(supplied, held) is same


def test_other_fields():
    assert rules.grade_problem("u", ENTRY.grades) is None
    assert "Use one of: 9, 8, 7, U" in rules.grade_problem("A", ENTRY.grades).fix
    assert rules.provider_ukprn_problem("") is None
    assert rules.provider_ukprn_problem("1234567").code == "BAD_UKPRN"
    assert rules.language_problem("Welsh") is None
    assert rules.language_problem("welsh").code == "BAD_LANGUAGE"
    assert rules.postcode_problem("sw1a1aa", "SW1A 1AA") is None
    assert rules.postcode_problem("LS1 4AP", None) is None
    assert rules.postcode_problem("LS1 4AP", "SW1A 1AA").code == "POSTCODE_DIFFERS"
    assert rules.verification_problem("VRC004", "Possible linked match", "1") is None
    assert rules.verification_problem("VRC006", "ULN not found", "1").code == \
        "LEARNER_NOT_VERIFIED"
    assert rules.reinstate_grade_problem(None, "7") is None
    assert rules.reinstate_grade_problem("9", "7").code == "REINSTATE_CHANGES_GRADE"
    assert set(rules.ACTION_REASONS) == {"ULNINVALID", "ACHINVALID", "DATINVALID",
                                         "SUBINERROR", "BATCHERROR"}
