"""View learner record is a verification: it counts against the same hourly limit as Verify
Single Learner, so a provider cannot trawl the register through it."""

import pytest

from tests.helpers import csrf_from, page, sign_in


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "VERIFICATIONS_PER_HOUR": 3}


def test_viewing_records_is_limited_per_user_and_hour(app, client, make_user,
                                                      provider_organisation):
    provider = make_user(roles=["provider_user"], org=provider_organisation, given="Pat",
                         family="Provider")
    sign_in(client, provider.username)
    token = csrf_from(client.get("/learner-record"))
    data = {"csrf_token": token, "uln": "1000000043", "given_name": "A", "family_name": "B"}
    statuses = [client.post("/learner-record", data=data).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]  # no such learner (VRC006) three times, then the limit
    refused = client.post("/learner-record", data=data)
    assert "hourly limit of single verifications" in page(refused).get_text()
