"""A per-user hourly limit on single verifications stops a bulk trawl through the portal."""

import pytest

from tests.helpers import csrf_from, page, sign_in


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "VERIFICATIONS_PER_HOUR": 3}


def test_the_limit_is_per_user_and_per_hour(app, client, make_user):
    first = make_user(roles=["ab_user"])
    second = make_user(roles=["ab_user"], given="Other", family="Verifier")
    sign_in(client, first.username)
    token = csrf_from(client.get("/learner-verification/verify"))
    data = {"csrf_token": token, "uln": "1000000043", "given_name": "A", "family_name": "B"}
    statuses = [client.post("/learner-verification/verify", data=data).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.post("/learner-verification/verify", data=data)
    assert "hourly limit of single verifications" in page(refused).get_text()
    other_browser = app.test_client()
    sign_in(other_browser, second.username)
    token = csrf_from(other_browser.get("/learner-verification/verify"))
    assert other_browser.post("/learner-verification/verify",
                              data={**data, "csrf_token": token}).status_code == 200


def test_a_refused_htmx_request_shows_its_message_in_the_error_region(client, make_user):
    user = make_user(roles=["ab_user"])
    sign_in(client, user.username)
    token = csrf_from(client.get("/learner-verification/verify"))
    data = {"csrf_token": token, "uln": "1000000043", "given_name": "A", "family_name": "B"}
    headers = {"HX-Request": "true", "HX-Target": "verify-panel"}
    for _ in range(3):
        client.post("/learner-verification/verify", data=data, headers=headers)
    refused = client.post("/learner-verification/verify", data=data, headers=headers)
    assert refused.status_code == 429
    assert refused.headers["HX-Retarget"] == "#request-error"
    assert "hourly limit" in page(refused).get_text()
    assert page(client.get("/learner-verification/verify")).find(id="request-error") is not None


@pytest.fixture
def organisation_limit_app(app):
    app.config["ORGANISATION_VERIFICATIONS_PER_HOUR"] = 4
    return app


def test_the_organisation_limit_holds_across_its_users(organisation_limit_app, make_user,
                                                       other_organisation):
    """Two users of one organisation share one hourly count; another organisation does not."""
    app = organisation_limit_app
    first = make_user(roles=["ab_user"])
    second = make_user(roles=["ab_user"], given="Other", family="Verifier")
    outsider = make_user(roles=["ab_user"], given="Out", family="Sider", org=other_organisation)
    data = {"uln": "1000000043", "given_name": "A", "family_name": "B"}

    def post(user, times):
        browser = app.test_client()
        sign_in(browser, user.username)
        token = csrf_from(browser.get("/learner-verification/verify"))
        return [browser.post("/learner-verification/verify",
                             data={**data, "csrf_token": token}) for _ in range(times)]

    assert [r.status_code for r in post(first, 2)] == [200, 200]   # under each user's 3
    answers = post(second, 3)
    assert [r.status_code for r in answers] == [200, 200, 429]     # the organisation's 4
    assert "your organisation's hourly limit" in page(answers[-1]).get_text()
    assert [r.status_code for r in post(outsider, 1)] == [200]
