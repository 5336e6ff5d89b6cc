"""Service levels: due dates in working days, the queue's quick views, and escalation.

Working days are Monday to Friday minus Belgium's national public holidays (the `holidays`
library's calendar for "BE": New Year, Easter Monday, 1 May, Ascension, Whit Monday, 21 July,
15 August, 1 and 11 November, Christmas). Community holidays such as 11 July (Flemish
community) or 27 September (French community) are not national and do not move a due date:
the back-offices of Brussels and Flanders share one calendar.

The lifecycle service calls `apply_due_dates` when a question is created and when its domain or
priority changes; the first staff reply fills `first_response_at`. `escalate_due` runs every 15
minutes in the worker.
"""

import logging
from datetime import date, timedelta
from functools import cache

import holidays
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice import roles
from backoffice.audit import record_event
from tickets.access import staff_covering
from tickets.models import (
    OPEN_STATUSES,
    QUICK_VIEWS,  # noqa: F401 - the old name, still imported from here
    Question,
    SLAPolicy,
    overdue_q,
)

logger = logging.getLogger(__name__)


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


# --- The queue's order and quick views live on the queryset (tickets.models.QuestionQuerySet);
# these names stay for the callers that import them from here.


def with_effective_due(queryset: QuerySet) -> QuerySet:
    return queryset.with_effective_due()


def queue_order(queryset: QuerySet) -> QuerySet:
    return queryset.queue_order()


def open_work_only(statuses, quick_view: str, query: str) -> bool:
    """The queue shows the open work unless the user chose statuses, a quick view or searches
    (search covers every status, so closed questions are found by reference or words)."""
    return not (statuses or quick_view or query.strip())


def default_order(queryset: QuerySet, statuses, quick_view: str, query: str) -> QuerySet:
    return queryset.default_order(statuses, quick_view, query)


def overdue_filter(today: date) -> Q:
    """Open and past a due date or legal deadline (the "Overdue" view, and the figures)."""
    return overdue_q(today)


def quick_view(queryset: QuerySet, name: str, user) -> QuerySet:
    return queryset.quick_view(name, user)


# --- Escalation


def _escalation_due(today: date) -> Q:
    warn_until = today + timedelta(days=settings.SLA_DEADLINE_WARNING_DAYS)
    return Q(status__in=OPEN_STATUSES, escalated_at__isnull=True) & (
        Q(first_response_at__isnull=True, first_response_due__lt=today)
        | Q(answer_due__lt=today)
        | Q(legal_deadline__lte=warn_until)
    )


def escalate_due() -> int:
    """Escalate, once, every open question that is overdue or near its legal deadline.

    Each row is claimed with a conditional UPDATE (… WHERE escalated_at IS NULL): a second run,
    or a second worker at the same moment, finds nothing left to claim and sends nothing.
    """
    today = timezone.localdate()
    candidates = list(
        Question.objects.filter(_escalation_due(today)).values_list("pk", flat=True)[:500]
    )
    escalated = 0
    for pk in candidates:
        now = timezone.now()
        claimed = Question.objects.filter(pk=pk, escalated_at__isnull=True).update(escalated_at=now)
        if not claimed:
            continue
        question = Question.objects.select_related("region", "assignee").get(pk=pk)
        record_event(
            "question.escalate",
            actor_label="system",
            target=question,
            details={"assignee": question.assignee_id},
        )
        if _notify_escalation(question):
            escalated += 1
    return escalated


def escalation_recipients(question: Question) -> list[str]:
    """The assignee (else every specialist whose staff scope covers the question) and the
    coordinators whose scope covers it (tickets.access.staff_covering)."""
    if question.assignee_id and question.assignee.is_active and question.assignee.email:
        handlers = [question.assignee.email]
    else:
        handlers = list(staff_covering(question, roles.SPECIALIST).values_list("email", flat=True))
    coordinators = staff_covering(question, roles.COORDINATOR).values_list("email", flat=True)
    return sorted({address for address in [*handlers, *coordinators] if address})


def _notify_escalation(question: Question) -> bool:
    """Only the reference and a link: no question text or personal data leaves by e-mail.
    False when the mail failed (the claim is then released for the next run)."""
    recipients = escalation_recipients(question)
    if not recipients:
        return True  # escalated all the same: it shows on the "Overdue" view
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "tickets_workspace", args=[question.pk]
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Question %(reference)s needs attention") % {"reference": question.reference}
        body = _(
            "Question %(reference)s is overdue or close to its legal deadline. Open it in the "
            "Wegwijs workspace:\n\n%(link)s"
        ) % {"reference": question.reference, "link": link}
    try:
        send_mail(subject, body, None, recipients)
    except OSError as error:
        # Nothing was sent: release the claim so that the next run tries again.
        logger.warning(
            "Escalation mail for %s failed, retried later: %s", question.reference, error
        )
        Question.objects.filter(pk=question.pk).update(escalated_at=None)
        return False
    return True
