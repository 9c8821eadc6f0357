"""rules/permissions.py: which areas each kind of person may use, and which actions they
may take on which account."""

import pytest

from tests.helpers import person
from webapp.rules.permissions import (
    Area,
    RefusalKind,
    UserAction,
    may,
    may_use,
    service_desk_reinstate_refusal,
    user_action_refusal,
)

AWARDING_AREAS = {Area.USER_MANAGEMENT, Area.SINGLE_VERIFICATION, Area.VERIFICATION_BATCHES,
                  Area.ACHIEVEMENTS, Area.ACHIEVEMENT_BATCHES, Area.CREDIT_CHECK,
                  Area.RESOLVE_CHALLENGES}


def usable(someone) -> set[Area]:
    return {area for area in Area if may_use(someone, area)}


@pytest.mark.parametrize("roles,kind,expected", [
    ({"ab_user"}, "awarding", {Area.SINGLE_VERIFICATION}),
    ({"ab_batch_user"}, "awarding", {Area.VERIFICATION_BATCHES}),
    ({"qcf_user"}, "awarding", {Area.ACHIEVEMENTS, Area.CREDIT_CHECK}),
    ({"qcf_record_set_user"}, "awarding", {Area.ACHIEVEMENT_BATCHES, Area.CREDIT_CHECK}),
    ({"edc_resolver"}, "awarding", {Area.RESOLVE_CHALLENGES}),
    ({"super_user"}, "awarding", AWARDING_AREAS),
    ({"provider_user"}, "provider", {Area.RAISE_CHALLENGES}),
    ({"super_user"}, "provider", {Area.USER_MANAGEMENT, Area.RAISE_CHALLENGES}),
    ({"service_desk"}, "service-desk", {Area.SERVICE_DESK, Area.CHALLENGE_OVERSIGHT}),
    # A role held in an organisation of the wrong kind opens nothing of learner data.
    ({"ab_user", "super_user"}, "provider", {Area.USER_MANAGEMENT, Area.RAISE_CHALLENGES}),
    ({"provider_user"}, "awarding", set()),
    ({"ab_user"}, "service-desk", set()),
])
def test_areas_by_role_and_organisation_kind(roles, kind, expected):
    assert usable(person(roles, kind)) == expected


def test_a_super_user_reaches_only_areas_whose_roles_the_organisation_grants():
    narrow = person({"super_user"}, grantable={"super_user", "ab_user"})
    assert usable(narrow) == {Area.USER_MANAGEMENT, Area.SINGLE_VERIFICATION}


BOSS = person({"super_user"}, organisation_id=1)


@pytest.mark.parametrize("action,target,kind", [
    (UserAction.VIEW, person({"ab_user"}, organisation_id=2), RefusalKind.NOT_FOUND),
    (UserAction.SUSPEND, person({"ab_user"}, organisation_id=2), RefusalKind.NOT_FOUND),
    (UserAction.SUSPEND, BOSS, RefusalKind.CONFLICT),
    (UserAction.DELETE, BOSS, RefusalKind.CONFLICT),
    (UserAction.SUSPEND, person({"ab_user"}, status="Suspended"), RefusalKind.CONFLICT),
    (UserAction.REINSTATE, person({"ab_user"}), RefusalKind.CONFLICT),
    (UserAction.UNLOCK, person({"ab_user"}), RefusalKind.CONFLICT),
    (UserAction.RESEND_WELCOME, person({"ab_user"}), RefusalKind.CONFLICT),
    (UserAction.EDIT, person({"ab_user"}, status="Deleted"), RefusalKind.CONFLICT),
    (UserAction.CHANGE_EMAIL, person({"ab_user"}, status="Deleted"), RefusalKind.CONFLICT),
    (UserAction.UNLOCK, person({"ab_user"}, status="Deleted", locked=True),
     RefusalKind.CONFLICT),
])
def test_refusals_say_what_kind_they_are(action, target, kind):
    refusal = user_action_refusal(BOSS, action, target)
    assert refusal is not None and refusal.kind == kind and refusal.message


@pytest.mark.parametrize("action,target", [
    (UserAction.VIEW, BOSS),
    (UserAction.EDIT, BOSS),
    (UserAction.SUSPEND, person({"ab_user"})),
    (UserAction.SUSPEND, person({"ab_user"}, status="Inactive")),
    (UserAction.REINSTATE, person({"ab_user"}, status="Suspended")),
    (UserAction.UNLOCK, person({"ab_user"}, locked=True)),
    (UserAction.RESEND_WELCOME, person({"ab_user"}, status="Inactive")),
    (UserAction.DELETE, person({"ab_user"}, status="Suspended")),
])
def test_allowed_actions(action, target):
    assert may(BOSS, action, target)


@pytest.mark.parametrize("actor", [
    person({"ab_user", "qcf_user", "edc_resolver"}),
    person({"provider_user"}, "provider"),
])
def test_only_super_users_manage_users(actor):
    refusal = user_action_refusal(actor, UserAction.SUSPEND, person({"ab_user"}))
    assert refusal.kind == RefusalKind.FORBIDDEN


def test_the_service_desk_sees_anyone_and_reinstates_only_a_lone_organisations_super_user():
    desk = person({"service_desk"}, "service-desk", organisation_id=9)
    suspended_boss = person({"super_user"}, organisation_id=3, status="Suspended")
    suspended_staff = person({"ab_user"}, organisation_id=3, status="Suspended")
    assert may(desk, UserAction.VIEW, suspended_staff)
    assert not may(desk, UserAction.SUSPEND, suspended_staff)
    assert may(desk, UserAction.REINSTATE, suspended_boss)
    assert service_desk_reinstate_refusal(suspended_boss, active_super_users=0) is None
    assert service_desk_reinstate_refusal(suspended_boss, 1).kind == RefusalKind.CONFLICT
    assert service_desk_reinstate_refusal(suspended_staff, 0).kind == RefusalKind.FORBIDDEN


def test_the_service_desk_resends_welcome_emails_to_super_users_only():
    desk = person({"service_desk"}, "service-desk", organisation_id=9)
    new_boss = person({"super_user"}, organisation_id=3, status="Inactive")
    new_staff = person({"ab_user"}, organisation_id=3, status="Inactive")
    registered_boss = person({"super_user"}, organisation_id=3)
    assert may(desk, UserAction.RESEND_WELCOME, new_boss)
    assert user_action_refusal(desk, UserAction.RESEND_WELCOME, new_staff).kind == \
        RefusalKind.FORBIDDEN
    assert user_action_refusal(desk, UserAction.RESEND_WELCOME, registered_boss).kind == \
        RefusalKind.CONFLICT


def test_the_actor_read_once_carries_what_the_rules_read():
    """A page of rows asks the account rules with the actor read once (permissions.acting):
    its id, organisation, the organisation's kind and its roles, each deciding."""
    from webapp.rules.permissions import Acting, acting

    desk_boss = person({"super_user", "service_desk"}, "service-desk")
    facts = acting(desk_boss)
    assert facts == Acting(desk_boss.id, 1, "service-desk",
                           frozenset({"super_user", "service_desk"}))
    assert acting(facts) is facts
    staff = person({"ab_user"})
    # The organisation's kind decides: a super user of the service desk manages nobody.
    assert user_action_refusal(facts, UserAction.SUSPEND, staff).kind is RefusalKind.FORBIDDEN
    provider_boss = acting(person({"super_user"}, "provider", organisation_id=5))
    provider_staff = person({"provider_user"}, "provider", organisation_id=5)
    assert may(provider_boss, UserAction.SUSPEND, provider_staff)
    assert user_action_refusal(provider_boss, UserAction.SUSPEND, staff).kind is \
        RefusalKind.NOT_FOUND  # another organisation's account
    assert user_action_refusal(acting(BOSS), UserAction.SUSPEND, BOSS).code == "OWN_ACCOUNT"
    assert not may(acting(person({"ab_user"})), UserAction.SUSPEND, staff)


def test_the_actor_read_once_is_answered_as_the_person():
    """Every action of five actors on nine accounts: the same answer, and the same refusal,
    with the actor read once as with the person."""
    from itertools import product

    from webapp.rules.permissions import acting

    actors = [BOSS, person({"super_user"}, "provider"), person({"ab_user"}),
              person({"service_desk"}, "service-desk"),
              person({"super_user", "service_desk"}, "service-desk")]
    targets = [BOSS, person({"ab_user"}), person({"super_user"}),
               person({"super_user"}, "provider"), person({"ab_user"}, organisation_id=2),
               person({"ab_user"}, locked=True)]
    targets += [person({"ab_user"}, status=status) for status in
                ("Inactive", "Suspended", "Deleted")]
    refused = 0
    for actor, action, target in product(actors, UserAction, targets):
        refusal = user_action_refusal(actor, action, target)
        assert user_action_refusal(acting(actor), action, target) == refusal
        refused += refusal is not None
    assert 0 < refused < len(actors) * len(UserAction) * len(targets)
