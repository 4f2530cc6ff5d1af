"""The shared cache's backends: a Redis cache that degrades to "no cache" instead
of failing the page, and, without Redis, a file cache that stays fast when full."""

import logging
import time
from functools import wraps

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency
    RedisError = OSError

# After a failure, skip Redis for a short while so a dead server does not
# cost every request a connection timeout.
RETRY_AFTER_SECONDS = 5.0


def _fallback(default, args, kwargs):
    return default(*args, **kwargs) if callable(default) else default


def _tolerant(default):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._down_until:
                return _fallback(default, args, kwargs)
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("Cache unavailable, serving without it: %s", exc)
                return _fallback(default, args, kwargs)

        return wrapper

    return decorate


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; every read misses and every write is dropped while Redis is down."""

    def __init__(self, server, params):
        params = {**params}
        options = {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            **params.get("OPTIONS", {}),
        }
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._down_until = 0.0

    get = _tolerant(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _tolerant(lambda *a, **k: {})(RedisCache.get_many)
    set = _tolerant(None)(RedisCache.set)
    set_many = _tolerant(lambda *a, **k: [])(RedisCache.set_many)
    add = _tolerant(False)(RedisCache.add)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    clear = _tolerant(False)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        # ValueError (missing key) still propagates, as callers rely on it.
        if time.monotonic() < self._down_until:
            raise ValueError("cache unavailable")
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as exc:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("Cache unavailable, serving without it: %s", exc)
            raise ValueError("cache unavailable") from exc

    def is_down(self) -> bool:
        """Skipping Redis after a failure: reads miss, and writes are dropped."""
        return time.monotonic() < self._down_until

    def is_available(self) -> bool:
        try:
            self._cache.get_client(write=False).ping()
        except (RedisError, OSError):
            return False
        return True


class FileCache(FileBasedCache):
    """Django's file cache, which lists its whole folder on every write to see whether
    to cull. With thousands of entries (a story counter each, a "being made" mark per
    photo) a 200-slide import spent eight seconds of ten listing it. Here each
    process looks at most once a minute; the folder may pass MAX_ENTRIES meanwhile."""

    CULL_EVERY_SECONDS = 60.0

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._culled_at = float("-inf")

    def _cull(self):
        now = time.monotonic()
        if now - self._culled_at < self.CULL_EVERY_SECONDS:
            return
        self._culled_at = now
        super()._cull()
