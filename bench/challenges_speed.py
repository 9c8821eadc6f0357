"""Event data challenges at scale: the resolver's list (first page, and filtered by a
status) and a bulk status change of 200 rows, through the service and through the page,
beside raw SQL doing the same reads and writes in the same run.

    .venv/bin/python bench/challenges_speed.py [--challenges 100000] [--organisations 50]
        [--rounds 200] [--bulk-rounds 20] [--work DIR] [--database-url URL]

The challenges (and one achievement each) are loaded with plain inserts: they are the
setting, not what is measured. SQLite in DIR unless --database-url names a PostgreSQL
database (which is emptied first)."""

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import percentiles
from sqlalchemy import bindparam, select, text

from webapp import create_app
from webapp.config import Config
from webapp.extensions import db
from webapp.models import User
from webapp.models.base import utcnow
from webapp.services import challenges, organisations, schema, user_accounts
from webapp.services.unit_of_work import unit_of_work

PASSWORD = "a reasonably long pass phrase"
STATUSES = ["open"] * 4 + ["in_progress"] * 2 + ["upheld"] * 2 + ["rejected"] * 2
TYPES = ["wrong_information", "not_this_learner", "duplicate"]
BATCH = 5_000
LIST_SQL = ("SELECT id, reference, type, uln, achievement_id, raised_by_organisation_id, "
            "raised_at, status, version FROM challenges WHERE organisation_id = :org {extra} "
            "ORDER BY raised_at, id LIMIT 25")
VERSIONS = text("SELECT id, version FROM challenges WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True))
COUNT_SQL = "SELECT count(*) FROM challenges WHERE organisation_id = :org {extra}"


def make_app(work: Path, database_url: str | None):
    return create_app(Config, {
        "DATABASE_URL": database_url or f"sqlite:///{work / 'bench.sqlite'}",
        "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
    }, instance_path=str(work))


def empty_postgres(app) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def set_up(app, options) -> tuple[int, str]:
    """50 awarding organisations, a provider, a resolver of the first organisation; then
    one achievement and one challenge per row, spread over the organisations and a year."""
    with app.app_context():
        schema.upgrade()
        with unit_of_work():
            orgs = [organisations.create_organisation(f"Board {n}", f"{20000000 + n}",
                                                      "awarding")
                    for n in range(options.organisations)]
            college = organisations.create_organisation("Bench College", "10034567",
                                                        "provider")
            resolver = user_accounts.create_user(orgs[0], user_accounts.NewUser(
                given_name="Bench", family_name="Resolver", email="resolver@bench.example",
                roles=["edc_resolver"]), password=PASSWORD)
            raiser = user_accounts.create_user(college, user_accounts.NewUser(
                given_name="Bench", family_name="Raiser", email="raiser@bench.example",
                roles=["provider_user"]), password=PASSWORD)
            resolver.terms_accepted_at = utcnow()
            db.session.flush()
            org_ids, ids = [o.id for o in orgs], (college.id, raiser.id, orgs[0].id)
        load_rows(options.challenges, org_ids, *ids[:2])
        db.session.remove()
    return ids[2], resolver_username(app)


def resolver_username(app) -> str:
    with app.app_context():
        name = db.session.scalar(select(User.username).where(
            User.email == "resolver@bench.example"))
        db.session.remove()
        return name


def load_rows(count: int, org_ids: list[int], college_id: int, raiser_id: int) -> None:
    rng = random.Random(12)
    now = datetime.now(UTC)
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO qualifications (reference, kind, title, type, level, owner_ukprn, "
            "availability, operational_start_date, grading_scale, created_at, updated_at) "
            "VALUES ('BENCH', 'qualification', 'Bench', 'GCSE', '2', '20000000', 'shared', "
            "'2000-01-01', 'Pass;Fail', :now, :now)"), {"now": now})
    start = time.perf_counter()
    for first in range(0, count, BATCH):
        achievements, rows = [], []
        for n in range(first, min(count, first + BATCH)):
            org = org_ids[n % len(org_ids)]
            uln = f"{1000000000 + n}"
            achievements.append({"id": n + 1, "uln": uln, "award": "2020-06-01", "org": org,
                                 "now": now})
            raised = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
            rows.append({"id": n + 1, "ref": f"EDCB{n:07d}", "org": org, "ach": n + 1,
                         "uln": uln, "type": rng.choice(TYPES), "raised": raised,
                         "status": rng.choice(STATUSES), "college": college_id,
                         "raiser": raiser_id, "now": now})
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO achievements (id, uln, reference, award_date, organisation_id, "
                "submitted_uln, submitted_given_name, submitted_family_name, status, channel, "
                "created_at, updated_at, version) VALUES (:id, :uln, 'BENCH', :award, :org, "
                ":uln, 'Given', 'Family', 'active', 'portal', :now, :now, 1)"), achievements)
            connection.execute(text(
                "INSERT INTO challenges (id, reference, organisation_id, achievement_id, uln, "
                "type, notes, contact, raised_by_user_id, raised_by_organisation_id, "
                "raised_at, status, updated_at, version) VALUES (:id, :ref, :org, :ach, :uln, "
                ":type, 'notes', 'contact', :raiser, :college, :raised, :status, :now, 1)"),
                rows)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("SELECT setval('challenges_id_seq', :n)"), {"n": count})
            connection.execute(text("SELECT setval('achievements_id_seq', :n)"), {"n": count})
            connection.execute(text("ANALYZE"))
    else:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    print(f"Loaded {count:,} challenges over {len(org_ids)} organisations (plain inserts) in "
          f"{time.perf_counter() - start:.1f} s")


def timed(rounds: int, action) -> list[float]:
    samples = []
    for _ in range(rounds):
        begin = time.perf_counter()
        action()
        samples.append((time.perf_counter() - begin) * 1000)
    return samples


def measure_lists(app, org_id: int, username: str, rounds: int) -> list[tuple[str, list]]:
    results = []
    with app.app_context():
        for label, extra, status in (("first page", "", None),
                                     ("status ‘In progress’", "AND status = :status",
                                      "in_progress")):
            params = {"org": org_id, "status": status}

            def raw(extra=extra, params=params):
                with db.engine.connect() as connection:
                    connection.execute(text(COUNT_SQL.format(extra=extra)), params).scalar()
                    connection.execute(text(LIST_SQL.format(extra=extra)), params).all()

            def service(status=status):
                user = db.session.scalar(select(User).where(User.username == username))
                challenges.list_for_resolver(user, status, 1)
                db.session.remove()

            results.append((f"raw SQL count + page of 25, {label} (baseline)",
                            timed(rounds, raw)))
            results.append((f"challenges.list_for_resolver, {label}", timed(rounds, service)))
        db.engine.dispose()
    client = app.test_client()
    client.post("/sign-in", data={"username": username, "password": PASSWORD})
    for path in ("/challenges", "/challenges?status=in_progress"):
        results.append((f"GET {path} (whole page: guard, service, template)",
                        timed(rounds, lambda path=path: _ok(client.get(path)))))
        results.append((f"GET {path}, htmx table only",
                        timed(rounds, lambda path=path: _ok(client.get(path, headers={
                            "HX-Request": "true", "HX-Target": "challenge-results"})))))
    return results


def _ok(response) -> None:
    assert response.status_code == 200, response.status_code


def measure_bulk(app, org_id: int, username: str, rounds: int) -> list[tuple[str, list]]:
    """200 of the organisation's unresolved challenges moved In progress ↔ Open, each round
    one transaction: raw UPDATE … WHERE version = :seen per row, then the service."""
    with app.app_context():
        ids = list(db.session.scalars(text(
            "SELECT id FROM challenges WHERE organisation_id = :org AND status = 'open' "
            "ORDER BY id LIMIT 400"), {"org": org_id}))
        db.session.remove()
        raw_ids, service_ids = ids[:200], ids[200:400]
        raw_times = []
        for n in range(rounds):
            wanted = "in_progress" if n % 2 == 0 else "open"
            begin = time.perf_counter()
            with db.engine.begin() as connection:
                seen = dict(connection.execute(VERSIONS, {"ids": raw_ids}).all())
                for challenge_id in raw_ids:
                    connection.execute(text(
                        "UPDATE challenges SET status = :s, version = version + 1, "
                        "updated_at = :now WHERE id = :id AND version = :v"),
                        {"s": wanted, "now": utcnow(), "id": challenge_id,
                         "v": seen[challenge_id]})
            raw_times.append((time.perf_counter() - begin) * 1000)
        service_times = []
        for n in range(rounds):
            wanted = "in_progress" if n % 2 == 0 else "open"
            user = db.session.scalar(select(User).where(User.username == username))
            versions = dict(db.session.execute(VERSIONS, {"ids": service_ids}).all())
            db.session.remove()
            begin = time.perf_counter()
            with unit_of_work():
                user = db.session.scalar(select(User).where(User.username == username))
                outcomes = challenges.set_statuses(user, versions, wanted)
            service_times.append((time.perf_counter() - begin) * 1000)
            assert all(o.result == challenges.CHANGED for o in outcomes)
            db.session.remove()
        db.engine.dispose()
    return [("raw SQL: 200 × UPDATE … WHERE version = seen, one commit (baseline)", raw_times),
            ("challenges.set_statuses, 200 rows (version check, audit row each)",
             service_times)]


def report(title: str, results) -> None:
    print(f"\n{title}")
    print(f"  {'measurement':<76} {'p50 ms':>8} {'p95 ms':>8}")
    for name, samples in results:
        p50, p95 = percentiles(samples)
        print(f"  {name:<76} {p50:8.2f} {p95:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--challenges", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--bulk-rounds", type=int, default=20)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--database-url")
    options = parser.parse_args()
    work = options.work or Path(tempfile.mkdtemp(prefix="edc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    app = make_app(work, options.database_url)
    if options.database_url:
        empty_postgres(app)
    org_id, username = set_up(app, options)
    per_org = options.challenges // options.organisations
    report(f"The resolver's list: {options.challenges:,} challenges, {per_org:,} of them the "
           f"organisation's, {options.rounds} rounds ({app.config['DATABASE_URL'].split(':')[0]})",
           measure_lists(app, org_id, username, options.rounds))
    report(f"Bulk status change of 200 rows, {options.bulk_rounds} rounds",
           measure_bulk(app, org_id, username, options.bulk_rounds))


if __name__ == "__main__":
    main()
