import pytest
from flask import Flask

from tests.helpers import person
from webapp.web.navigation import MENU, menu_for

EVERY_ENDPOINT = {item.endpoint for section in MENU for item in section.items}


@pytest.fixture
def fake_app():
    """An app where every menu page exists, to test the role filter on its own."""
    app = Flask(__name__)
    for endpoint in EVERY_ENDPOINT:
        app.add_url_rule(f"/{endpoint}", endpoint=endpoint, view_func=lambda: "")
    with app.test_request_context():
        yield app


def _labels(roles, endpoints=EVERY_ENDPOINT):
    return {section: [item.label for item in items]
            for section, items in menu_for(person(roles), endpoints, None)}


def test_an_awarding_body_user_sees_verification_and_my_account(fake_app):
    assert _labels({"ab_user"}) == {"Learner Verification": ["Verify Single Learner"],
                                    "My account": ["My account"]}


def test_a_batch_user_sees_the_batch_job_items(fake_app):
    assert _labels({"ab_batch_user"})["Learner Verification"] == [
        "Submit Batch Job", "View Batch Job"]


def test_an_awarding_super_user_sees_every_area_of_the_organisation(fake_app):
    menu = _labels({"super_user"})
    assert menu["User Management"] == ["Find user", "Create user", "User activity"]
    assert menu["Learner Verification"] == [
        "Verify Single Learner", "Submit Batch Job", "View Batch Job"]
    assert "Event Data Challenges" in menu["Achievement Management"]
    assert "Certificate management" in menu
    assert "Learner records" not in menu and "Service desk" not in menu


def test_a_provider_super_user_sees_no_verification(fake_app):
    menu = {section: [item.label for item in items] for section, items in
            menu_for(person({"super_user"}, "provider"), EVERY_ENDPOINT, None)}
    assert "Learner Verification" not in menu
    assert "Achievement Management" not in menu
    assert menu["User Management"] == ["Find user", "Create user", "User activity"]
    assert menu["Learner records"] == ["View learner record", "My data challenges"]


def test_the_service_desk_sees_only_its_own_pages(fake_app):
    menu = {section for section, _ in
            menu_for(person({"service_desk"}, "service-desk"), EVERY_ENDPOINT, None)}
    assert menu == {"Service desk", "My account"}


def test_pages_that_do_not_exist_yet_are_left_out(fake_app):
    assert _labels({"super_user", "ab_user"}, endpoints={"account.my_account"}) == {
        "My account": ["My account"]}


def test_the_current_page_is_marked(fake_app):
    menu = menu_for(person({"ab_user"}), EVERY_ENDPOINT, "account.my_account")
    current = [item.label for _, items in menu for item in items if item.current]
    assert current == ["My account"]
