"""Achievements: every rule of guide 7.1/7.2 and appendix D, one table row each (the
refusal's code, or the allowed path), each call in its own unit of work as a channel
makes it. Runs on SQLite and PostgreSQL."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.achievement_data import (
    ANN,
    JAMES,
    LINKED,
    NOBODY,
    OWN,
    SHARED,
    THEIRS,
    TODAY,
    UNIT,
    load_registers,
    qcf_user,
    rival_user,
)
from tests.helpers import AsChannel
from webapp.extensions import db
from webapp.models import Achievement, AchievementEvent, AuditEvent
from webapp.services import achievements as achievement_service
from webapp.services.achievements import Action, Lookup, NewAchievement, SubmittedLearner
from webapp.services.errors import (
    AlreadyExists,
    ChangedMeanwhile,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    ValidationFailed,
)

achievements = AsChannel(achievement_service)


@pytest.fixture
def register(app, organisation, other_organisation):
    load_registers()


@pytest.fixture
def qcf(make_user, register):
    return qcf_user(make_user)


@pytest.fixture
def rival(make_user, other_organisation, register):
    return rival_user(make_user, other_organisation)


JAMES_AS_SUBMITTED = SubmittedLearner(JAMES, "James", "Smith")


def new(**changes) -> NewAchievement:
    learner = changes.pop("learner", JAMES_AS_SUBMITTED)
    values = dict(learner=learner, reference=OWN, award_date=date(2019, 8, 22), grade="7",
                  provider_ukprn="10034567", language="English")
    return NewAchievement(**{**values, **changes})


def create(actor, **changes):
    return achievements.create(actor, new(**changes), today=TODAY)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- create: every rule ------------------------------------------------------------------------

CREATE_REFUSALS = [
    # learner details
    ({"learner": SubmittedLearner("1000000042", "James", "Smith")}, "BAD_ULN", "uln"),
    ({"learner": SubmittedLearner(JAMES, "", "Smith")}, "NAME_REQUIRED", "given_name"),
    ({"learner": SubmittedLearner(JAMES, "James", "Smith", postcode="NOT A CODE")}, "BAD_FORMAT",
     "postcode"),
    ({"learner": SubmittedLearner(NOBODY, "James", "Smith")}, "LEARNER_NOT_VERIFIED", "uln"),
    ({"learner": SubmittedLearner(JAMES, "Olivia", "Brown")}, "LEARNER_NOT_VERIFIED", "uln"),
    ({"learner": SubmittedLearner(JAMES, "James", "Smith", date_of_birth=date(2008, 5, 2))},
     "LEARNER_NOT_VERIFIED", "uln"),
    ({"learner": SubmittedLearner(JAMES, "James", "Smith", postcode="LS1 4AP")}, "POSTCODE_DIFFERS",
     "postcode"),
    # reference
    ({"reference": ""}, "REFERENCE_REQUIRED", "reference"),
    ({"reference": "600/1166/1"}, "BAD_CHECK_CHARACTER", "reference"),
    ({"reference": "601/4640/0"}, "REFERENCE_NOT_FOUND", "reference"),
    ({"reference": THEIRS}, "REFERENCE_NOT_OWNED", "reference"),
    # award date
    ({"award_date": None}, "AWARD_DATE_REQUIRED", "award_date"),
    ({"award_date": date(2026, 11, 30)}, "AWARD_DATE_IN_FUTURE", "award_date"),
    ({"award_date": date(2006, 8, 31), "reference": SHARED},
     "AWARD_DATE_TOO_EARLY", "award_date"),
    ({"award_date": date(2015, 8, 31)}, "AWARD_DATE_BEFORE_START", "award_date"),
    ({"award_date": date(2025, 9, 1)}, "AWARD_DATE_AFTER_CERTIFICATION_END", "award_date"),
    # other fields
    ({"grade": "A*"}, "BAD_GRADE", "grade"),
    ({"provider_ukprn": "1003456"}, "BAD_UKPRN", "provider_ukprn"),
    ({"language": "Klingon"}, "BAD_LANGUAGE", "language"),
]


@pytest.mark.parametrize(("changes", "code", "field"), CREATE_REFUSALS,
                         ids=[row[1] + "-" + str(i) for i, row in enumerate(CREATE_REFUSALS)])
def test_create_refuses_each_broken_rule_and_writes_nothing(qcf, changes, code, field):
    with pytest.raises(ValidationFailed) as refused:
        create(qcf, **changes)
    problem = next(p for p in refused.value.problems if p.code == code)
    assert problem.field == field and problem.fix
    assert count(Achievement) == 0 and count(AchievementEvent) == 0


def test_a_refused_learner_carries_the_verification_result(qcf):
    with pytest.raises(achievement_service.LearnerNotVerified) as refused:
        create(qcf, learner=SubmittedLearner(JAMES, "Olivia", "Brown"))
    assert refused.value.verification.code == "VRC005"
    assert refused.value.verification.returned is None


def test_every_field_problem_is_reported_at_once(qcf):
    with pytest.raises(ValidationFailed) as refused:
        create(qcf, grade="Z", provider_ukprn="12", language="Klingon",
               award_date=date(2030, 1, 1))
    assert {p.code for p in refused.value.problems} == {
        "BAD_GRADE", "BAD_UKPRN", "BAD_LANGUAGE", "AWARD_DATE_IN_FUTURE"}


CREATE_ALLOWED = [
    ({}, JAMES, "7"),                                                         # exact, VRC001
    ({"learner": SubmittedLearner(JAMES, "Jim", "Smith")}, JAMES, "7"),       # possible
    ({"learner": SubmittedLearner(LINKED, "James", "Smith")}, JAMES, "7"),    # linked: master
    ({"learner": SubmittedLearner(JAMES, "james", "SMITH", "sw1a1aa", date(2008, 5, 1))},
     JAMES, "7"),
    ({"reference": "6001166X"}, JAMES, "7"),                                  # aim reference
    ({"reference": SHARED, "grade": "pass"}, JAMES, "Pass"),                  # shared; scale
    ({"grade": "", "provider_ukprn": "", "language": ""}, JAMES, None),       # optional
    ({"reference": UNIT, "grade": "Pass", "award_date": date(2019, 6, 1)}, JAMES, "Pass"),
]


@pytest.mark.parametrize(("changes", "held_uln", "grade"), CREATE_ALLOWED)
def test_create_allowed_paths(qcf, changes, held_uln, grade):
    achievement = create(qcf, **changes)
    held = db.session.get(Achievement, achievement.id)
    assert held.uln == held_uln and held.grade == grade and held.status == "active"
    assert held.organisation_id == qcf.organisation_id and held.channel == "portal"
    assert [event.event for event in held.history] == ["created"]
    audited = db.session.scalar(select(AuditEvent).where(
        AuditEvent.event == "achievement.created"))
    assert audited.target_id == str(held.id)
    assert audited.details["verification"] in ("VRC001", "VRC002", "VRC003", "VRC004")
    assert "James" not in str(audited.details), "no names in the audit trail"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.event == "learner.verified")) == 0, "not counted as Verify Single Learner"


def test_a_linked_uln_is_recorded_on_the_master_with_the_uln_submitted(qcf):
    achievement = create(qcf, learner=SubmittedLearner(LINKED, "James", "Smith"))
    held = db.session.get(Achievement, achievement.id)
    assert (held.uln, held.submitted_uln) == (JAMES, LINKED)
    assert held.history[0].details["linked_uln"] == LINKED
    _uln, found = achievements.for_learner(qcf, JAMES)
    assert [a.id for a in found] == [held.id]
    _uln, via_link = achievements.for_learner(qcf, LINKED)
    assert [a.id for a in via_link] == [held.id]


def test_a_uln_typed_in_groups_is_understood_as_in_verification(qcf):
    grouped = f"{JAMES[:3]} {JAMES[3:6]}-{JAMES[6:]}"
    achievement = create(qcf, learner=SubmittedLearner(grouped, "James", "Smith"))
    held = db.session.get(Achievement, achievement.id)
    assert (held.uln, held.submitted_uln) == (JAMES, JAMES)
    _uln, found = achievements.for_learner(qcf, grouped)
    assert [a.id for a in found] == [held.id]


def test_the_unique_reference_is_uln_award_date_and_reference(qcf):
    first = create(qcf)
    with pytest.raises(AlreadyExists) as again:
        create(qcf, grade="8")
    assert again.value.code == "ACHIEVEMENT_EXISTS" and again.value.existing_id == first.id
    with pytest.raises(AlreadyExists):   # the linked ULN is the same learner
        create(qcf, learner=SubmittedLearner(LINKED, "James", "Smith"))
    create(qcf, award_date=date(2019, 8, 23))       # another date: another achievement
    create(qcf, learner=SubmittedLearner(ANN, "Ann", "Lee"))
    assert count(Achievement) == 3


def test_creating_a_withdrawn_achievement_again_points_to_reinstate(qcf):
    create(qcf)
    achievements.withdraw(qcf, lookup(), action(), today=TODAY)
    with pytest.raises(AlreadyExists) as again:
        create(qcf)
    assert again.value.code == "ACHIEVEMENT_EXISTS_WITHDRAWN"
    assert "Reinstate" in again.value.problems[0].fix


def test_another_organisations_duplicate_is_refused_without_its_id(qcf, rival):
    create(qcf, reference=SHARED, grade="Pass")
    with pytest.raises(AlreadyExists) as again:
        create(rival, reference=SHARED, grade="Pass")
    assert again.value.existing_id is None


@pytest.mark.parametrize("roles", [["ab_user"], ["qcf_record_set_user"], ["super_user"]])
def test_only_achievement_users_create(make_user, register, roles):
    actor = make_user(roles=roles)
    if "super_user" in roles:   # a super user reaches every area of their kind
        assert create(actor).id
        return
    with pytest.raises(Forbidden):
        create(actor)


# --- update grade ------------------------------------------------------------------------------

def test_update_grade_records_history_and_audit(qcf):
    achievement = create(qcf)
    achievements.update_grade(qcf, achievement.id, "9")
    held = db.session.get(Achievement, achievement.id)
    assert held.grade == "9"
    assert [(e.event, e.details) for e in held.history] == [
        ("created", {"grade": "7"}), ("grade_changed", {"before": "7", "after": "9"})]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.event == "achievement.grade_changed")) == 1


GRADE_REFUSALS = [
    ("A", ValidationFailed, "BAD_GRADE"),
    ("withdrawn", Conflict, "ACHIEVEMENT_WITHDRAWN"),
    ("other organisation", NotFound, "ACHIEVEMENT_NOT_FOUND"),
    ("stale version", ChangedMeanwhile, "CHANGED_MEANWHILE"),
]


@pytest.mark.parametrize(("case", "error", "code"), GRADE_REFUSALS)
def test_update_grade_refusals(qcf, rival, case, error, code):
    achievement = create(qcf)
    actor, grade, version = qcf, "9", None
    if case == "A":
        grade = "A"
    elif case == "withdrawn":
        achievements.withdraw(qcf, lookup(), action(), today=TODAY)
    elif case == "other organisation":
        actor = rival
    else:
        version = achievement.version - 1
    with pytest.raises(error) as refused:
        achievements.update_grade(actor, achievement.id, grade, version=version)
    assert refused.value.code == code
    assert db.session.get(Achievement, achievement.id).grade == "7"


def test_an_unchanged_grade_writes_no_history(qcf):
    achievement = create(qcf)
    achievements.update_grade(qcf, achievement.id, "7")
    assert len(db.session.get(Achievement, achievement.id).history) == 1


# --- withdraw and reinstate ------------------------------------------------------------------

def lookup(**changes) -> Lookup:
    learner = changes.pop("learner", JAMES_AS_SUBMITTED)
    return Lookup(**{"learner": learner, "reference": OWN, "award_date": date(2019, 8, 22),
                     **changes})


def action(**changes) -> Action:
    return Action(**{"action_date": date(2026, 11, 1), "action_reason": "SUBINERROR",
                     **changes})


def test_withdraw_then_reinstate_with_history(qcf):
    achievement = create(qcf)
    achievements.withdraw(qcf, lookup(), action(), today=TODAY)
    assert db.session.get(Achievement, achievement.id).status == "withdrawn"
    achievements.reinstate(qcf, lookup(), action(action_reason="ACHINVALID"), today=TODAY)
    held = db.session.get(Achievement, achievement.id)
    assert held.status == "active" and held.grade == "7"
    assert [(e.event, e.action_reason, e.action_date) for e in held.history[1:]] == [
        ("withdrawn", "SUBINERROR", date(2026, 11, 1)),
        ("reinstated", "ACHINVALID", date(2026, 11, 1))]
    assert all(e.actor_user_id == qcf.id for e in held.history)


LOOKUP_MISSES = [
    {"learner": SubmittedLearner(JAMES, "John", "Smith")},
    {"learner": SubmittedLearner(JAMES, "Jim", "Smith")},      # verifies, but not the name used
    {"learner": SubmittedLearner(JAMES, "James", "Smithers")},
    {"learner": SubmittedLearner(JAMES, "James", "Smith", date_of_birth=date(2008, 5, 2))},
    {"learner": SubmittedLearner(ANN, "James", "Smith")},
    {"reference": SHARED},
    {"award_date": date(2019, 8, 21)},
]


@pytest.mark.parametrize("changes", LOOKUP_MISSES)
def test_withdraw_finds_only_with_the_names_and_reference_used_at_creation(qcf, changes):
    create(qcf, learner=SubmittedLearner(JAMES, "James", "Smith", date_of_birth=date(2008, 5, 1)))
    with pytest.raises(NotFound) as refused:
        achievements.withdraw(qcf, lookup(**changes), action(), today=TODAY)
    assert refused.value.code == "ACHIEVEMENT_NOT_FOUND"


def test_lookup_ignores_capitals_and_spaces_and_accepts_the_aim_reference(qcf):
    create(qcf)
    found = achievements.find(qcf, lookup(learner=SubmittedLearner(JAMES, " JAMES ", "smith"),
                                          reference="6001166X"), TODAY)
    assert found.uln == JAMES


ACTION_REFUSALS = [
    ({"action_date": None}, "ACTION_DATE_REQUIRED"),
    ({"action_date": date(2026, 11, 30)}, "ACTION_DATE_IN_FUTURE"),
    ({"action_reason": ""}, "ACTION_REASON_REQUIRED"),
    ({"action_reason": "MISTAKE"}, "BAD_ACTION_REASON"),
]


@pytest.mark.parametrize(("changes", "code"), ACTION_REFUSALS)
@pytest.mark.parametrize("verb", ["withdraw", "reinstate"])
def test_action_date_and_reason(qcf, verb, changes, code):
    create(qcf)
    if verb == "reinstate":
        achievements.withdraw(qcf, lookup(), action(), today=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        getattr(achievements, verb)(qcf, lookup(), action(**changes), today=TODAY)
    assert refused.value.code == code


@pytest.mark.parametrize("reason", ["ULNINVALID", "ACHINVALID", "DATINVALID", "SUBINERROR",
                                    "BATCHERROR"])
def test_every_appendix_d_reason_is_accepted(qcf, reason):
    create(qcf)
    achievements.withdraw(qcf, lookup(), action(action_reason=reason), today=TODAY)


def test_a_withdrawn_achievement_cannot_be_withdrawn_again(qcf):
    create(qcf)
    achievements.withdraw(qcf, lookup(), action(), today=TODAY)
    with pytest.raises(Conflict) as refused:
        achievements.withdraw(qcf, lookup(), action(), today=TODAY)
    assert refused.value.code == "ACHIEVEMENT_WITHDRAWN"


def test_an_active_achievement_cannot_be_reinstated(qcf):
    create(qcf)
    with pytest.raises(Conflict) as refused:
        achievements.reinstate(qcf, lookup(), action(), today=TODAY)
    assert refused.value.code == "ACHIEVEMENT_ACTIVE"


def test_reinstating_cannot_change_the_grade(qcf):
    create(qcf)
    achievements.withdraw(qcf, lookup(), action(), today=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        achievements.reinstate(qcf, lookup(), action(), today=TODAY, grade="9")
    assert refused.value.code == "REINSTATE_CHANGES_GRADE"
    achievements.reinstate(qcf, lookup(), action(), today=TODAY, grade="7")


def test_another_organisation_cannot_find_withdraw_or_reinstate(qcf, rival):
    create(qcf, reference=SHARED, grade="Pass")
    shared = lookup(reference=SHARED)
    for verb in ("withdraw", "reinstate"):
        with pytest.raises(NotFound):
            getattr(achievements, verb)(rival, shared, action(), today=TODAY)


# --- move --------------------------------------------------------------------------------------

def test_move_to_a_new_learner(qcf):
    achievement = create(qcf)
    achievements.move(qcf, achievement.id, ANN)
    held = db.session.get(Achievement, achievement.id)
    assert (held.uln, held.submitted_given_name, held.submitted_family_name) == (
        ANN, "Ann", "Lee")
    assert held.history[-1].event == "moved"
    assert held.history[-1].details == {"before": JAMES, "after": ANN}
    achievements.withdraw(qcf, lookup(learner=SubmittedLearner(ANN, "Ann", "Lee")), action(),
                          today=TODAY)


MOVE_REFUSALS = [
    ("1000000042", ValidationFailed, "BAD_ULN"),
    (NOBODY, ValidationFailed, "LEARNER_NOT_FOUND"),
    (JAMES, ValidationFailed, "MOVE_TO_SAME_LEARNER"),
    (LINKED, ValidationFailed, "MOVE_TO_SAME_LEARNER"),   # the same learner, linked
    ("duplicate", AlreadyExists, "ACHIEVEMENT_EXISTS"),
    ("withdrawn", Conflict, "ACHIEVEMENT_WITHDRAWN"),
    ("other organisation", NotFound, "ACHIEVEMENT_NOT_FOUND"),
]


@pytest.mark.parametrize(("target", "error", "code"), MOVE_REFUSALS)
def test_move_refusals(qcf, rival, target, error, code):
    achievement = create(qcf)
    actor = qcf
    if target == "duplicate":
        create(qcf, learner=SubmittedLearner(ANN, "Ann", "Lee"))
        target = ANN
    elif target == "withdrawn":
        achievements.withdraw(qcf, lookup(), action(), today=TODAY)
        target = ANN
    elif target == "other organisation":
        actor, target = rival, ANN
    with pytest.raises(error) as refused:
        achievements.move(actor, achievement.id, target)
    assert refused.value.code == code
    assert db.session.get(Achievement, achievement.id).uln == JAMES


# --- one transaction -----------------------------------------------------------------------

def test_history_is_append_only(qcf):
    achievement = create(qcf)
    event = db.session.get(Achievement, achievement.id).history[0]
    with pytest.raises(Exception, match="append-only"):
        event.event = "tampered"
        db.session.commit()
    db.session.rollback()


def test_a_refused_change_leaves_no_history_or_audit(qcf):
    achievement = create(qcf)
    before = (count(AchievementEvent), count(AuditEvent))
    with pytest.raises(DomainError):
        achievements.update_grade(qcf, achievement.id, "Z")
    assert (count(AchievementEvent), count(AuditEvent)) == before


def test_search_shows_only_the_organisations_achievements(qcf, rival):
    mine = create(qcf, reference=SHARED, grade="Pass")
    achievements.create(rival, replace(new(reference=SHARED, grade="Fail"),
                                       award_date=date(2020, 1, 10)), today=TODAY)
    _uln, found = achievements.for_learner(qcf, JAMES)
    assert [a.id for a in found] == [mine.id]
