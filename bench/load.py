"""Load through a real server: gunicorn (gunicorn.conf.py, 2 sync workers) serving the
portal, beside a trivial Flask app under the same server settings in the same run.

    PYTHONPATH=. .venv/bin/python bench/load.py [--database sqlite|postgresql]
        [--learners 200000] [--users 5000,50000] [--clients 1,8,32] [--seconds 5]

Seeds learners and users with plain inserts (the setting, not what is measured), starts
gunicorn, signs each client in through the form, then drives home, Find user (page and
HTMX fragment), Verify Single Learner (HTMX) and the trivial app for --seconds at each
number of concurrent clients, and prints req/s, p50/p95/p99 and the ratio to the trivial
app. Then the resident memory of each worker. PostgreSQL uses --postgres-url (its schema
is dropped and rebuilt). The EDC list (2,000 of the board's challenges) is driven too.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a reasonably long pass phrase"
TRIVIAL_APP = '''from flask import Flask
app = Flask(__name__)
@app.get("/")
def index():
    return "ok"
'''
HTMX_USERS = {"HX-Request": "true", "HX-Target": "user-results"}
HTMX_VERIFY = {"HX-Request": "true", "HX-Target": "verify-panel"}
HTMX_CHALLENGES = {"HX-Request": "true", "HX-Target": "challenge-results"}


# --- seeding ------------------------------------------------------------------------------

def seed(database_url: str, work: Path, learners: int, users: int, clients: int) -> None:
    """Schema from the migrations, then learners and users with plain inserts."""
    from sqlalchemy import create_engine, text

    if database_url.startswith("postgresql"):
        engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db
    from webapp.services import schema

    app = create_app(Config, {"DATABASE_URL": database_url}, instance_path=str(work))
    with app.app_context():
        schema.upgrade()
        _insert_seed(db, learners, users, clients)
        db.engine.dispose()


def _insert_seed(db, learners: int, users: int, clients: int) -> None:
    from argon2 import PasswordHasher, Type
    from sqlalchemy import insert, text

    from webapp.config import Config
    from webapp.models import Learner, Organisation, User, UserRole
    from webapp.models.base import utcnow
    from webapp.rules.uln import check_digit

    rng = random.Random(14)
    now = utcnow()
    organisation_id = db.session.execute(insert(Organisation).values(
        name="Load Board", ukprn="10014014", kind="awarding", created_at=now)
        .returning(Organisation.id)).scalar()
    hashed = PasswordHasher(time_cost=Config.ARGON2_TIME_COST,
                            memory_cost=Config.ARGON2_MEMORY_COST_KIB,
                            parallelism=Config.ARGON2_PARALLELISM, type=Type.ID).hash(PASSWORD)
    given = ["James", "Olivia", "Amelia", "Noah", "Zoë", "Émile", "Priya", "Mohammed", "Siân"]
    family = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Patel", "Ó Briain"]
    batch = []
    for n in range(learners):
        stem = str(100_000_000 + n)  # nine digits; a ULN never starts with 0
        digit = check_digit(stem)
        if digit is None:
            continue
        batch.append({"uln": stem + str(digit), "given_name": rng.choice(given),
                      "family_name": rng.choice(family), "gender": rng.choice("12"),
                      "date_of_birth": date(2000, 1, 1) + timedelta(days=rng.randrange(3000)),
                      "created_at": now, "updated_at": now})
        if len(batch) == 10_000:
            db.session.execute(insert(Learner), batch)
            batch = []
    if batch:
        db.session.execute(insert(Learner), batch)
    rows = []
    for n in range(users):
        first, last = rng.choice(given), rng.choice(family)
        rows.append({"organisation_id": organisation_id, "username": f"load.user{n}",
                     "given_name": first, "family_name": last, "email": f"u{n}@load.example",
                     "status": "Active", "locked": False, "failed_sign_ins": 0,
                     "password_reset_required": False, "password_hash": hashed,
                     "session_token": secrets.token_hex(32), "terms_accepted_at": now,
                     "created_at": now, "updated_at": now, "version": 1,
                     "search_given_name": first.lower(), "search_family_name": last.lower(),
                     "search_username": f"load.user{n}"})
    for chunk in range(0, len(rows), 5000):
        db.session.execute(insert(User), rows[chunk:chunk + 5000])
    ids = db.session.scalars(db.select(User.id).where(User.username.in_(
        [f"load.user{n}" for n in range(clients)]))).all()
    # Every account holds a role, as in a real organisation (the super-user count on Find
    # user reads the roles); the signed-in clients are super users and resolvers too.
    everyone = db.session.scalars(db.select(User.id).where(
        User.organisation_id == organisation_id)).all()
    for chunk in range(0, len(everyone), 5000):
        db.session.execute(insert(UserRole), [{"user_id": i, "role": "ab_user"}
                                              for i in everyone[chunk:chunk + 5000]])
    db.session.execute(insert(UserRole), [{"user_id": i, "role": role} for i in ids
                                          for role in ("super_user", "edc_resolver")])
    _insert_challenges(db, organisation_id, raiser_id=ids[0], now=now, rng=rng)
    db.session.commit()
    # What autovacuum would have done by the time a real register is this size:
    # statistics for the planner and, on PostgreSQL, the visibility map (without it an
    # index-only count still visits every row).
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


CHALLENGES = 2_000  # the board's own; the resolver's list shows 25 a page, oldest first


def _insert_challenges(db, organisation_id: int, raiser_id: int, now, rng) -> None:
    """Data challenges on the board's achievements (issue 12's list), plain inserts."""
    from sqlalchemy import insert

    from webapp.models import Achievement, Challenge, Organisation, Qualification

    college_id = db.session.execute(insert(Organisation).values(
        name="Load College", ukprn="10015015", kind="provider", created_at=now)
        .returning(Organisation.id)).scalar()
    db.session.execute(insert(Qualification).values(
        reference="LOAD", kind="qualification", title="Load", type="GCSE", level="2",
        owner_ukprn="10014014", availability="shared", operational_start_date=date(2000, 1, 1),
        grading_scale="Pass;Fail", created_at=now, updated_at=now))
    statuses = ["open", "open", "in_progress", "upheld", "rejected"]
    for n in range(CHALLENGES):
        uln = f"{1_000_000_000 + n}"
        achievement_id = db.session.execute(insert(Achievement).values(
            uln=uln, reference="LOAD", award_date=date(2020, 6, 1),
            organisation_id=organisation_id, submitted_uln=uln, submitted_given_name="Given",
            submitted_family_name="Family", status="active", channel="portal",
            created_at=now, updated_at=now, version=1).returning(Achievement.id)).scalar()
        db.session.execute(insert(Challenge).values(
            reference=f"EDCL{n:07d}", organisation_id=organisation_id,
            achievement_id=achievement_id, uln=uln, type="duplicate", notes="n", contact="c",
            raised_by_user_id=raiser_id, raised_by_organisation_id=college_id,
            raised_at=now - timedelta(minutes=rng.randrange(365 * 24 * 60)),
            status=rng.choice(statuses), updated_at=now, version=1))


# --- servers ------------------------------------------------------------------------------

def free_port() -> int:
    """A port no one listens on: two benchmarks on one machine must not share a server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(app_spec: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"),
         app_spec], cwd=cwd, env={**env, "PORT": str(port), "GUNICORN_WORKERS": "2"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:  # e.g. the port was taken after all
            raise RuntimeError(f"{app_spec} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{app_spec} did not start")


def worker_memory_mib(master: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


# --- clients ------------------------------------------------------------------------------

class Client:
    """One signed-in browser: its cookie and CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""
        self.token = ""

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict | None = None) -> tuple[int, str, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Cookie": self.cookie, **(headers or {})} if self.cookie else dict(headers or {})
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, data, sent)
        response = connection.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        connection.close()
        return response.status, text, dict(response.getheaders())

    def sign_in(self, username: str) -> None:
        _, html, _ = self.request("GET", "/sign-in")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        status, _, _ = self.request("POST", "/sign-in", {
            "csrf_token": token, "username": username, "password": PASSWORD})
        assert status == 302, f"sign-in of {username} answered {status}"
        _, html, _ = self.request("GET", "/learner-verification/verify")
        self.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def endpoints(ulns: list[str]) -> dict:
    def verify(client: Client, rng: random.Random):
        return client.request("POST", "/learner-verification/verify", {
            "csrf_token": client.token, "uln": rng.choice(ulns), "given_name": "James",
            "family_name": "Smith", "date_of_birth": ["1", "1", "2001"], "gender": "1",
            "shown_without_errors": "1"}, {**HTMX_VERIFY, "X-CSRFToken": client.token})
    return {
        # The signed-in home page itself: "/" only redirects to it.
        "home": lambda c, rng: c.request("GET", "/learner-management"),
        "find user (page)": lambda c, rng: c.request("GET", "/users"),
        "find user (fragment)": lambda c, rng: c.request(
            "GET", "/users?family_name=" + rng.choice(["smi", "jon", "tay", "pat"]),
            headers=HTMX_USERS),
        "verify (HTMX)": verify,
        "EDC list": lambda c, rng: c.request("GET", "/challenges"),
        "EDC list (Refresh, fragment)": lambda c, rng: c.request(
            "GET", "/challenges?status=" + rng.choice(["open", "in_progress", "unresolved"]),
            headers=HTMX_CHALLENGES),
    }


def drive(port: int, usernames: list[str], action, seconds: float, queue) -> None:
    """One process: a thread per client, each signed in, then requests until time is up."""
    clients = [Client(port) for _ in usernames]
    for client, username in zip(clients, usernames, strict=True):
        if username:
            client.sign_in(username)
    timings: list[float] = []
    errors = []
    lock = threading.Lock()
    start_at = time.monotonic() + 0.5
    stop_at = start_at + seconds

    def loop(client: Client, seed_value: int) -> None:
        rng = random.Random(seed_value)
        time.sleep(max(0.0, start_at - time.monotonic()))
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            status, _, _ = action(client, rng)
            mine.append(time.perf_counter() - began)
            bad += status >= 400
        with lock:
            timings.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=loop, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((timings, sum(errors)))


def measure(port: int, usernames: list[str], action, seconds: float) -> dict:
    """Clients spread over up to four processes, so the load is not one interpreter's."""
    processes = min(4, len(usernames))
    groups = [usernames[n::processes] for n in range(processes)]
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=drive, args=(port, group, action, seconds, queue))
               for group in groups]
    for worker in workers:
        worker.start()
    timings, errors = [], 0
    for _ in workers:
        found, bad = queue.get()
        timings += found
        errors += bad
    for worker in workers:
        worker.join()
    timings.sort()

    def pct(p: float) -> float:
        return timings[min(len(timings) - 1, int(len(timings) * p))] * 1000 if timings else 0

    return {"rps": len(timings) / seconds, "p50": statistics.median(timings) * 1000
            if timings else 0, "p95": pct(0.95), "p99": pct(0.99), "errors": errors}


def trivial(client: Client, rng: random.Random):
    return client.request("GET", "/")


# --- main ---------------------------------------------------------------------------------

def run(options, database_url: str, users: int, work: Path) -> None:
    clients = max(options.clients)
    started = time.perf_counter()
    seed(database_url, work, options.learners, users, clients)
    print(f"\n== {database_url.split(':')[0]}, {options.learners:,} learners, {users:,} users "
          f"(seeded in {time.perf_counter() - started:.0f} s)")
    (work / "trivial_app.py").write_text(TRIVIAL_APP)
    env = {**os.environ, "DATABASE_URL": database_url, "LRS_INSTANCE_PATH": str(work),
           "SECRET_KEY": "load-bench", "RATELIMIT_ENABLED": "0", "LOG_LEVEL": "WARNING",
           "VERIFICATIONS_PER_HOUR": "100000000",
           "ORGANISATION_VERIFICATIONS_PER_HOUR": "100000000",
           "PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics")}
    portal_port, plain_port = free_port(), free_port()
    portal = start_gunicorn("wsgi:app", portal_port, env, ROOT)
    plain = start_gunicorn("trivial_app:app", plain_port, {**env, "PYTHONPATH": str(work)},
                           work)
    ulns = _some_ulns(database_url, work)
    try:
        print(f"{'endpoint':24} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'× trivial':>9} {'errors':>6}")
        for count in options.clients:
            names = [f"load.user{n}" for n in range(count)]
            baseline = measure(plain_port, [""] * count, trivial, options.seconds)
            _row("trivial Flask app", count, baseline, baseline)
            for name, action in endpoints(ulns).items():
                if options.only and name not in options.only:
                    continue
                _row(name, count, measure(portal_port, names, action, options.seconds),
                     baseline)
        print("worker memory after load (MiB): " + ", ".join(
            f"{size:.0f}" for size in worker_memory_mib(portal)))
    finally:
        for process in (portal, plain):
            process.terminate()
            process.wait(timeout=30)


def _row(name: str, clients: int, figures: dict, baseline: dict) -> None:
    ratio = figures["rps"] / baseline["rps"] if baseline["rps"] else 0
    print(f"{name:24} {clients:7d} {figures['rps']:8.0f} {figures['p50']:8.1f} "
          f"{figures['p95']:8.1f} {figures['p99']:8.1f} {ratio:9.3f} {figures['errors']:6d}",
          flush=True)


def _some_ulns(database_url: str, work: Path) -> list[str]:
    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db
    from webapp.models import Learner

    app = create_app(Config, {"DATABASE_URL": database_url}, instance_path=str(work))
    with app.app_context():
        ulns = list(db.session.scalars(db.select(Learner.uln).limit(5000)))
        db.engine.dispose()
    return ulns


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-url",
                        default="postgresql://postgres@127.0.0.1:5432/lrs_prod_load")
    parser.add_argument("--learners", type=int, default=200_000)
    parser.add_argument("--users", default="5000,50000")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument("--work", default=None)
    options = parser.parse_args()
    options.clients = [int(n) for n in options.clients.split(",")]
    options.only = [name for name in options.only.split(",") if name]
    for users in [int(n) for n in options.users.split(",")]:
        work = Path(options.work or tempfile.mkdtemp(prefix="lrs-load-")) / f"users-{users}"
        work.mkdir(parents=True, exist_ok=True)
        url = options.postgres_url if options.database == "postgresql" else \
            f"sqlite:///{work / 'load.sqlite'}"
        if url.startswith("sqlite"):
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        run(options, url, users, work)


if __name__ == "__main__":
    main()
