"""A Redis cache that keeps the portal working while Redis is away.

On a connection error or timeout the operation is logged and answered as an empty cache
would (``get`` → default, ``set`` → nothing, ``add`` → done), and Redis is left alone for
``RETRY_AFTER`` seconds so that pages do not wait on it at every call. Nothing the portal
keeps only in the cache is needed for correctness: sessions are backed by the database
(``cached_db``), rate limits simply do not count while Redis is down.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 5.0  # seconds without trying Redis again after a failure


def _degrades(fallback):
    """Answer ``fallback(*args, **kwargs)`` instead of failing when Redis cannot be reached."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._down_until > time.monotonic():
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                self._went_down(error)
                return fallback(*args, **kwargs)
            if self._down_until:
                self._came_back()
            return result

        return wrapper

    return decorate


def _default(key, default=None, version=None):
    return default


def _incr(key, delta=1, version=None):
    raise ValueError(f"Key '{key}' not found (cache unavailable).")


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _went_down(self, error: Exception) -> None:
        with self._lock:
            already = self._down_until > 0
            self._down_until = time.monotonic() + RETRY_AFTER
        if not already:
            logger.error("cache unavailable, pages go on without it: %s", error)

    def _came_back(self) -> None:
        self._down_until = 0.0
        logger.warning("cache available again")

    def ping(self) -> bool:
        """Whether Redis answers now (for ``/healthz``)."""
        try:
            ok = bool(self._cache.get_client(write=True).ping())
        except UNAVAILABLE:
            return False
        if ok and self._down_until:
            self._came_back()
        return ok

    add = _degrades(lambda *a, **k: True)(RedisCache.add)
    get = _degrades(_default)(RedisCache.get)
    set = _degrades(lambda *a, **k: None)(RedisCache.set)
    touch = _degrades(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrades(lambda *a, **k: False)(RedisCache.delete)
    get_many = _degrades(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _degrades(lambda *a, **k: False)(RedisCache.has_key)
    incr = _degrades(_incr)(RedisCache.incr)
    set_many = _degrades(lambda *a, **k: [])(RedisCache.set_many)
    delete_many = _degrades(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _degrades(lambda *a, **k: False)(RedisCache.clear)
