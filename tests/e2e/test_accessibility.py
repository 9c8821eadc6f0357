"""An axe-core scan of each main page, signed in as the people who use them.

axe is injected from node_modules (installed by `npm ci`) into a browser context that
bypasses the Content-Security-Policy, since the scan itself is an injected script."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, sign_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def scan_page(browser, live_server):
    assert AXE.exists(), "run `npm ci` (make assets) to install axe-core"
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in result["violations"]]


def scan(page, path: str) -> list[str]:
    page.goto(path)
    return [f"{path}: {problem}" for problem in violations(page)]


def test_main_pages_have_no_accessibility_violations(scan_page, live_server):
    page = scan_page
    live_server.make_organisation()
    boss = live_server.make_user(password=PASSWORD, accept_terms=True, given="Sam",
                                 family="Super", roles=("super_user", "ab_user"),
                                 email_address="sam@exams.example")
    live_server.make_user(password=PASSWORD, accept_terms=True, given="Alex", family="Able",
                          email_address="alex@exams.example")
    live_server.make_learner("1000000043", given="James", family="Wilson",
                             date_of_birth=date(2008, 3, 27))
    problems = scan(page, "/sign-in") + scan(page, "/forgotten-password")

    page.goto("/sign-in")
    sign_in(page, "nobody", "wrong password here")
    problems += [f"/sign-in with errors: {p}" for p in violations(page)]
    sign_in(page, boss["username"], PASSWORD)
    for path in ("/learner-management", "/account", "/account/email", "/users",
                 "/users?given_name=zzz", "/users?status=Suspended&roles=ab_user",
                 "/users/new", "/users/2", "/users/2/edit", "/users/2/email",
                 "/users/2/delete", "/users/activity", "/learner-verification/verify",
                 "/accessibility-statement", "/cookies", "/privacy",
                 "/users/activity?date_from=31&date_from=2&date_from=2026"):
        problems += scan(page, path)

    # Error states of the forms, as a person would reach them.
    page.goto("/users/new")
    page.get_by_role("button", name="Create User").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += [f"Create user with errors: {p}" for p in violations(page)]
    page.goto("/users/2/email")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += [f"Edit and verify email with errors: {p}" for p in violations(page)]

    # Inline actions: a missing reason (field error in the row), then a suspension.
    page.goto("/users")
    row = page.locator("#user-results tbody tr").filter(has_text="alex.able")
    row.locator("summary").filter(has_text="Suspend").click()
    row.get_by_role("button", name="Suspend user").click()
    expect(row.locator(".govuk-error-message")).to_be_visible()
    problems += [f"Find user, suspend without a reason: {p}" for p in violations(page)]
    row.get_by_label("Reason for suspending alex.able").fill("On leave")
    row.get_by_role("button", name="Suspend user").click()
    expect(row.get_by_role("status")).to_have_text("alex.able is suspended.")
    problems += [f"Find user after Suspend: {p}" for p in violations(page)]
    problems += scan(page, "/users/2")  # View user with the suspension reason

    page.goto("/learner-verification/verify")
    page.get_by_label("ULN", exact=True).fill("1000000042")
    page.get_by_role("button", name="Verify", exact=True).click()  # HTMX errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += [f"verification errors: {p}" for p in violations(page)]

    page.goto("/learner-verification/verify")
    page.get_by_label("ULN", exact=True).fill("1000000043")
    page.get_by_label("Given name", exact=True).fill("Jim")
    page.get_by_label("Family name", exact=True).fill("Wilson")
    page.get_by_role("button", name="Verify", exact=True).click()  # HTMX: no page load
    expect(page.locator("#result-heading")).to_contain_text("VRC003")
    problems += [f"verification result: {p}" for p in violations(page)]
    assert problems == [], "\n".join(problems)


def test_service_desk_pages_have_no_accessibility_violations(scan_page, live_server):
    page = scan_page
    live_server.make_organisation("LRS Service Desk", "10000000", kind="service-desk")
    desk = live_server.make_user(ukprn="10000000", password=PASSWORD, accept_terms=True,
                                 given="Dee", family="Desk", roles=("service_desk",),
                                 email_address="dee.desk@education.example")
    live_server.make_organisation()
    page.goto("/sign-in")
    sign_in(page, desk["username"], PASSWORD)
    problems = []
    for path in ("/learner-management", "/service-desk/organisations",
                 "/service-desk/organisations/new", "/service-desk/organisations/2",
                 "/service-desk/organisations/2/super-users/new"):
        problems += scan(page, path)

    page.goto("/service-desk/organisations/new")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += [f"Create organisation with errors: {p}" for p in violations(page)]
    page.get_by_label("Learning provider", exact=True).check()  # reveals its roles
    problems += [f"Create organisation, provider chosen: {p}" for p in violations(page)]
    page.goto("/service-desk/organisations/2/super-users/new")
    page.get_by_role("button", name="Create User").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += [f"Create super user with errors: {p}" for p in violations(page)]

    page.get_by_label("Given name", exact=True).fill("Wendy")
    page.get_by_label("Family name", exact=True).fill("West")
    page.get_by_label("Email", exact=True).fill("wendy@western.example")
    page.get_by_label("Verification provided", exact=True).fill("Phone call")
    page.get_by_role("button", name="Create User").click()
    expect(page.get_by_role("button", name="Resend Welcome Email wendy.west")).to_be_visible()
    problems += [f"organisation with a new super user: {p}" for p in violations(page)]
    assert problems == [], "\n".join(problems)


def test_small_screens_have_no_accessibility_violations(browser, live_server):
    """The phone layout (tables as lists, the menu as a band) at 375 px."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True,
                                  viewport={"width": 375, "height": 667})
    page = context.new_page()
    live_server.make_organisation()
    boss = live_server.make_user(password=PASSWORD, accept_terms=True, given="Sam",
                                 family="Super", roles=("super_user", "ab_user"),
                                 email_address="sam@exams.example")
    page.goto("/sign-in")
    sign_in(page, boss["username"], PASSWORD)
    problems = []
    for path in ("/learner-management", "/users", "/users/activity", "/users/1"):
        problems += scan(page, path)
    context.close()
    assert problems == [], "\n".join(problems)


def test_data_challenge_pages_have_no_accessibility_violations(scan_page, live_server):
    """The provider's record and raise form, the resolver's list (after a bulk change, with
    a row's comments box open), Process, and the service desk's read-only pages."""
    from tests.achievement_data import JAMES, OWN, load_registers
    from webapp.extensions import db
    from webapp.models import User
    from webapp.services import achievements
    from webapp.services.achievements import NewAchievement, SubmittedLearner
    from webapp.services.unit_of_work import unit_of_work

    page = scan_page
    live_server.make_organisation()
    live_server.make_organisation("Southern Awards", "10067890")
    live_server.make_organisation("Riverside College", "10034567", kind="provider")
    live_server.make_organisation("LRS Service Desk", "10000000", kind="service-desk")
    with live_server.data():
        load_registers()
    resolver = live_server.make_user(password=PASSWORD, accept_terms=True,
                                     roles=("edc_resolver", "qcf_user"), given="Rita",
                                     family="Resolver", email_address="rita@exams.example")
    provider = live_server.make_user(ukprn="10034567", password=PASSWORD, accept_terms=True,
                                     roles=("provider_user",), given="Pat", family="Provider",
                                     email_address="pat@college.example")
    desk = live_server.make_user(ukprn="10000000", password=PASSWORD, accept_terms=True,
                                 roles=("service_desk",), given="Dee", family="Desk",
                                 email_address="dee@desk.example")
    with live_server.data(), unit_of_work():
        actor = db.session.query(User).filter_by(username=resolver["username"]).one()
        achievements.create(actor, NewAchievement(SubmittedLearner(JAMES, "James", "Smith"),
                                                  OWN, date(2019, 8, 22), "7"))
    problems = []

    page.goto("/sign-in")
    sign_in(page, provider["username"], PASSWORD)
    problems += scan(page, "/learner-record")
    page.get_by_label("ULN", exact=True).fill(JAMES)
    page.get_by_label("Given Name", exact=True).fill("Someone")
    page.get_by_label("Family Name", exact=True).fill("Else")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#record-not-shown")).to_be_visible()
    problems += [f"record not shown: {p}" for p in violations(page)]
    page.get_by_label("Given Name", exact=True).fill("James")
    page.get_by_label("Family Name", exact=True).fill("Smith")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#learner-achievements")).to_be_visible()
    problems += [f"learner record: {p}" for p in violations(page)]
    page.get_by_role("link", name=re.compile("^Raise a data challenge")).click()
    problems += [f"raise: {p}" for p in violations(page)]
    page.get_by_role("button", name="Raise data challenge").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += [f"raise with errors: {p}" for p in violations(page)]
    page.get_by_label("Information on the qualification is wrong").check()
    page.get_by_label("Grade", exact=True).check()
    page.get_by_label("The correct value").fill("8")
    page.get_by_label("Notes", exact=True).fill("The certificate says 8")
    page.get_by_label("Contact", exact=True).fill("Pat")
    page.get_by_role("button", name="Raise data challenge").click()
    expect(page.locator("#raised-challenges")).to_be_visible()
    problems += [f"my data challenges: {p}" for p in violations(page)]

    page.context.clear_cookies()
    page.goto("/sign-in")
    sign_in(page, resolver["username"], PASSWORD)
    problems += scan(page, "/challenges")
    page.wait_for_load_state("load")
    page.locator("#select-all").check()
    page.get_by_role("button", name="Set status to ‘In progress’").click()
    expect(page.locator("#bulk-outcome")).to_be_visible()
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
           ).to_have_count(0)  # the swapped table is processed before its select is used
    problems += [f"list after bulk: {p}" for p in violations(page)]
    page.locator("select[name^=status-]").first.select_option("rejected")
    expect(page.locator("textarea[name^=comments-]")).to_be_visible()
    problems += [f"row with comments open: {p}" for p in violations(page)]
    problems += scan(page, "/challenges/1")
    page.get_by_label("Status", exact=True).select_option("upheld")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += [f"process with errors: {p}" for p in violations(page)]

    page.context.clear_cookies()
    page.goto("/sign-in")
    sign_in(page, desk["username"], PASSWORD)
    problems += scan(page, "/challenges/all") + scan(page, "/challenges/reports")
    assert problems == [], "\n".join(problems)


def test_batch_pages_have_no_accessibility_violations(scan_page, live_server):
    page = scan_page
    live_server.make_organisation()
    boss = live_server.make_user(password=PASSWORD, accept_terms=True, given="Bo",
                                 family="Batch", roles=("super_user",),
                                 email_address="bo@exams.example")
    live_server.make_learner("1000000043", given="James", family="Wilson",
                             date_of_birth=date(2008, 3, 27))
    page.goto("/sign-in")
    sign_in(page, boss["username"], PASSWORD)
    problems = []
    for path in ("/batches/verification/submit", "/batches/verification",
                 "/batches/achievements/submit", "/batches/achievements"):
        problems += scan(page, path)
    page.goto("/batches/verification/submit")
    page.get_by_role("button", name="Submit batch file").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += [f"Submit Batch Job without a file: {p}" for p in violations(page)]
    page.get_by_label("Batch file").set_input_files(files=[{
        "name": "learners.csv", "mimeType": "text/csv",
        "buffer": b"MISIdentifier,ULN,FamilyName,GivenName,DateOfBirth,Gender\r\n"
                  b"1,1000000043,Wilson,James,2008-03-27,1\r\n"}])
    page.get_by_role("button", name="Submit batch file").click()
    expect(page.locator("#batch-jobs")).to_contain_text("learners.csv")
    problems += [f"View Batch Job with a job: {p}" for p in violations(page)]
    assert problems == [], "\n".join(problems)
