"""One JSON log line per request, with ids and the route's rule but no personal data."""

import json
import logging
from datetime import date

import pytest

from tests.helpers import STRONG_PASSWORD, csrf_from, page, sign_in, submit
from webapp.extensions import db
from webapp.models import Learner
from webapp.observability import JsonFormatter


@pytest.fixture
def log_lines(caplog):
    caplog.set_level(logging.INFO, logger="lrs.request")
    formatter = JsonFormatter()

    def lines():
        return [json.loads(formatter.format(record)) for record in caplog.records
                if record.name == "lrs.request"]
    return lines


def test_each_request_is_one_line_with_the_fields_an_operator_needs(client, user, log_lines):
    response = client.get("/sign-in")
    [line] = log_lines()
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert line["method"] == "GET" and line["route"] == "/sign-in" and line["status"] == 200
    assert line["duration_ms"] >= 0 and line["time"].endswith("+00:00")
    assert line["user_id"] is None


def test_the_signed_in_user_is_named_by_ids_only(client, boss, user, log_lines):
    sign_in(client, boss.username, "the boss has a long password")
    client.get(f"/users/{user.id}")
    line = log_lines()[-1]
    assert line["route"] == "/users/<int:user_id>", "the rule, not the path"
    assert line["user_id"] == boss.id and line["organisation_id"] == boss.organisation_id


def test_no_name_email_uln_password_or_token_reaches_the_log(client, make_user, log_lines):
    person = make_user(roles=["super_user", "ab_user"], password="the boss has a long password",
                       given="Zoë", family="Quennell", email_address="zoe.quennell@exams.example")
    db.session.add(Learner(uln="1000000043", given_name="Ottoline", family_name="Marchbanks",
                           date_of_birth=date(2008, 5, 1), gender="1"))
    db.session.commit()
    signed_in = sign_in(client, person.username, "the boss has a long password")
    client.get("/users?name=Quennell&email=zoe.quennell%40exams.example")
    client.get("/users", query_string={"name": "Quennell"},
               headers={"HX-Request": "true", "HX-Target": "user-results"})
    form = client.get("/learner-verification/verify")
    client.post("/learner-verification/verify", data={
        "csrf_token": csrf_from(form), "uln": "1000000043", "given_name": "Ottoline",
        "family_name": "Marchbanks", "date_of_birth": ["1", "5", "2008"], "gender": "1"})
    submit(client, "/forgotten-password", {"username_or_email": person.email})
    secrets = {person.username, person.email, "Zoë", "Quennell", "zoe.quennell", "1000000043",
               "Ottoline", "Marchbanks", "the boss has a long password", STRONG_PASSWORD,
               csrf_from(form)}
    cookie = signed_in.headers.get("Set-Cookie", "").split(";")[0].split("=", 1)[-1]
    if cookie:
        secrets.add(cookie)
    text = "\n".join(json.dumps(line) for line in log_lines())
    assert len(log_lines()) >= 8
    leaked = [secret for secret in secrets if secret and secret.lower() in text.lower()]
    assert not leaked, f"personal data in the log: {leaked}"


def test_the_request_id_is_on_the_error_page_and_in_the_header(client, log_lines):
    response = client.get("/no-such-page")
    reference = page(response).select_one(".lrs-reference").get_text(strip=True)
    assert reference == response.headers["X-Request-Id"] == log_lines()[-1]["request_id"]
    assert log_lines()[-1]["status"] == 404


def test_a_proxys_request_id_is_kept_and_arbitrary_text_is_not(client, log_lines):
    kept = client.get("/healthz", headers={"X-Request-Id": "proxy-abc123def456"})
    assert kept.headers["X-Request-Id"] == "proxy-abc123def456"
    replaced = client.get("/healthz", headers={"X-Request-Id": 'x" injected {"user_id": 1}'})
    assert replaced.headers["X-Request-Id"] != 'x" injected {"user_id": 1}'
    assert "injected" not in json.dumps(log_lines())


def test_a_method_a_client_invents_is_counted_as_other(client):
    client.open("/healthz", method="BREW")
    page = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(
        as_text=True)
    assert 'method="BREW"' not in page
    assert 'method="OTHER"' in page


def test_a_database_error_does_not_carry_the_values_bound_into_it(app):
    """Tracebacks are logged: the learner data bound into a failing statement stays out."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from webapp.extensions import db

    with pytest.raises(DBAPIError) as failed:
        db.session.execute(text("SELECT * FROM no_such_table WHERE uln = :uln"),
                           {"uln": "Zephaniah 4715200006"})
    db.session.rollback()
    assert "Zephaniah" not in str(failed.value) and "4715200006" not in str(failed.value)
