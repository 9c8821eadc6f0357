"""Behind a reverse proxy (TRUSTED_PROXIES=1) the audit trail records the client."""

import pytest
from sqlalchemy import select

from tests.helpers import STRONG_PASSWORD, csrf_from
from webapp.extensions import db
from webapp.models import AuditEvent


@pytest.fixture
def app_overrides():
    return {"TRUSTED_PROXIES": 1}


def test_client_address_comes_from_the_proxy_header(client, user):
    headers = {"X-Forwarded-For": "203.0.113.9"}
    token = csrf_from(client.get("/sign-in", headers=headers))
    client.post("/sign-in", headers=headers, data={
        "csrf_token": token, "username": user.username, "password": STRONG_PASSWORD})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "sign_in.succeeded"))
    assert event.ip_address == "203.0.113.9"
