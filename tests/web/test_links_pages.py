"""The pages behind the emailed links: first sign-in, reset, email verification, terms."""

from datetime import timedelta

from sqlalchemy import select

from tests.helpers import STRONG_PASSWORD, error_summary, open_link, page, sign_in, submit
from webapp.extensions import db
from webapp.models import OneTimeToken, UserStatus
from webapp.models.base import utcnow

NEW_PASSWORD = "a brand new pass phrase"


def _h1(response):
    return page(response).find("h1").get_text(strip=True)


# --- first sign-in ---------------------------------------------------------------------------

def test_first_sign_in_from_the_welcome_email(client, make_user, outbox):
    newcomer = make_user(password=None, given="Nia", family="Newcomer")
    link = open_link(client, outbox.last_link(newcomer.email))
    assert link == "/register"
    form_page = client.get(link)
    assert _h1(form_page) == "Change password"
    requirements = page(form_page).find(id="password-requirements").get_text(" ", strip=True)
    assert "at least 12 characters" in requirements
    response = submit(client, link, {"username": newcomer.username, "password": NEW_PASSWORD,
                                     "confirm_password": NEW_PASSWORD})
    assert response.headers["Location"] == "/sign-in"
    signed_in = sign_in(client, newcomer.username, NEW_PASSWORD)
    assert signed_in.status_code == 302
    # First thing after the first sign-in: the terms of the user agreement.
    assert client.get("/learner-management").headers["Location"] == "/account/terms"


def test_change_password_screen_shows_show_hide_control_and_allows_paste(client, make_user,
                                                                        outbox):
    newcomer = make_user(password=None, given="Nia", family="Newcomer")
    html = page(client.get(open_link(client, outbox.last_link(newcomer.email))))
    password = html.find("input", attrs={"name": "password"})
    assert password["autocomplete"] == "new-password"
    assert "onpaste" not in password.attrs
    assert password.find_parent(attrs={"data-module": "govuk-password-input"})


def test_first_sign_in_errors_are_shown_beside_the_fields(client, make_user, outbox):
    newcomer = make_user(password=None, given="Nia", family="Newcomer")
    link = open_link(client, outbox.last_link(newcomer.email))
    response = submit(client, link, {"username": "wrong.person", "password": NEW_PASSWORD,
                                     "confirm_password": NEW_PASSWORD})
    assert response.status_code == 422
    assert error_summary(response) == ["Enter the username given in your welcome email"]
    response = submit(client, link, {"username": newcomer.username, "password": "password1234",
                                     "confirm_password": "password1234"})
    assert error_summary(response) == [
        "Password is too common: choose a password that is hard to guess"]


def test_a_used_or_expired_welcome_link_shows_what_to_do(client, make_user, outbox):
    newcomer = make_user(password=None, given="Nia", family="Newcomer")
    link = open_link(client, outbox.last_link(newcomer.email))
    for token in db.session.scalars(select(OneTimeToken)):
        token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 410
    assert "This link has expired" in page(response).get_text()
    assert "Resend Welcome Email" in page(response).get_text()
    assert client.get(open_link(client, "/register/not-a-real-token")).status_code == 404


# --- forgotten password ----------------------------------------------------------------------

def _reset_request(client, identifier):
    return submit(client, "/forgotten-password", {"username_or_email": identifier})


def test_forgotten_password_answers_the_same_for_real_and_unknown_accounts(client, user, outbox):
    real = _reset_request(client, user.username)
    unknown = _reset_request(client, "no.such.person")
    unknown_email = _reset_request(client, "nobody@exams.example")
    texts = {page(r).find(attrs={"data-testid": "reset-sent"}).get_text() for r in
             (real, unknown, unknown_email)}
    assert len(texts) == 1
    assert len(outbox.messages) == 1 and outbox.messages[0]["To"] == user.email


def test_reset_link_sets_a_new_password_and_unlocks(client, user, outbox):
    for _ in range(5):
        sign_in(client, user.username, "wrong wrong wrong")
    _reset_request(client, user.email)
    emailed = outbox.last_link(user.email)
    link = open_link(client, emailed)
    assert _h1(client.get(link)) == "Reset your password"
    done = submit(client, link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.headers["Location"] == "/sign-in"
    assert sign_in(client, user.username, NEW_PASSWORD).headers["Location"] == (
        "/learner-management")
    again = client.get(open_link(client, emailed))
    assert again.status_code == 410 and "already been used" in page(again).get_text()


def test_the_reset_email_carries_no_personal_data(client, user, outbox):
    _reset_request(client, user.username)
    body = outbox.body(outbox.to(user.email)[-1])
    assert user.given_name not in body and user.family_name not in body
    assert "http://lrs.test/reset-password/" in body  # BASE_URL, not the request's host


def test_links_use_base_url_not_the_host_header(client, user, outbox):
    form = client.get("/forgotten-password", headers={"Host": "attacker.example"})
    from tests.helpers import csrf_from
    client.post("/forgotten-password", headers={"Host": "attacker.example"},
                data={"csrf_token": csrf_from(form), "username_or_email": user.username})
    body = outbox.body(outbox.to(user.email)[-1])
    assert "attacker.example" not in body and "http://lrs.test/" in body


# --- My account, email change and terms ------------------------------------------------------

def test_my_account_shows_details_and_edit_link(client, user):
    sign_in(client, user.username)
    html = page(client.get("/account"))
    text = html.get_text(" ", strip=True)
    assert user.username in text and user.email in text and "Awarding body user" in text
    edit = [a["href"] for a in html.find_all("a") if "Edit and verify email" in a.get_text()]
    assert edit == ["/account/email"]


def test_edit_and_verify_email_journey(client, user, outbox):
    sign_in(client, user.username)
    form = client.get("/account/email")
    labels = [label.get_text(strip=True) for label in page(form).find_all("label")]
    assert labels == ["Email", "Confirm email", "Current password"]
    sent = submit(client, "/account/email", {"email": "jane.new@exams.example",
                                             "confirm_email": "jane.new@exams.example",
                                             "current_password": STRONG_PASSWORD})
    assert _h1(sent) == "Check your email"
    link = open_link(client, outbox.last_link("jane.new@exams.example"))
    opened = client.get(link)
    assert _h1(opened) == "Verify your email address"
    db.session.refresh(user)
    assert user.email != "jane.new@exams.example", "opening the link changes nothing"
    verified = submit(client, link, {})
    assert verified.headers["Location"] == "/account/terms"
    terms = client.get("/account/terms")
    assert _h1(terms) == "Terms of the user agreement"
    not_ticked = submit(client, "/account/terms", {})
    assert error_summary(not_ticked) == [
        "Tick the box to accept the terms of the user agreement"]
    accepted = submit(client, "/account/terms", {"accept": "y"})
    assert accepted.headers["Location"] == "/learner-management"
    db.session.refresh(user)
    assert user.email == "jane.new@exams.example" and user.terms_accepted_at is not None


def test_email_already_used_shows_a_clear_error(client, user, make_user):
    other = make_user(given="Other", family="Person")
    sign_in(client, user.username)
    response = submit(client, "/account/email", {"email": other.email,
                                                 "confirm_email": other.email,
                                                 "current_password": STRONG_PASSWORD})
    assert response.status_code == 422
    assert error_summary(response) == [
        "This email address is already used by another account: enter a different one"]


def test_expired_email_link_asks_to_sign_in_and_re_enter(client, user, outbox):
    sign_in(client, user.username)
    submit(client, "/account/email", {"email": "late@exams.example",
                                      "confirm_email": "late@exams.example",
                                      "current_password": STRONG_PASSWORD})
    for token in db.session.scalars(select(OneTimeToken)):
        token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(open_link(client, outbox.last_link("late@exams.example")))
    assert response.status_code == 410
    assert "This link has expired" in page(response).get_text()
    assert "Sign in again" in page(response).get_text()


def test_a_user_who_has_not_accepted_terms_can_only_reach_the_terms(client, make_user):
    fresh = make_user(accept_terms=False, given="Fresh", family="Face")
    sign_in(client, fresh.username)
    assert client.get("/account").headers["Location"] == "/account/terms"
    htmx = client.get("/account", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/account/terms"
    assert client.get("/account/terms").status_code == 200


def test_an_inactive_user_cannot_sign_in_before_registering(client, make_user):
    newcomer = make_user(password=None, given="Nia", family="Newcomer")
    assert newcomer.status == UserStatus.INACTIVE.value
    assert sign_in(client, newcomer.username, "anything at all").status_code == 422
