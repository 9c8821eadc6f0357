"""Learner verification at scale: import speed and memory, then single-verification
latency through the service function and through the portal, each beside a raw sqlite3
baseline measured in the same run.

    .venv/bin/python bench/verify_speed.py [--learners 1000000] [--rounds 2000]

Writes its database and CSV under a temporary folder (or --work DIR, kept for re-runs)."""

import argparse
import csv
import multiprocessing
import random
import resource
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from common import make_bench_user, percentiles
from sqlalchemy import select

from webapp import create_app, jobs
from webapp.config import Config
from webapp.extensions import db
from webapp.formats.learner_csv import COLUMNS
from webapp.models import User
from webapp.services import schema, synthetic_learners, verification
from webapp.services.unit_of_work import unit_of_work

PASSWORD = "a reasonably long pass phrase"


def make_app(work: Path):
    return create_app(Config, {
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite'}", "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8,
    }, instance_path=str(work))


def import_in_child(work: str, csv_path: str, queue) -> None:
    """Run the real import in a child process, so its peak memory is its own."""
    app = make_app(Path(work))
    with app.app_context():
        start = time.perf_counter()
        with open(csv_path, newline="") as source:
            report = jobs.import_learners(source, date.today())
        queue.put((time.perf_counter() - start, report.inserted, report.rejected_count))


def raw_import(csv_path: Path, work: Path) -> float:
    """Baseline: the same rows into a plain SQLite table, no validation, one transaction."""
    connection = sqlite3.connect(work / "raw.sqlite")
    connection.execute("DROP TABLE IF EXISTS learners")
    connection.execute("CREATE TABLE learners (uln TEXT PRIMARY KEY, " + ", ".join(
        f"{column} TEXT" for column in COLUMNS[1:]) + ")")
    start = time.perf_counter()
    with csv_path.open(newline="") as source:
        reader = csv.reader(source)
        next(reader)
        placeholders = ",".join("?" * len(COLUMNS))
        connection.executemany(f"INSERT INTO learners VALUES ({placeholders})",  # noqa: S608
                               reader)
    connection.commit()
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def peak_child_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=None)
    options = parser.parse_args()
    work = options.work or Path(tempfile.mkdtemp(prefix="lrs-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"learners-{options.learners}.csv"
    print(f"Working in {work}")

    if not csv_path.exists():
        start = time.perf_counter()
        with csv_path.open("w", newline="") as out:
            synthetic_learners.write_csv(out, options.learners, seed=1, today=date.today())
        print(f"Generated {options.learners:,} learners in {time.perf_counter() - start:.1f} s")

    app = make_app(work)
    (work / "bench.sqlite").unlink(missing_ok=True)
    with app.app_context():
        schema.upgrade()
        db.engine.dispose()

    queue = multiprocessing.get_context("spawn").Queue()
    child = multiprocessing.get_context("spawn").Process(
        target=import_in_child, args=(str(work), str(csv_path), queue))
    child.start()
    seconds, inserted, rejected = queue.get()
    child.join()
    peak = peak_child_rss_mib()
    raw_seconds = raw_import(csv_path, work)
    print(f"\nImport of {options.learners:,} learners")
    print(f"  lrs import-learners (validate + upsert): {inserted / seconds:10,.0f} rows/s "
          f"({seconds:.1f} s, {rejected} rejected), peak memory {peak:.0f} MiB")
    print(f"  raw sqlite3 executemany (baseline):      {options.learners / raw_seconds:10,.0f} "
          f"rows/s ({raw_seconds:.1f} s)")

    rng = random.Random(7)
    raw = sqlite3.connect(work / "bench.sqlite")
    highest = raw.execute("SELECT max(rowid) FROM learners").fetchone()[0]
    rowids = rng.sample(range(1, highest + 1), min(options.rounds, highest))
    sample = [raw.execute("SELECT uln, given_name, family_name, date_of_birth, gender "
                          "FROM learners WHERE rowid = ?", (rowid,)).fetchone()
              for rowid in rowids]

    raw_times = []
    for uln, *_ in sample:
        start = time.perf_counter()
        raw.execute("SELECT * FROM learners WHERE uln = ?", (uln,)).fetchone()
        raw_times.append((time.perf_counter() - start) * 1000)
    raw.close()

    with app.app_context():
        username = make_bench_user(PASSWORD)
        user = db.session.scalar(select(User).where(User.username == username))
        service_times = []
        for uln, given, family, born, gender in sample:
            request = verification.VerificationRequest(
                uln, given, family, date.fromisoformat(born), gender)
            start = time.perf_counter()
            with unit_of_work():
                verification.verify_learner(user, request)
            service_times.append((time.perf_counter() - start) * 1000)
        db.session.remove()

    client = app.test_client()
    client.post("/sign-in", data={"username": username, "password": PASSWORD})
    portal_times = []
    for uln, given, family, born, gender in sample:
        year, month, day = born.split("-")
        data = {"uln": uln, "given_name": given, "family_name": family,
                "date_of_birth": [day, month, year], "gender": gender}
        start = time.perf_counter()
        response = client.post("/learner-verification/verify", data=data,
                               headers={"HX-Request": "true", "HX-Target": "verify-panel"})
        portal_times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code

    base_p50, base_p95 = percentiles(raw_times)
    print(f"\nSingle verification, {len(sample):,} random learners of {options.learners:,}")
    print(f"  {'measurement':<52} {'p50 ms':>8} {'p95 ms':>8} {'p50 x raw':>10}")
    for name, samples in [("raw sqlite3 primary-key lookup (baseline)", raw_times),
                          ("verification.verify_learner (service, audited)", service_times),
                          ("POST Verify Single Learner (portal, HTMX panel)", portal_times)]:
        p50, p95 = percentiles(samples)
        print(f"  {name:<52} {p50:8.3f} {p95:8.3f} {p50 / base_p50:10.0f}")


if __name__ == "__main__":
    main()
