"""Database helpers of the platform (the SQLite backend with its write gate: sqlite3/base.py).

`relax_commit()`: on PostgreSQL, the commit of the current (outermost) transaction does not
wait for its WAL record to reach the disk (`SET LOCAL synchronous_commit = off`). For writes
whose loss in a crash of the database server costs nothing that matters and that something
else repairs: a session (the visitor signs in again), a rate-limit counter, the broker's copy
of an outbox task (the outbox row itself is committed durably with the change that caused it,
and the sweep hands it over again). Never for a question, a message or anything a person was
told is saved. On this machine a durable commit waited 3-9 ms for the disk; an intake made
seven of them (docs/benchmarks.md, "Intake on PostgreSQL").
"""

import contextlib

from django.db import DEFAULT_DB_ALIAS, connections


def relax_commit(using: str | None = None) -> bool:
    """Inside a transaction opened by the caller: make its commit asynchronous on PostgreSQL.
    Does nothing inside a larger transaction (that one decides) or on SQLite, where a commit
    in WAL mode with synchronous=NORMAL does not wait for the disk anyway."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or len(getattr(connection, "atomic_blocks", ())) != 1:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
    return True


@contextlib.contextmanager
def relaxed_commits(using: str | None = None):
    """`relax_commit` for a run of statements made outside a transaction, each committing on
    its own (autocommit): on PostgreSQL, none of their commits waits for the disk until the
    block ends (`SET synchronous_commit = off`, reset after). For records that a crash of the
    database server may lose at the cost of a repeat and nothing more: the "sent" marks of a
    batch of mails (backoffice.outbox.send_each_once; a lost mark sends that mail again). A
    killed worker loses nothing by it: a commit that returned is in the server's memory and
    seen by every session. Inside a transaction, or on SQLite, it changes nothing."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
