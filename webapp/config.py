"""Configuration from environment variables, with safe defaults.

Every setting can be given as an environment variable of the same name. Nothing secret is
a constant in code: when SECRET_KEY is unset, a random key is generated once and kept in
the instance folder, so sessions survive a restart without anyone choosing a key.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _cores() -> int:
    """The cores this process may run on (all of them where the system cannot say)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def instance_secret_key(instance_path: str) -> str:
    """Read the generated secret key from the instance folder, creating it on first use."""
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        # Written with owner-only permissions: the key signs every session cookie.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


class Config:
    """Production-safe defaults; each can be overridden from the environment."""

    SERVICE_NAME = "Learning Records Service"

    SECRET_KEY = os.environ.get("SECRET_KEY")  # None: generated in the instance folder
    DATABASE_URL = os.environ.get("DATABASE_URL")  # None: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    SERVICE_DESK_EMAIL = os.environ.get("SERVICE_DESK_EMAIL", "service.desk@education.gov.uk")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # None: write .eml files to instance/mail/
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "do-not-reply@education.gov.uk")

    REDIS_URL = os.environ.get("REDIS_URL")  # None: in-memory rate limits
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # Sign-in limits, counted separately: per username typed (stops guessing at one
    # account) and per client address (stops spraying many accounts; high enough for a
    # large office behind one address at nine in the morning).
    SIGN_IN_USERNAME_RATE_LIMIT = os.environ.get("SIGN_IN_USERNAME_RATE_LIMIT", "10 per minute")
    SIGN_IN_NETWORK_RATE_LIMIT = os.environ.get(
        "SIGN_IN_NETWORK_RATE_LIMIT", os.environ.get("SIGN_IN_RATE_LIMIT", "300 per minute"))
    # ‘I have forgotten my password’ requests, per client address.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per minute")
    # New passwords submitted from a reset or welcome link, per client address: separate
    # from the requests, so two typos while choosing a password do not lock anyone out.
    NEW_PASSWORD_RATE_LIMIT = os.environ.get("NEW_PASSWORD_RATE_LIMIT", "20 per minute")
    # ‘Edit and verify email’ submissions (each checks the current password), per user.
    EMAIL_CHANGE_RATE_LIMIT = os.environ.get("EMAIL_CHANGE_RATE_LIMIT", "5 per minute")
    # An email change started by someone else than the owner takes effect this long after
    # the new address is verified, unless the owner stops it or confirms it sooner.
    EMAIL_CHANGE_HOLD_HOURS = _env_int("EMAIL_CHANGE_HOLD_HOURS", 72)

    # Lifetimes of the single-use links sent by email.
    REGISTRATION_LINK_HOURS = _env_int("REGISTRATION_LINK_HOURS", 72)
    PASSWORD_RESET_LINK_MINUTES = _env_int("PASSWORD_RESET_LINK_MINUTES", 60)
    EMAIL_VERIFICATION_LINK_HOURS = _env_int("EMAIL_VERIFICATION_LINK_HOURS", 24)

    # Sessions: idle timeout with a warning, and an absolute lifetime.
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 30)
    SESSION_WARNING_SECONDS = _env_int("SESSION_WARNING_SECONDS", 120)
    SESSION_ABSOLUTE_HOURS = _env_int("SESSION_ABSOLUTE_HOURS", 12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_ABSOLUTE_HOURS)
    SESSION_COOKIE_NAME = "lrs_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # None: secure exactly when BASE_URL is https (decided in create_app).
    SESSION_COOKIE_SECURE = (_env_bool("SESSION_COOKIE_SECURE", False)
                             if "SESSION_COOKIE_SECURE" in os.environ else None)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    # The cookie is written when the session changes, not on every response: it expires
    # with the absolute lifetime set at sign-in; the idle clock moves in steps (web/sessions.py).
    SESSION_REFRESH_EACH_REQUEST = False

    # How many reverse proxies stand in front of the app (0: none; the default for one
    # machine). Their X-Forwarded-For/-Proto headers are trusted only when this is set.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    # PostgreSQL connections per process (pool + overflow) and how long one statement may
    # run before the database cancels it. SQLite ignores these.
    DATABASE_POOL_SIZE = _env_int("DATABASE_POOL_SIZE", 5)
    DATABASE_MAX_OVERFLOW = _env_int("DATABASE_MAX_OVERFLOW", 5)
    DATABASE_POOL_TIMEOUT_SECONDS = _env_int("DATABASE_POOL_TIMEOUT_SECONDS", 10)
    DATABASE_CONNECT_TIMEOUT_SECONDS = _env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", 5)
    DATABASE_STATEMENT_TIMEOUT_MS = _env_int("DATABASE_STATEMENT_TIMEOUT_MS", 15_000)
    # Seconds to wait for Redis before the request gets the 503 page.
    REDIS_TIMEOUT_SECONDS = _env_int("REDIS_TIMEOUT_SECONDS", 2)
    # Rate-limit keys in Redis start with this, so several services can share one Redis.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "lrs")

    # Logs: one JSON line per request on standard error ("json"), or plain text ("text").
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Prometheus metrics: the path, and the networks allowed to read it (comma-separated
    # CIDR blocks; the client address is the one ProxyFix settles on). Empty path: off.
    METRICS_PATH = os.environ.get("METRICS_PATH", "/metrics")
    METRICS_ALLOWED_NETWORKS = os.environ.get("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")

    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 20 * 1024 * 1024)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which is capped

    MAX_FAILED_SIGN_INS = 5

    # Single verifications one user may make in an hour: stops a rogue bulk trawl.
    VERIFICATIONS_PER_HOUR = _env_int("VERIFICATIONS_PER_HOUR", 300)
    # ... and all the users of one organisation together (a trawl spread over accounts).
    ORGANISATION_VERIFICATIONS_PER_HOUR = _env_int("ORGANISATION_VERIFICATIONS_PER_HOUR", 3000)
    # A user with this many single verifications in a day is marked ‘High’ on User activity.
    UNUSUAL_VERIFICATIONS_PER_DAY = _env_int("UNUSUAL_VERIFICATIONS_PER_DAY", 200)

    # Batch files (issue 13). BATCH_FILE_KEY: a Fernet key (`python -c "from
    # cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`) sealing
    # uploaded and output files at rest; unset, one is generated in the instance folder.
    BATCH_FILE_KEY = os.environ.get("BATCH_FILE_KEY")
    BATCH_STORAGE_PATH = os.environ.get("BATCH_STORAGE_PATH")  # default instance/batches
    BATCH_MAX_BYTES = _env_int("BATCH_MAX_BYTES", 20 * 1024 * 1024)  # ≤ MAX_CONTENT_LENGTH
    BATCH_MAX_ROWS = _env_int("BATCH_MAX_ROWS", 1_000_000)
    BATCH_CHUNK_ROWS = _env_int("BATCH_CHUNK_ROWS", 1000)  # rows per transaction
    # Processes one verify job may use (the worker's and helpers it starts; each about
    # 100 MiB): 2 pays only with a core to spare (1.0-1.7x measured), and costs when the
    # cores are busy (0.7-0.9x), so one core is left to the rest (web server): 1 on a
    # 2-core host, 2 on a worker host with 3 or more. 1 runs every job in the worker alone.
    BATCH_VERIFY_PROCESSES = _env_int("BATCH_VERIFY_PROCESSES", max(1, min(_cores() - 1, 2)))
    BATCH_RETENTION_DAYS = _env_int("BATCH_RETENTION_DAYS", 30)
    # A running job whose worker has not reported for this long is taken over (a crash).
    BATCH_STALE_SECONDS = _env_int("BATCH_STALE_SECONDS", 300)
    # Tasks run at once in the caller's thread, without a worker (the test suite).
    TASKS_IMMEDIATE = _env_bool("TASKS_IMMEDIATE", False)

    # argon2id at OWASP's minimum: 19 MiB, 2 passes, 1 lane (~18 ms a check here).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST_KIB = 19 * 1024
    ARGON2_PARALLELISM = 1


class TestConfig(Config):
    """Fast, isolated settings for the test suite. Never used by `make run`."""

    TESTING = True
    SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105
    BASE_URL = "http://lrs.test"
    SERVER_NAME = None
    MAIL_SERVER = None
    RATELIMIT_ENABLED = False
    BACKGROUND_INLINE = True  # background jobs run at once, so tests see their results
    TASKS_IMMEDIATE = True  # queued tasks too (a test that starts a real worker unsets it)
    BATCH_VERIFY_PROCESSES = 1  # one process, as the tests that ask for more say
    # Cheap hashing so the suite stays quick; one test checks Config keeps the strong ones.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 8
    ARGON2_PARALLELISM = 1
