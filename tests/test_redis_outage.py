"""Issue 21, defect 2: a Redis outage does not take the public site down.

A redis-server of the test's own serves the caches exactly as configured with REDIS_URL
(backoffice.cache_config), then is stopped. Public pages still render (the page cache and the
knowledge base link fail open, as a miss); the rate limits and sign-in lockouts still hold,
counted in the database table instead of "no limit".
"""

import time

import pytest
from django.core.cache import caches
from django.db import connection

from backoffice.cache_config import redis_caches
from tests.conftest import PASSWORD, make_user
from tests.redis_server import RedisServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def redis_caches_at(settings, redis_server):
    settings.CACHES = redis_caches(
        redis_server.url, settings.RATE_LIMIT_CACHE, settings.SHARED_STATE_CACHE
    )
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    yield redis_server
    for alias in settings.CACHES:
        caches[alias].close()


def _database_counter_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM wegwijs_rate_limits")
        return cursor.fetchone()[0]


PUBLIC_PAGES = ["/nl/", "/nl/ask/", "/nl/follow-up/", "/nl/search/?q=verblijf", "/en/"]


def test_public_pages_render_after_redis_stops(client, redis_caches_at):
    for url in PUBLIC_PAGES:  # Redis up: served and kept
        assert client.get(url).status_code == 200, url
    assert caches["default"].get("wegwijs-probe") is None
    caches["default"].set("wegwijs-probe", 1)
    assert caches["default"].get("wegwijs-probe") == 1  # really in Redis
    redis_caches_at.stop()
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
    assert caches["default"].get("wegwijs-probe") is None  # a miss, not an error
    home = client.get("/nl/").content.decode()
    assert "Wegwijs" in home


def test_the_public_rate_limit_counts_in_the_database_while_redis_is_down(
    client, settings, redis_caches_at
):
    settings.FOLLOW_UP_ATTEMPTS_PER_15_MIN = 3
    redis_caches_at.stop()
    rows_before = _database_counter_rows()
    wrong = {"reference": "WW-2026-000001", "code": "AAAA-AAAA-AAAA-AAAA-AAAA"}
    for _ in range(3):
        assert client.post("/nl/follow-up/", wrong).status_code == 400
    refused = client.post("/nl/follow-up/", wrong)
    assert refused.status_code == 429  # still limited: not "no limit"
    assert _database_counter_rows() > rows_before


def test_sign_in_lockout_holds_while_redis_is_down(client, settings, redis_caches_at):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 3
    make_user("professional", "olga")
    redis_caches_at.stop()
    for _ in range(3):
        assert client.post("/nl/login/", {"username": "olga", "password": "x"}).status_code == 200
    right = client.post("/nl/login/", {"username": "olga", "password": PASSWORD})
    assert right.status_code == 200  # locked: the form again, not a redirect
    assert "_auth_user_id" not in client.session


def test_the_caches_use_redis_again_when_it_is_back(settings, redis_server):
    caches_config = redis_caches(
        redis_server.url, settings.RATE_LIMIT_CACHE, settings.SHARED_STATE_CACHE
    )
    for alias in ("default", settings.RATE_LIMIT_CACHE):
        caches_config[alias]["OPTIONS"] = {
            **caches_config[alias].get("OPTIONS", {}),
            "RETRY_SECONDS": 0.2,
        }
    settings.CACHES = caches_config
    limits = caches[settings.RATE_LIMIT_CACHE]
    redis_server.stop()
    limits.set("counted-while-down", 1)
    assert caches["ratelimit-database"].get("counted-while-down") == 1  # in the database
    caches["default"].set("copy", "x")
    assert caches["default"].get("copy") is None
    redis_server.start()
    time.sleep(0.3)  # past RETRY_SECONDS: the next call tries Redis again
    caches["default"].set("copy", "x")
    assert caches["default"].get("copy") == "x"
    limits.set("counted-in-redis", 2)
    assert limits.get("counted-in-redis") == 2
    assert caches["ratelimit-database"].get("counted-in-redis") is None  # in Redis, not the table
