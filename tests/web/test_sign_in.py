import time

import pytest

from tests.helpers import (
    STRONG_PASSWORD,
    csrf_from,
    error_summary,
    open_link,
    page,
    sign_in,
    submit,
)
from webapp.extensions import db
from webapp.models import UserStatus


def test_sign_in_page_has_labelled_fields_and_forgotten_link(client):
    response = client.get("/sign-in")
    html = page(response)
    assert response.status_code == 200
    username = html.find("input", attrs={"name": "username"})
    password = html.find("input", attrs={"name": "password"})
    assert html.find("label", attrs={"for": username["id"]}).get_text(strip=True) == "Username"
    assert html.find("label", attrs={"for": password["id"]}).get_text(strip=True) == "Password"
    assert password["type"] == "password"
    assert html.find("a", string="I have forgotten my password")["href"] == "/forgotten-password"


def test_correct_password_signs_in_and_shows_user_and_organisation(client, user):
    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert response.headers["Location"] == "/learner-management"
    home = page(client.get("/learner-management"))
    header = home.select_one(".lrs-signed-in").get_text(" ", strip=True)
    assert user.username in header and "Northern Exams Board" in header
    assert home.find("button", string="Sign out")
    assert home.find("h1").get_text(strip=True) == "Learner Management"


def test_wrong_password_shows_generic_error_in_a_summary(client, user):
    response = sign_in(client, user.username, "wrong password entirely")
    assert response.status_code == 422
    assert error_summary(response) == [
        "The username or password is not right, or this account cannot sign in at the moment. "
        "If you have forgotten your password or your account is locked, use ‘I have forgotten "
        "my password’."]
    assert page(response).title.get_text().startswith("Error:")


def test_empty_fields_are_named_in_the_error_summary(client):
    response = submit(client, "/sign-in", {"username": "", "password": ""})
    assert error_summary(response) == ["Enter your username", "Enter your password"]


def test_lockout_through_the_portal(client, user, outbox):
    for _ in range(5):
        assert sign_in(client, user.username, "nope nope nope").status_code == 422
    response = sign_in(client, user.username, STRONG_PASSWORD)
    assert response.status_code == 422, "the sixth attempt is refused even when right"
    assert len(outbox.to(user.email)) == 1


def test_sign_in_starts_a_fresh_session(client, user):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, user.username)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.session_token


@pytest.mark.parametrize("target,expected", [
    ("/account", "/account"),
    ("https://evil.example/", "/learner-management"),
    ("//evil.example/", "/learner-management"),
    ("/\\evil.example", "/learner-management"),
])
def test_next_redirects_only_within_the_site(client, user, target, expected):
    form = client.get("/sign-in")
    response = client.post(f"/sign-in?next={target}", data={
        "csrf_token": csrf_from(form), "username": user.username, "password": STRONG_PASSWORD})
    assert response.headers["Location"] == expected


def test_sign_out_needs_a_post_and_ends_the_session(client, user):
    sign_in(client, user.username)
    assert client.get("/sign-out").status_code == 405
    home = client.get("/learner-management")
    response = client.post("/sign-out", data={"csrf_token": csrf_from(home)})
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/account").status_code == 302


def test_post_without_csrf_token_is_refused(client, user):
    response = client.post("/sign-in", data={"username": user.username,
                                             "password": STRONG_PASSWORD})
    assert response.status_code == 400
    assert "nothing was saved" in page(response).get_text()
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_htmx_post_without_csrf_header_is_refused(client, user):
    sign_in(client, user.username)
    response = client.post("/session/keep-alive", headers={"HX-Request": "true"})
    assert response.status_code == 400
    home = client.get("/learner-management")
    token = page(home).body["hx-headers"]
    assert csrf_from(home) in token
    accepted = client.post("/session/keep-alive", headers={
        "HX-Request": "true", "X-CSRFToken": csrf_from(home)})
    assert accepted.status_code == 204


def test_a_password_change_ends_every_session(app, client, user, outbox):
    other_browser = app.test_client()
    sign_in(client, user.username)
    sign_in(other_browser, user.username)
    assert other_browser.get("/account").status_code == 200
    resetting_browser = app.test_client()
    submit(resetting_browser, "/forgotten-password", {"username_or_email": user.username})
    submit(resetting_browser, open_link(resetting_browser, outbox.last_link(user.email)), {
        "password": "the newest pass phrase", "confirm_password": "the newest pass phrase"})
    for browser in (client, other_browser):
        assert browser.get("/account").headers["Location"].startswith("/sign-in")


def test_a_copy_of_the_cookie_is_useless_after_sign_out(app, client, user):
    sign_in(client, user.username)
    stolen = client.get_cookie("lrs_session").value
    submit(client, "/sign-out", {}, get_path="/learner-management")
    thief = app.test_client()
    thief.set_cookie("lrs_session", stolen)
    assert thief.get("/account").headers["Location"].startswith("/sign-in")


def test_keep_alive_after_the_session_ended_is_not_a_success(client, user):
    sign_in(client, user.username)
    token = csrf_from(client.get("/learner-management"))
    _age_session(client, idle_seconds=31 * 60)
    response = client.post("/session/keep-alive", headers={"X-CSRFToken": token})
    assert response.status_code != 204


def test_a_sign_in_does_not_collide_with_an_edit_of_the_same_account(app, client, user):
    """Sign-in bookkeeping must not bump the version a super user's edit form carries."""
    version_before = user.version
    sign_in(client, user.username)
    sign_in(app.test_client(), user.username, "a wrong password here")
    db.session.refresh(user)
    assert user.version == version_before


def test_suspension_ends_the_session_on_the_next_request(client, user):
    sign_in(client, user.username)
    assert client.get("/account").status_code == 200
    db.session.refresh(user)
    user.status = UserStatus.SUSPENDED.value
    user.rotate_session_token()
    db.session.commit()
    assert client.get("/account").status_code == 302


def _age_session(client, *, idle_seconds=0, signed_in_seconds=0):
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - idle_seconds
        session["signed_in_at"] = int(time.time()) - signed_in_seconds


def test_idle_timeout_signs_out_with_a_message(client, user):
    sign_in(client, user.username)
    _age_session(client, idle_seconds=31 * 60, signed_in_seconds=31 * 60)
    response = client.get("/account")
    assert response.headers["Location"].startswith("/sign-in")
    message = page(client.get(response.headers["Location"])).get_text(" ", strip=True)
    assert "had not done anything for 30 minutes" in message


def test_activity_keeps_the_session_alive_until_the_absolute_limit(client, user):
    sign_in(client, user.username)
    _age_session(client, idle_seconds=29 * 60, signed_in_seconds=11 * 3600)
    assert client.get("/account").status_code == 200
    _age_session(client, idle_seconds=60, signed_in_seconds=12 * 3600 + 1)
    response = client.get("/account")
    assert response.headers["Location"].startswith("/sign-in")


def test_htmx_request_after_session_expiry_gets_hx_redirect(client, user):
    sign_in(client, user.username)
    _age_session(client, idle_seconds=31 * 60)
    response = client.get("/account", headers={"HX-Request": "true", "HX-Target": "results"})
    assert response.headers["HX-Redirect"].startswith("/sign-in")
    assert response.get_data(as_text=True) == ""


def test_htmx_request_when_never_signed_in_gets_hx_redirect(client):
    response = client.get("/account", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/sign-in"


def test_the_timeout_warning_is_on_signed_in_pages_only(client, user):
    assert page(client.get("/sign-in")).find(id="timeout-warning") is None
    sign_in(client, user.username)
    html = page(client.get("/account"))
    dialog = html.find(id="timeout-warning")
    assert dialog.find("button", string="Stay signed in")
    assert html.body["data-idle-seconds"] == str(30 * 60)


def test_session_cookie_is_httponly_and_samesite(client, user):
    response = sign_in(client, user.username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
