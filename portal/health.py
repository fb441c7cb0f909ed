"""What ``/healthz`` checks: the database, the cache, the broker and the file storage.

Each part is ``ok`` or ``down``. Without the database the portal cannot answer (HTTP 503);
without Redis it is degraded but serves (HTTP 200): the cache answers as an empty one and the
background jobs wait in the outbox.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection

logger = logging.getLogger(__name__)
TIMEOUT = 1  # seconds, for each network check


def _database() -> bool:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any driver error means the same: no database
        logger.error("health: database unavailable: %s", error)
        return False
    return True


def _cache() -> bool:
    ping = getattr(cache, "ping", None)
    return True if ping is None else ping()  # a local-memory cache is always there


def _broker() -> bool:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return True  # memory:// — tasks run eagerly in the web process
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.exceptions.RedisError, OSError):
        return False


def _storage() -> bool:
    storage = default_storage
    try:
        if isinstance(storage, FileSystemStorage):
            path = Path(storage.location)
            while not path.exists() and path != path.parent:
                path = path.parent  # created at the first upload
            return path.is_dir() and os.access(path, os.W_OK)
        storage.exists("healthz")
    except Exception as error:  # a bucket that cannot be reached
        logger.error("health: storage unavailable: %s", error)
        return False
    return True


def check() -> tuple[dict[str, str], int]:
    """The state of each part and the HTTP status to answer with."""
    parts = {
        "database": _database(),
        "cache": _cache(),
        "broker": _broker(),
        "storage": _storage(),
    }
    report = {name: "ok" if up else "down" for name, up in parts.items()}
    if not parts["database"]:
        status, code = "down", 503
    elif all(parts.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return {"status": status, **report}, code
