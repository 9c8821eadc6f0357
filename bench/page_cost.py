"""What one request of each issue-14 page costs inside the application, measured in a way
a busy machine does not blur: the Python function calls it makes (the same on every run),
and its best time over several runs. Beside them, the same for a trivial Flask app in the
same run.

    PYTHONPATH=. .venv/bin/python bench/page_cost.py [--users 5000] [--work DIR]
        [--database sqlite|postgresql] [--postgres-url URL] [--profile PAGE]

Seeds the data as bench/load.py does (plain inserts; reused with --work on SQLite; on
PostgreSQL the --postgres-url database's schema is dropped and rebuilt), signs one super
user in through the form and drives each page through Flask's test client. bench/load.py
measures the same pages through gunicorn under load; this tells where the time goes and
whether a change moved it, without a quiet machine. --profile "find user (fragment)" also
prints where that page's calls go (cProfile, the 30 functions of most own time)."""

import argparse
import cProfile
import logging
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import HTMX_CHALLENGES, HTMX_USERS, PASSWORD, seed  # noqa: E402

PAGES = (
    ("redirect /", "/", {}),
    ("home", "/learner-management", {}),
    ("find user (page)", "/users", {}),
    ("find user (fragment)", "/users?family_name=smi", HTMX_USERS),
    ("EDC list", "/challenges", {}),
    ("EDC list (fragment)", "/challenges?status=open", HTMX_CHALLENGES),
)
RUNS = 7


def trivial_app() -> Flask:
    app = Flask("trivial")
    app.add_url_rule("/", "index", lambda: "ok")
    return app


def measure(client, path: str, headers: dict, rounds: int) -> tuple[float, float]:
    """(Python calls a request, best ms a request)."""
    for _ in range(20):  # warm: templates compiled, caches filled
        status = client.get(path, headers=headers).status_code
        assert status in (200, 302), f"{path} answered {status}"
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(rounds):
            client.get(path, headers=headers)
        best = min(best, (time.perf_counter() - started) / rounds * 1000)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        client.get(path, headers=headers)
    profiler.disable()
    return pstats.Stats(profiler).total_calls / 10, best


def signed_in_client(work: Path, database_url: str):
    from webapp import create_app
    from webapp.config import Config

    app = create_app(Config, {"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False},
                     instance_path=str(work))
    client = app.test_client()
    form = client.get("/sign-in").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    answer = client.post("/sign-in", data={"csrf_token": token, "username": "load.user0",
                                           "password": PASSWORD})
    assert answer.status_code == 302, "the load user could not sign in"
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--work", default=None)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-url",
                        default="postgresql://postgres@127.0.0.1:5432/lrs_page_cost")
    parser.add_argument("--profile", default="", help="a page's name, as printed")
    options = parser.parse_args()
    work = Path(options.work or tempfile.mkdtemp(prefix="lrs-page-cost-"))
    work.mkdir(parents=True, exist_ok=True)
    if options.database == "postgresql":
        database_url = options.postgres_url
        seed(database_url, work, 10_000, options.users, 1)
    else:
        database_url = f"sqlite:///{work / 'load.sqlite'}"
        if not (work / "load.sqlite").exists():
            seed(database_url, work, 10_000, options.users, 1)
    client = signed_in_client(work, database_url)
    logging.disable(logging.CRITICAL)  # the request log line is measured, not printed
    calls, best = measure(trivial_app().test_client(), "/", {}, options.rounds)
    print(f"{options.database}, {options.users:,} users, test client, best of {RUNS} runs of "
          f"{options.rounds}")
    print(f"{'page':24} {'calls':>8} {'× trivial':>9} {'best ms':>8} {'× trivial':>9}")
    print(f"{'trivial Flask app':24} {calls:8.0f} {1:9.1f} {best:8.2f} {1:9.1f}")
    for name, path, headers in PAGES:
        page_calls, page_best = measure(client, path, headers, options.rounds)
        print(f"{name:24} {page_calls:8.0f} {page_calls / calls:9.1f} {page_best:8.2f} "
              f"{page_best / best:9.1f}")
    for name, path, headers in PAGES:
        if name == options.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                client.get(path, headers=headers)
            profiler.disable()
            print(f"\n{name}, 10 requests:")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
