import pytest

from tests.helpers import csrf_from


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "SIGN_IN_RATE_LIMIT": "3 per minute",
            "PASSWORD_RESET_RATE_LIMIT": "2 per minute"}


def test_sign_in_attempts_are_rate_limited(client):
    token = csrf_from(client.get("/sign-in"))
    statuses = [client.post("/sign-in", data={"csrf_token": token, "username": "a",
                                              "password": "b"}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert client.get("/sign-in").status_code == 200, "reading the page is not limited"


def test_password_reset_requests_are_rate_limited(client):
    token = csrf_from(client.get("/forgotten-password"))
    statuses = [client.post("/forgotten-password", data={
        "csrf_token": token, "username_or_email": "someone"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
