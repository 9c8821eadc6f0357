"""Can this instance reach what it needs? Asked by the readiness probe."""

from flask import current_app
from sqlalchemy import text

from webapp.extensions import db


def database_reachable() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        db.session.rollback()
        return False
    finally:
        db.session.close()


def redis_reachable() -> bool | None:
    """None when no Redis is configured (one process needs none)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    import redis  # only where Redis is configured: it costs a process about 25 MiB
    clients = current_app.extensions.setdefault("lrs_health_redis", {})
    if url not in clients:
        timeout = current_app.config["REDIS_TIMEOUT_SECONDS"]
        clients[url] = redis.Redis.from_url(url, socket_timeout=timeout,
                                            socket_connect_timeout=timeout)
    try:
        return bool(clients[url].ping())
    except redis.RedisError:
        return False
