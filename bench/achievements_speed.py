"""Creating achievements at scale: creates per second through the service function
(`achievements.create`: validation, qualification and ownership checks, learner
verification with the matching engine, the unique-reference check, the achievement, its
history row and two audit rows, one transaction each) with a large register and many
existing achievements, beside a raw sqlite3 insert baseline measured in the same run.

    .venv/bin/python bench/achievements_speed.py [--learners 1000000]
        [--achievements 5000000] [--rounds 2000] [--work DIR]

The learners (synthetic, generated once into DIR) and the existing achievements are loaded
with plain sqlite3 inserts: they are the setting, not what is measured. The qualification
register is the demo one (webapp/services/data/demo_qualifications.csv)."""

import argparse
import csv
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

from common import percentiles
from sqlalchemy import select

from webapp import create_app, jobs
from webapp.config import Config
from webapp.extensions import db
from webapp.formats.learner_csv import COLUMNS
from webapp.models import Qualification, User
from webapp.models.base import utcnow
from webapp.services import achievements, organisations, schema, synthetic_learners, user_accounts
from webapp.services.unit_of_work import unit_of_work

ORGANISATION_UKPRN = "10000001"   # owns the demo register's AQA rows and the diploma
FILLER_DATE = date(2019, 6, 1)
RAW_DATE = date(2023, 6, 1)       # the baseline's rows, apart from the service's
SERVICE_DATE = date(2024, 6, 1)
BATCH = 50_000
PASSWORD = "a reasonably long pass phrase"


def make_app(work: Path):
    return create_app(Config, {
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite'}", "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
    }, instance_path=str(work))


def load_learners(csv_path: Path, connection: sqlite3.Connection) -> None:
    now = datetime.now(UTC).isoformat(sep=" ")
    with csv_path.open(newline="") as source:
        reader = csv.reader(source)
        next(reader)
        rows = ([value or None for value in row] + [now, now] for row in reader)
        placeholders = ",".join("?" * (len(COLUMNS) + 2))
        connection.executemany(
            f"INSERT INTO learners ({','.join(COLUMNS)}, created_at, updated_at) "  # noqa: S608
            f"VALUES ({placeholders})", rows)
    connection.commit()


ACHIEVEMENT_COLUMNS = ("uln", "reference", "award_date", "grade", "provider_ukprn", "language",
                       "organisation_id", "submitted_uln", "submitted_given_name",
                       "submitted_family_name", "status", "channel", "created_at",
                       "updated_at", "version")
INSERT_ACHIEVEMENT = (f"INSERT INTO achievements ({','.join(ACHIEVEMENT_COLUMNS)}) "  # noqa: S608
                      f"VALUES ({','.join('?' * len(ACHIEVEMENT_COLUMNS))})")


def load_filler(connection, learners: list[tuple], references: list[str], count: int,
                organisation_id: int) -> None:
    """`count` existing achievements spread over the learners; the k-th of a learner has its
    own award date, so the unique reference (ULN, award date, reference) holds."""
    now = datetime.now(UTC).isoformat(sep=" ")

    def rows():
        for number in range(count):
            k, j = divmod(number, len(learners))
            uln, given, family = learners[j][:3]
            reference = references[(j + 37 * k) % len(references)]
            yield (uln, reference, (FILLER_DATE + timedelta(days=k)).isoformat(), None,
                   None, None, organisation_id, uln, given, family, "active", "batch", now,
                   now, 1)

    iterator = rows()
    while batch := [row for _, row in zip(range(BATCH), iterator, strict=False)]:
        connection.executemany(INSERT_ACHIEVEMENT, batch)
    connection.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--achievements", type=int, default=5_000_000)
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
        register = resources.files("webapp.services.data").joinpath("demo_qualifications.csv")
        with register.open(encoding="utf-8", newline="") as source:
            jobs.import_qualifications(source)
        with unit_of_work():
            organisation = organisations.create_organisation("Bench Board", ORGANISATION_UKPRN,
                                                             "awarding")
            user = user_accounts.create_user(organisation, user_accounts.NewUser(
                given_name="Bench", family_name="Achiever", email="bench@bench.example",
                roles=["qcf_user"]), password=PASSWORD)
            user.terms_accepted_at = utcnow()
        organisation_id = organisation.id
        # References the organisation may award on the measured dates: owned or shared,
        # open on SERVICE_DATE (no certification end before it).
        allowed = [q.reference for q in db.session.scalars(select(Qualification)) if
                   (q.owner_ukprn == ORGANISATION_UKPRN or q.availability == "shared")
                   and q.operational_start_date <= RAW_DATE
                   and (q.certification_end_date is None
                        or q.certification_end_date >= SERVICE_DATE)
                   and q.kind == "qualification"]
        every_reference = list(db.session.scalars(select(Qualification.reference)))
        db.engine.dispose()

    connection = sqlite3.connect(work / "bench.sqlite")
    start = time.perf_counter()
    load_learners(csv_path, connection)
    print(f"Loaded {options.learners:,} learners (plain inserts) in "
          f"{time.perf_counter() - start:.1f} s")
    learners = connection.execute(
        "SELECT uln, given_name, family_name FROM learners WHERE master_uln IS NULL").fetchall()
    start = time.perf_counter()
    load_filler(connection, learners, every_reference, options.achievements, organisation_id)
    print(f"Loaded {options.achievements:,} existing achievements (plain inserts) in "
          f"{time.perf_counter() - start:.1f} s")

    rng = random.Random(11)
    sample = rng.sample(learners, min(options.rounds, len(learners)))
    references = [rng.choice(allowed) for _ in sample]

    # Baseline: the same rows (achievement + its history row) by hand, one transaction each.
    now = datetime.now(UTC).isoformat(sep=" ")
    raw_times = []
    for (uln, given, family), reference in zip(sample, references, strict=True):
        begin = time.perf_counter()
        cursor = connection.execute(INSERT_ACHIEVEMENT, (
            uln, reference, RAW_DATE.isoformat(), None, None, None, organisation_id, uln,
            given, family, "active", "portal", now, now, 1))
        connection.execute("INSERT INTO achievement_events (achievement_id, event, "
                           "occurred_at, channel) VALUES (?, 'created', ?, 'portal')",
                           (cursor.lastrowid, now))
        connection.commit()
        raw_times.append((time.perf_counter() - begin) * 1000)
    connection.close()

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "bench@bench.example"))
        service_times = []
        for (uln, given, family), reference in zip(sample, references, strict=True):
            new = achievements.NewAchievement(achievements.SubmittedLearner(uln, given, family),
                                              reference, SERVICE_DATE, None, "10034567",
                                              "English")
            begin = time.perf_counter()
            with unit_of_work():
                achievements.create(user, new)
            service_times.append((time.perf_counter() - begin) * 1000)
        db.session.remove()
        db.engine.dispose()

    print(f"\nCreating {len(sample):,} achievements, one transaction each, with "
          f"{options.learners:,} learners and {options.achievements:,} existing achievements")
    print(f"  {'measurement':<58} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'x raw':>6}")
    base = sum(raw_times) / len(raw_times)
    for name, samples in [
            ("raw sqlite3 INSERT achievement + history row (baseline)", raw_times),
            ("achievements.create (service: rules, verify, audit)", service_times)]:
        p50, p95 = percentiles(samples)
        mean = sum(samples) / len(samples)
        print(f"  {name:<58} {1000 / mean:8,.0f} {p50:8.3f} {p95:8.3f} {mean / base:6.1f}")


if __name__ == "__main__":
    main()
