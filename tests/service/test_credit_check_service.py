"""Perform Credit Check (services/credit_check.py): what counts, the total, the mandatory
units, the verdict and the refusals. SQLite and PostgreSQL."""

from datetime import date

import pytest

from tests.achievement_data import (
    ANN,
    DIPLOMA,
    JAMES,
    LINKED,
    NOBODY,
    OWN,
    TODAY,
    UNIT,
    UNIT_2,
    UNIT_3,
    load_registers,
    qcf_user,
    rival_user,
)
from tests.helpers import AsChannel
from webapp.services import achievements as achievement_service
from webapp.services import credit_check as credit_check_service
from webapp.services.achievements import Action, Lookup, NewAchievement, SubmittedLearner
from webapp.services.errors import Forbidden, ValidationFailed

achievements = AsChannel(achievement_service)
credit = AsChannel(credit_check_service)
JAMES_SMITH = SubmittedLearner(JAMES, "James", "Smith")


@pytest.fixture
def qcf(app, make_user, organisation, other_organisation):
    load_registers()
    return qcf_user(make_user)


def award(actor, unit, when=date(2020, 6, 1), learner=JAMES_SMITH):
    return achievements.create(actor, NewAchievement(learner, unit, when, "Pass"), today=TODAY)


def test_nothing_achieved(qcf):
    result = credit.check(qcf, JAMES, DIPLOMA)
    assert (result.total, result.required, result.met) == (0, 12, False)
    assert [unit.reference for unit in result.missing] == [UNIT, UNIT_3]
    assert result.verdict == "Not yet: the learner needs 12 more credits (0 of 12) and 2 " \
                             "mandatory units."


def test_met_with_units_from_two_organisations_on_a_linked_uln(qcf, make_user,
                                                                other_organisation):
    award(qcf, UNIT)
    award(qcf, UNIT_2)
    award(rival_user(make_user, other_organisation), UNIT_3)   # shared unit, other AO
    result = credit.check(qcf, LINKED, DIPLOMA)
    assert result.uln == JAMES
    assert (result.total, result.met, result.missing) == (13, True, [])
    assert [unit.reference for unit in result.present] == [UNIT, UNIT_3]
    assert result.verdict.startswith("The learner has the credits (13 of 12)")


def test_credits_without_a_mandatory_unit_are_not_enough(qcf):
    award(qcf, UNIT_2)
    award(qcf, UNIT_2, date(2021, 6, 1))    # achieved twice: counts once
    award(qcf, UNIT)
    result = credit.check(qcf, JAMES, DIPLOMA)
    assert result.total == 9 and not result.met
    assert result.verdict == "Not yet: the learner needs 3 more credits (9 of 12) and 1 " \
                             "mandatory unit."


def test_withdrawn_units_and_qualifications_do_not_count(qcf):
    award(qcf, UNIT)
    achievements.create(qcf, NewAchievement(JAMES_SMITH, OWN, date(2019, 8, 22), "7"),
                        today=TODAY)
    achievements.withdraw(qcf, Lookup(JAMES_SMITH, UNIT, date(2020, 6, 1)),
                          Action(date(2026, 11, 1), "SUBINERROR"), today=TODAY)
    assert credit.check(qcf, JAMES, DIPLOMA).units == []


@pytest.mark.parametrize(("uln", "reference", "code"), [
    ("123", DIPLOMA, "BAD_ULN"),
    (NOBODY, DIPLOMA, "LEARNER_NOT_FOUND"),
    (ANN, OWN, "NOT_UNIT_BASED"),
    (ANN, UNIT, "NOT_UNIT_BASED"),
    (ANN, "601/4640/0", "NOT_UNIT_BASED"),
    (ANN, "", "REFERENCE_REQUIRED"),
])
def test_refusals(qcf, uln, reference, code):
    with pytest.raises(ValidationFailed) as refused:
        credit.check(qcf, uln, reference)
    assert refused.value.code == code


def test_records_users_may_check_verifiers_may_not(qcf, make_user):
    assert credit.check(make_user(roles=["qcf_record_set_user"]), JAMES, DIPLOMA)
    with pytest.raises(Forbidden):
        credit.check(make_user(roles=["ab_user"]), JAMES, DIPLOMA)
