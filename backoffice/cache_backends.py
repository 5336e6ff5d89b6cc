"""A Redis cache that keeps the site up while Redis is down.

Django's RedisCache raises on every call when Redis cannot be reached, so a page that only
*reads* a cached copy (the public page cache, the knowledge base link in every page's header,
search synonyms) answers 500. `ResilientRedisCache` behaves as follows instead:

- without a fallback (the `default` alias: copies that can always be made again) every call
  fails open: a read is a miss, a write is dropped, `add` says "not added", `incr` says "no
  such key" (ValueError, as for an expired key);
- with a `FALLBACK` alias (the rate limits, sign-in lockouts and the shared search state) the
  call goes to that cache, a table in the database, so limits still hold ("counted in the
  database" rather than "no limit") and every worker process still sees the same counts.

After a failure a process does not try Redis again for RETRY_SECONDS, so an outage costs one
failed connection per process and period, not one per call; short socket timeouts (below)
bound what a Redis that hangs instead of refusing can cost. Counts made in the fallback while
Redis was away are not copied back: a limit's window starts again when Redis returns.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

try:  # redis is installed with the project (django-q2's Redis broker, Django's RedisCache)
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = OSError

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.fallback_alias = options.pop("FALLBACK", None)
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._down_until = 0.0

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, operation: str, error: Exception) -> None:
        if not self.is_down:
            logger.warning(
                "Redis cache unreachable (%s: %s); %s for %ss",
                operation,
                error,
                f"using the '{self.fallback_alias}' cache"
                if self.fallback_alias
                else "serving without the cache",
                self.retry_seconds,
            )
        self._down_until = time.monotonic() + self.retry_seconds

    def _call(self, operation: str, miss, *args, **kwargs):
        if not self.is_down:
            try:
                return getattr(super(), operation)(*args, **kwargs)
            except CACHE_ERRORS as error:
                self._failed(operation, error)
        if self.fallback_alias:
            return getattr(caches[self.fallback_alias], operation)(*args, **kwargs)
        return miss()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: False, key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version=version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found.")

        return self._call("incr", missing, key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version=version)

    def clear(self):
        return self._call("clear", lambda: False)
