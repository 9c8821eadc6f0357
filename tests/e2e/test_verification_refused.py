"""A request the server refuses, with JavaScript: the reason shows in the page's error
region, what was typed stays, and the earlier result is gone."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    MASTER_ULN,
    assert_console_clean,
    awarding_body_user,
    fill_details,
    open_verify_single_learner,
    press_verify,
    result,
    result_heading,
)


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "VERIFICATIONS_PER_HOUR": 1}


def test_a_refused_request_says_why_and_leaves_no_stale_result(page: Page, live_server,
                                                                console):
    user = awarding_body_user(live_server)
    live_server.make_learner(MASTER_ULN)
    open_verify_single_learner(page, user)
    fill_details(page, MASTER_ULN, "James", "Wilson")
    press_verify(page)
    expect(result_heading(page)).to_contain_text("VRC001")

    page.get_by_label("Given name", exact=True).fill("Jim")
    press_verify(page)
    expect(page.locator("#request-error")).to_contain_text("hourly limit")
    expect(result(page)).to_have_count(0)
    expect(page.get_by_label("Given name", exact=True)).to_have_value("Jim")
    assert_console_clean(console)
