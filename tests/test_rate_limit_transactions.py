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
