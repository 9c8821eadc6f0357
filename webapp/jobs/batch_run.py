"""Running one batch job: read the sealed file as a stream, put each row through the same
service function as the portal, and write the output in the uploaded format.

Rows apply in file order, BATCH_CHUNK_ROWS to a transaction; each chunk commits its
changes with the rows' outcomes and the job's progress, so a job resumed after a crash
starts after the last recorded row and applies nothing twice. ‘Validate only’ applies each
chunk exactly the same way and rolls it back, keeping only the outcomes. (A row that
depends on an earlier row in another chunk — reinstate, then update — is checked against
the record as it is, since that earlier change was not kept.)

A long verify job runs on several processes (BATCH_VERIFY_PROCESSES), each recording whole
chunks: see webapp/jobs/verify_processes.py."""

import gc
import io
import logging
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from itertools import islice

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from webapp.extensions import db
from webapp.formats import batch_files
from webapp.formats.batch_files import (
    ACHIEVEMENT,
    SERVICE_FIELDS,
    VERIFY,
    XML,
    BatchRow,
    parse_date,
)
from webapp.jobs import verify_processes
from webapp.jobs.job_counts import PAST, summary
from webapp.models import BatchJob, BatchStatus, User, UserStatus
from webapp.rules.permissions import Area
from webapp.rules.problems import Problem, RuleBroken
from webapp.services import achievements, audit, batches, verification
from webapp.services.achievements import (
    Action,
    LearnerNotVerified,
    Lookup,
    NewAchievement,
    SubmittedLearner,
)
from webapp.services.errors import DomainError, ValidationFailed
from webapp.services.unit_of_work import unit_of_work
from webapp.web.translate import to_row

log = logging.getLogger(__name__)

FIELD_DATA, LEARNER_DATA, BUSINESS_RULE = "field data", "learner data", "business rule"
ERROR_COLUMNS = ("ErrorClass", "ErrorCode", "ErrorField", "ErrorValue", "Message", "Fix")
VERIFY_OUTPUT = (*batch_files.VERIFY_COLUMNS, "ReturnCode", "ReturnedULN",
                 "ReturnedFamilyName", "ReturnedGivenName", "ReturnedDateOfBirth",
                 "ReturnedGender", "FailureFlags", "Explanation", *ERROR_COLUMNS)
ACHIEVEMENT_OUTPUT = ("MISIdentifier", "Action", "ULN", "Reference", "AwardDate", "Outcome",
                      *ERROR_COLUMNS)
OUTPUT_COLUMNS = {VERIFY: VERIFY_OUTPUT, ACHIEVEMENT: ACHIEVEMENT_OUTPUT}
OUTPUT_ROOTS = {VERIFY: ("VerifyOutput", "Learner"), ACHIEVEMENT: ("AchievementOutput",
                                                                   "Achievement")}
ERROR_COUNTS = {FIELD_DATA: "field data errors", LEARNER_DATA: "learner data errors",
                BUSINESS_RULE: "business rule errors"}


def _error_cells(error_class: str, problems: list[Problem], number: int) -> list[str]:
    """The error columns: the class, then each of code, field (the file's column name),
    value, message and fix, several problems joined by " | "."""
    rows = [to_row(problem, number) for problem in problems]
    for row in rows:
        row["field"] = SERVICE_FIELDS.get(row["field"], row["field"])

    def joined(name: str) -> str:
        return " | ".join(str(row[name] or "") for row in rows)

    return [error_class, joined("code"), joined("field"), joined("value"), joined("message"),
            joined("fix")]


# Refused as bad input by the services, yet about what the organisation may do.
BUSINESS_RULE_CODES = {"REFERENCE_NOT_OWNED", "REINSTATE_CHANGES_GRADE", "MOVE_TO_SAME_LEARNER"}


def _error_class(error: DomainError) -> str:
    if isinstance(error, LearnerNotVerified) or error.code == "LEARNER_NOT_FOUND":
        return LEARNER_DATA
    if type(error) is ValidationFailed and error.code not in BUSINESS_RULE_CODES:
        return FIELD_DATA
    return BUSINESS_RULE


# --- one row -------------------------------------------------------------------------------

def _verify_row(actor: User, row: BatchRow) -> tuple[str, list]:
    cells = row.cells
    searched = [cells[name] for name in batch_files.VERIFY_COLUMNS]
    if problems := batch_files.field_problems(VERIFY, row):
        return ERROR_COUNTS[FIELD_DATA], [*searched, *[""] * 8,
                                          *_error_cells(FIELD_DATA, problems, row.number)]
    request = verification.VerificationRequest(
        uln=cells["ULN"], given_name=cells["GivenName"], family_name=cells["FamilyName"],
        date_of_birth=parse_date(cells["DateOfBirth"]), gender=cells["Gender"] or None)
    try:
        result = verification.verify_learner(actor, request, channel="batch",
                                             area=Area.VERIFICATION_BATCHES)
    except DomainError as error:
        error_class = _error_class(error)
        return ERROR_COUNTS[error_class], [*searched, *[""] * 8,
                                           *_error_cells(error_class, error.problems, row.number)]
    held = result.returned
    returned = [held.uln, held.family_name, held.given_name,
                held.date_of_birth.isoformat() if held.date_of_birth else "", held.gender
                ] if held else [""] * 5
    return result.code, [*searched, result.code, *returned, ";".join(result.flags),
                         result.meaning, *[""] * len(ERROR_COLUMNS)]


def _apply_achievement(actor: User, cells: dict) -> None:
    area = {"channel": "batch", "area": Area.ACHIEVEMENT_BATCHES}
    learner = SubmittedLearner(cells["ULN"], cells["GivenName"], cells["FamilyName"],
                               cells["LearnerPostcode"] or None,
                               parse_date(cells["DateOfBirth"]))
    award_date = parse_date(cells["AwardDate"])
    action = cells["Action"].lower()
    if action == "create":
        achievements.create(actor, NewAchievement(
            learner, cells["Reference"], award_date, cells["Grade"] or None,
            cells["ProviderUKPRN"] or None, cells["Language"] or None), **area)
        return
    lookup = Lookup(learner, cells["Reference"], award_date)
    if action == "update":
        found = achievements.find(actor, lookup, area=area["area"])
        achievements.update_grade(actor, found.id, cells["Grade"], **area)
    elif action == "move":
        found = achievements.find(actor, lookup, area=area["area"])
        achievements.move(actor, found.id, cells["NewULN"], **area)
    else:
        change = Action(parse_date(cells["ActionDate"]), cells["ActionReason"])
        if action == "withdraw":
            achievements.withdraw(actor, lookup, change, **area)
        else:
            achievements.reinstate(actor, lookup, change, grade=cells["Grade"] or None, **area)


def _achievement_row(actor: User, row: BatchRow) -> tuple[str, list]:
    cells = row.cells
    echoed = [cells[name] for name in ("MISIdentifier", "Action", "ULN", "Reference",
                                       "AwardDate")]
    if problems := batch_files.field_problems(ACHIEVEMENT, row):
        return ERROR_COUNTS[FIELD_DATA], [*echoed, "rejected",
                                          *_error_cells(FIELD_DATA, problems, row.number)]
    try:
        _apply_achievement(actor, cells)
    except DomainError as error:
        error_class = _error_class(error)
        return ERROR_COUNTS[error_class], [
            *echoed, "rejected", *_error_cells(error_class, error.problems, row.number)]
    outcome = PAST[cells["Action"].lower()]
    return outcome, [*echoed, outcome, *[""] * len(ERROR_COLUMNS)]


ROW_RUNNERS = {VERIFY: _verify_row, ACHIEVEMENT: _achievement_row}


# --- a chunk -------------------------------------------------------------------------------

class _SessionBroken(Exception):
    """A row left the transaction unusable (a clash found on flush): redo row by row."""


class SubmitterInactive(Exception):
    """The submitter was suspended or deleted: their job must not go on acting for them."""

    message = ("The job was stopped because the account that submitted it is no longer "
               "active")


@dataclass(frozen=True)
class JobFacts:
    """What running a job's chunks needs to know of it: plain values, so a helper process
    (webapp/jobs/verify_processes.py) can be handed them."""

    job_id: int
    kind: str
    token: str
    validate_only: bool
    submitted_by_id: int


class _Run:
    """Applies and records chunks. `counts` is the running total the View page shows: kept
    by the worker that claimed the job; a helper process (counts None) leaves it alone."""

    def __init__(self, facts: JobFacts, counts: Counter | None):
        self.facts, self.counts = facts, counts

    def chunk(self, rows: list[BatchRow], recorded_up_to: int | None = None) -> Counter:
        """Apply and record the rows; their outcomes counted. `recorded_up_to`: the last row
        known recorded with every one before it once this chunk commits (by default, this
        chunk's last row: true when chunks are recorded in file order)."""
        try:
            return self._apply(rows, recorded_up_to)
        except _SessionBroken:
            return sum((self._apply([row], recorded_up_to) for row in rows), Counter())

    @contextmanager
    def _scope(self, rows: list[BatchRow], held: batches.Held) -> Iterator[None]:
        """A verification stages only its audit row: the chunk's are written in one insert
        at its end. Achievement rows share one achievements.chunk (a later row sees an
        earlier one); a clash or a change by someone else that a flush finds sends the chunk
        back row by row. A single row (that redo) runs exactly as on the screen."""
        if self.facts.kind == VERIFY:
            with db.session.no_autoflush, audit.together():
                yield
        elif len(rows) == 1:
            yield
        else:
            try:
                with achievements.chunk(held.ulns, held.qualifications):
                    yield
            except (IntegrityError, StaleDataError):  # someone else's change meanwhile
                raise _SessionBroken() from None

    def _apply(self, rows: list[BatchRow], recorded_up_to: int | None) -> Counter:
        facts = self.facts
        session = db.session()  # the session itself: is_active is asked once a row
        actor = session.get(User, facts.submitted_by_id)
        if actor is None or actor.status != UserStatus.ACTIVE:
            raise SubmitterInactive()
        outcomes = []
        try:
            with batches.warm((row.cells.get("ULN", "") for row in rows),
                              (row.cells.get("Reference", "") for row in rows)) as held, \
                    self._scope(rows, held):
                for row in rows:
                    outcome, cells = ROW_RUNNERS[facts.kind](actor, row)
                    if not session.is_active and len(rows) > 1:
                        raise _SessionBroken()
                    outcomes.append((row.number, outcome, cells))
            if facts.validate_only or not session.is_active:
                session.rollback()  # validate only, or the one row's change did not hold
            counted = Counter(outcome for _n, outcome, _c in outcomes)
            total = None if self.counts is None else self.counts + counted
            last = rows[-1].number
            batches.record_rows(facts.job_id, facts.token, outcomes, total,
                                last if recorded_up_to is None else min(last, recorded_up_to))
            session.commit()
        except BaseException:
            session.rollback()
            raise
        if total is not None:
            self.counts = total
        return counted

    def add(self, counted: Counter) -> None:
        """Count a chunk a helper process recorded."""
        self.counts += counted


def chunk_in_helper(facts: JobFacts, rows: list[BatchRow], recorded_up_to: int) -> Counter:
    """A helper process's part of a job: apply and record one chunk (the job's running
    counts are the claiming worker's to keep)."""
    return _Run(facts, counts=None).chunk(rows, recorded_up_to)


# --- a job ---------------------------------------------------------------------------------

def run(job_id: int) -> None:
    """Run (or resume) a job; nothing when another worker has it or it has ended."""
    token = secrets.token_hex(16)
    with unit_of_work():
        job = batches.claim(job_id, token)
        if job is None:
            return
        done_up_to, kind, file_format = job.last_row_number, job.kind, job.file_format
        rows_left = job.rows_total - job.rows_done
        facts = JobFacts(job.id, kind, token, job.validate_only, job.submitted_by_id)
        # from the outcome rows: job.counts misses the chunks helpers recorded last time
        runner = _Run(facts, Counter(batches.counted_outcomes(job_id)))
        recorded = batches.recorded_rows(job_id, done_up_to)
        source = batches.open_input(job)
    log.info("Batch job %s: %s rows from row %s", job_id, kind, done_up_to + 1)
    try:
        # the reader is closed before its file, even when a chunk raises
        with source, _settled_heap(), closing(
                batch_files.read_batch(source, kind, file_format)) as read:
            rows = (row for row in read if row.number > done_up_to and row.number not in recorded)
            size = current_app.config["BATCH_CHUNK_ROWS"]
            chunks = iter(lambda: list(islice(rows, size)), [])
            processes = verify_processes.how_many(kind, rows_left, size)
            if processes > 1:
                verify_processes.run_chunks(runner, chunks, processes, done_up_to)
            else:
                for chunk in chunks:
                    runner.chunk(chunk)
        _finish(job_id, token)
    except batches.ClaimLost:
        log.warning("Batch job %s was taken over by another worker", job_id)
    except SubmitterInactive:
        _fail(job_id, token, SubmitterInactive.message)
    except RuleBroken as broken:  # the file was checked on submit: only a damaged file
        _fail(job_id, token, broken.problems[0].message)
    except Exception:
        log.exception("Batch job %s failed", job_id)
        _fail(job_id, token,
              "The job stopped on an unexpected error; the service desk can see why")
        raise


# Objects allocated (less freed) before the collector looks at the youngest again, while a
# job runs: Python's 700 made 30 collections a chunk, about 2 us a row (10,000: two).
YOUNG_COLLECTION_AFTER = 10_000


@contextmanager
def _settled_heap() -> Iterator[None]:
    """Leave what was alive before the job (the app, its caches, the name lists) out of
    the cyclic garbage collector's passes while the job runs: rescanning them took about
    a sixth of a verify job's time; and look at the young objects less often. Both undone
    at the end, so nothing is kept for good."""
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    # a job overlapping another (worker threads) leaves the threshold to the one that set it
    ours = thresholds[0] != YOUNG_COLLECTION_AFTER
    gc.set_threshold(YOUNG_COLLECTION_AFTER, *thresholds[1:])
    try:
        yield
    finally:
        if ours:
            gc.set_threshold(*thresholds)
        gc.unfreeze()


def _finish(job_id: int, token: str) -> None:
    with unit_of_work():
        job = batches.hold_for_ending(job_id, token)
        job.counts = batches.counted_outcomes(job_id)  # exact, however many processes ran
        recorded = sum(job.counts.values())
        if recorded != job.rows_total:  # a lost chunk must show, never end Successful
            log.error("Batch job %s: %s rows recorded of %s", job_id, recorded, job.rows_total)
            batches.finish(job, BatchStatus.FAILED, failure=(
                f"Only {recorded:,} of the file's {job.rows_total:,} rows were recorded; "
                "submit the file again"))
            return
        path, sealed = batches.output_writer(job)
        with sealed, io.TextIOWrapper(sealed, encoding="utf-8", newline="") as text:
            _write_output(job, text)
        batches.finish(job, BatchStatus.SUCCESSFUL, path)


def _write_output(job: BatchJob, text: io.TextIOBase) -> None:
    header = OUTPUT_COLUMNS[job.kind]
    rows = batches.outcome_rows(job.id)
    if job.file_format == XML:
        root, record = OUTPUT_ROOTS[job.kind]
        batch_files.write_xml(text, root, record, header, rows, summary(job))
    else:
        batch_files.write_csv(text, header, rows)


def _fail(job_id: int, token: str, reason: str) -> None:
    """End the job as Failed, unless another worker has taken it over meanwhile (then that
    worker carries on and ends it)."""
    try:
        with unit_of_work():
            job = batches.hold_for_ending(job_id, token)
            job.counts = batches.counted_outcomes(job_id)  # what every process recorded
            batches.finish(job, BatchStatus.FAILED, failure=reason[:500])
    except batches.ClaimLost:
        log.warning("Batch job %s was taken over by another worker before it failed", job_id)
