"""Cost of a sign-in: argon2id at the production parameters, through the service function
and through the portal, beside raw argon2 checks measured in the same run.

    .venv/bin/python bench/sign_in_speed.py [--rounds 50]

Prints p50/p95 in milliseconds and the ratio to the raw baseline."""

import argparse
import tempfile
import time

from argon2 import PasswordHasher, Type
from common import make_bench_user, percentiles

from webapp import create_app
from webapp.config import Config
from webapp.services import schema, sign_in
from webapp.services.unit_of_work import unit_of_work

PASSWORD = "a reasonably long pass phrase"


def timed(function, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    rounds = parser.parse_args().rounds

    production = PasswordHasher(time_cost=Config.ARGON2_TIME_COST,
                                memory_cost=Config.ARGON2_MEMORY_COST_KIB,
                                parallelism=Config.ARGON2_PARALLELISM, type=Type.ID)
    library_default = PasswordHasher()
    production_hash = production.hash(PASSWORD)
    default_hash = library_default.hash(PASSWORD)

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Config, {"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite",
                                  "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False},
                         instance_path=folder)
        with app.app_context():
            schema.upgrade()
            username = make_bench_user(PASSWORD)

            def signed_in(name):
                with unit_of_work():
                    return sign_in.authenticate(name, PASSWORD)

            rows = {
                "raw argon2id verify, production parameters (baseline)":
                    timed(lambda: production.verify(production_hash, PASSWORD), rounds),
                "raw argon2id verify, argon2-cffi default parameters":
                    timed(lambda: library_default.verify(default_hash, PASSWORD), rounds),
                "sign_in.authenticate (service, SQLite, audit row)":
                    timed(lambda: signed_in(username), rounds),
            }

        # Outside the app context, so each request gets its own context as in production.
        def portal_sign_in():
            client = app.test_client()  # a new browser each time: not yet signed in
            response = client.post("/sign-in", data={"username": username,
                                                     "password": PASSWORD})
            assert response.headers["Location"] == "/learner-management", response.status_code

        rows["POST /sign-in (portal, test client)"] = timed(portal_sign_in, rounds)

    baseline = percentiles(next(iter(rows.values())))[0]
    print(f"{'measurement':<58} {'p50 ms':>8} {'p95 ms':>8} {'x baseline':>11}")
    for name, samples in rows.items():
        p50, p95 = percentiles(samples)
        print(f"{name:<58} {p50:8.1f} {p95:8.1f} {p50 / baseline:11.2f}")
    default_p50 = percentiles(rows["raw argon2id verify, argon2-cffi default parameters"])[0]
    print(f"\n{rounds} rounds each. Sign-ins one core can check per second at production "
          f"parameters: {1000 / baseline:.0f}; at the library default: {1000 / default_p50:.0f}")


if __name__ == "__main__":
    main()
