"""An axe-core scan of each main page, signed in as the people who use them.

axe is injected from node_modules (installed by `npm ci`) into a browser context that
bypasses the Content-Security-Policy, since the scan itself is an injected script."""

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
