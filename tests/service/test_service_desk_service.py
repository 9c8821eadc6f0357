import pytest

from tests.helpers import AsChannel
from webapp.extensions import db
from webapp.models import UserStatus
from webapp.services import organisations, service_desk, user_accounts, user_management, user_search
from webapp.services.errors import Conflict, Forbidden, NotFound, ValidationFailed

# Each call in its own unit of work, committed or rolled back, as a channel makes it.
organisations = AsChannel(organisations)
user_accounts = AsChannel(user_accounts)
service_desk = AsChannel(service_desk)
user_management = AsChannel(user_management)
user_search = AsChannel(user_search)


DESK_PASSWORD = "the service desk password"


@pytest.fixture
def desk_user(app, make_user):
    desk = organisations.create_organisation("LRS Service Desk", "10000000", "service-desk")
    return make_user(roles=["service_desk"], password=DESK_PASSWORD, org=desk, given="Desi",
                     family="Desk")


def super_details(**changes):
    values = dict(title="", given_name="First", family_name="Super", landline="", mobile="",
                  staff_reference="", verification_provided="phoned the head of centre",
                  roles=["super_user"])
    values.update(changes)
    return user_management.UserDetails(**values)


def test_only_the_service_desk_creates_organisations(desk_user, make_user):
    boss = make_user(roles=["super_user"], password=DESK_PASSWORD, given="B", family="Boss")
    with pytest.raises(Forbidden):
        service_desk.create_organisation(boss, "Rogue", "10000055", "awarding", ["ab_user"])
    created = service_desk.create_organisation(desk_user, "New Board", "10000056", "awarding",
                                               ["super_user", "ab_user"])
    assert created.grantable_roles == {"super_user", "ab_user"}


def test_organisation_roles_must_suit_its_kind(desk_user):
    with pytest.raises(ValidationFailed) as error:
        service_desk.create_organisation(desk_user, "P", "10000057", "provider", ["qcf_user"])
    assert error.value.field == "roles"


def test_first_super_user_of_a_new_organisation(desk_user, outbox):
    organisation = service_desk.create_organisation(desk_user, "New Board", "10000056",
                                                    "awarding", ["super_user", "ab_user"])
    first = service_desk.create_super_user(desk_user, organisation.id, super_details(),
                                           "first.super@newboard.example")
    assert first.is_super_user and first.organisation_id == organisation.id
    assert len(outbox.to("first.super@newboard.example")) == 1


def test_no_super_user_from_the_desk_while_one_is_active(desk_user, organisation, make_user):
    make_user(roles=["super_user"], password=DESK_PASSWORD, given="B", family="Boss")
    with pytest.raises(Conflict, match="active super user"):
        service_desk.create_super_user(desk_user, organisation.id, super_details(),
                                       "another@exams.example")
    assert organisations.active_super_user_count(organisation.id) == 1


def test_the_desk_reinstates_a_super_user_only_when_none_is_active(desk_user, make_user):
    boss = make_user(roles=["super_user"], password=DESK_PASSWORD, given="B", family="Boss")
    second = make_user(roles=["super_user"], password=DESK_PASSWORD, given="S", family="Two")
    user_management.suspend_user(boss, second.id, "away")
    with pytest.raises(Conflict, match="active super user"):
        user_management.reinstate_user(desk_user, second.id)
    # The last active super user leaves and nobody is left to manage accounts (set up
    # directly: the service refuses to let a super user suspend the last one).
    boss.status = UserStatus.SUSPENDED.value
    db.session.commit()
    user_management.reinstate_user(desk_user, second.id)
    assert second.status == UserStatus.ACTIVE.value


def test_the_desk_reinstates_super_users_only(desk_user, make_user):
    boss = make_user(roles=["super_user"], password=DESK_PASSWORD, given="B", family="Boss")
    staff = make_user(given="S", family="Staff")
    user_management.suspend_user(boss, staff.id, "x")
    with pytest.raises(Forbidden):
        user_management.reinstate_user(desk_user, staff.id)


def test_the_desk_sees_every_organisations_users(desk_user, make_user, other_organisation):
    make_user(given="Here", family="One")
    make_user(given="There", family="Two", org=other_organisation)
    found = user_search.find_users(desk_user, user_search.UserSearch(status=""),
                             organisation_id=other_organisation.id)
    assert [u.username for u in found.items] == ["there.two"]
    summaries = {s.organisation.ukprn: s for s in service_desk.list_organisations(desk_user)}
    assert summaries[other_organisation.ukprn].users == 1


def test_a_super_user_cannot_search_another_organisation(make_user, other_organisation):
    boss = make_user(roles=["super_user"], password=DESK_PASSWORD, given="B", family="Boss")
    with pytest.raises(NotFound):
        user_search.find_users(boss, user_search.UserSearch(),
                               organisation_id=other_organisation.id)


def test_the_desk_cannot_make_a_super_user_of_its_own_organisation(desk_user):
    with pytest.raises(Forbidden):
        service_desk.create_super_user(desk_user, desk_user.organisation_id, super_details(),
                                       "sneaky@desk.example")


def test_a_service_desk_organisation_grants_only_the_service_desk_role(app):
    desk = organisations.create_organisation("Another Desk", "10000003", "service-desk")
    assert desk.grantable_roles == {"service_desk"}
