"""Per-client limits on public forms, counted in the cache (shared with Redis, if set).

In the platform so that every app (questions, knowledge base votes) counts the same way.
"""

import time

from django.core.cache import cache

from backoffice.audit import hash_client_address


def client_key(request) -> str:
    return hash_client_address(request.META.get("REMOTE_ADDR", "")) or "unknown"


def limit_reached(scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True when this attempt is over the limit of the current window."""
    bucket = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds + 5)
        count = 1
    return count > limit
