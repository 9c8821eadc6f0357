"""gunicorn settings for production: `make serve`, or `gunicorn -c gunicorn.conf.py wsgi:app`.

Each setting can be changed from the environment (GUNICORN_*), so one file serves every
deployment. Sync workers, as many as cores: measured on this service, 2 sync workers on 2
cores beat 4 gthread workers × 4 threads on every page, with 3–12 × lower p99 (issue 14).
"""

import ctypes
import ctypes.util
import os
import tempfile

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS") or os.cpu_count() or 2)
# A request taking longer than this is killed and its worker replaced; PostgreSQL's
# statement timeout (DATABASE_STATEMENT_TIMEOUT_MS, 15 s) ends a slow query first.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # behind a proxy that reuses them
# Each worker is replaced after this many requests (with jitter, so not all at once):
# a slow leak cannot grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The proxy's X-Forwarded-* headers are for the app's ProxyFix (TRUSTED_PROXIES) alone.
forwarded_allow_ips = ""

# The application writes one JSON line per request itself (webapp/web/request_log.py);
# gunicorn's access log is off unless asked for (GUNICORN_ACCESS_LOG=- for stderr), and
# then carries the same request id, no query string (it may hold personal data).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = ('{"time":"%(t)s","request_id":"%({x-request-id}o)s","method":"%(m)s",'
                     '"path":"%(U)s","status":%(s)s,"bytes":%(B)s,"duration_us":%(D)s}')
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def on_starting(server):
    """Prometheus figures from every worker go to files in one folder, emptied at start
    so a restarted server does not report the old workers' counts."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        folder = tempfile.mkdtemp(prefix="lrs-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    os.makedirs(folder, exist_ok=True)
    for entry in os.listdir(folder):  # last run's figures; nothing else in the folder
        if entry.endswith(".db"):
            os.remove(os.path.join(folder, entry))


def post_fork(server, worker):
    """Each sign-in's argon2id check allocates 19 MiB. glibc raises its mmap threshold
    after the first such block is freed, so later ones come from the heap and stay
    resident: +19 MiB a worker for good. A fixed threshold (which also turns off the
    raising) gives every large block back when it is freed."""
    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name) if libc_name and "libc.so" in libc_name else None
    if libc:
        m_mmap_threshold = -3
        libc.mallopt(m_mmap_threshold, 128 * 1024)
    # The name lists (about 1.3 s of CPU) load before the worker takes a request, not
    # during someone's first verification.
    from webapp.rules import names

    names.warm()
    if libc:
        libc.malloc_trim(0)  # building the lists leaves about 1.5 MiB of freed heap resident


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
