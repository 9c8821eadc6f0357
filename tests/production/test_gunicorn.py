"""Through a real gunicorn (gunicorn.conf.py, wsgi:app): the client address that limits and
the audit trail use comes from the proxy's own hop, never from what a client writes."""

import pytest
from sqlalchemy import select

from tests.helpers import STRONG_PASSWORD
from tests.production.servers import Browser, gunicorn
from webapp.extensions import db
from webapp.models import AuditEvent


def _sign_in_addresses() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.ip_address).where(
        AuditEvent.event == "sign_in.succeeded").order_by(AuditEvent.id)))


@pytest.mark.parametrize("hops", [0, 1])
def test_a_forged_forwarded_for_header_changes_neither_audit_nor_limits(
        database_url, tmp_path, user, hops):
    with gunicorn(database_url, tmp_path / "server", TRUSTED_PROXIES=hops,
                  RATELIMIT_ENABLED=1, SIGN_IN_NETWORK_RATE_LIMIT="4 per minute",
                  SIGN_IN_USERNAME_RATE_LIMIT="100 per minute") as base:
        # Behind the proxy, it appends the address it saw to whatever the client sent.
        honest = Browser(base, {"X-Forwarded-For": "6.6.6.6, 198.51.100.9"} if hops else {
            "X-Forwarded-For": "6.6.6.6"})
        status, _, _ = honest.submit("/sign-in", {"username": user.username,
                                                  "password": STRONG_PASSWORD})
        assert status == 302

        def attacker(forged: str) -> dict:
            return {"X-Forwarded-For": f"{forged}, 198.51.100.7" if hops else forged}

        statuses = [Browser(base, attacker(f"203.0.113.{n}")).submit(
            "/sign-in", {"username": f"guess.{n}", "password": "x"})[0] for n in range(5)]
        # Without a proxy every request here comes from 127.0.0.1, the honest one's too.
        allowed = 4 if hops else 3
        assert statuses == [422] * allowed + [429] * (5 - allowed), \
            "a new forged address is not a new client"
    assert _sign_in_addresses() == ["198.51.100.9" if hops else "127.0.0.1"]


def test_metrics_add_up_every_worker_of_an_instance(database_url, tmp_path):
    with gunicorn(database_url, tmp_path / "server", workers=2) as base:
        browser = Browser(base)
        for _ in range(20):
            assert browser.open("/healthz")[0] == 200
        status, body, headers = browser.open("/metrics")
    assert status == 200
    line = 'lrs_http_requests_total{method="GET",route="/healthz",status="200"}'
    counted = [row for row in body.splitlines() if row.startswith(line)]
    assert counted and float(counted[0].rsplit(" ", 1)[1]) >= 20, "every request, whichever worker"
    assert len(list((tmp_path / "server" / "metrics").glob("counter_*.db"))) >= 1
