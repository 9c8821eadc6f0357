"""What an operator watches: JSON log lines and Prometheus metrics.

Nothing here knows the application's models, so the web process and the worker can both
use it. Metrics come from prometheus_client; under gunicorn, PROMETHEUS_MULTIPROC_DIR (set
by gunicorn.conf.py) makes every worker process write its figures to files there, and the
metrics page adds them up, so a scrape sees the whole instance, not one worker.

For the worker (issue 13), two hooks: `set_queue_depth(n)` after looking at the queue, and
`time_job("name")` around each job:

    from webapp.observability import set_queue_depth, time_job
    with time_job("verification_batch"):
        ...
"""

import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

# --- logs ---------------------------------------------------------------------------------

# The only attributes of a log record that reach a JSON line, besides the message: the
# request log passes exactly these, so nothing personal can ride along by accident.
REQUEST_FIELDS = ("request_id", "method", "route", "endpoint", "status", "duration_ms",
                  "user_id", "organisation_id")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the request fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, separators=(",", ":"), default=str)


def configure_logging(log_format: str = "json", level: str = "INFO") -> None:
    """The root logger writes to standard error, as JSON lines unless told "text"."""
    root = logging.getLogger()
    if any(getattr(handler, "_lrs", False) for handler in root.handlers):
        return  # once per process, however many apps are created (tests make many)
    handler = logging.StreamHandler(sys.stderr)
    handler._lrs = True
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # seven lines a run


# --- metrics ------------------------------------------------------------------------------

REQUESTS = Counter("lrs_http_requests", "Requests answered, by route and status.",
                   ["method", "route", "status"])
LATENCY = Histogram("lrs_http_request_duration_seconds", "Time to answer a request, by route.",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
LIMITS_HIT = Counter("lrs_rate_limits_hit", "Requests refused by a rate limit (429), by route.",
                     ["route"])
UNAVAILABLE = Counter("lrs_dependency_unavailable",
                      "Requests answered 503 because the database or Redis could not be reached.",
                      ["dependency"])
QUEUE_DEPTH = Gauge("lrs_queue_depth", "Jobs waiting in the worker's queue.",
                    multiprocess_mode="max")
JOB_DURATION = Histogram("lrs_job_duration_seconds", "Time a background job took, by job.",
                         ["job", "outcome"],
                         buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600))


KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def record_request(method: str, route: str, status: int, seconds: float) -> None:
    # Any method a client invents is counted as OTHER: labels must not grow without bound.
    method = method if method in KNOWN_METHODS else "OTHER"
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def set_queue_depth(jobs_waiting: int) -> None:
    QUEUE_DEPTH.set(jobs_waiting)


@contextmanager
def time_job(name: str) -> Iterator[None]:
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "done"
    finally:
        JOB_DURATION.labels(name, outcome).observe(time.perf_counter() - started)


def exposition() -> tuple[bytes, str]:
    """The metrics page: every worker's figures when running multi-process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
