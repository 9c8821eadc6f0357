"""What the browser journeys share: finding things the way a person does, and checks on
what the page reported."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery staple"


def click_and_wait(page: Page, button: str) -> None:
    """Press a submit button and wait for the next page to load, so assertions never read
    the page that was there before."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    click_and_wait(page, "Sign in")


def error_summary(page: Page):
    return page.get_by_role("alert").filter(has_text="There is a problem")


@contextmanager
def same_page(page: Page) -> Iterator[None]:
    """Fails if the document is replaced (a full page load) while the block runs: a marker
    on window survives HTMX swaps and history.pushState, but not a navigation."""
    page.evaluate("window.__lrsSamePage = true")
    yield
    assert page.evaluate("window.__lrsSamePage === true"), "the page was loaded again"


def assert_console_clean(console) -> None:
    assert console.csp_violations() == [], console.errors
    assert [e for e in console.errors if e.startswith("uncaught:")] == [], console.errors


# --- Verify Single Learner ------------------------------------------------------------------

MASTER_ULN = "1000000043"
LINKED_ULN = "9276308686"
INVALID_ULN = "1000000042"  # the check digit should be 3
VERIFY_PATH = "/learner-verification/verify"


def awarding_body_user(live_server) -> dict:
    live_server.make_organisation()
    return live_server.make_user(password=PASSWORD, accept_terms=True, roles=("ab_user",))


def open_verify_single_learner(page: Page, user: dict) -> None:
    page.goto("/sign-in")
    sign_in(page, user["username"], PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Learner Management")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Verify Single Learner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Single Learner")


def fill_details(page: Page, uln: str, given: str, family: str,
                 born: date | None = None, gender: str | None = None) -> None:
    page.get_by_label("ULN", exact=True).fill(uln)
    page.get_by_label("Given name", exact=True).fill(given)
    page.get_by_label("Family name", exact=True).fill(family)
    if born is not None:
        date_of_birth = page.get_by_role("group", name="Date of birth")
        date_of_birth.get_by_label("Day", exact=True).fill(str(born.day))
        date_of_birth.get_by_label("Month", exact=True).fill(str(born.month))
        date_of_birth.get_by_label("Year", exact=True).fill(str(born.year))
    if gender is not None:
        page.get_by_label("Gender", exact=True).select_option(label=gender)


def press_verify(page: Page) -> None:
    """With JavaScript: the result (or the errors) replace the panel in the same page."""
    with same_page(page), page.expect_response(
            lambda r: urlsplit(r.url).path == VERIFY_PATH and r.request.method == "POST"):
        page.get_by_role("button", name="Verify", exact=True).click()


def result(page: Page):
    return page.locator("#verification-result")


def result_heading(page: Page):
    return result(page).get_by_role("heading", level=2)


def held_detail(page: Page, key: str):
    return page.locator("#held-details .govuk-summary-list__row").filter(
        has=page.get_by_text(key, exact=True)).locator("dd")


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def assert_no_query_string(page: Page) -> None:
    parts = urlsplit(page.url)
    assert (parts.path, parts.query) == (VERIFY_PATH, ""), page.url


def htmx_settled(page: Page) -> None:
    """Wait until no htmx request is in flight and swapped content has settled, so the next
    click lands on elements htmx has already processed (a link clicked sooner would be a
    plain link, or nothing, on a slow machine)."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
           ).to_have_count(0)
