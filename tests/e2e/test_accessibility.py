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
                 "/users?given_name=zzz", "/users/new", "/users/2", "/users/2/edit",
                 "/users/2/delete", "/users/activity", "/learner-verification/verify"):
        problems += scan(page, path)

    page.goto("/learner-verification/verify")
    page.get_by_label("ULN", exact=True).fill("1000000043")
    page.get_by_label("Given name", exact=True).fill("Jim")
    page.get_by_label("Family name", exact=True).fill("Wilson")
    page.get_by_role("button", name="Verify", exact=True).click()  # HTMX: no page load
    expect(page.locator("#result-heading")).to_contain_text("VRC003")
    problems += [f"verification result: {p}" for p in violations(page)]
    assert problems == [], "\n".join(problems)
