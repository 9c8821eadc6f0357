"""Find user without a server: the median time of the page and the HTMX fragment through
Flask's test client, signed in, at each number of users. What is left when gunicorn and
the other benchmarks on the machine are taken out of the figure.

    PYTHONPATH=. .venv/bin/python bench/find_user_requests.py [--database sqlite|postgresql]
        [--postgres-url URL] [--learners 100000] [--users 5000,50000] [--requests 150]

Seeds with bench/load.py's seeding (same data), then 20 warm-up requests and --requests
timed ones for each of `/users` and `/users?family_name=smi` (an HTMX request).
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (the seeding of the load benchmark)

WARM_UP = 20
REQUESTS = {
    "page": ("/users", {}),
    "fragment": ("/users?family_name=smi", load.HTMX_USERS),
}


def signed_in_client(app):
    client = app.test_client()
    form = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    response = client.post("/sign-in", data={"csrf_token": token, "username": "load.user0",
                                             "password": load.PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def median_ms(client, path: str, headers: dict, count: int) -> float:
    times = []
    for _ in range(WARM_UP + count):
        started = time.perf_counter()
        assert client.get(path, headers=headers).status_code == 200
        times.append(time.perf_counter() - started)
    return statistics.median(times[WARM_UP:]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-url",
                        default="postgresql://postgres@127.0.0.1:5432/lrs_prod_load")
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--users", default="5000,50000")
    parser.add_argument("--requests", type=int, default=150)
    options = parser.parse_args()
    from webapp import create_app
    from webapp.config import Config

    for users in [int(n) for n in options.users.split(",")]:
        work = Path(tempfile.mkdtemp(prefix="lrs-find-user-"))
        url = options.postgres_url if options.database == "postgresql" else \
            f"sqlite:///{work / 'load.sqlite'}"
        load.seed(url, work, options.learners, users, clients=1)
        app = create_app(Config, {"DATABASE_URL": url, "RATELIMIT_ENABLED": False,
                                  "LOG_LEVEL": "WARNING"}, instance_path=str(work))
        client = signed_in_client(app)
        figures = {name: median_ms(client, path, headers, options.requests)
                   for name, (path, headers) in REQUESTS.items()}
        print(f"{options.database} {users:>6} users: " + ", ".join(
            f"{name} {ms:.1f} ms" for name, ms in figures.items()), flush=True)


if __name__ == "__main__":
    main()
