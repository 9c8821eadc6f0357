"""Batch jobs: submitting a file, listing and cancelling jobs, and the bookkeeping the
worker does as it runs one (claim, progress, finish). The rows themselves go through the
same verification and achievement services as the portal (webapp/jobs/batch_run.py).

Files hold learner data: they are kept sealed (encrypted, formats/sealed_files.py) in the
instance folder's `batches/`, outside the web root, with a key from BATCH_FILE_KEY (or
one generated once in the instance folder), and deleted after BATCH_RETENTION_DAYS."""

import hashlib
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, NamedTuple

from flask import current_app
from sqlalchemy import case, func, or_, select, update

from webapp.extensions import db
from webapp.formats import batch_files, sealed_files
from webapp.formats.batch_files import ACHIEVEMENT, VERIFY
from webapp.models import BatchJob, BatchRowOutcome, BatchStatus, Learner, Qualification, User
from webapp.models.base import utcnow
from webapp.rules.learner_data import LEARNER_FIELDS
from webapp.rules.permissions import Area
from webapp.rules.problems import Problem, RuleBroken
from webapp.rules.qualifications import canonical_reference
from webapp.rules.uln import normalise_uln
from webapp.services import audit, learners
from webapp.services.errors import AlreadyExists, Conflict, NotFound, ValidationFailed
from webapp.services.mailer import portal_url, send_email
from webapp.services.user_management import require_area

AREAS = {VERIFY: Area.VERIFICATION_BATCHES, ACHIEVEMENT: Area.ACHIEVEMENT_BATCHES}
KIND_LABELS = {VERIFY: "verify learner", ACHIEVEMENT: "achievement"}
VIEW_PATHS = {VERIFY: "/batches/verification", ACHIEVEMENT: "/batches/achievements"}


# --- files at rest -------------------------------------------------------------------------

def folder() -> Path:
    """BATCH_STORAGE_PATH, or `batches` in the instance folder. With several web instances
    and a worker on other hosts, it must be storage they all mount."""
    configured = current_app.config.get("BATCH_STORAGE_PATH")
    path = Path(configured) if configured else Path(current_app.instance_path) / "batches"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stored(name: str) -> Path:
    """A stored file by its name in the batches folder (jobs keep the name, not a host's
    path, so any instance mounting the folder finds it)."""
    return folder() / Path(name).name


def file_key() -> bytes:
    """BATCH_FILE_KEY (a Fernet key), or one generated once in the instance folder."""
    if configured := current_app.config.get("BATCH_FILE_KEY"):
        return configured.encode()
    key_file = Path(current_app.instance_path) / "batch_file_key"
    if not key_file.exists():
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return key_file.read_bytes().strip()
        with os.fdopen(fd, "wb") as handle:
            handle.write(sealed_files.new_key())
    return key_file.read_bytes().strip()


def _seal_upload(upload: BinaryIO, max_bytes: int) -> tuple[Path, str]:
    """Seal the upload into the batches folder, hashing it on the way; too big: refused."""
    path = folder() / f"{secrets.token_hex(16)}.in"
    digest, size = hashlib.sha256(), 0
    with sealed_files.sealed_writer(path, file_key()) as sealed:
        while block := upload.read(256 * 1024):
            size += len(block)
            if size > max_bytes:
                sealed.close()
                path.unlink(missing_ok=True)
                raise ValidationFailed(f"The file is larger than {max_bytes // 1_048_576} MB",
                                       "batch_file", code="FILE_TOO_LARGE",
                                       fix="Split it into smaller files")
            digest.update(block)
            sealed.write(block)
    return path, digest.hexdigest()


def open_input(job: BatchJob) -> BinaryIO:
    return sealed_files.open_sealed(stored(job.input_path), file_key())


def output_chunks(job: BatchJob):
    return sealed_files.plain_chunks(stored(job.output_path), file_key())


def output_writer(job: BatchJob) -> tuple[Path, BinaryIO]:
    """One path per job: a job resumed after a crash while writing overwrites it."""
    path = folder() / f"job-{job.id}.out"
    return path, sealed_files.sealed_writer(path, file_key())


# --- submitting ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Upload:
    file_name: str
    stream: BinaryIO  # seekable
    validate_only: bool = False
    submit_again: bool = False  # the same file was submitted before, and that is meant


def _checked(kind: str, upload: Upload) -> tuple[str, int]:
    """The format and the row count, once the whole file reads: else ValidationFailed."""
    config = current_app.config
    head = upload.stream.read(512)
    upload.stream.seek(0)
    try:
        if not head:
            batch_files.refuse("EMPTY_FILE", "The file is empty", "Choose the batch file again")
        file_format = batch_files.format_of(upload.file_name, head)
        rows = batch_files.count_rows(upload.stream, kind, file_format,
                                      config["BATCH_MAX_ROWS"])
    except RuleBroken as broken:
        raise ValidationFailed(problems=[_on_file(p) for p in broken.problems]) from None
    finally:
        upload.stream.seek(0)
    return file_format, rows


def _on_file(problem: Problem) -> Problem:
    return Problem(problem.code, problem.message, "batch_file", problem.value, problem.fix)


def submit(actor: User, kind: str, upload: Upload) -> BatchJob:
    """Check the file at once (extension and content, size, encoding, header, rows), keep
    it sealed and stage a Waiting job; the caller queues it once the job is committed."""
    require_area(actor, AREAS[kind])
    file_format, rows = _checked(kind, upload)
    path, content_hash = _seal_upload(upload.stream, current_app.config["BATCH_MAX_BYTES"])
    earlier = db.session.scalar(select(BatchJob).where(
        BatchJob.organisation_id == actor.organisation_id, BatchJob.kind == kind,
        BatchJob.content_hash == content_hash, BatchJob.status != BatchStatus.CANCELLED,
        BatchJob.validate_only.is_(False)).order_by(BatchJob.id.desc()).limit(1))
    if earlier and not upload.submit_again and not upload.validate_only:
        path.unlink(missing_ok=True)
        raise AlreadyExists(
            f"This file was already submitted on {earlier.created_at:%-d %B %Y at %H:%M} "
            f"(job {earlier.id})", "submit_again", code="SAME_FILE_AGAIN",
            fix="Check you mean to run it again, then tick ‘Submit this file again’")
    job = BatchJob(organisation_id=actor.organisation_id, submitted_by_id=actor.id, kind=kind,
                   file_name=Path(upload.file_name).name[:255], file_format=file_format,
                   validate_only=upload.validate_only, status=BatchStatus.WAITING,
                   content_hash=content_hash, rows_total=rows, rows_done=0,
                   last_row_number=0, counts={}, input_path=path.name)
    db.session.add(job)
    db.session.flush()
    audit.record("batch.submitted", actor=actor, target_type="batch_job", target_id=str(job.id),
                 details={"kind": kind, "format": file_format, "rows": rows,
                          "validate_only": upload.validate_only,
                          "resubmitted": bool(earlier)})
    return job


# --- viewing -------------------------------------------------------------------------------

def jobs_for(actor: User, kind: str, limit: int = 50) -> list[BatchJob]:
    require_area(actor, AREAS[kind])
    return list(db.session.scalars(select(BatchJob).where(
        BatchJob.organisation_id == actor.organisation_id, BatchJob.kind == kind)
        .order_by(BatchJob.id.desc()).limit(limit)))


def job_for(actor: User, kind: str, job_id: int) -> BatchJob:
    """One of the actor's organisation's jobs of this kind, or NotFound."""
    require_area(actor, AREAS[kind])
    job = db.session.get(BatchJob, job_id)
    if job is None or job.organisation_id != actor.organisation_id or job.kind != kind:
        raise NotFound("There is no such batch job", code="BATCH_JOB_NOT_FOUND")
    return job


def output_for(actor: User, kind: str, job_id: int) -> BatchJob:
    job = job_for(actor, kind, job_id)
    if job.status != BatchStatus.SUCCESSFUL or not job.output_path or job.purged_at:
        raise NotFound("This job has no output file to download", code="NO_OUTPUT")
    audit.record("batch.downloaded", actor=actor, target_type="batch_job",
                 target_id=str(job.id))
    return job


def output_file_name(job: BatchJob) -> str:
    """Chosen by the app: never the uploaded name, which may say anything."""
    return f"lrs-{job.kind}-batch-{job.id}-output.{job.file_format}"


def cancel(actor: User, kind: str, job_id: int) -> BatchJob:
    job = job_for(actor, kind, job_id)
    cancelled = db.session.execute(
        update(BatchJob).where(BatchJob.id == job.id, BatchJob.status == BatchStatus.WAITING)
        .values(status=BatchStatus.CANCELLED, finished_at=utcnow())).rowcount
    if not cancelled:
        raise Conflict("Only a waiting job can be cancelled", code="NOT_WAITING",
                       fix="Wait for the job to end, then download its output")
    audit.record("batch.cancelled", actor=actor, target_type="batch_job", target_id=str(job.id))
    db.session.refresh(job)
    return job


# --- the worker's bookkeeping --------------------------------------------------------------

def claim(job_id: int, token: str) -> BatchJob | None:
    """Take a waiting job, or one whose worker stopped beating (crashed): None when another
    worker has it or it has ended. A conditional update, so two workers never both win."""
    stale = utcnow() - timedelta(seconds=current_app.config["BATCH_STALE_SECONDS"])
    now = utcnow()
    taken = db.session.execute(
        update(BatchJob).where(BatchJob.id == job_id, or_(
            BatchJob.status == BatchStatus.WAITING,
            (BatchJob.status == BatchStatus.IN_PROGRESS) & (BatchJob.heartbeat_at < stale)))
        .values(status=BatchStatus.IN_PROGRESS, claimed_by=token, heartbeat_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not taken:
        return None
    job = db.session.get(BatchJob, job_id)
    db.session.refresh(job)
    if job.started_at is None:
        job.started_at = now
    return job


class ClaimLost(Exception):
    """Another worker took the job over (this one was thought dead): stop quietly."""


def hold_for_ending(job_id: int, token: str) -> BatchJob:
    """The job, held (its row locked until commit) for this worker to end it. ClaimLost
    when another worker took it over meanwhile: only the worker that has a job ends it."""
    held = db.session.execute(
        update(BatchJob).where(BatchJob.id == job_id, BatchJob.claimed_by == token,
                               BatchJob.status == BatchStatus.IN_PROGRESS)
        .values(heartbeat_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if not held:
        raise ClaimLost()
    job = db.session.get(BatchJob, job_id)
    db.session.refresh(job)
    return job


def record_rows(job_id: int, token: str, outcomes: list[tuple[int, str, list]],
                counts: dict | None, recorded_up_to: int) -> None:
    """Stage the rows' outcomes and the job's progress, in the transaction that applied
    them. Several processes may record one verify job's chunks at once, so the row count
    is added in SQL, `last_row_number` only moves forward (to `recorded_up_to`: every row up
    to it is recorded once this commits), and `counts` (a running total for the View page)
    is written only by the process that keeps it. ClaimLost when the job is no longer this
    worker's."""
    job = BatchJob.__table__.c
    progress = {"rows_done": job.rows_done + len(outcomes), "heartbeat_at": utcnow(),
                "last_row_number": case((job.last_row_number < recorded_up_to, recorded_up_to),
                                        else_=job.last_row_number)}
    if counts is not None:
        progress["counts"] = dict(counts)
    moved = db.session.execute(
        update(BatchJob).where(BatchJob.id == job_id, BatchJob.claimed_by == token)
        .values(**progress).execution_options(synchronize_session=False)).rowcount
    if not moved:
        raise ClaimLost()
    db.session.execute(BatchRowOutcome.__table__.insert(), [
        {"job_id": job_id, "row_number": number, "outcome": outcome, "cells": cells}
        for number, outcome, cells in outcomes])


def recorded_rows(job_id: int, after: int, up_to: int | None = None) -> set[int]:
    """The rows past `after` (up to `up_to`) already recorded: on resuming, the chunks
    other processes finished beyond the job's `last_row_number`; after a helper died, the
    rows of its chunk it recorded."""
    table = BatchRowOutcome.__table__
    query = select(table.c.row_number).where(table.c.job_id == job_id,
                                             table.c.row_number > after)
    if up_to is not None:
        query = query.where(table.c.row_number <= up_to)
    return set(db.session.scalars(query))


def counted_outcomes(job_id: int) -> dict:
    """Each outcome's number of rows, from the recorded rows: the job's counts, however
    many processes recorded them."""
    table = BatchRowOutcome.__table__
    return dict(db.session.execute(select(table.c.outcome, func.count()).where(
        table.c.job_id == job_id).group_by(table.c.outcome)).all())


def outcome_rows(job_id: int):
    """The recorded output rows in file order, streamed (read as table rows: no ORM work
    a row)."""
    table = BatchRowOutcome.__table__
    return db.session.execute(
        select(table.c.cells).where(table.c.job_id == job_id)
        .order_by(table.c.row_number).execution_options(yield_per=2000)).scalars()


def finish(job: BatchJob, status: str, output_path: Path | None = None,
           failure: str | None = None) -> None:
    """End the job, forget its row outcomes (the output file has them) and email the
    submitter: no learner data, only a link to the View page."""
    job.status, job.finished_at, job.failure = status, utcnow(), failure
    job.output_path = output_path.name if output_path else None
    db.session.execute(BatchRowOutcome.__table__.delete().where(
        BatchRowOutcome.job_id == job.id))
    audit.record(f"batch.{status.lower().replace(' ', '_')}", actor=job.submitted_by,
                 target_type="batch_job", target_id=str(job.id),
                 details={"rows": job.rows_done, "counts": job.counts})
    send_email(job.submitted_by.email, f"Your batch job {job.id} has ended: {status}",
               "batch_ended", job=job, kind=KIND_LABELS[job.kind],
               view_link=portal_url(VIEW_PATHS[job.kind]))


def stale_job_ids() -> list[int]:
    """Jobs to queue again: in progress with a silent worker, or waiting for longer than a
    worker takes to notice (a queue entry lost with a crashed web process). A waiting job
    is marked as queued again, so a long queue is not refilled every minute."""
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["BATCH_STALE_SECONDS"])
    ids = list(db.session.scalars(select(BatchJob.id).where(or_(
        (BatchJob.status == BatchStatus.IN_PROGRESS) & (BatchJob.heartbeat_at < stale),
        (BatchJob.status == BatchStatus.WAITING)
        & (func.coalesce(BatchJob.heartbeat_at, BatchJob.created_at) < stale)))))
    if ids:
        db.session.execute(update(BatchJob).where(
            BatchJob.id.in_(ids), BatchJob.status == BatchStatus.WAITING)
            .values(heartbeat_at=now).execution_options(synchronize_session=False))
    return ids


class Held(NamedTuple):
    """What warm() loaded for a chunk: the ULNs of the learners found (masters too) and the
    qualifications of the rows' references."""
    ulns: list[str]
    qualifications: list[Qualification]


@contextmanager
def warm(ulns: Iterable[str], references: Iterable[str] = ()) -> Iterator[Held]:
    """Load a chunk's learners (and their masters) and qualifications in a few queries,
    and let the service calls for its rows find the learners here instead of asking the
    database one row at a time. The learners are plain rows with their details: no batch
    row changes a learner, and an ORM object costs several times as much to load."""
    wanted = {normalise_uln(uln) for uln in ulns if uln}
    found = _learners(wanted)
    masters = {record.master_uln for record in found.values()
               if record and record.master_uln} - found.keys()
    found.update(_learners(masters))
    codes = {canonical_reference(reference) for reference in references if reference}
    qualifications = list(db.session.scalars(select(Qualification).where(
        Qualification.reference.in_(codes)))) if codes else []
    with learners.holding(found):
        yield Held([uln for uln, record in found.items() if record is not None],
                   qualifications)


_DETAILS = [Learner.__table__.c[name] for name in LEARNER_FIELDS]


def _learners(ulns: set[str]) -> dict:
    """Each ULN's learner details, None for a ULN no learner has."""
    found = dict.fromkeys(ulns)
    if ulns:
        found.update((record.uln, record) for record in db.session.execute(
            select(*_DETAILS).where(Learner.uln.in_(ulns))))
    return found


def purge_expired(now=None) -> int:
    """Delete the files of jobs that ended more than BATCH_RETENTION_DAYS ago; the job's
    line stays (without its files) so the list still shows it."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["BATCH_RETENTION_DAYS"])
    purged = 0
    for job in db.session.scalars(select(BatchJob).where(
            BatchJob.purged_at.is_(None), BatchJob.finished_at < cutoff)):
        for name in (job.input_path, job.output_path):
            if name:
                stored(name).unlink(missing_ok=True)
        job.input_path = job.output_path = None
        job.purged_at = now
        audit.record("batch.files_deleted", target_type="batch_job", target_id=str(job.id),
                     organisation_id=job.organisation_id)
        purged += 1
    _delete_orphans(cutoff)
    return purged


def _delete_orphans(cutoff: datetime) -> None:
    """Files no job names (sealed, then the transaction that would have recorded them
    failed) are deleted once older than the retention, like every other."""
    named = set(db.session.scalars(select(BatchJob.input_path).where(
        BatchJob.input_path.is_not(None)))) | set(db.session.scalars(
            select(BatchJob.output_path).where(BatchJob.output_path.is_not(None))))
    named = {Path(name).name for name in named}
    for path in (*folder().glob("*.in"), *folder().glob("job-*.out")):  # ours, nothing else
        try:
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if path.name not in named and modified < cutoff:
                path.unlink(missing_ok=True)
        except FileNotFoundError:  # another worker's purge got there first
            continue
