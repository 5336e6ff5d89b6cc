"""Service levels: the holiday calendar, working days and due dates.

Working days are Monday to Friday minus Belgium's national public holidays (the `holidays`
library's calendar for "BE": New Year, Easter Monday, 1 May, Ascension, Whit Monday, 21 July,
15 August, 1 and 11 November, Christmas). Community holidays such as 11 July (Flemish
community) or 27 September (French community) are not national and do not move a due date:
the back-offices of Brussels and Flanders share one calendar.

The lifecycle service calls `apply_due_dates` when a question is created and when its domain or
priority changes. Escalation (what happens once a due date passes) is in tickets.sla.
"""

from datetime import date, timedelta
from functools import cache

import holidays
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tickets.models import Question, SLAPolicy


@cache
def _calendar(year: int):
    return holidays.country_holidays("BE", years=[year])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _calendar(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (0: `start` itself when it is a working day,
    else the next working day)."""
    current = start
    while not is_working_day(current):
        current += timedelta(days=1)
    added = 0
    while added < days:
        current += timedelta(days=1)
        if is_working_day(current):
            added += 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days from `start` to `end`, counted as `add_working_days` counts them:
    `working_days_between(start, add_working_days(start, n)) == n`. A question that came in on a
    Saturday and was answered on Monday took 0 working days; an end before the start gives 0."""
    current = add_working_days(start, 0)
    count = 0
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def policy_for(legal_domain_id, priority) -> tuple[int, int]:
    """(first response days, answer days): the most specific policy, or the default."""
    candidates = SLAPolicy.objects.filter(
        Q(legal_domain_id=legal_domain_id) | Q(legal_domain__isnull=True),
        Q(priority=priority) | Q(priority__isnull=True),
    ).values_list("legal_domain_id", "priority", "first_response_days", "answer_days")
    best = None
    for domain, prio, first, answer in candidates:
        rank = (domain is not None) * 2 + (prio is not None)
        if best is None or rank > best[0]:
            best = (rank, first, answer)
    if best is None:
        return settings.SLA_DEFAULT_FIRST_RESPONSE_DAYS, settings.SLA_DEFAULT_ANSWER_DAYS
    return best[1], best[2]


def due_dates(question: Question) -> tuple[date, date]:
    """Counted from the day the question came in (today for a new one)."""
    first_days, answer_days = policy_for(question.legal_domain_id, question.priority)
    start = timezone.localdate(question.created_at) if question.created_at else timezone.localdate()
    return add_working_days(start, first_days), add_working_days(start, answer_days)


def apply_due_dates(question: Question) -> list[str]:
    """Set the due dates from the policy (without saving); returns the changed field names."""
    first, answer = due_dates(question)
    changed = []
    if question.first_response_due != first:
        question.first_response_due = first
        changed.append("first_response_due")
    if question.answer_due != answer:
        question.answer_due = answer
        changed.append("answer_due")
    return changed
