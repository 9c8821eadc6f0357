"""When BASE_URL is https, the app says so to browsers: HSTS and secure cookies."""

import pytest

from tests.helpers import sign_in


@pytest.fixture
def app_overrides():
    return {"BASE_URL": "https://lrs.example.gov.uk"}


def test_hsts_when_served_over_https(client):
    assert "max-age" in client.get("/sign-in").headers["Strict-Transport-Security"]


def test_session_cookie_is_secure_when_served_over_https(client, user):
    cookie = sign_in(client, user.username).headers["Set-Cookie"]
    assert "Secure" in cookie
