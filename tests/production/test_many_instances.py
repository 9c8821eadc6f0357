"""Many instances, one truth: two gunicorn instances on two ports, one PostgreSQL database
and one Redis. Failed sign-ins split across them lock the account; the hourly limits on
single verifications (per user and per organisation) hold across both."""

import os
import uuid

import pytest

from tests.conftest import POSTGRES_URL
from tests.helpers import STRONG_PASSWORD
from tests.production.servers import Browser, gunicorn
from webapp.extensions import db
from webapp.models import User

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="PostgreSQL only: instances share a server database (DATABASE_URL)")

REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('LRS_TEST_REDIS_DB', '7')}"
VERIFY = "/learner-verification/verify"
LEARNER = {"uln": "1000000043", "given_name": "A", "family_name": "B"}


@pytest.fixture
def two_instances(database_url, tmp_path):
    settings = {"REDIS_URL": REDIS_URL, "RATELIMIT_ENABLED": 1,
                "RATELIMIT_KEY_PREFIX": f"lrs-test-{uuid.uuid4().hex}",
                "SIGN_IN_USERNAME_RATE_LIMIT": "100 per minute",
                "VERIFICATIONS_PER_HOUR": 3, "ORGANISATION_VERIFICATIONS_PER_HOUR": 6}
    with gunicorn(database_url, tmp_path / "a", **settings) as first, \
            gunicorn(database_url, tmp_path / "b", **settings) as second:
        assert first != second
        yield first, second


def test_failed_sign_ins_split_across_instances_lock_the_account(two_instances, user):
    first, second = two_instances
    for attempt in range(5):
        server = (first, second)[attempt % 2]
        status, _, _ = Browser(server).submit(
            "/sign-in", {"username": user.username, "password": f"wrong {attempt}"})
        assert status == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).locked
    for server in two_instances:
        status, _, headers = Browser(server).submit(
            "/sign-in", {"username": user.username, "password": STRONG_PASSWORD})
        assert status != 302 and "Location" not in headers, "locked on both"


def test_the_hourly_verification_limits_hold_across_instances(two_instances, make_user):
    first, second = two_instances
    one = make_user(roles=["ab_user"])
    other = make_user(roles=["ab_user"], given="Other", family="Verifier")
    browsers = {}
    for person in (one, other):
        for server in (first, second):
            browser = Browser(server)
            status, _, _ = browser.submit("/sign-in", {"username": person.username,
                                                       "password": STRONG_PASSWORD})
            assert status == 302
            browsers[person.id, server] = browser

    # The user's limit is 3 an hour, however the posts are spread over the instances.
    statuses = [browsers[one.id, server].submit(VERIFY, LEARNER)[0]
                for server in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]
    # The organisation's is 6: four posts counted (the refused one too: both limits are
    # counted on every post), two left for the other user, on either instance.
    statuses = [browsers[other.id, server].submit(VERIFY, LEARNER)[0]
                for server in (second, first, second)]
    assert statuses == [200, 200, 429]
