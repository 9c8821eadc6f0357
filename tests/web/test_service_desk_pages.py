import pytest

from tests.helpers import AsChannel, error_summary, page, sign_in, submit
from webapp.services import organisations

organisations = AsChannel(organisations)

DESK_PASSWORD = "the service desk password"


@pytest.fixture
def desk(client, app, make_user):
    desk_org = organisations.create_organisation("LRS Service Desk", "10000000", "service-desk")
    user = make_user(roles=["service_desk"], password=DESK_PASSWORD, org=desk_org,
                     given="Desi", family="Desk")
    sign_in(client, user.username, DESK_PASSWORD)
    return client


def test_the_desk_menu_and_organisation_list(desk, organisation):
    html = page(desk.get("/service-desk/organisations"))
    menu = [a.get_text(strip=True) for a in html.find("nav", attrs={"aria-label": "Menu"})
            .find_all("a")]
    assert menu == ["Organisations", "Create organisation", "My account"]
    names = [a.get_text(strip=True) for a in html.select("tbody a")]
    assert "Northern Exams Board" in names and "LRS Service Desk" in names


def test_create_an_organisation_and_its_first_super_user(desk, outbox):
    created = submit(desk, "/service-desk/organisations/new", {
        "name": "Western Awards", "ukprn": "10000555", "kind": "awarding",
        "roles": ["super_user", "ab_user"]})
    assert created.status_code == 302
    organisation_page = desk.get(created.headers["Location"])
    assert page(organisation_page).find("h1").get_text(strip=True) == "Western Awards"
    create_link = page(organisation_page).find("a", string="Create super user")["href"]
    form = page(desk.get(create_link))
    assert [b["value"] for b in form.find_all("input", attrs={"name": "roles", "checked": True})
            ] == ["super_user"]
    made = submit(desk, create_link, {
        "given_name": "Wendy", "family_name": "West", "email": "wendy@western.example",
        "verification_provided": "call to the chief executive", "roles": ["super_user"]})
    assert made.status_code == 302
    assert outbox.to("wendy@western.example")
    again = desk.get(made.headers["Location"])
    row = [r for r in page(again).select("tbody tr") if "wendy.west" in r.get_text()][0]
    assert "Inactive" in row.get_text(), "active once she completes registration"


def test_organisation_form_errors(desk, organisation):
    response = submit(desk, "/service-desk/organisations/new", {
        "name": "Copy", "ukprn": organisation.ukprn, "kind": "awarding", "roles": ["ab_user"]})
    assert response.status_code == 422
    assert error_summary(response) == [f"An organisation with UKPRN {organisation.ukprn} "
                                       "already exists"]
    response = submit(desk, "/service-desk/organisations/new", {
        "name": "Bad", "ukprn": "12", "kind": "provider", "roles": ["qcf_user"]})
    assert "not 8 digits" in error_summary(response)[0]
