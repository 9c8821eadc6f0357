"""Issue 9 (‘Bad input’, tokens in URLs, forgotten password) and the issue 10 items in the
sign-in and account pages, through the portal. Run on SQLite and on PostgreSQL (set
DATABASE_URL): a NUL byte used to give a 500 on PostgreSQL."""

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
from webapp.services import user_management
from webapp.services.unit_of_work import unit_of_work

NEW_PASSWORD = "plum kettle orbit saxophone"


# --- control characters -----------------------------------------------------------------------

@pytest.mark.parametrize("username", ["jane\x00smith", "jane\nsmith", "jane\rsmith"])
def test_a_control_character_in_a_field_is_a_clear_400(client, user, username):
    response = submit(client, "/sign-in", {"username": username, "password": "whatever"})
    assert response.status_code == 400
    assert "control character" in page(response).get_text()


@pytest.mark.parametrize("target", ["/account%0d%0aSet-Cookie:%20x=1", "/account%00"])
def test_a_control_character_in_next_is_a_clear_400(client, user, target):
    form = client.get("/sign-in")
    response = client.post(f"/sign-in?next={target}", data={
        "csrf_token": csrf_from(form), "username": user.username, "password": STRONG_PASSWORD})
    assert response.status_code == 400
    assert "Set-Cookie" not in str(response.headers.get("Location", ""))


def test_nul_in_every_kind_of_input_is_refused_before_the_database(client, boss):
    sign_in(client, boss.username, "the boss has a long password")
    assert client.get("/users?given_name=a%00b").status_code == 400
    assert client.get("/users/activity?username=%00").status_code == 400
    response = submit(client, "/account/email", {"email": "a\x00@exams.example",
                                                 "confirm_email": "a@exams.example",
                                                 "current_password": "x"})
    assert response.status_code == 400
    assert submit(client, "/forgotten-password", {"username_or_email": "\x00"}).status_code == 400


# --- tokens out of addresses ------------------------------------------------------------------

def test_a_reset_token_leaves_the_address_on_the_first_get(client, user, outbox):
    submit(client, "/forgotten-password", {"username_or_email": user.username})
    link = outbox.last_link(user.email)
    token = link.rsplit("/", 1)[-1]
    first = client.get(link)
    assert first.status_code == 302 and first.headers["Location"] == "/reset-password"
    assert first.headers["Referrer-Policy"] == "no-referrer"
    form_page = client.get("/reset-password")
    assert form_page.headers["Referrer-Policy"] == "no-referrer"
    assert token not in form_page.get_data(as_text=True)
    assert page(form_page).find("form")["action"] == "/reset-password"
    done = submit(client, "/reset-password", {"password": NEW_PASSWORD,
                                              "confirm_password": NEW_PASSWORD})
    assert done.headers["Location"] == "/sign-in"


def test_other_pages_keep_same_origin_referrers(client):
    assert client.get("/sign-in").headers["Referrer-Policy"] == "same-origin"


def test_a_fresh_browser_without_the_link_gets_the_not_valid_page(app, client, user, outbox):
    submit(client, "/forgotten-password", {"username_or_email": user.username})
    open_link(client, outbox.last_link(user.email))
    stranger = app.test_client()
    assert stranger.get("/reset-password").status_code == 404


# --- every error at once (issue 10) -----------------------------------------------------------

def test_change_password_shows_every_error_at_once(client, make_user, outbox):
    newcomer = make_user(password=None, given="Nia", family="Newcomer")
    link = open_link(client, outbox.last_link(newcomer.email))
    response = submit(client, link, {"username": "wrong.person", "password": "short",
                                     "confirm_password": "different"})
    assert response.status_code == 422
    errors = error_summary(response)
    assert errors[0] == "Enter the username given in your welcome email"
    assert len(errors) == 3 and "12 characters" in errors[1] and "do not match" in errors[2]


def test_reset_shows_every_error_at_once(client, user, outbox):
    submit(client, "/forgotten-password", {"username_or_email": user.username})
    link = open_link(client, outbox.last_link(user.email))
    response = submit(client, link, {"password": "", "confirm_password": ""})
    assert error_summary(response) == ["Enter a new password", "Confirm your new password"]


def test_edit_and_verify_email_shows_every_error_at_once(client, user):
    sign_in(client, user.username)
    response = submit(client, "/account/email", {"email": "x<bob@corp.example>",
                                                 "confirm_email": "someone@else.example",
                                                 "current_password": "not my password"})
    assert response.status_code == 422
    errors = error_summary(response)
    assert len(errors) == 3, errors
    assert any("current password is not right" in e for e in errors)
    assert any("correct format" in e for e in errors)
    assert any("do not match" in e for e in errors)


# --- suspended, pending change, username filled in (issue 10) ---------------------------------

def test_a_suspended_user_with_the_right_password_is_told_why(client, user):
    user.status = UserStatus.SUSPENDED.value
    db.session.commit()
    response = sign_in(client, user.username)
    assert "suspended" in " ".join(error_summary(response))
    assert "suspended" not in " ".join(error_summary(sign_in(client, user.username, "wrong!")))


def test_my_account_shows_a_pending_email_change_and_can_stop_it(client, boss, staff, outbox):
    with unit_of_work():
        user_management.change_email(boss, staff.id, "sam.new@exams.example",
                                     "sam.new@exams.example")
    sign_in(client, staff.username)
    pending = page(client.get("/account")).find(attrs={"data-testid": "pending-email-change"})
    assert pending and "sam.new@exams.example" in pending.get_text()
    submit(client, "/account/email-change/stop", {}, get_path="/account")
    assert page(client.get("/account")).find(
        attrs={"data-testid": "pending-email-change"}) is None


def test_the_stop_link_in_the_notice_works_without_signing_in(client, boss, staff, outbox):
    old = staff.email
    with unit_of_work():
        user_management.change_email(boss, staff.id, "mallory@evil.example",
                                     "mallory@evil.example")
    verify = open_link(client, outbox.last_link("mallory@evil.example"))
    held = submit(client, verify, {})
    assert page(held).find(attrs={"data-testid": "email-change-held"})
    stop = open_link(client, outbox.last_link(old))
    assert stop == "/account/stop-email-change"
    stopped = submit(client, stop, {})
    assert stopped.headers["Location"] == "/sign-in"
    db.session.refresh(staff)
    assert staff.email == old


def test_the_sign_in_page_after_registration_fills_in_the_username(client, make_user, outbox):
    newcomer = make_user(password=None, given="Nia", family="Newcomer")
    link = open_link(client, outbox.last_link(newcomer.email))
    submit(client, link, {"username": newcomer.username, "password": NEW_PASSWORD,
                          "confirm_password": NEW_PASSWORD})
    form = page(client.get("/sign-in"))
    assert form.find("input", attrs={"name": "username"})["value"] == newcomer.username
    again = page(client.get("/sign-in"))
    assert not again.find("input", attrs={"name": "username"}).get("value")


# --- a super user's Edit and verify email for someone else ------------------------------------

BOSS = "the boss has a long password"


def test_a_super_users_email_form_for_someone_else_shows_every_error_at_once(client, boss,
                                                                            staff):
    sign_in(client, boss.username, BOSS)
    response = submit(client, f"/users/{staff.id}/email", {"email": "", "confirm_email": ""})
    assert response.status_code == 422
    assert error_summary(response) == ["Enter an email address",
                                       "Enter the new email address again"]


def test_a_super_user_cannot_point_a_fellow_super_user_at_his_mailbox(client, boss, make_user,
                                                                      outbox):
    fellow = make_user(roles=["super_user"], password=BOSS, given="Fay", family="Fellow")
    sign_in(client, boss.username, BOSS)
    response = submit(client, f"/users/{fellow.id}/email", {
        "email": "mallory@evil.example", "confirm_email": "mallory@evil.example"})
    assert response.status_code == 422
    assert "service desk" in " ".join(error_summary(response))
    assert outbox.to("mallory@evil.example") == []


def test_the_owner_confirms_a_held_change_on_my_account(app, client, boss, staff, outbox):
    with unit_of_work():
        user_management.change_email(boss, staff.id, "sam.new@exams.example",
                                     "sam.new@exams.example")
    verifier = app.test_client()
    submit(verifier, open_link(verifier, outbox.last_link("sam.new@exams.example")), {})
    sign_in(client, staff.username)
    account = page(client.get("/account"))
    pending = account.find(attrs={"data-testid": "pending-email-change"}).get_text(" ")
    assert "takes effect on" in pending
    confirmed = submit(client, "/account/email-change/confirm", {}, get_path="/account")
    assert confirmed.headers["Location"] == "/account/terms"
    db.session.refresh(staff)
    assert staff.email == "sam.new@exams.example"
