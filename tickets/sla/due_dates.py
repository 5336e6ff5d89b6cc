"""Service levels: due dates, counted in working days (tickets.sla.calendar) from the most
specific service level (SLAPolicy).

The lifecycle service calls `apply_due_dates` when a question is created and when its domain or
priority changes. Escalation (what happens once a due date passes) is in tickets.sla.escalation.
"""

from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tickets.models import Question, SLAPolicy
from tickets.sla.calendar import add_working_days


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
