"""Every page at 375 px, the width of a small phone: nothing scrolls sideways, the header
and footer run the full width, the menu leaves the heading on the first screen, and the
inline Suspend form opens on screen."""


from playwright.sync_api import Page, expect

from tests.e2e.helpers import PASSWORD, sign_in

PHONE = {"viewport": {"width": 375, "height": 667}}


def overflow(page: Page) -> dict:
    """How far the page and its header and footer differ from the viewport's width."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const box = (selector) => document.querySelector(selector).getBoundingClientRect();
        return {
            scrolls: document.documentElement.scrollWidth - width,
            header: width - box('.govuk-template__header').width,
            footer: width - box('.govuk-template__footer').width,
        };
    }""")


def check(page: Page, path: str) -> list[str]:
    page.goto(path)
    problems = []
    measured = overflow(page)
    if measured["scrolls"] > 0:
        problems.append(f"{path} scrolls sideways by {measured['scrolls']} px")
    if measured["header"] or measured["footer"]:
        problems.append(f"{path}: header or footer stops short ({measured})")
    top = page.get_by_role("heading", level=1).bounding_box()["y"]
    if top > 667 * 0.6:  # it was 535 px down, under the menu, before issue 10
        problems.append(f"{path}: the h1 starts {top:.0f} px down the 667 px screen")
    return problems


def test_no_page_scrolls_sideways_at_375_px(new_page, live_server):
    live_server.make_organisation()
    boss = live_server.make_user(password=PASSWORD, accept_terms=True, given="Sam",
                                 family="Super", roles=("super_user", "ab_user"),
                                 email_address="sam.super@northern-exams-board.example")
    for given, family in (("Alexandra", "Montgomery-Wellington"), ("Bob", "Baker")):
        live_server.make_user(password=PASSWORD, accept_terms=True, given=given,
                              family=family,
                              email_address=f"{given}.{family}@northern-exams-board.example"
                              .lower())
    live_server.make_learner("1000000043")
    page = new_page(**PHONE)
    problems = check(page, "/sign-in") + check(page, "/forgotten-password")
    page.goto("/sign-in")
    sign_in(page, boss["username"], PASSWORD)
    for path in ("/learner-management", "/account", "/account/email", "/users",
                 "/users?status=Suspended", "/users/new", "/users/2", "/users/2/edit",
                 "/users/2/email", "/users/2/delete", "/users/activity",
                 "/learner-verification/verify", "/accessibility-statement", "/cookies",
                 "/privacy"):
        problems += check(page, path)

    # A verification result, and the inline Suspend form in a results row.
    page.goto("/learner-verification/verify")
    page.get_by_label("ULN", exact=True).fill("1000000043")
    page.get_by_label("Given name", exact=True).fill("James")
    page.get_by_label("Family name", exact=True).fill("Wilson")
    date_of_birth = page.get_by_role("group", name="Date of birth")
    for part, value in (("Day", "27"), ("Month", "3"), ("Year", "2008")):
        date_of_birth.get_by_label(part, exact=True).fill(value)
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.locator("#result-heading")).to_contain_text("VRC001")
    if (scrolls := overflow(page)["scrolls"]) > 0:
        problems.append(f"verification result scrolls sideways by {scrolls} px")

    page.goto("/users")
    row = page.locator("#user-results tbody tr").filter(has_text="bob.baker")
    row.locator("summary").filter(has_text="Suspend").click()
    reason = row.get_by_label("Reason for suspending bob.baker", exact=True)
    box = reason.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    assert overflow(page)["scrolls"] <= 0

    # The menu is a closed ‘Menu’ above the heading; opened, it lists the pages.
    page.goto("/users")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu).to_be_hidden()
    page.locator(".lrs-menu-phone summary").click()
    expect(menu.get_by_role("link", name="User activity")).to_be_visible()
    assert problems == [], "\n".join(problems)


def test_service_desk_pages_fit_at_375_px(new_page, live_server):
    live_server.make_organisation("LRS Service Desk", "10000000", kind="service-desk")
    desk = live_server.make_user(ukprn="10000000", password=PASSWORD, accept_terms=True,
                                 given="Dee", family="Desk", roles=("service_desk",),
                                 email_address="dee.desk@education.example")
    live_server.make_organisation()
    page = new_page(**PHONE)
    page.goto("/sign-in")
    sign_in(page, desk["username"], PASSWORD)
    problems = []
    for path in ("/learner-management", "/service-desk/organisations",
                 "/service-desk/organisations/new", "/service-desk/organisations/2",
                 "/service-desk/organisations/2/super-users/new"):
        problems += check(page, path)
    assert problems == [], "\n".join(problems)


def test_data_challenge_and_batch_pages_fit_375_px(new_page, live_server):
    """Issues 12 and 13's pages, with a challenge in the lists: the tables become a summary
    per row, and nothing scrolls sideways."""
    from datetime import date

    from tests.achievement_data import JAMES, OWN, load_registers
    from webapp.extensions import db
    from webapp.models import User
    from webapp.rules.challenges import Proposal
    from webapp.services import achievements, challenges
    from webapp.services.achievements import NewAchievement, SubmittedLearner
    from webapp.services.unit_of_work import unit_of_work

    live_server.make_organisation()
    live_server.make_organisation("Riverside College", "10034567", kind="provider")
    live_server.make_organisation("LRS Service Desk", "10000000", kind="service-desk")
    with live_server.data():
        load_registers()
    boss = live_server.make_user(password=PASSWORD, accept_terms=True, given="Sam",
                                 family="Super", roles=("super_user",),
                                 email_address="sam@exams.example")
    provider = live_server.make_user(ukprn="10034567", password=PASSWORD, accept_terms=True,
                                     roles=("provider_user",), given="Pat", family="Provider",
                                     email_address="pat@college.example")
    desk = live_server.make_user(ukprn="10000000", password=PASSWORD, accept_terms=True,
                                 roles=("service_desk",), given="Dee", family="Desk",
                                 email_address="dee@desk.example")
    with live_server.data(), unit_of_work():
        actor = db.session.query(User).filter_by(username=boss["username"]).one()
        made = achievements.create(actor, NewAchievement(
            SubmittedLearner(JAMES, "James", "Smith"), OWN, date(2019, 8, 22), "7"))
        raiser = db.session.query(User).filter_by(username=provider["username"]).one()
        challenge_id = challenges.raise_challenge(raiser, JAMES, made.id, Proposal(
            "wrong_information", "grade", "6", notes="The certificate says 6",
            contact="Pat, 01234 567890")).id
    page = new_page(**PHONE)
    problems = []
    for who, paths in (
            (boss, ("/challenges", f"/challenges/{challenge_id}", "/batches/verification",
                    "/batches/verification/submit", "/batches/achievements",
                    "/batches/achievements/submit")),
            (provider, ("/learner-record", "/my-challenges")),
            (desk, ("/challenges/all", f"/challenges/all/{challenge_id}",
                    "/challenges/reports"))):
        page.context.clear_cookies()
        page.goto("/sign-in")
        sign_in(page, who["username"], PASSWORD)
        for path in paths:
            problems += check(page, path)
    assert problems == [], "\n".join(problems)
