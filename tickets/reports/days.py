"""The calendar day (in the site's time zone) of a stored moment, worked out by the database.

Django's `__date` and `TruncDate` are native SQL on PostgreSQL (`AT TIME ZONE`), but on SQLite
they call a Python function for every row (the time zone conversion); at 100,000 questions the
dashboard spent a third of its time there. `LocalDate` is the same day in native SQLite: the
moments are stored in UTC as text, and the zone's offset is constant between two clock changes,
so the day is `date(moment, '+<offset> seconds')` with the offset of the span the moment falls
in (a CASE over the spans of the years around today, newest first). A moment outside those
years takes Django's own (Python) conversion: the result is the same day either way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.db.models import DateField, Func
from django.db.models.functions import TruncDate
from django.utils import timezone

FIRST_YEAR = 2000
YEARS_AHEAD = 3


@lru_cache(maxsize=8)
def offset_spans(zone, first_year: int, last_year: int) -> tuple[tuple[str, int], ...]:
    """((start of the span in UTC as SQLite stores it, UTC offset in seconds), ...), newest
    first, covering first_year-01-01 to the end of last_year (UTC)."""

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds())

    start = datetime(first_year, 1, 1, tzinfo=UTC)
    spans = [(start, offset(start))]
    moment, stop, day = start, datetime(last_year + 1, 1, 1, tzinfo=UTC), timedelta(days=1)
    while moment < stop:
        following = moment + day
        if offset(following) != spans[-1][1]:
            low, high = moment, following  # the change is in (low, high]: find its second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if offset(middle) == spans[-1][1]:
                    low = middle
                else:
                    high = middle
            spans.append((high, offset(high)))
        moment = following
    return tuple(
        (begin.strftime("%Y-%m-%d %H:%M:%S"), seconds) for begin, seconds in reversed(spans)
    )


class LocalDate(Func):
    """The day of a date-time expression in the current time zone (NULL stays NULL)."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        zone = timezone.get_current_timezone()
        return compiler.compile(TruncDate(self.source_expressions[0], tzinfo=zone))

    def as_sqlite(self, compiler, connection, **extra_context):
        moment, params = compiler.compile(self.source_expressions[0])
        zone = timezone.get_current_timezone()
        last_year = timezone.now().year + YEARS_AHEAD
        spans = offset_spans(zone, FIRST_YEAR, last_year)
        fallback, fallback_params = connection.ops.datetime_cast_date_sql(
            moment, tuple(params), timezone.get_current_timezone_name()
        )
        parts = [f"CASE WHEN {moment} IS NULL THEN NULL WHEN {moment} >= %s THEN {fallback}"]
        all_params = [*params, *params, f"{last_year + 1}-01-01 00:00:00", *fallback_params]
        for begin, seconds in spans:
            # Whole seconds: SQLite's date arithmetic rounds to milliseconds, and 23:59:59.9999
            # would become the next day. The clock changes fall on whole seconds.
            parts.append(f"WHEN {moment} >= %s THEN date(substr({moment}, 1, 19), %s)")
            all_params.extend([*params, begin, *params, f"{seconds:+d} seconds"])
        parts.append(f"ELSE {fallback} END")
        all_params.extend(fallback_params)
        return " ".join(parts), all_params
