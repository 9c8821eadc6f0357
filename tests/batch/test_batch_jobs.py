"""Batch jobs through the services and the task queue in immediate mode: each row answers
as the portal would, outputs are in the uploaded format, validate only changes nothing."""

import csv
import io
from datetime import date

import pytest
from defusedxml import ElementTree as ET
from sqlalchemy import func, select, text
from sqlalchemy import update as sa_update

from tests.achievement_data import ANN, JAMES, LINKED, NOBODY, OWN, SHARED, load_registers
from tests.helpers import committed
from webapp.extensions import db
from webapp.formats import batch_files
from webapp.jobs import batch_run, job_counts, tasks
from webapp.models import Achievement, AuditEvent, BatchJob, BatchRowOutcome
from webapp.services import batches, user_management, verification
from webapp.services.errors import AlreadyExists, Forbidden, NotFound, ValidationFailed


@pytest.fixture
def batch_user(make_user, app):
    load_registers()
    return make_user(roles=["ab_batch_user", "qcf_record_set_user"], given="Bob",
                     family="Batcher", email_address="bob@exams.example")


def file_of(kind, file_format, rows) -> io.BytesIO:
    text = io.StringIO()
    batch_files.write_input(text, kind, file_format, rows)
    return io.BytesIO(text.getvalue().encode())


def run(actor, kind, name, data: bytes | io.BytesIO, **options) -> BatchJob:
    stream = data if isinstance(data, io.BytesIO) else io.BytesIO(data)
    job = committed(batches.submit, actor, kind, batches.Upload(name, stream, **options))
    tasks.queue_batch_job(job.id)
    db.session.expire_all()
    return db.session.get(BatchJob, job.id)


def output_of(job) -> bytes:
    return b"".join(batches.output_chunks(job))


def csv_output(job) -> list[dict]:
    return list(csv.DictReader(io.StringIO(output_of(job).decode())))


VERIFY_ROWS = [
    {"MISIdentifier": "A1", "ULN": JAMES, "FamilyName": "Smith", "GivenName": "James",
     "DateOfBirth": "2008-05-01", "Gender": "1"},
    {"MISIdentifier": "A2", "ULN": ANN, "FamilyName": "Lee", "GivenName": "Anne"},
    {"MISIdentifier": "A3", "ULN": "1000000044", "FamilyName": "Smith", "GivenName": "James"},
    {"MISIdentifier": "=A4", "ULN": NOBODY, "FamilyName": "Nobody", "GivenName": "Nemo"},
]


def test_verify_batch_answers_each_row_as_the_portal_would(batch_user, outbox):
    job = run(batch_user, "verify", "learners.csv", file_of("verify", "csv", VERIFY_ROWS))
    assert job.status == "Successful" and job.rows_done == 4
    rows = csv_output(job)
    assert [row["MISIdentifier"] for row in rows] == ["A1", "A2", "A3", "'=A4"]
    assert rows[0]["ReturnCode"] == "VRC001" and rows[0]["ReturnedGivenName"] == "James"
    assert rows[1]["ReturnCode"].startswith("VRC")
    assert rows[2]["ErrorClass"] == "field data" and rows[2]["ErrorField"] == "ULN"
    assert rows[3]["ReturnCode"] == "VRC005" or rows[3]["ReturnCode"].startswith("VRC")
    assert db.session.scalar(select(func.count()).select_from(BatchRowOutcome)) == 0
    verified = db.session.scalars(select(AuditEvent).where(
        AuditEvent.event == "learner.verified")).all()
    assert len(verified) == 3 and all(e.details["channel"] == "batch" for e in verified)
    (mail,) = outbox.to("bob@exams.example")
    assert "Successful" in mail["Subject"] and "James" not in outbox.body(mail)


def test_verify_batch_in_xml_answers_in_xml(batch_user):
    job = run(batch_user, "verify", "learners.xml", file_of("verify", "xml", VERIFY_ROWS[:2]))
    root = ET.fromstring(output_of(job))
    assert root.tag == "VerifyOutput"
    assert [e.findtext("MISIdentifier") for e in root.iter("Learner")] == ["A1", "A2"]
    assert root.find("Summary") is not None


def achievement(action, **cells):
    base = {"MISIdentifier": f"M-{action}", "Action": action, "ULN": JAMES,
            "GivenName": "James", "FamilyName": "Smith", "Reference": SHARED,
            "AwardDate": "2019-08-01"}
    return {**base, **cells}


def test_achievement_rows_apply_in_file_order(batch_user):
    rows = [achievement("create", Grade="Fail"),
            achievement("withdraw", ActionDate="2026-01-01", ActionReason="SUBINERROR"),
            achievement("reinstate", ActionDate="2026-01-02", ActionReason="SUBINERROR"),
            achievement("update", Grade="Pass"),
            achievement("create", MISIdentifier="dup", Grade="Pass"),
            achievement("create", MISIdentifier="bad", AwardDate="01/08/2019"),
            achievement("create", MISIdentifier="who", GivenName="Jim", FamilyName="Jones",
                        Reference=OWN, AwardDate="2019-08-02")]
    job = run(batch_user, "achievement", "a.csv", file_of("achievement", "csv", rows))
    out = csv_output(job)
    assert [r["Outcome"] for r in out] == ["created", "withdrawn", "reinstated", "updated",
                                           "rejected", "rejected", "rejected"]
    assert [r["ErrorClass"] for r in out[4:]] == ["business rule", "field data",
                                                  "learner data"]
    assert out[5]["ErrorField"] == "AwardDate" and out[5]["ErrorValue"] == "01/08/2019"
    held = db.session.scalars(select(Achievement)).all()
    assert len(held) == 1 and held[0].grade == "Pass" and held[0].channel == "batch"
    assert job.counts["created"] == 1 and job.counts["business rule errors"] == 1


def test_validate_only_changes_no_record_and_writes_the_same_output(batch_user):
    rows = [achievement("create", Grade="Pass"), achievement("create", AwardDate="bad")]
    data = file_of("achievement", "csv", rows).getvalue()
    checked = run(batch_user, "achievement", "a.csv", data, validate_only=True)
    assert db.session.scalar(select(func.count()).select_from(Achievement)) == 0
    real = run(batch_user, "achievement", "a.csv", data)
    assert output_of(checked) == output_of(real)
    assert db.session.scalar(select(func.count()).select_from(Achievement)) == 1


def test_the_same_file_twice_is_flagged_before_it_runs(batch_user):
    data = file_of("achievement", "csv", [achievement("create", Grade="Pass")]).getvalue()
    run(batch_user, "achievement", "a.csv", data)
    with pytest.raises(AlreadyExists) as refused:
        run(batch_user, "achievement", "again.csv", data)
    assert refused.value.code == "SAME_FILE_AGAIN"
    again = run(batch_user, "achievement", "again.csv", data, submit_again=True)
    assert csv_output(again)[0]["ErrorClass"] == "business rule"  # already held


@pytest.mark.parametrize(("name", "content", "code"), [
    ("a.txt", b"MISIdentifier\n", "BAD_EXTENSION"),
    ("a.csv", b"<VerifyBatch/>", "EXTENSION_MISMATCH"),
    ("a.csv", b"", "EMPTY_FILE"),
    ("a.csv", b"MISIdentifier,ULN,FamilyName,GivenName,DateOfBirth,Gender\r\n", "NO_ROWS"),
    ("a.csv", b"ULN,Name\r\n1,2\r\n", "BAD_HEADER"),
    ("a.csv", "MISIdentifier,ULN,FamilyName,GivenName,DateOfBirth,Gender\r\n"
              "1,1000000043,Smith,Zoë,,\r\n".encode("utf-16"), "NOT_UTF8"),
    ("a.csv", "MISIdentifier,ULN,FamilyName,GivenName,DateOfBirth,Gender\r\n"
              "1,1000000043,Smith,Zoë,,\r\n".encode("cp1252"), "NOT_UTF8"),
])
def test_a_bad_file_is_refused_before_anything_is_queued(batch_user, name, content, code):
    with pytest.raises(ValidationFailed) as refused:
        run(batch_user, "verify", name, content)
    assert refused.value.code == code and refused.value.problems[0].fix
    assert db.session.scalar(select(func.count()).select_from(BatchJob)) == 0


def test_a_file_over_the_row_limit_is_refused(batch_user, app):
    app.config["BATCH_MAX_ROWS"] = 2
    with pytest.raises(ValidationFailed) as refused:
        run(batch_user, "verify", "a.csv", file_of("verify", "csv", VERIFY_ROWS))
    assert refused.value.code == "TOO_MANY_ROWS"


def test_files_are_sealed_at_rest_and_purged_after_retention(batch_user, app, tmp_path):
    app.config["BATCH_STORAGE_PATH"] = str(tmp_path / "shared")  # storage every host mounts
    job = run(batch_user, "verify", "learners.csv", file_of("verify", "csv", VERIFY_ROWS))
    for name in (job.input_path, job.output_path):
        assert "/" not in name, "a name in the shared folder, not one host's path"
        with open(tmp_path / "shared" / name, "rb") as sealed:
            assert b"Smith" not in sealed.read()
    assert b"Smith" in output_of(job)
    assert committed(batches.purge_expired) == 0
    later = job.finished_at.replace(year=job.finished_at.year + 1)
    assert committed(batches.purge_expired, later) == 1
    job = db.session.get(BatchJob, job.id)
    assert job.input_path is None and job.purged_at is not None
    with pytest.raises(NotFound):
        batches.output_for(batch_user, "verify", job.id)


def test_other_organisations_and_other_roles_cannot_reach_a_job(
        batch_user, make_user, other_organisation):
    job = run(batch_user, "verify", "learners.csv", file_of("verify", "csv", VERIFY_ROWS))
    rival = make_user(roles=["ab_batch_user"], org=other_organisation,
                      email_address="r@southern.example")
    for attempt in (batches.job_for, batches.output_for, batches.cancel):
        with pytest.raises(NotFound):
            attempt(rival, "verify", job.id)
    with pytest.raises(NotFound):
        batches.job_for(batch_user, "achievement", job.id)
    plain = make_user(roles=["ab_user"], email_address="p@exams.example")
    with pytest.raises(Forbidden):
        batches.job_for(plain, "verify", job.id)


def test_only_a_waiting_job_can_be_cancelled(batch_user, app):
    job = run(batch_user, "verify", "learners.csv", file_of("verify", "csv", VERIFY_ROWS))
    with pytest.raises(Exception) as refused:
        committed(batches.cancel, batch_user, "verify", job.id)
    assert refused.value.code == "NOT_WAITING"
    waiting = committed(batches.submit, batch_user, "verify", batches.Upload(
        "b.csv", file_of("verify", "csv", VERIFY_ROWS[:1])))
    assert committed(batches.cancel, batch_user, "verify", waiting.id).status == "Cancelled"
    tasks.queue_batch_job(waiting.id)  # a cancelled job is never run
    db.session.expire_all()
    assert db.session.get(BatchJob, waiting.id).rows_done == 0
    assert date.today()


def test_a_damaged_stored_file_fails_the_job_and_tells_the_submitter(batch_user, outbox):
    job = committed(batches.submit, batch_user, "verify", batches.Upload(
        "a.csv", file_of("verify", "csv", VERIFY_ROWS)))
    with open(batches.stored(job.input_path), "r+b") as sealed:
        sealed.seek(40)
        sealed.write(b"tampered")
    tasks.queue_batch_job(job.id)  # huey logs the error; the job records that it failed
    db.session.expire_all()
    failed = db.session.get(BatchJob, job.id)
    assert failed.status == "Failed" and failed.failure and failed.output_path is None
    (mail,) = outbox.to("bob@exams.example")
    assert "Failed" in mail["Subject"]


def test_a_job_left_waiting_or_abandoned_is_queued_again(batch_user, app):
    app.config["BATCH_STALE_SECONDS"] = 0
    job = committed(batches.submit, batch_user, "verify", batches.Upload(
        "a.csv", file_of("verify", "csv", VERIFY_ROWS)))  # committed, never queued
    tasks.requeue_stale_jobs.call_local()
    db.session.expire_all()
    assert db.session.get(BatchJob, job.id).status == "Successful"


def test_a_suspended_submitters_queued_job_does_not_run(batch_user, boss, outbox):
    """Suspending an account stops what it queued: the worker does not act for it."""
    job = committed(batches.submit, batch_user, "achievement", batches.Upload(
        "a.csv", file_of("achievement", "csv", [achievement("create", Grade="Pass")])))
    committed(user_management.suspend_user, boss, batch_user.id, "Left the organisation")
    tasks.queue_batch_job(job.id)
    db.session.expire_all()
    stopped = db.session.get(BatchJob, job.id)
    assert stopped.status == "Failed" and "no longer active" in stopped.failure
    assert db.session.scalar(select(func.count()).select_from(Achievement)) == 0


def test_only_the_worker_that_holds_a_job_can_end_it(batch_user, app):
    """A worker thought dead whose job another worker took over cannot fail it or finish it
    (it would delete the rows the new worker recorded)."""
    job = committed(batches.submit, batch_user, "verify", batches.Upload(
        "a.csv", file_of("verify", "csv", VERIFY_ROWS)))
    committed(batches.claim, job.id, "first-worker")
    db.session.execute(sa_update(BatchJob).where(BatchJob.id == job.id)
                       .values(claimed_by="second-worker"))
    db.session.commit()
    batch_run._fail(job.id, "first-worker", "stalled")
    with pytest.raises(batches.ClaimLost):
        batch_run._finish(job.id, "first-worker")
    db.session.expire_all()
    assert db.session.get(BatchJob, job.id).status == "In progress"


def test_each_verify_row_answers_as_verify_single_learner_does(batch_user, make_user):
    rows = [{"MISIdentifier": str(n), "ULN": uln, "FamilyName": family, "GivenName": given,
             "DateOfBirth": born, "Gender": ""}
            for n, (uln, given, family, born) in enumerate([
                (JAMES, "James", "Smith", "2008-05-01"), (JAMES, "Jim", "Smith", ""),
                (JAMES, "James", "Smyth", "2008-05-02"), (ANN, "Ann", "Lee", "2007-03-02"),
                (ANN, "Bob", "Jones", ""), (NOBODY, "Ann", "Lee", ""),
                (LINKED, "James", "Smith", "2008-05-01"), (LINKED, "Jim", "Smyth", "")])]
    _answers_as_on_screen(rows, make_user, batch_user)


def _answers_as_on_screen(rows, make_user, batch_user):
    job = run(batch_user, "verify", "v.csv", file_of("verify", "csv", rows))
    screen_user = make_user(roles=["ab_user"], email_address="screen@exams.example")
    for row, out in zip(rows, csv_output(job), strict=True):
        on_screen = committed(verification.verify_learner, screen_user,
                              verification.VerificationRequest(
                                  row["ULN"], row["GivenName"], row["FamilyName"],
                                  date.fromisoformat(row["DateOfBirth"])
                                  if row["DateOfBirth"] else None, None))
        held = on_screen.returned
        assert (out["ReturnCode"], out["FailureFlags"], out["ReturnedULN"],
                out["ReturnedGivenName"], out["ReturnedDateOfBirth"]) == (
            on_screen.code, ";".join(on_screen.flags), held.uln if held else "",
            held.given_name if held else "",
            held.date_of_birth.isoformat() if held and held.date_of_birth else "")


def test_a_chain_of_links_past_the_chunks_loaded_masters_answers_as_on_screen(
        batch_user, make_user):
    """A chunk loads its rows' learners and their masters; a master's own master (a chain,
    which an old import may have left) is found as the screen finds it."""
    db.session.execute(text("UPDATE learners SET master_uln = :master WHERE uln = :uln"),
                       {"master": LINKED, "uln": ANN})
    db.session.commit()
    rows = [{"MISIdentifier": str(n), "ULN": ANN, "FamilyName": family, "GivenName": given,
             "DateOfBirth": born, "Gender": ""}
            for n, (given, family, born) in enumerate([
                ("James", "Smith", "2008-05-01"), ("Ann", "Lee", "2007-03-02")])]
    _answers_as_on_screen(rows, make_user, batch_user)
    assert csv_output(db.session.scalars(select(BatchJob)).one())[0]["ReturnedULN"] == JAMES


def test_a_file_no_job_names_is_deleted_after_the_retention(batch_user, app):
    job = run(batch_user, "verify", "a.csv", file_of("verify", "csv", VERIFY_ROWS))
    orphan = batches.folder() / "left-by-a-failed-submit.in"
    orphan.write_bytes(b"sealed bytes")
    stranger = batches.folder() / "someone-elses-notes.txt"  # not ours: never deleted
    stranger.write_bytes(b"keep me")
    committed(batches.purge_expired)
    assert orphan.exists(), "younger than the retention: kept"
    later = job.finished_at.replace(year=job.finished_at.year + 1)
    job_ids = committed(batches.purge_expired, later)
    assert job_ids == 1 and not orphan.exists() and stranger.exists()


def test_a_validate_only_job_is_summed_up_as_what_would_be_done(batch_user):
    data = file_of("achievement", "csv", [achievement("create", Grade="Pass")]).getvalue()
    checked = run(batch_user, "achievement", "a.csv", data, validate_only=True)
    assert job_counts.counts_for_people(checked) == [("Would be created", 1)]
    real = run(batch_user, "achievement", "a.csv", data, submit_again=True)
    assert job_counts.counts_for_people(real) == [("Created", 1)]


def test_rows_of_one_chunk_see_each_other_and_every_change_is_audited_with_its_id(batch_user):
    """One chunk: a create, then a move of it and a duplicate on the learner it moved to,
    a create through a linked ULN and its duplicate on the master; each audit row names the
    achievement by its id, as the portal's would."""
    rows = [achievement("create", Grade="Pass"),
            achievement("move", NewULN=ANN),
            achievement("create", MISIdentifier="dup", ULN=ANN, GivenName="Ann",
                        FamilyName="Lee", Grade="Pass"),
            achievement("create", MISIdentifier="again", Grade="Pass"),
            achievement("create", MISIdentifier="linked", ULN=LINKED, AwardDate="2019-08-03"),
            achievement("create", MISIdentifier="master", AwardDate="2019-08-03")]
    job = run(batch_user, "achievement", "a.csv", file_of("achievement", "csv", rows))
    out = csv_output(job)
    assert [r["Outcome"] for r in out] == ["created", "moved", "rejected", "created",
                                           "created", "rejected"]
    assert out[2]["ErrorCode"] == out[5]["ErrorCode"] != ""
    held = {(a.uln, a.award_date): a for a in db.session.scalars(select(Achievement))}
    assert set(held) == {(ANN, date(2019, 8, 1)), (JAMES, date(2019, 8, 1)),
                         (JAMES, date(2019, 8, 3))}
    audited = db.session.scalars(select(AuditEvent).where(
        AuditEvent.event.like("achievement.%")).order_by(AuditEvent.id)).all()
    assert [(e.event, e.target_id) for e in audited] == [
        ("achievement.created", str(held[ANN, date(2019, 8, 1)].id)),
        ("achievement.moved", str(held[ANN, date(2019, 8, 1)].id)),
        ("achievement.created", str(held[JAMES, date(2019, 8, 1)].id)),
        ("achievement.created", str(held[JAMES, date(2019, 8, 3)].id))]
    assert audited[0].details["uln"] == JAMES and audited[1].details["after"] == ANN
    moved = held[ANN, date(2019, 8, 1)]
    assert [(e.event, e.details) for e in moved.history] == [
        ("created", {"grade": "Pass"}), ("moved", {"before": JAMES, "after": ANN})]
    assert all(e.occurred_at and e.channel == "batch" for e in moved.history)


def someone_else_changes_achievements(monkeypatch, before_row: str, sql: str, **params):
    """Another user's change, committed at once in another session, just before the row
    whose MISIdentifier is `before_row` runs; once (not again when the chunk is redone)."""
    answer_row = batch_run.ROW_RUNNERS["achievement"]
    done = []

    def change_first(actor, row):
        if row.cells["MISIdentifier"] == before_row and not done:
            done.append(row)
            with db.engine.begin() as other:
                other.execute(text(sql), params)
        return answer_row(actor, row)

    monkeypatch.setitem(batch_run.ROW_RUNNERS, "achievement", change_first)


def test_a_change_by_someone_else_during_a_chunk_redoes_it_row_by_row(batch_user, monkeypatch):
    """A row of the chunk changes an achievement; when another user changes it too before
    the chunk is written, the chunk is redone row by row, each row reading afresh, as the
    screen would: the job ends Successful and nothing is lost."""
    run(batch_user, "achievement", "first.csv",
        file_of("achievement", "csv", [achievement("create", Grade="Fail")]))
    # after the update row has read the record
    someone_else_changes_achievements(monkeypatch, "after",
                                      "UPDATE achievements SET version = version + 1, "
                                      "grade = 'Merit'")
    rows = [achievement("create", MISIdentifier="other", Reference=OWN,
                        AwardDate="2019-08-02"),
            achievement("update", Grade="Pass"),
            achievement("create", MISIdentifier="after", Reference=OWN, AwardDate="2019-08-03")]
    job = run(batch_user, "achievement", "second.csv", file_of("achievement", "csv", rows))
    assert job.status == "Successful"
    assert [r["Outcome"] for r in csv_output(job)] == ["created", "updated", "created"]
    db.session.expire_all()
    grades = dict(db.session.execute(select(Achievement.reference, Achievement.grade)).all())
    assert grades[SHARED] == "Pass"
    regraded = db.session.scalars(select(AuditEvent).where(
        AuditEvent.event == "achievement.grade_changed")).all()
    assert [event.details["before"] for event in regraded] == ["Merit"]  # seen, not overwritten


def test_a_row_changes_no_achievement_that_someone_else_moved_since_the_chunk_read_it(
        batch_user, monkeypatch):
    """The chunk reads its learners' achievements at its start; another user then moves one
    to another learner before a withdraw row naming the first learner runs. The row's rules
    were checked on what the chunk read, so the chunk is redone row by row: the withdraw
    finds no achievement for James and Ann's stays active."""
    run(batch_user, "achievement", "first.csv",
        file_of("achievement", "csv", [achievement("create", Grade="Fail")]))
    # after the chunk read its learners' achievements, before the withdraw row
    someone_else_changes_achievements(monkeypatch, "M-withdraw",
                                      "UPDATE achievements SET version = version + 1, "
                                      "uln = :ann, submitted_uln = :ann, "
                                      "submitted_given_name = 'Ann', "
                                      "submitted_family_name = 'Lee', submitted_postcode = NULL",
                                      ann=ANN)
    rows = [achievement("create", MISIdentifier="other", Reference=OWN,
                        AwardDate="2019-08-02"),
            achievement("withdraw", ActionDate="2026-01-01", ActionReason="SUBINERROR")]
    job = run(batch_user, "achievement", "second.csv", file_of("achievement", "csv", rows))
    assert [r["Outcome"] for r in csv_output(job)] == ["created", "rejected"]
    db.session.expire_all()
    shared = db.session.scalar(select(Achievement).where(Achievement.reference == SHARED))
    assert (shared.uln, shared.status) == (ANN, "active")
    assert not db.session.scalars(select(AuditEvent).where(
        AuditEvent.event == "achievement.withdrawn")).all()


def test_a_job_runs_with_the_heap_it_found_frozen_and_unfreezes_it(batch_user, monkeypatch):
    """And with fewer young collections, the collector's thresholds put back after it."""
    import gc

    frozen_during, thresholds_during = [], []
    thresholds_before = gc.get_threshold()
    real = batch_run.ROW_RUNNERS["verify"]

    def observed(actor, row):
        frozen_during.append(gc.get_freeze_count())
        thresholds_during.append(gc.get_threshold())
        return real(actor, row)

    monkeypatch.setitem(batch_run.ROW_RUNNERS, "verify", observed)
    job = run(batch_user, "verify", "learners.csv", file_of("verify", "csv", VERIFY_ROWS))
    assert job.status == "Successful"
    assert len(frozen_during) == 4 and min(frozen_during) > 1000
    assert gc.get_freeze_count() == 0
    assert set(thresholds_during) == {(batch_run.YOUNG_COLLECTION_AFTER,
                                       *thresholds_before[1:])}
    assert gc.get_threshold() == thresholds_before


def test_jobs_overlapping_on_worker_threads_leave_the_collector_as_they_found_it():
    """Whichever of two overlapping jobs ends first, the thresholds end as they were."""
    import gc

    before = gc.get_threshold()
    for first_out in ("a", "b"):
        a, b = batch_run._settled_heap(), batch_run._settled_heap()
        a.__enter__()
        b.__enter__()
        assert gc.get_threshold()[0] == batch_run.YOUNG_COLLECTION_AFTER
        for job in ((a, b) if first_out == "a" else (b, a)):
            job.__exit__(None, None, None)
        assert gc.get_threshold() == before


def test_a_chunks_new_achievements_go_to_the_database_in_one_statement(batch_user):
    """The insert sentinel (migration 0009) lets SQLite take a chunk's creates in one
    INSERT … RETURNING, each new id still matched to its row (PostgreSQL did already)."""
    from sqlalchemy import event

    inserts = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO achievements "):
            inserts.append(statement)

    rows = [achievement("create", MISIdentifier="one", Grade="Pass"),
            achievement("create", MISIdentifier="two", ULN=ANN, GivenName="Ann",
                        FamilyName="Lee", Grade="Fail"),
            achievement("create", MISIdentifier="three", Reference=OWN, AwardDate="2019-08-02",
                        Grade="4")]
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        job = run(batch_user, "achievement", "a.csv", file_of("achievement", "csv", rows))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert [r["Outcome"] for r in csv_output(job)] == ["created"] * 3
    assert len(inserts) == 1
    created = {a.id: (a.uln, a.reference, a.grade) for a in db.session.scalars(
        select(Achievement))}
    audited = {int(e.target_id): (e.details["uln"], e.details["reference"], e.details["grade"])
               for e in db.session.scalars(select(AuditEvent).where(
                   AuditEvent.event == "achievement.created"))}
    assert audited == created and len(created) == 3


def test_a_chunks_rows_read_their_qualifications_register_entry_once(batch_user, monkeypatch):
    """Rows of one chunk naming the same qualification share its register entry (what the
    rules read of it), built once; each row is still checked against it."""
    from webapp.services import achievements as service

    built = []
    real = service._register_entry

    def counted(qualification):
        built.append(qualification.reference)
        return real(qualification)

    monkeypatch.setattr(service, "_register_entry", counted)
    rows = [achievement("create", MISIdentifier="one", Grade="Pass"),
            achievement("create", MISIdentifier="two", ULN=ANN, GivenName="Ann",
                        FamilyName="Lee", Grade="Fail"),
            achievement("create", MISIdentifier="three", ULN=ANN, GivenName="Ann",
                        FamilyName="Lee", AwardDate="2021-06-01", Grade="Excellent")]
    job = run(batch_user, "achievement", "a.csv", file_of("achievement", "csv", rows))
    outcomes = csv_output(job)
    assert [r["Outcome"] for r in outcomes] == ["created", "created", "rejected"]
    assert outcomes[2]["ErrorCode"] == "BAD_GRADE"
    assert len(built) == 1


def test_a_learner_added_while_a_chunk_runs_is_found_by_its_later_rows(batch_user, monkeypatch):
    """The chunk reads its learners at its start; a ULN with no learner then is asked for
    again on each row, as on the screen, so a learner added meanwhile is found."""
    answer = batch_run.ROW_RUNNERS["verify"]

    def add_the_learner_after_the_first_row(actor, row):
        if row.cells["MISIdentifier"] == "2":
            with db.engine.begin() as other:
                other.execute(text(
                    "INSERT INTO learners (uln, given_name, family_name, date_of_birth, "
                    "gender, created_at, updated_at) VALUES (:uln, 'Nemo', 'Nobody', "
                    "'2008-01-01', '1', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
                    {"uln": NOBODY})
        return answer(actor, row)

    monkeypatch.setitem(batch_run.ROW_RUNNERS, "verify", add_the_learner_after_the_first_row)
    rows = [{"MISIdentifier": str(n), "ULN": NOBODY, "FamilyName": "Nobody",
             "GivenName": "Nemo", "DateOfBirth": "", "Gender": ""} for n in (1, 2)]
    job = run(batch_user, "verify", "v.csv", file_of("verify", "csv", rows))
    assert [row["ReturnCode"] for row in csv_output(job)] == ["VRC006", "VRC001"]
