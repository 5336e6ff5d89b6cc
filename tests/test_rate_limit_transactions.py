"""A counted attempt on the database-table limits is one write transaction (on SQLite one wait
for the single writer), not three (add, incr, touch each in their own)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import ratelimit


@pytest.mark.django_db(transaction=True)
def test_each_counted_attempt_is_one_transaction():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL starts transactions without a statement to count")
    counts = []
    for _attempt in range(3):
        with CaptureQueriesContext(connection) as captured:
            counts.append(ratelimit.count_attempt("test-scope", "client-a", 3600))
        begins = [q["sql"] for q in captured if q["sql"].upper().startswith("BEGIN")]
        assert len(begins) == 1, [q["sql"] for q in captured]
    # Counting is unchanged: the window's count goes up by one per attempt, per client.
    assert counts == [1, 2, 3]
    assert ratelimit.count_attempt("test-scope", "client-b", 3600) == 1
    assert ratelimit.attempts("test-scope", "client-a", 3600) == 3
    assert ratelimit.limit_reached("test-scope", "client-a", 3, 3600)
