"""The task queue (huey): SQLite storage in the instance folder by default, Redis when
REDIS_URL is set (then several workers can share it). `lrs worker` runs a consumer; with
TASKS_IMMEDIATE (the test suite) a task runs at once in the caller's thread.

Tasks and periodic tasks are in webapp/jobs/tasks.py."""

import logging
from functools import wraps
from pathlib import Path

from flask import Flask

from webapp.extensions import db

log = logging.getLogger(__name__)

_app: Flask | None = None
_huey = None  # made on first use: see __getattr__


def init_app(app: Flask) -> None:
    """Remember the app; give the queue its storage now if it exists already, else when it
    is first used. Importing huey costs a process about 40 MiB (its storage module imports
    psycopg and redis), so a web worker that never queues a task never pays it."""
    global _app
    _app = app
    if _huey is not None:
        _configure(_huey, app)


def _configure(queue, app: Flask) -> None:
    if app.config.get("TASKS_IMMEDIATE"):
        queue.immediate = True
        return
    from huey.storage import RedisStorage, SqliteStorage

    queue.immediate = False
    if app.config.get("REDIS_URL"):
        queue.storage = RedisStorage("lrs-tasks", url=app.config["REDIS_URL"])
    else:
        queue.storage = SqliteStorage(
            "lrs-tasks", filename=str(Path(app.instance_path) / "tasks.sqlite"))


def __getattr__(name: str):
    """`queue.huey`: the one Huey, made when first asked for (tasks are declared on it),
    with the storage of the app given to init_app."""
    global _huey
    if name != "huey":
        raise AttributeError(name)
    if _huey is None:
        from huey import MemoryHuey

        _huey = MemoryHuey("lrs", results=False, utc=True)
        if _app is not None:
            _configure(_huey, _app)
    return _huey


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
    from webapp.rules import names

    names.warm()  # before the threads start: each would otherwise load the lists itself
    huey = __getattr__("huey")
    tasks.requeue_stale_jobs.call_local()  # jobs a crashed worker left half done
    consumer = huey.create_consumer(workers=threads, worker_type="thread", periodic=True)
    log.info("Worker started with %s thread(s) on %s", threads, type(huey.storage).__name__)
    consumer.run()
