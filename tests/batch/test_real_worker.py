"""Batch jobs through a real worker process (`lrs worker`, huey on SQLite in the instance
folder): submitted in the portal, run, downloaded; and a worker killed mid-job, restarted,
finishing the job without creating any achievement twice."""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from tests.achievement_data import JAMES, OWN, SHARED, load_registers, qcf_user
from tests.helpers import committed, csrf_from, sign_in
from webapp.extensions import db
from webapp.formats import batch_files
from webapp.jobs import queue, tasks
from webapp.models import Achievement, AuditEvent, BatchJob, ChallengeReport
from webapp.rules.challenges import Proposal
from webapp.services import achievements, batches, challenges
from webapp.services.achievements import NewAchievement, SubmittedLearner

REPO = Path(__file__).resolve().parents[2]
KEY = "q3Z4V8m0bW6pD2yH1tR5uJ9kL7cX3nA0sE4fG6hI8jM="
REDIS_URL = "redis://127.0.0.1:6379/5"  # this suite's own database number, flushed alone


@pytest.fixture
def app_overrides():
    return {"TASKS_IMMEDIATE": False, "BATCH_FILE_KEY": KEY, "BATCH_STALE_SECONDS": 1,
            "BATCH_CHUNK_ROWS": 50}


def redis_is_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        return False


# Without Redis these tests skip on a developer's machine; CI (LRS_REQUIRE_REDIS) starts
# Redis, so there a missing Redis fails them instead of hiding them.
needs_redis = pytest.mark.skipif(
    not redis_is_up() and not os.environ.get("LRS_REQUIRE_REDIS"),
    reason="needs Redis on 127.0.0.1:6379")


@pytest.fixture
def start_worker(app, database_url):
    started = []

    def start(redis_url=None, *options):
        env = {**os.environ, "DATABASE_URL": database_url, "LRS_INSTANCE_PATH":
               app.instance_path, "BATCH_FILE_KEY": KEY, "BATCH_STALE_SECONDS": "1",
               "BATCH_CHUNK_ROWS": "50", "PYTHONPATH": str(REPO),
               "BATCH_VERIFY_PROCESSES": "2"}
        env.pop("REDIS_URL", None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        worker = subprocess.Popen([sys.executable, "-m", "webapp.cli", "worker", *options],
                                  cwd=REPO,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)


def job_now(job_id) -> BatchJob:
    db.session.remove()
    return db.session.get(BatchJob, job_id)


def wait_for(job_id, check, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = job_now(job_id)
        if check(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} is still {job_now(job_id).status}")


def test_a_verify_batch_runs_in_the_worker_and_its_output_downloads(
        client, app, make_user, start_worker, outbox):
    load_registers()
    user = make_user(roles=["ab_batch_user"], email_address="bea@exams.example")
    sign_in(client, user.username)
    start_worker()
    form = client.get("/batches/verification/submit")
    text = ("MISIdentifier,ULN,FamilyName,GivenName,DateOfBirth,Gender\r\n"
            f"row-1,{JAMES},Smith,James,2008-05-01,1\r\n")
    answer = client.post("/batches/verification/submit", data={
        "csrf_token": csrf_from(form), "batch_file": (io.BytesIO(text.encode()), "mine.csv")},
        content_type="multipart/form-data")
    assert answer.status_code == 302
    (job,) = db.session.scalars(select(BatchJob)).all()
    job = wait_for(job.id, lambda job: job.ended)
    assert job.status == "Successful"
    view = client.get("/batches/verification").get_data(as_text=True)
    assert "Download output" in view and "mine.csv" in view and "hx-trigger" not in view
    output = client.get(f"/batches/verification/{job.id}/output")
    assert output.headers["Content-Disposition"] == (
        f'attachment; filename="lrs-verify-batch-{job.id}-output.csv"')
    (row,) = csv.DictReader(io.StringIO(output.get_data(as_text=True)))
    assert row["MISIdentifier"] == "row-1" and row["ReturnCode"] == "VRC001"
    assert outbox.to("bea@exams.example")


def test_the_worker_serves_its_metrics_when_asked(app, make_user, start_worker):
    """Job durations (and the queue depth, set each minute) for the operator's Prometheus."""
    import socket
    import urllib.request

    load_registers()
    user = make_user(roles=["ab_batch_user"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start_worker(None, "--metrics-port", str(port))
    job = committed(batches.submit, user, "verify", batches.Upload("m.csv", io.BytesIO(
        b"MISIdentifier,ULN,FamilyName,GivenName,DateOfBirth,Gender\r\n"
        + f"1,{JAMES},Smith,James,,\r\n".encode())))
    tasks.queue_batch_job(job.id)
    wait_for(job.id, lambda job: job.ended)
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                page = answer.read().decode()
            # at least once: a job still waiting after BATCH_STALE_SECONDS is queued again,
            # and that second run finds it taken and ends at once
            if 'lrs_job_duration_seconds_count{job="batch_job",outcome="done"}' in page:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, "no job duration on the worker's metrics page"
        time.sleep(0.2)
    assert "lrs_queue_depth" in page


def achievement_rows(count):
    start = date(2008, 9, 1)
    for number in range(count):
        yield {"MISIdentifier": f"r{number}", "Action": "create", "ULN": JAMES,
               "GivenName": "James", "FamilyName": "Smith", "Reference": SHARED,
               "AwardDate": (start + timedelta(days=number)).isoformat(), "Grade": "Pass"}


def test_a_worker_killed_mid_job_is_replaced_and_no_achievement_is_made_twice(
        app, make_user, start_worker):
    load_registers()
    user = make_user(roles=["qcf_record_set_user"])
    text = io.StringIO()
    rows = 3000
    batch_files.write_input(text, "achievement", "csv", achievement_rows(rows))
    job = committed(batches.submit, user, "achievement", batches.Upload(
        "big.csv", io.BytesIO(text.getvalue().encode())))
    tasks.queue_batch_job(job.id)
    first = start_worker()
    wait_for(job.id, lambda job: job.rows_done >= 300)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    crashed = job_now(job.id)
    assert crashed.status == "In progress" and crashed.rows_done < rows, \
        "the worker should have been killed mid-job"
    time.sleep(1.5)  # the dead worker's heartbeat goes stale
    start_worker()
    done = wait_for(job.id, lambda job: job.ended, timeout=180)
    assert done.status == "Successful" and done.rows_done == rows
    assert done.counts == {"created": rows}
    assert db.session.scalar(select(func.count()).select_from(Achievement)) == rows
    output = b"".join(batches.output_chunks(done)).decode()
    outcomes = [row["Outcome"] for row in csv.DictReader(io.StringIO(output))]
    assert outcomes == ["created"] * rows


@needs_redis
def test_on_redis_several_workers_share_the_queue(app, make_user, start_worker):
    redis.Redis.from_url(REDIS_URL).flushdb()
    app.config["REDIS_URL"] = REDIS_URL
    queue.init_app(app)
    assert type(queue.huey.storage).__name__ == "RedisStorage"
    load_registers()
    user = make_user(roles=["qcf_record_set_user"])
    jobs = []
    for first in (0, 400):
        text = io.StringIO()
        rows = list(achievement_rows(800))[first:first + 400]
        batch_files.write_input(text, "achievement", "csv", rows)
        job = committed(batches.submit, user, "achievement", batches.Upload(
            f"part{first}.csv", io.BytesIO(text.getvalue().encode())))
        tasks.queue_batch_job(job.id)
        jobs.append(job.id)
    start_worker(REDIS_URL)
    start_worker(REDIS_URL)
    for job_id in jobs:
        assert wait_for(job_id, lambda job: job.ended, timeout=120).status == "Successful"
    assert db.session.scalar(select(func.count()).select_from(Achievement)) == 800
    redis.Redis.from_url(REDIS_URL).flushdb()


@needs_redis
def test_the_monthly_report_queued_by_two_schedulers_is_sent_once(
        app, make_user, provider_organisation, start_worker, outbox):
    """Each worker's scheduler queues the periodic report; two workers run it at once."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    app.config["REDIS_URL"] = REDIS_URL
    queue.init_app(app)
    load_registers()
    owner = qcf_user(make_user)
    for given in ("Rita", "Rob"):
        make_user(roles=["edc_resolver"], given=given, family="Resolver",
                  email_address=f"{given.lower()}@exams.example")
    provider = make_user(roles=["provider_user"], org=provider_organisation)
    achievement = committed(achievements.create, owner, NewAchievement(
        SubmittedLearner(JAMES, "James", "Smith"), OWN, date(2019, 8, 1), "5"))
    record = committed(challenges.view_learner_record, provider, JAMES, "James", "Smith")
    committed(challenges.raise_challenge, provider, record.uln, achievement.id,
              Proposal("wrong_information", "grade", "6", notes="n", contact="c"))
    tasks.monthly_edc_reports()
    tasks.monthly_edc_reports()
    start_worker(REDIS_URL)
    start_worker(REDIS_URL)
    deadline = time.monotonic() + 60
    while queue.huey.pending_count() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # the second run finishes its (empty) pass
    db.session.remove()
    assert db.session.query(ChallengeReport).count() == 1
    reports = [m for m in outbox.messages if m["Subject"].startswith("Open data")]
    assert sorted(m["To"] for m in reports) == ["rita@exams.example", "rob@exams.example"]
    redis.Redis.from_url(REDIS_URL).flushdb()


def helper_pids(worker_pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{worker_pid}/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    return children


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_worker_killed_mid_verify_job_on_two_processes_takes_its_helpers_with_it(
        app, make_user, start_worker):
    """The worker and its helper process record chunks out of order; the worker killed,
    its helpers end too, and the next worker finishes the job with every row once."""
    load_registers()
    user = make_user(roles=["ab_batch_user"])
    rows = 20_000
    text = io.StringIO()
    batch_files.write_input(text, "verify", "csv", (
        {"MISIdentifier": f"r{n}", "ULN": JAMES, "GivenName": "James", "FamilyName": "Smith",
         "DateOfBirth": "2008-05-01"} for n in range(rows)))
    job = committed(batches.submit, user, "verify", batches.Upload(
        "big.csv", io.BytesIO(text.getvalue().encode())))
    first = start_worker()
    tasks.queue_batch_job(job.id)
    deadline = time.monotonic() + 60
    while not (helpers := helper_pids(first.pid)) or job_now(job.id).rows_done < 2000:
        assert time.monotonic() < deadline, "no helper process started"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert job_now(job.id).rows_done < rows, "the worker should have been killed mid-job"
    deadline = time.monotonic() + 10
    while any(is_running(pid) for pid in helpers):
        assert time.monotonic() < deadline, "a helper outlived its worker"
        time.sleep(0.1)
    time.sleep(1.5)  # the dead worker's heartbeat goes stale
    start_worker()
    done = wait_for(job.id, lambda job: job.ended, timeout=180)
    assert done.status == "Successful" and done.rows_done == rows
    assert done.counts == {"VRC001": rows}
    output = b"".join(batches.output_chunks(done)).decode()
    assert [row["MISIdentifier"] for row in csv.DictReader(io.StringIO(output))] == [
        f"r{n}" for n in range(rows)]
    verified = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.event == "learner.verified"))
    assert verified == rows
