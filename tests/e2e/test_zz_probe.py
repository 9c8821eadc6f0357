import re

from playwright.sync_api import expect

from tests.e2e.test_user_management_journeys import *  # noqa


def test_probe(page, live_server, console):
    logs = []
    page.on("console", lambda m: logs.append((m.type, m.text)))
    people = organisation_with_users(live_server)
    live_server.make_user(given="Lou", family="Locked", email_address="lou@exams.example", password=PASSWORD, accept_terms=True, locked=True)
    signed_in(page, people["sam"])
    open_find_user(page)
    g = page.get_by_label("Given Name", exact=True)
    g.press_sequentially("Ali")
    expect(result_rows(page)).to_have_count(2)
    print("URL", page.url)
    g.press_sequentially("c")
    expect(result_rows(page)).to_have_count(1)
    page.go_back()
    page.wait_for_timeout(500)
    print("after back", page.url, g.input_value(), result_rows(page).count())
    page.reload()
    print("after reload", page.url, g.input_value(), result_rows(page).count(), page.get_by_role("heading", level=1).inner_text())
    # status panel suspend on view user
    page.goto("/users")
    row = result_row(page, "lou.locked")
    with same_page(page):
        row.get_by_role("button", name=re.compile("^Unlock")).click()
        expect(row.get_by_role("status")).to_contain_text("unlocked")
    result_row(page, people["bob"]["username"]).get_by_role("link", name=re.compile("View user")).click()
    panel = page.locator("#user-status")
    with same_page(page):
        panel.locator("summary").click()
        panel.get_by_label(re.compile("Reason")).fill("x")
        panel.get_by_role("button", name="Suspend user").click()
        expect(status_tag(panel)).to_have_text("Suspended")
        panel.get_by_role("button", name=re.compile("^Reinstate")).click()
        expect(status_tag(panel)).to_have_text("Active")
    # suspend self? own row has no actions
    page.goto("/users")
    print("own row actions", result_row(page, "sam.super").locator("summary").count())
    # status filter Suspended
    page.get_by_label("Status").select_option("Suspended")
    page.wait_for_timeout(800)
    print("suspended filter", page.url, result_rows(page).count(), page.locator("#user-results").inner_text()[:200])
    for l in logs: print("LOG", l)
