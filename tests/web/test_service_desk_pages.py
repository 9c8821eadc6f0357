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
    assert menu == ["Organisations", "Create organisation", "Data challenges", "My account"]
    names = [a.get_text(strip=True) for a in html.select("tbody a")]
    assert "Northern Exams Board" in names and "LRS Service Desk" in names


def test_create_an_organisation_and_its_first_super_user(desk, outbox):
    created = submit(desk, "/service-desk/organisations/new", {
        "name": "Western Awards", "ukprn": "10000555", "kind": "awarding",
        "roles_awarding": ["super_user", "ab_user"], "roles_provider": ["provider_user"]})
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
    # The desk can send her welcome email again; the earlier link stops working.
    resend = row.find("form", action=lambda action: action and "resend-welcome" in action)
    resent = submit(desk, resend["action"], {}, get_path=made.headers["Location"])
    assert resent.status_code == 302
    assert len(outbox.to("wendy@western.example")) == 2
    assert "A new welcome email has been sent to wendy.west" in page(
        desk.get(resent.headers["Location"])).get_text()


def test_organisation_form_errors(desk, organisation):
    response = submit(desk, "/service-desk/organisations/new", {
        "name": "Copy", "ukprn": organisation.ukprn, "kind": "awarding",
        "roles_awarding": ["ab_user"]})
    assert response.status_code == 422
    assert error_summary(response) == [f"An organisation with UKPRN {organisation.ukprn} "
                                       "already exists"]
    response = submit(desk, "/service-desk/organisations/new", {
        "name": "Bad", "ukprn": "12", "kind": "provider", "roles_provider": ["provider_user"]})
    assert "not 8 digits" in error_summary(response)[0]
    response = submit(desk, "/service-desk/organisations/new", {
        "name": "No roles", "ukprn": "10000777", "kind": "provider"})
    assert error_summary(response) == ["Select the roles this organisation may grant"]
    link = page(response).select_one(".govuk-error-summary__list a")["href"]
    assert page(response).find(id=link.lstrip("#")) is not None


def test_each_kind_offers_only_its_own_roles_in_words(desk):
    html = page(desk.get("/service-desk/organisations/new"))
    offered = {kind: [box.find_next("label").get_text(strip=True)
                      for box in html.find_all("input", attrs={"name": f"roles_{kind}"})]
               for kind in ("awarding", "provider")}
    assert offered["provider"] == ["LRS super user", "Learning provider user"]
    assert "Learning provider user" not in offered["awarding"]
    assert offered["awarding"][:3] == ["LRS super user", "Awarding body batch user",
                                       "Awarding body user"]
    radios = html.find_all("input", attrs={"name": "kind"})
    assert [r["value"] for r in radios] == ["awarding", "provider"]
    groups = [g["data-roles-for-kind"] for g in html.select("[data-roles-for-kind]")]
    assert groups == ["awarding", "provider"]  # app.mjs shows the chosen kind's only


def test_the_desk_home_is_not_learner_management_and_kinds_are_words(desk, organisation):
    home = page(desk.get("/learner-management"))
    assert home.find("h1").get_text(strip=True) == "Service desk"
    listing = page(desk.get("/service-desk/organisations"))
    kinds = [td.get_text(strip=True) for td in listing.select("td[data-label=Kind]")]
    assert "Awarding organisation" in kinds and "awarding" not in kinds
