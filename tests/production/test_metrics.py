"""Prometheus metrics: per-route counts and latencies, limits hit; only from the operator's
networks, whatever a client writes in X-Forwarded-For."""

import pytest

from tests.helpers import csrf_from


@pytest.fixture
def app_overrides():
    return {"METRICS_ALLOWED_NETWORKS": "127.0.0.0/8, 10.20.0.0/16", "TRUSTED_PROXIES": 1,
            "RATELIMIT_ENABLED": True, "SIGN_IN_USERNAME_RATE_LIMIT": "1 per minute"}


def _metrics(client, **kwargs) -> str:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    return response.get_data(as_text=True)


def test_requests_and_latency_are_counted_per_route(client, user):
    before = _metrics(client)
    client.get(f"/users/{user.id}")  # signed out: a redirect, counted under its rule
    after = _metrics(client)
    line = 'lrs_http_requests_total{method="GET",route="/users/<int:user_id>",status="302"}'
    assert line in after
    assert _value(after, line) == _value(before, line) + 1
    assert 'lrs_http_request_duration_seconds_bucket{le="0.1",method="GET",' \
           'route="/users/<int:user_id>"}' in after


def test_limits_hit_are_counted(client):
    token = csrf_from(client.get("/sign-in"))
    line = 'lrs_rate_limits_hit_total{route="/sign-in"}'
    before = _value(_metrics(client), line)
    for _ in range(2):
        client.post("/sign-in", data={"csrf_token": token, "username": "a.b", "password": "x"})
    assert _value(_metrics(client), line) == before + 1


def test_metrics_are_refused_outside_the_operator_networks(client):
    outside = {"REMOTE_ADDR": "127.0.0.1"}  # the proxy, which appends the real client
    refused = client.get("/metrics", environ_base=outside,
                         headers={"X-Forwarded-For": "203.0.113.7"})
    assert refused.status_code == 404
    assert "lrs_http_requests_total" not in refused.get_data(as_text=True)
    forged = client.get("/metrics", environ_base=outside,
                        headers={"X-Forwarded-For": "10.20.1.1, 203.0.113.7"})
    assert forged.status_code == 404, "only the hop the proxy added is believed"
    assert _metrics(client, environ_base=outside, headers={"X-Forwarded-For": "10.20.1.1"})


def _value(text: str, line: str) -> float:
    for row in text.splitlines():
        if row.startswith(line + " "):
            return float(row.rsplit(" ", 1)[1])
    return 0.0


def test_behind_a_proxy_the_app_was_not_told_to_trust_metrics_are_refused(app, client):
    """TRUSTED_PROXIES forgotten: a same-host proxy makes every client look like 127.0.0.1,
    so a relayed request (it carries X-Forwarded-For) is not the operator's."""
    app.config["TRUSTED_PROXIES"] = 0
    local = {"REMOTE_ADDR": "127.0.0.1"}
    relayed = client.get("/metrics", environ_base=local,
                         headers={"X-Forwarded-For": "203.0.113.9"})
    assert relayed.status_code == 404
    assert _metrics(client, environ_base=local)  # the operator on the host itself
