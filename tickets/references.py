"""Question references WW-<year>-<6 digits>: unique and gap-free per year under concurrency."""

from django.db import connection, transaction
from django.utils import timezone

from tickets.models import ReferenceCounter

_NEXT_NUMBER_SQL = f"""
    INSERT INTO {ReferenceCounter._meta.db_table} (year, last_number) VALUES (%s, 1)
    ON CONFLICT (year) DO UPDATE SET last_number = {ReferenceCounter._meta.db_table}.last_number + 1
    RETURNING last_number
"""  # noqa: S608 (table name from our own model, values bound)


def next_reference(year: int | None = None) -> str:
    """Take the next number of the year in one atomic statement (PostgreSQL and SQLite).

    The counter row stays locked until the caller's transaction ends, so numbers are handed out
    in commit order, and a rolled-back creation gives its number back: no duplicates, no gaps.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_reference must run inside the transaction that saves the question")
    year = year or timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER_SQL, [year])
        (number,) = cursor.fetchone()
    if number > 999_999:
        raise OverflowError(f"more than 999,999 questions in {year}")
    return f"WW-{year}-{number:06d}"
