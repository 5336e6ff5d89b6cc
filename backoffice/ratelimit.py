"""Per-client limits on public forms and sign-in, counted where every worker process sees them.

In the platform so that every app (questions, knowledge base votes, sign-in) counts the same
way. The counters live in the RATE_LIMIT_CACHE alias: Redis when REDIS_URL is set, otherwise a
database table, so two gunicorn workers (or two hosts) share one count. While Redis is down the
alias counts in that database table (backoffice.cache_backends): limits hold, never "no limit".
The client is named by backoffice.client_address (TRUSTED_PROXIES), stored only as a keyed hash.
"""

import base64
import pickle
import time
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone

from backoffice.audit import hash_client_address
from backoffice.client_address import client_address
from backoffice.db import relax_commit


def limits_cache():
    return caches[settings.RATE_LIMIT_CACHE]


def client_key(request) -> str:
    return hash_client_address(client_address(request)) or "unknown"


def _one_transaction(cache):
    """In the database table each call of the cache is a write transaction of its own; on
    SQLite each waits for the single writer, so a limited form (the intake) queued three times
    behind the worker's writes. The calls of one count share one transaction instead."""
    if isinstance(cache, DatabaseCache):
        return transaction.atomic(using=router.db_for_write(cache.cache_model_class))
    return nullcontext()


def _count(cache_key: str, timeout: int) -> int:
    """Add one to a counter that expires `timeout` seconds from now at the latest."""
    cache = limits_cache()
    with _one_transaction(cache):
        if isinstance(cache, DatabaseCache):
            # A counter lost in a crash of the database server costs nothing that matters.
            relax_commit(router.db_for_write(cache.cache_model_class))
        return _count_in(cache, cache_key, timeout)


def _count_in(cache, cache_key: str, timeout: int) -> int:
    if isinstance(cache, DatabaseCache):
        connection = connections[router.db_for_write(cache.cache_model_class)]
        if connection.vendor in ("sqlite", "postgresql"):
            return _count_in_table(cache, connection, cache_key, timeout)
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=timeout)
        return 1
    # Django's generic incr (the database cache) writes the value back with the alias's
    # default timeout: put the window's end back.
    cache.touch(cache_key, timeout)
    return count


def _count_in_table(cache, connection, cache_key: str, timeout: int) -> int:
    """The count in the cache's database table, read and written in two statements (three for
    a new key) where the cache's add, incr and touch took sixteen, each with a count of the
    whole table (its check for culling). The row is the cache's own (the value pickled as
    DatabaseCache writes it), so `attempts()` and `forget_attempts()` read and delete it as
    before. The caller's transaction holds SQLite's write lock; on PostgreSQL the row is
    locked (FOR UPDATE), so two workers never both write the same next count."""
    ops = connection.ops
    key = cache.make_and_validate_key(cache_key)
    table = ops.quote_name(cache._table)
    now = timezone.now().replace(microsecond=0)
    expires = ops.adapt_datetimefield_value(
        (now + timedelta(seconds=timeout)) if settings.USE_TZ else timezone.make_naive(now)
    )
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    # The table's name is the cache alias's LOCATION (settings), quoted; values are parameters.
    select = f"SELECT value, expires > %s FROM {table} WHERE cache_key = %s{lock}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(select, [ops.adapt_datetimefield_value(now), key])
        row = cursor.fetchone()
        if row is None:
            # A new key (a new client or window): the one place the table grows, so the
            # place to keep it within MAX_ENTRIES as the cache's own writes do.
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            entries = cursor.fetchone()[0]
            if entries > cache._max_entries:
                cache._cull(connection.alias, cursor, now, entries)
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "  # noqa: S608
                "ON CONFLICT (cache_key) DO NOTHING",
                [key, _pickled(cache, 1), expires],
            )
            if cursor.rowcount == 1:
                return 1
            cursor.execute(select, [ops.adapt_datetimefield_value(now), key])  # a race: taken
            row = cursor.fetchone()
        value, alive = row
        # Written only by the cache (as DatabaseCache.get reads it, with pickle too).
        count = pickle.loads(base64.b64decode(value.encode())) + 1 if alive else 1  # noqa: S301
        cursor.execute(
            f"UPDATE {table} SET value = %s, expires = %s WHERE cache_key = %s",  # noqa: S608
            [_pickled(cache, count), expires, key],
        )
    return count


def _pickled(cache, value) -> str:
    return base64.b64encode(pickle.dumps(value, cache.pickle_protocol)).decode("latin1")


def count_attempt(scope: str, key: str, window_seconds: int) -> int:
    """Count one attempt in the current fixed window; return the window's count so far."""
    now = time.time()
    bucket = int(now // window_seconds)
    remaining = int((bucket + 1) * window_seconds - now) + 5
    return _count(f"ratelimit:{scope}:{key}:{bucket}", remaining)


def attempts(scope: str, key: str, window_seconds: int) -> int:
    bucket = int(time.time() // window_seconds)
    return limits_cache().get(f"ratelimit:{scope}:{key}:{bucket}", 0)


def forget_attempts(scope: str, key: str, window_seconds: int) -> None:
    bucket = int(time.time() // window_seconds)
    limits_cache().delete(f"ratelimit:{scope}:{key}:{bucket}")


def limit_reached(scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True when this attempt is over the limit of the current window."""
    return count_attempt(scope, key, window_seconds) > limit


def lock(scope: str, key: str, seconds: int) -> None:
    limits_cache().set(f"lock:{scope}:{key}", int(time.time()) + seconds, timeout=seconds)


def locked_until(scope: str, key: str) -> int | None:
    """The Unix time a lock ends, or None when there is none."""
    until = limits_cache().get(f"lock:{scope}:{key}")
    return until if until and until > time.time() else None


def unlock(scope: str, key: str) -> None:
    limits_cache().delete(f"lock:{scope}:{key}")
