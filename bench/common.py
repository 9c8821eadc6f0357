"""Helpers shared by the benchmark scripts (run as `python bench/NAME.py`)."""

import statistics

from webapp.models.base import utcnow
from webapp.services import organisations, user_accounts
from webapp.services.unit_of_work import unit_of_work


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) of a list of timings."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def make_bench_user(password: str) -> str:
    """An organisation and an awarding body user who has accepted the terms; the username."""
    with unit_of_work():
        organisation = organisations.create_organisation("Bench Board", "10000001", "awarding")
        user = user_accounts.create_user(organisation, user_accounts.NewUser(
            given_name="Bench", family_name="User", email="bench@bench.example",
            roles=["ab_user"]), password=password)
        user.terms_accepted_at = utcnow()
    return user.username
