import pytest

from tests.helpers import STRONG_PASSWORD, csrf_from, open_link, submit


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "SIGN_IN_NETWORK_RATE_LIMIT": "5 per minute",
            "SIGN_IN_USERNAME_RATE_LIMIT": "3 per minute",
            "PASSWORD_RESET_RATE_LIMIT": "2 per minute", "NEW_PASSWORD_RATE_LIMIT": "4 per minute",
            "EMAIL_CHANGE_RATE_LIMIT": "2 per minute"}


def _sign_in(client, token, username):
    return client.post("/sign-in", data={"csrf_token": token, "username": username,
                                         "password": "b"}).status_code


def test_sign_in_attempts_are_limited_per_username(client):
    token = csrf_from(client.get("/sign-in"))
    assert [_sign_in(client, token, "a.person") for _ in range(4)] == [422, 422, 422, 429]
    assert _sign_in(client, token, "another.person") == 422, "other usernames go on"
    assert client.get("/sign-in").status_code == 200, "reading the page is not limited"


def test_sign_in_attempts_are_limited_per_network_separately(client):
    """Issue 9: one limit for an office behind one address, another for one username."""
    token = csrf_from(client.get("/sign-in"))
    statuses = [_sign_in(client, token, f"person.{n}") for n in range(6)]
    assert statuses == [422] * 5 + [429]


def test_password_reset_requests_are_rate_limited(client):
    token = csrf_from(client.get("/forgotten-password"))
    statuses = [client.post("/forgotten-password", data={
        "csrf_token": token, "username_or_email": "someone"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_new_passwords_have_their_own_limit(client, user, outbox):
    """Issue 10: choosing a password after two typos hit the reset requests' limit."""
    submit(client, "/forgotten-password", {"username_or_email": user.username})
    submit(client, "/forgotten-password", {"username_or_email": user.username})
    link = open_link(client, outbox.last_link(user.email))
    statuses = [submit(client, link, {"password": "short", "confirm_password": "x"}).status_code
                for _ in range(2)]
    assert statuses == [422, 422], "the two requests used up only the request limit"
    done = submit(client, link, {"password": "plum kettle orbit saxophone",
                                 "confirm_password": "plum kettle orbit saxophone"})
    assert done.status_code == 302


def test_the_email_change_form_is_rate_limited(client, user):
    """Issue 9: 20 parallel guesses went through ‘Edit and verify email’."""
    from tests.helpers import sign_in

    sign_in(client, user.username, STRONG_PASSWORD)
    statuses = [submit(client, "/account/email", {
        "email": "new@exams.example", "confirm_email": "new@exams.example",
        "current_password": f"guess {n}"}).status_code for n in range(3)]
    assert statuses == [422, 422, 429]
