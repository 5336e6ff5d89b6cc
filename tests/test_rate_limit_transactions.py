"""A counted attempt on the database-table limits is one write transaction (on SQLite one wait
for the single writer), not three (add, incr and touch each opened their own)."""

import pytest
from django.db import connection

from backoffice import ratelimit


def outermost_blocks(call) -> int:
    """How many atomic blocks `call` opens at the level it is called from. Inside the test's
    own transaction each block is a savepoint; one opened at the caller's level is what would
    be a transaction (and a wait for SQLite's writer) of its own outside a test."""
    level = len(connection.savepoint_ids)
    opened = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("SAVEPOINT") and len(connection.savepoint_ids) == level:
            opened.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        call()
    return len(opened)


@pytest.mark.django_db
def test_each_counted_attempt_is_one_transaction():
    counts = []
    for _attempt in range(3):
        blocks = outermost_blocks(
            lambda: counts.append(ratelimit.count_attempt("test-scope", "client-a", 3600))
        )
        assert blocks == 1
    # Counting is unchanged: the window's count goes up by one per attempt, per client.
    assert counts == [1, 2, 3]
    assert ratelimit.count_attempt("test-scope", "client-b", 3600) == 1
    assert ratelimit.attempts("test-scope", "client-a", 3600) == 3
    assert ratelimit.limit_reached("test-scope", "client-a", 3, 3600)


@pytest.mark.django_db
def test_a_count_is_two_statements_and_the_cache_reads_what_it_wrote():
    """In the cache's table a count reads and writes its row (two statements; three for a
    new key) instead of the cache's add, incr and touch; the cache reads the same row."""
    from django.test.utils import CaptureQueriesContext

    ratelimit.forget_attempts("test-scope", "client-c", 3600)
    assert ratelimit.count_attempt("test-scope", "client-c", 3600) == 1
    with CaptureQueriesContext(connection) as queries:
        assert ratelimit.count_attempt("test-scope", "client-c", 3600) == 2
    table = [q["sql"] for q in queries if "wegwijs_rate_limits" in q["sql"]]
    assert len(table) == 2, table
    assert ratelimit.attempts("test-scope", "client-c", 3600) == 2  # the cache's own get
    ratelimit.forget_attempts("test-scope", "client-c", 3600)  # the cache's own delete
    assert ratelimit.count_attempt("test-scope", "client-c", 3600) == 1


@pytest.mark.django_db
def test_a_count_whose_window_ran_out_starts_again_and_the_window_end_is_kept():
    import time

    cache = ratelimit.limits_cache()
    bucket = int(time.time() // 3600)
    key = f"ratelimit:test-scope:client-d:{bucket}"
    cache.set(key, 7, timeout=0)  # stored, already expired
    assert ratelimit.count_attempt("test-scope", "client-d", 3600) == 1
    assert ratelimit.count_attempt("test-scope", "client-d", 3600) == 2
    # The row expires at the window's end (plus a few seconds), not "never".
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT expires FROM wegwijs_rate_limits WHERE cache_key = %s",
            [cache.make_and_validate_key(key)],
        )
        (expires,) = cursor.fetchone()
    assert "9999" not in str(expires)
    cache.set(key, 7, timeout=60)  # written by the cache itself: counted on from there
    assert ratelimit.count_attempt("test-scope", "client-d", 3600) == 8
