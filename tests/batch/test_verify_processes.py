"""A verify job on more than one process (BATCH_VERIFY_PROCESSES): the same output file and
the same audit rows as on one; a helper process killed mid-job, and the worker itself
stopping between chunks, lose no row and record none twice. SQLite, or PostgreSQL with
DATABASE_URL."""

import io
import json
import multiprocessing
import os
import signal
import time
from collections import Counter
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import pytest
from sqlalchemy import func, select, update

from tests.achievement_data import ANN, JAMES, LINKED, NOBODY, load_registers
from tests.batch.test_batch_jobs import file_of, output_of, run
from tests.helpers import committed
from webapp.extensions import db
from webapp.formats import batch_files
from webapp.jobs import batch_run, tasks, verify_processes
from webapp.models import AuditEvent, BatchJob, BatchRowOutcome, User, UserStatus
from webapp.services import batches
from webapp.services.unit_of_work import unit_of_work

CHUNK_ROWS = 20
ROWS = verify_processes.MIN_CHUNKS * CHUNK_ROWS * 3  # 60 chunks: enough to use helpers
SLOW_ROW_SECONDS = 0.003  # the worker's own rows: helpers start (~1.3 s) before it is done

KINDS_OF_ROW = [
    (JAMES, "James", "Smith", "2008-05-01"), (JAMES, "Jim", "Smith", ""),
    (ANN, "Ann", "Lee", "2007-03-02"), (ANN, "Bob", "Jones", ""),
    (NOBODY, "Ann", "Lee", ""), (LINKED, "James", "Smith", "2008-05-01"),
    ("1000000044", "James", "Smith", ""),  # a bad check digit: a field data error
]


@pytest.fixture
def app_overrides():
    return {"BATCH_CHUNK_ROWS": CHUNK_ROWS}


@pytest.fixture
def batch_user(make_user, app):
    load_registers()
    return make_user(roles=["ab_batch_user"], given="Bob", family="Batcher",
                     email_address="bob@exams.example")


def verify_file():
    rows = [{"MISIdentifier": f"M{n}", "ULN": uln, "GivenName": given, "FamilyName": family,
             "DateOfBirth": born, "Gender": ""}
            for n in range(ROWS)
            for uln, given, family, born in [KINDS_OF_ROW[n % len(KINDS_OF_ROW)]]]
    return file_of("verify", "csv", rows).getvalue()


@pytest.fixture
def rows_in_this_process(monkeypatch):
    """Rows the worker (this process) verifies itself, each slowed a little so that the
    helpers get chunks; a helper process runs the real, unpatched row."""
    answered = []
    real = batch_run.ROW_RUNNERS["verify"]

    def slowed(actor, row):
        answered.append(row.number)
        time.sleep(SLOW_ROW_SECONDS)
        return real(actor, row)

    monkeypatch.setitem(batch_run.ROW_RUNNERS, "verify", slowed)
    return answered


def audit_rows_after(last_id: int) -> Counter:
    """The verification audit rows written after `last_id`, by content (no id, no time)."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.id > last_id, AuditEvent.event == "learner.verified"))
    return Counter((e.event, e.actor_user_id, e.organisation_id, e.target_type, e.target_id,
                    json.dumps(e.details, sort_keys=True), json.dumps(e.before),
                    json.dumps(e.after)) for e in events)


def last_audit_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def one_process_run(app, batch_user, data) -> tuple[bytes, Counter]:
    app.config["BATCH_VERIFY_PROCESSES"] = 1
    before = last_audit_id()
    job = run(batch_user, "verify", "one.csv", data, submit_again=True)
    assert job.status == "Successful"
    return output_of(job), audit_rows_after(before)


def test_two_processes_write_the_same_output_and_audit_rows_as_one(
        app, batch_user, rows_in_this_process):
    data = verify_file()
    alone, audited_alone = one_process_run(app, batch_user, data)
    assert len(rows_in_this_process) == ROWS
    rows_in_this_process.clear()

    app.config["BATCH_VERIFY_PROCESSES"] = 2
    before = last_audit_id()
    job = run(batch_user, "verify", "two.csv", data, submit_again=True)
    assert job.status == "Successful" and job.rows_done == ROWS
    assert 0 < len(rows_in_this_process) < ROWS, "a helper process verified some chunks"
    assert output_of(job) == alone
    assert audit_rows_after(before) == audited_alone
    assert sum(audited_alone.values()) == ROWS - ROWS // len(KINDS_OF_ROW)
    assert job.counts == {code: count for code, count in Counter(
        row.split(",")[6] or "field data errors" for row in alone.decode().splitlines()[1:]
    ).items()}


def test_a_validate_only_job_on_two_processes_writes_no_audit_row(
        app, batch_user, rows_in_this_process):
    data = verify_file()
    alone, _audited = one_process_run(app, batch_user, data)
    app.config["BATCH_VERIFY_PROCESSES"] = 2
    before = last_audit_id()
    rows_in_this_process.clear()
    job = run(batch_user, "verify", "check.csv", data, validate_only=True)
    assert job.status == "Successful" and output_of(job) == alone
    assert 0 < len(rows_in_this_process) < ROWS, "a helper process verified some chunks"
    assert audit_rows_after(before) == Counter()


def test_a_helper_killed_mid_job_loses_no_row_and_records_none_twice(
        app, batch_user, rows_in_this_process, monkeypatch, caplog):
    """The helper is killed right after a chunk is handed to it: the worker redoes it."""
    data = verify_file()
    alone, audited_alone = one_process_run(app, batch_user, data)
    rows_in_this_process.clear()
    app.config["BATCH_VERIFY_PROCESSES"] = 2
    real_take = verify_processes._Helpers.take
    handed, killed = [], []

    def kill_the_helper_once_it_is_at_work(helpers, rows, order, place):
        taken = real_take(helpers, rows, order, place)
        if taken:
            handed.append(rows)
        # a few chunks in (the helper has started): kill it with this one just handed over
        if taken and len(handed) == 5:
            for helper in multiprocessing.active_children():
                os.kill(helper.pid, signal.SIGKILL)
                killed.append([row.number for row in rows])
        return taken

    monkeypatch.setattr(verify_processes._Helpers, "take", kill_the_helper_once_it_is_at_work)
    before = last_audit_id()
    job = run(batch_user, "verify", "two.csv", data, submit_again=True)
    assert killed, "the helper should have been killed mid-job"
    assert "a helper process died" in caplog.text
    assert set(killed[0]) <= set(rows_in_this_process), "the worker redid the lost chunk"
    assert job.status == "Successful" and job.rows_done == ROWS
    assert output_of(job) == alone
    assert audit_rows_after(before) == audited_alone


class WorkerStopped(BaseException):
    """The worker process ending abruptly (not an error a job could fail on)."""


def test_a_worker_stopped_between_chunks_resumes_without_doing_a_row_twice(
        app, batch_user, rows_in_this_process, monkeypatch):
    data = verify_file()
    alone, audited_alone = one_process_run(app, batch_user, data)
    app.config["BATCH_VERIFY_PROCESSES"] = 2
    real_chunk = batch_run._Run.chunk
    chunks_done = []

    def stop_after_some_chunks(runner, rows, recorded_up_to=None):
        if runner.counts is not None and len(chunks_done) == 5:
            raise WorkerStopped()
        chunks_done.append(rows[0].number)
        return real_chunk(runner, rows, recorded_up_to)

    monkeypatch.setattr(batch_run._Run, "chunk", stop_after_some_chunks)
    before = last_audit_id()
    job = committed_job(batch_user, data)
    with pytest.raises(WorkerStopped):
        tasks.queue_batch_job(job.id)
    db.session.expire_all()
    stopped = db.session.get(BatchJob, job.id)
    recorded = db.session.scalars(select(BatchRowOutcome.row_number).where(
        BatchRowOutcome.job_id == job.id)).all()
    assert stopped.status == "In progress" and 0 < stopped.rows_done < ROWS
    assert len(recorded) == stopped.rows_done
    assert max(recorded) > stopped.last_row_number, \
        "chunks recorded past the last row every earlier one is recorded up to"

    monkeypatch.setattr(batch_run._Run, "chunk", real_chunk)
    db.session.execute(update(BatchJob).where(BatchJob.id == job.id)
                       .values(heartbeat_at=stopped.heartbeat_at.replace(year=2000)))
    db.session.commit()
    tasks.queue_batch_job(job.id)  # resumed, as requeue_stale_jobs does
    db.session.expire_all()
    done = db.session.get(BatchJob, job.id)
    assert done.status == "Successful" and done.rows_done == ROWS
    assert output_of(done) == alone
    assert audit_rows_after(before) == audited_alone


def committed_job(batch_user, data):
    return committed(batches.submit, batch_user, "verify", batches.Upload(
        "stopped.csv", io.BytesIO(data), submit_again=True))


def change_mid_job(monkeypatch, rows_in_this_process, statement):
    """Run `statement` (in a transaction of its own) once the helper is at work (more rows
    recorded than the worker verified itself); it returns the job's rows_done as the
    statement left it."""
    seen = []
    slowed = batch_run.ROW_RUNNERS["verify"]

    def change_once(actor, row):
        if not seen:
            with db.engine.begin() as other:
                if other.scalar(select(BatchJob.rows_done)) > (
                        len(rows_in_this_process) + CHUNK_ROWS):
                    other.execute(statement)
                    seen.append(other.scalar(select(BatchJob.rows_done)))
        return slowed(actor, row)

    monkeypatch.setitem(batch_run.ROW_RUNNERS, "verify", change_once)
    return seen


def test_a_job_taken_over_mid_run_is_left_to_the_worker_that_took_it(
        app, batch_user, rows_in_this_process, monkeypatch):
    app.config["BATCH_VERIFY_PROCESSES"] = 2
    job = committed_job(batch_user, verify_file())
    taken = change_mid_job(monkeypatch, rows_in_this_process, update(BatchJob).values(
        claimed_by="another-worker"))
    tasks.queue_batch_job(job.id)
    db.session.expire_all()
    left = db.session.get(BatchJob, job.id)
    assert taken, "the job should have been taken over mid-run"
    assert (left.status, left.claimed_by) == ("In progress", "another-worker")
    assert left.rows_done == taken[0] < ROWS, "no chunk recorded once the claim was lost"


def test_a_submitter_suspended_mid_run_stops_the_job_on_every_process(
        app, batch_user, rows_in_this_process, monkeypatch):
    app.config["BATCH_VERIFY_PROCESSES"] = 2
    job = committed_job(batch_user, verify_file())
    suspended = change_mid_job(monkeypatch, rows_in_this_process, update(User).where(
        User.id == batch_user.id).values(status=UserStatus.SUSPENDED))
    tasks.queue_batch_job(job.id)
    db.session.expire_all()
    stopped = db.session.get(BatchJob, job.id)
    assert suspended and stopped.status == "Failed" and "no longer active" in stopped.failure
    assert stopped.output_path is None
    # every process's recorded chunks are counted, not only the worker's own
    assert sum(stopped.counts.values()) == stopped.rows_done


def test_a_job_that_lost_a_chunk_fails_rather_than_write_a_short_output(
        app, batch_user, monkeypatch):
    real_chunk = batch_run._Run.chunk
    lost = []

    def lose_the_third_chunk(runner, rows, recorded_up_to=None):
        if not lost and rows[0].number > 2 * CHUNK_ROWS:
            lost.append(rows[0].number)
            return Counter()  # handed on but never recorded
        return real_chunk(runner, rows, recorded_up_to)

    monkeypatch.setattr(batch_run._Run, "chunk", lose_the_third_chunk)
    job = committed_job(batch_user, verify_file())
    tasks.queue_batch_job(job.id)
    db.session.expire_all()
    ended = db.session.get(BatchJob, job.id)
    assert lost and ended.status == "Failed" and ended.output_path is None
    assert f"Only {ROWS - CHUNK_ROWS:,} of the file's {ROWS:,} rows" in ended.failure


def test_a_chunk_a_dead_helper_recorded_in_part_is_finished(app, batch_user):
    """A chunk redone row by row (_SessionBroken) commits row by row: a helper that dies
    mid-chunk leaves some of its rows recorded, and the worker records the rest."""
    job = committed_job(batch_user, verify_file())
    with unit_of_work():
        claimed = batches.claim(job.id, "token")
        facts = batch_run.JobFacts(job.id, "verify", "token", False, claimed.submitted_by_id)
        with batches.open_input(claimed) as source:
            rows = list(batch_files.read_batch(source, "verify", "csv"))[:CHUNK_ROWS]
    runner = batch_run._Run(facts, Counter())
    runner.chunk(rows[:3], 0)  # the helper recorded three rows alone, then died
    helpers = object.__new__(verify_processes._Helpers)
    helpers.runner, helpers.count, helpers.pool = runner, 1, None
    order = verify_processes._FileOrder(0)
    died = Future()
    died.set_exception(BrokenProcessPool("a helper died"))
    helpers._settle(order, order.begin(rows), rows, died)
    recorded = db.session.scalars(select(BatchRowOutcome.row_number).where(
        BatchRowOutcome.job_id == job.id)).all()
    assert sorted(recorded) == [row.number for row in rows]
