"""The cache aliases when REDIS_URL is set (read by settings; no Django import here).

Every Redis alias is a `ResilientRedisCache` (backoffice.cache_backends): cached copies fail
open while Redis is down, the rate limits and the shared search state fall back to the same
database table the site uses without Redis (`createcachetable`, backoffice migration 0007).
"""

RESILIENT_REDIS = "backoffice.cache_backends.ResilientRedisCache"
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"
DATABASE_TABLE = "wegwijs_rate_limits"
RATE_LIMIT_FALLBACK = "ratelimit-database"
SHARED_STATE_FALLBACK = "shared-database"


def redis_caches(redis_url: str, rate_limit_alias: str, shared_state_alias: str) -> dict:
    return {
        "default": {"BACKEND": RESILIENT_REDIS, "LOCATION": redis_url},
        rate_limit_alias: {
            "BACKEND": RESILIENT_REDIS,
            "LOCATION": redis_url,
            "KEY_PREFIX": "wegwijs-limits",
            "TIMEOUT": None,
            "OPTIONS": {"FALLBACK": RATE_LIMIT_FALLBACK},
        },
        shared_state_alias: {
            "BACKEND": RESILIENT_REDIS,
            "LOCATION": redis_url,
            "KEY_PREFIX": "wegwijs-shared",
            "TIMEOUT": None,
            "OPTIONS": {"FALLBACK": SHARED_STATE_FALLBACK},
        },
        RATE_LIMIT_FALLBACK: {
            "BACKEND": DATABASE_CACHE,
            "LOCATION": DATABASE_TABLE,
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        SHARED_STATE_FALLBACK: {
            "BACKEND": DATABASE_CACHE,
            "LOCATION": DATABASE_TABLE,
            "KEY_PREFIX": "shared",
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
