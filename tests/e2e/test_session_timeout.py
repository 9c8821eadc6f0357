"""The session timeout warning in a real browser: it opens before the idle timeout, and
‘Stay signed in’ keeps the session (a POST carrying the CSRF token)."""

from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, sign_in


def test_timeout_warning_lets_the_user_stay_signed_in(page, live_server, console):
    live_server.app.config.update(SESSION_IDLE_MINUTES=1, SESSION_WARNING_SECONDS=58)
    live_server.make_organisation()
    user = live_server.make_user(password=PASSWORD, accept_terms=True)
    page.goto("/sign-in")
    sign_in(page, user["username"], PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Learner Management")

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=6_000)
    expect(dialog).to_contain_text("we will sign you out in")
    with page.expect_response(lambda r: r.url.endswith("/session/keep-alive")) as kept:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()

    page.get_by_role("link", name="My account").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    assert console.csp_violations() == []
