"""One verify job on several processes (BATCH_VERIFY_PROCESSES): the worker that claimed the
job reads the file and hands chunks to helper processes, and runs a chunk itself whenever
its helpers have enough queued. Each process verifies a chunk and records its audit rows,
outcome rows and progress in one transaction of its own, under the job's claim token, so
chunks are recorded in any order; the output is written at the end from the outcome rows in
row order, as with one process (docs/decisions.md, "A verify job on several processes").

Only verify jobs: a verification changes nothing but its audit row, while achievement rows
depend on the rows before them. Helpers are started with 'spawn' (a fresh interpreter): the
worker runs jobs in threads, and forking a threaded process copies locks held by other
threads. A helper that dies takes its queued chunks with it: the worker redoes their rows
that are not recorded and carries on alone."""

import gc
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from flask import current_app

from webapp.extensions import db
from webapp.formats.batch_files import VERIFY, BatchRow
from webapp.services import batches
from webapp.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

# A helper costs about 1.3 s of CPU to start (a fresh interpreter, the app): below this many
# chunks to go it would barely have started before the worker finished alone.
MIN_CHUNKS = 20
QUEUED_PER_HELPER = 2  # one running, one waiting: a helper never idles between chunks


def how_many(kind: str, rows_left: int, chunk_rows: int) -> int:
    """The processes to run this job on: 1 but for a verify job long enough to pay."""
    wanted = current_app.config["BATCH_VERIFY_PROCESSES"]
    if kind != VERIFY or wanted <= 1 or rows_left < MIN_CHUNKS * chunk_rows:
        return 1
    return wanted


class _FileOrder:
    """The chunks under way in file order, and `up_to`: the last row of the longest run of
    recorded chunks from the job's start (what the job's last_row_number says)."""

    def __init__(self, up_to: int):
        self.up_to = up_to
        self.open: deque[list] = deque()  # [last row number, recorded]

    def begin(self, rows: list[BatchRow]) -> list:
        place = [rows[-1].number, False]
        self.open.append(place)
        return place

    def up_to_with(self, place: list) -> int:
        """What the chunk at `place` may record as last_row_number: its own last row when
        every chunk before it is recorded, else what is known now."""
        return place[0] if self.open and self.open[0] is place else self.up_to

    def recorded(self, place: list) -> None:
        place[1] = True
        while self.open and self.open[0][1]:
            self.up_to = self.open.popleft()[0]


class _Helpers:
    """The helper processes of one job and the chunks queued to them, in file order."""

    def __init__(self, runner, count: int):
        self.runner, self.count = runner, count
        self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            count, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_helper, initargs=(
                current_app.extensions["lrs_create_app"], _config_for_helpers(),
                current_app.instance_path, os.getpid()))
        self.queued: deque[tuple[list, list[BatchRow], Future]] = deque()

    def take(self, rows: list[BatchRow], order: _FileOrder, place: list) -> bool:
        """Queue the chunk to a helper, or False when they have enough queued (or died)."""
        if self.pool is None or len(self.queued) >= QUEUED_PER_HELPER * self.count:
            return False
        try:
            future = self.pool.submit(_helper_chunk, self.runner.facts, rows,
                                      order.up_to_with(place))
        except BrokenProcessPool:  # a helper died since the last chunks were collected
            self._lost()
            return False
        self.queued.append((place, rows, future))
        return True

    def collect(self, order: _FileOrder, wait: bool = False) -> None:
        """Count the chunks the helpers have recorded (all of them when `wait`)."""
        still = deque()
        while self.queued:
            place, rows, future = self.queued.popleft()
            if wait or future.done():
                self._settle(order, place, rows, future)
            else:
                still.append((place, rows, future))
        self.queued = still

    def _settle(self, order: _FileOrder, place: list, rows: list[BatchRow],
                future: Future) -> None:
        try:
            self.runner.add(future.result())
        except (BrokenProcessPool, CancelledError):  # a helper died: redo what it did not
            # record (a chunk still queued when the pool broke may be cancelled; one redone
            # row by row may be recorded in part)
            self._lost()
            missing = _not_recorded(self.runner.facts.job_id, rows)
            if missing:
                self.runner.chunk(missing, order.up_to_with(place))
        order.recorded(place)

    def _lost(self) -> None:
        if self.pool is not None:
            log.warning("Batch job %s: a helper process died; carrying on without helpers",
                        self.runner.facts.job_id)
            # every helper has exited before the database is asked what they recorded
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def run_chunks(runner, chunks: Iterable[list[BatchRow]], processes: int,
               done_up_to: int) -> None:
    """Apply and record every chunk, on this process and `processes - 1` helpers."""
    order = _FileOrder(done_up_to)
    helpers = _Helpers(runner, processes - 1)
    try:
        for rows in chunks:
            helpers.collect(order)
            place = order.begin(rows)
            if not helpers.take(rows, order, place):
                runner.chunk(rows, order.up_to_with(place))
                order.recorded(place)
        helpers.collect(order, wait=True)
    finally:
        helpers.close()


def _not_recorded(job_id: int, rows: list[BatchRow]) -> list[BatchRow]:
    with unit_of_work():
        recorded = batches.recorded_rows(job_id, rows[0].number - 1, rows[-1].number)
    return [row for row in rows if row.number not in recorded]


def _config_for_helpers() -> dict:
    """The app's settings that can be sent to another process (all that matter can)."""
    config = {}
    for name, value in current_app.config.items():
        try:
            pickle.dumps(value)
        except Exception:  # noqa: BLE001, S112 (a setting a helper does not need)
            continue
        config[name] = value
    return config


# --- in a helper process ---------------------------------------------------------------------

def _start_helper(create_app, config: dict, instance_path: str, worker_pid: int) -> None:
    """Make the app as the worker's was made, with its settings, and keep its context for
    the chunks. Its heap is frozen as a job's is (batch_run._settled_heap)."""
    threading.Thread(target=_end_with_the_worker, args=(worker_pid,), daemon=True).start()
    app = create_app(None, config, instance_path=instance_path)
    app.app_context().push()
    gc.collect()
    gc.freeze()


def _end_with_the_worker(worker_pid: int) -> None:
    """A helper whose worker was killed ends too (else it waits for chunks for ever, as a
    pool's helper holds its own end of the queue): a chunk under way is not committed, and
    the job resumes when another worker takes it over."""
    while os.getppid() == worker_pid:
        time.sleep(1)
    os._exit(1)


def _helper_chunk(facts, rows: list[BatchRow], recorded_up_to: int) -> Counter:
    from webapp.jobs.batch_run import chunk_in_helper  # (batch_run imports this module)

    try:
        return chunk_in_helper(facts, rows, recorded_up_to)
    finally:
        db.session.remove()
