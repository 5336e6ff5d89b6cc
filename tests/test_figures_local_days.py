"""tickets.reports.days.LocalDate: the day of a stored moment in Brussels, worked out by the
database (native SQL on SQLite too), is the day Python gives, around midnight, around both
clock changes, and for moments outside the years it has spans for."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count
from django.db.models.functions import Coalesce

from backoffice.models import AuditEvent
from tickets.reports.days import FIRST_YEAR, LocalDate, offset_spans

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")

MOMENTS = [
    # Winter (UTC+1): 23:00 UTC is midnight in Brussels.
    datetime(2026, 1, 14, 22, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 1, 14, 23, 0, tzinfo=UTC),
    # Summer (UTC+2): 22:00 UTC is midnight.
    datetime(2026, 7, 1, 21, 59, 59, tzinfo=UTC),
    datetime(2026, 7, 1, 22, 0, tzinfo=UTC),
    # The clocks go forward on 29 March 2026 at 01:00 UTC and back on 25 October at 01:00 UTC.
    datetime(2026, 3, 28, 22, 59, tzinfo=UTC),
    datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 21, 59, tzinfo=UTC),
    datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
    datetime(2026, 10, 24, 21, 59, tzinfo=UTC),
    datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 59, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 22, 59, tzinfo=UTC),
    datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
    # Before the spans and far after them: Django's own conversion, same day.
    datetime(FIRST_YEAR - 1, 12, 31, 23, 30, tzinfo=UTC),
    datetime(2090, 6, 30, 22, 30, tzinfo=UTC),
    datetime(2090, 12, 31, 23, 30, tzinfo=UTC),
]


def test_the_database_gives_the_day_python_gives():
    for moment in MOMENTS:
        event = AuditEvent.objects.create(action="test.local-day")
        AuditEvent.objects.filter(pk=event.pk).update(time=moment)
    got = dict(
        AuditEvent.objects.filter(action="test.local-day").values_list("time", LocalDate("time"))
    )
    want = {moment: moment.astimezone(BRUSSELS).date() for moment in MOMENTS}
    assert [(m, got.get(m), want[m]) for m in MOMENTS if got.get(m) != want[m]] == []
    # Over an expression, in a filter and in a grouping, as the figures use it.
    winter, summer = MOMENTS[1], MOMENTS[3]
    days = AuditEvent.objects.annotate(day=LocalDate(Coalesce("time", "time")))
    assert days.filter(day=winter.astimezone(BRUSSELS).date()).count() == 1
    assert days.filter(day=summer.astimezone(BRUSSELS).date()).count() == 1
    grouped = dict(
        days.filter(action="test.local-day").values_list("day").annotate(n=Count("pk")).order_by()
    )
    assert sum(grouped.values()) == len(MOMENTS)


def test_the_spans_follow_the_clock_changes():
    spans = dict(offset_spans(BRUSSELS, 2026, 2026))
    assert spans["2026-03-29 01:00:00"] == 7200
    assert spans["2026-10-25 01:00:00"] == 3600
    assert spans["2026-01-01 00:00:00"] == 3600
    for begin, seconds in spans.items():
        start = datetime.fromisoformat(begin).replace(tzinfo=UTC)
        assert start.astimezone(BRUSSELS).utcoffset() == timedelta(seconds=seconds)
        before = start - timedelta(seconds=1)
        if begin != "2026-01-01 00:00:00":
            assert before.astimezone(BRUSSELS).utcoffset() != timedelta(seconds=seconds)
