"""Batch files end to end through a real worker: a verify batch and an achievement batch
against a large learner register, rows per second and the worker's peak memory, each beside
a raw baseline measured in the same run (plain csv + sqlite3 lookups; plain executemany
inserts).

    .venv/bin/python bench/batch_speed.py [--learners 1000000] [--rows 100000] \
        [--processes 1 2]

--processes: the verify batch is run once for each count given (BATCH_VERIFY_PROCESSES in
a fresh worker), so one and two processes are compared in one run; memory is the worker's
and its helper processes' together.

Writes its database and files under a temporary folder (or --work DIR, kept for re-runs:
the generated learners CSV is reused)."""

import argparse
import csv
import io
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

from achievements_speed import INSERT_ACHIEVEMENT, SERVICE_DATE, load_learners
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import webapp
from webapp import create_app, jobs
from webapp.config import Config
from webapp.extensions import db
from webapp.formats import batch_files, sealed_files
from webapp.jobs import tasks
from webapp.models import BatchJob, Qualification, User
from webapp.models.base import utcnow
from webapp.services import batches, organisations, schema, synthetic_learners, user_accounts
from webapp.services.unit_of_work import unit_of_work

UKPRN = "10000001"
# The worker runs the tree this script imported (PYTHONPATH), not the one the script is in:
# comparing two trees with one copy of the script measures each tree's worker.
REPO = Path(webapp.__file__).resolve().parents[1]
PASSWORD = "a reasonably long pass phrase"


def make_app(work: Path, key: str):
    return create_app(Config, {
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite'}", "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": False, "BATCH_FILE_KEY": key, "BATCH_MAX_BYTES": 2**31,
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8}, instance_path=str(work))


def worker_env(work: Path, key: str, processes: int) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite'}",
           "LRS_INSTANCE_PATH": str(work), "BATCH_FILE_KEY": key, "SECRET_KEY": "bench",
           "BATCH_CHUNK_ROWS": "2000", "PYTHONPATH": str(REPO),
           "BATCH_VERIFY_PROCESSES": str(processes)}
    env.pop("REDIS_URL", None)
    return env


def _status(pid: int, field: str) -> float:
    """A /proc/PID/status figure in MiB (0 once the process has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """The process's children, their children, and so on (the job's helper processes)."""
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += [int(child), *descendants(int(child))]
    except OSError:
        pass
    return found


class Memory:
    """The job's memory, sampled while it runs: the peak of the worker's and its children's
    resident memory added up, and the sum of each process's own peak (VmHWM; an upper
    bound, as the processes need not peak at the same moment)."""

    def __init__(self, pid: int):
        self.pid, self.peak_sum, self.own_peaks = pid, 0.0, {}

    def sample(self) -> None:
        pids = [self.pid, *descendants(self.pid)]
        self.peak_sum = max(self.peak_sum, sum(_status(pid, "VmRSS") for pid in pids))
        for pid in pids:
            self.own_peaks[pid] = max(self.own_peaks.get(pid, 0.0), _status(pid, "VmHWM"))

    def __str__(self) -> str:
        return (f"peak {self.peak_sum:.0f} MiB for {len(self.own_peaks)} process(es) together "
                f"(sum of each one's peak {sum(self.own_peaks.values()):.0f} MiB)")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and of the children it has waited for (helper
    processes, once a job ends) so far: less bent by other work on the machine than the
    wall clock."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def run_in_worker(app, work: Path, key: str, user_id: int, kind: str, content: bytes,
                  processes: int = 1) -> tuple[float, Memory, dict, float]:
    """Submit, start a fresh worker, wait for the end: (seconds, memory, counts, worker
    CPU seconds for the job: the worker's and its helpers' CPU at the end less the worker's
    CPU when idle before the job was queued)."""
    with app.app_context():
        with unit_of_work():
            user = db.session.get(User, user_id)
            job = batches.submit(user, kind, batches.Upload(
                f"{kind}.csv", io.BytesIO(content), submit_again=True))  # once per count
        job_id = job.id
        worker = subprocess.Popen([sys.executable, "-m", "webapp.cli", "worker"], cwd=REPO,
                                  env=worker_env(work, key, processes),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        memory = Memory(worker.pid)
        try:
            idle = _settled_cpu(worker.pid)
            tasks.queue_batch_job(job_id)
            while True:
                for _tick in range(5):
                    memory.sample()
                    time.sleep(0.1)
                db.session.remove()
                try:
                    job = db.session.get(BatchJob, job_id)
                except OperationalError:  # busy past the timeout on a loaded machine
                    continue
                if job.ended:
                    break
            time.sleep(0.5)  # the helpers shut down and are waited for
            memory.sample()
            cpu = cpu_seconds(worker.pid) - idle
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        seconds = (job.finished_at - job.started_at).total_seconds()
        return seconds, memory, dict(job.counts), cpu


def _settled_cpu(pid: int) -> float:
    """The worker's CPU time once it has started up and sits idle."""
    before, now = -1.0, cpu_seconds(pid)
    for _second in range(30):
        if now == before:
            break
        before = now
        time.sleep(1.0)
        now = cpu_seconds(pid)
    return now


def raw_verify(work: Path, content: bytes) -> float:
    """Baseline: read the CSV and look each ULN up in plain sqlite3."""
    connection = sqlite3.connect(work / "bench.sqlite")
    start = time.perf_counter()
    for row in csv.DictReader(io.StringIO(content.decode())):
        connection.execute("SELECT * FROM learners WHERE uln = ?", (row["ULN"],)).fetchone()
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def raw_achievements(work: Path, rows: list[tuple], organisation_id: int) -> float:
    """Baseline: the same achievements inserted with one plain executemany, rolled back."""
    connection = sqlite3.connect(work / "bench.sqlite")
    now = datetime.now(UTC).isoformat(sep=" ")
    values = [(uln, reference, date(2023, 6, 1).isoformat(), None, None, None, organisation_id,
               uln, given, family, "active", "batch", now, now, 1)
              for uln, given, family, reference in rows]
    start = time.perf_counter()
    connection.executemany(INSERT_ACHIEVEMENT, values)
    elapsed = time.perf_counter() - start
    connection.rollback()
    connection.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--processes", type=int, nargs="+", default=[1],
                        help="BATCH_VERIFY_PROCESSES for the verify batch, one run each")
    options = parser.parse_args()
    print(f"measuring the tree at {REPO} (the webapp on PYTHONPATH, else the installed one)")
    work = options.work or Path(tempfile.mkdtemp(prefix="lrs-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    key = sealed_files.new_key().decode()
    csv_path = work / f"learners-{options.learners}.csv"
    print(f"Working in {work}")
    if not csv_path.exists():
        with csv_path.open("w", newline="") as out:
            synthetic_learners.write_csv(out, options.learners, seed=1, today=date.today())

    for name in ("bench.sqlite", "tasks.sqlite"):
        (work / name).unlink(missing_ok=True)
    app = make_app(work, key)
    with app.app_context():
        schema.upgrade()
        connection = sqlite3.connect(work / "bench.sqlite")
        load_learners(csv_path, connection)
        register = resources.files("webapp.services.data").joinpath("demo_qualifications.csv")
        with register.open(encoding="utf-8", newline="") as source:
            jobs.import_qualifications(source)
        with unit_of_work():
            organisation = organisations.create_organisation("Bench Board", UKPRN, "awarding")
            user = user_accounts.create_user(organisation, user_accounts.NewUser(
                given_name="Bench", family_name="Batcher", email="bench@bench.example",
                roles=["ab_batch_user", "qcf_record_set_user"]), password=PASSWORD)
            user.terms_accepted_at = utcnow()
        user_id, organisation_id = user.id, organisation.id
        allowed = [q.reference for q in db.session.scalars(select(Qualification)) if
                   (q.owner_ukprn == UKPRN or q.availability == "shared")
                   and q.operational_start_date <= SERVICE_DATE
                   and (q.certification_end_date is None
                        or q.certification_end_date >= SERVICE_DATE)]
        db.session.remove()

    rng = random.Random(13)
    highest = connection.execute("SELECT max(rowid) FROM learners").fetchone()[0]
    sample = [connection.execute(
        "SELECT uln, given_name, family_name, date_of_birth, gender FROM learners "
        "WHERE rowid = ?", (rowid,)).fetchone()
        for rowid in rng.sample(range(1, highest + 1), min(options.rows, highest))]
    connection.close()

    text = io.StringIO()
    batch_files.write_input(text, "verify", "csv", (
        {"MISIdentifier": f"V{n}", "ULN": uln, "GivenName": given, "FamilyName": family,
         "DateOfBirth": born or "", "Gender": gender or ""}
        for n, (uln, given, family, born, gender) in enumerate(sample)))
    verify_file = text.getvalue().encode()
    rows = len(sample)
    print(f"\nVerify batch of {rows:,} rows against {options.learners:,} learners")
    for processes in options.processes:
        load_before = os.getloadavg()[0]
        seconds, memory, counts, cpu = run_in_worker(app, work, key, user_id, "verify",
                                                     verify_file, processes)
        print(f"  lrs worker, {processes} process(es):  {rows / seconds:10,.0f} rows/s "
              f"({seconds:.1f} s), {counts}")
        print(f"    {datetime.now(UTC):%H:%M:%S} UTC, load average (1 min) "
              f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
        print(f"    memory: {memory}")
        print(f"    CPU for the job (worker and helpers): {cpu:.1f} s, "
              f"{cpu / rows * 1e6:.0f} us a row")
    raw = raw_verify(work, verify_file)
    print(f"  raw csv + sqlite3 lookups (baseline):  {rows / raw:10,.0f} rows/s ({raw:.1f} s)")

    achievement_rows = [(uln, given, family, allowed[n % len(allowed)])
                        for n, (uln, given, family, _born, _gender) in enumerate(sample)]
    text = io.StringIO()
    batch_files.write_input(text, "achievement", "csv", (
        {"MISIdentifier": f"A{n}", "Action": "create", "ULN": uln, "GivenName": given,
         "FamilyName": family, "Reference": reference, "AwardDate": SERVICE_DATE.isoformat()}
        for n, (uln, given, family, reference) in enumerate(achievement_rows)))
    seconds, memory, counts, cpu = run_in_worker(app, work, key, user_id, "achievement",
                                                 text.getvalue().encode())
    raw = raw_achievements(work, achievement_rows, organisation_id)
    print(f"\nAchievement batch of {rows:,} creates against {options.learners:,} learners")
    print(f"  lrs worker (achievements.create/row):  {rows / seconds:10,.0f} rows/s "
          f"({seconds:.1f} s), {counts}")
    print(f"    memory: {memory}")
    print(f"    worker CPU for the job: {cpu:.1f} s, {cpu / rows * 1e6:.0f} us a row")
    print(f"  raw executemany inserts (baseline):    {rows / raw:10,.0f} rows/s ({raw:.2f} s)")


if __name__ == "__main__":
    main()
