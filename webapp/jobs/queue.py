"""The task queue (huey): SQLite storage in the instance folder by default, Redis when
REDIS_URL is set (then several workers can share it). `lrs worker` runs a consumer; with
TASKS_IMMEDIATE (the test suite) a task runs at once in the caller's thread.

Tasks and periodic tasks are in webapp/jobs/tasks.py."""

import logging
from functools import wraps
from pathlib import Path

from flask import Flask
from huey import Huey, MemoryHuey
from huey.storage import RedisStorage, SqliteStorage

from webapp.extensions import db

log = logging.getLogger(__name__)

# Made at import so tasks can be declared on it; init_app gives it its storage.
huey: Huey = MemoryHuey("lrs", results=False, utc=True)
_app: Flask | None = None


def init_app(app: Flask) -> None:
    global _app
    _app = app
    if app.config.get("TASKS_IMMEDIATE"):
        huey.immediate = True
        return
    huey.immediate = False
    if app.config.get("REDIS_URL"):
        huey.storage = RedisStorage("lrs-tasks", url=app.config["REDIS_URL"])
    else:
        huey.storage = SqliteStorage(
            "lrs-tasks", filename=str(Path(app.instance_path) / "tasks.sqlite"))


def in_app_context(function):
    """Run a task in its own app context and database session (worker threads share
    nothing with the request that queued it)."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        if _app is None:
            raise RuntimeError("the task queue was used before create_app()")
        with _app.app_context():
            try:
                return function(*args, **kwargs)
            finally:
                db.session.remove()

    return wrapper


def run_worker(app: Flask, threads: int = 1) -> None:
    """The consumer: queued tasks on `threads` threads, and the periodic tasks."""
    from webapp.jobs import tasks

    tasks.requeue_stale_jobs.call_local()  # jobs a crashed worker left half done
    consumer = huey.create_consumer(workers=threads, worker_type="thread", periodic=True)
    log.info("Worker started with %s thread(s) on %s", threads, type(huey.storage).__name__)
    consumer.run()
