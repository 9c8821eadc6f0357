"""Work done after the answer has gone: each job runs in its own app context and unit of
work on a small pool of threads (not daemons, so queued jobs finish at exit). Used where
the time an answer takes must not reveal what the job found (‘I have forgotten my
password’). The task queue takes this over when batch files arrive.

With BACKGROUND_INLINE set (the test suite), jobs run at once, in the caller's thread."""

import logging
from concurrent.futures import Future, ThreadPoolExecutor, wait

from flask import current_app

from webapp.extensions import db
from webapp.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)
_workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="background")
_running: set[Future] = set()


def run_in_background(function, *args) -> None:
    app = current_app._get_current_object()
    if app.config.get("BACKGROUND_INLINE"):
        with unit_of_work():
            function(*args)
        return

    def job():
        with app.app_context():
            try:
                with unit_of_work():
                    function(*args)
            except Exception:
                log.exception("Background job %s failed", function.__name__)
            finally:
                db.session.remove()

    future = _workers.submit(job)
    _running.add(future)
    future.add_done_callback(_running.discard)


def wait_for_background(timeout: float = 30) -> None:
    """Block until every queued job has finished (tests, and the CLI before it exits)."""
    wait(list(_running), timeout=timeout)
