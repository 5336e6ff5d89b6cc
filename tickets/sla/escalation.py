"""Service levels: escalation of overdue work (`escalate_due` runs every 15 minutes in the
worker): the assignee, else the specialists whose staff scope covers the question, and the
coordinators get a mail with a link, once."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice import outbox, roles
from backoffice.audit import record_event
from tickets import notifications
from tickets.access import staff_covering
from tickets.models import OPEN_STATUSES, Question

logger = logging.getLogger(__name__)


# --- Escalation


def escalation_due(today: date) -> Q:
    """The open questions the job escalates on `today`, not escalated before."""
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
        Question.objects.filter(escalation_due(today)).values_list("pk", flat=True)[:500]
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


def escalation_recipients(question: Question) -> dict[str, list[str]]:
    """The assignee (else every specialist whose staff scope covers the question) and the
    coordinators whose scope covers it (tickets.access.staff_covering), by the language each
    reads Wegwijs in."""
    if question.assignee_id and question.assignee.is_active and question.assignee.email:
        handlers = get_user_model().objects.filter(pk=question.assignee_id)
    else:
        handlers = staff_covering(question, roles.SPECIALIST)
    coordinators = staff_covering(question, roles.COORDINATOR)
    found: dict[str, set[str]] = {}
    for users in (handlers, coordinators):
        for language, addresses in notifications.addresses_by_language(users).items():
            found.setdefault(language, set()).update(addresses)
    return {language: sorted(addresses) for language, addresses in sorted(found.items())}


def _notify_escalation(question: Question) -> bool:
    """Only the reference and a link: no question text or personal data leaves by e-mail. One
    mail per person (no one sees the others' addresses), in their language, each sent once
    (backoffice.outbox.send_each_once). False when a mail failed: the claim is then released,
    and the next run sends only the mails that did not leave."""
    recipients = escalation_recipients(question)
    if not recipients:
        return True  # escalated all the same: it shows on the "Overdue" view
    link = notifications.workspace_link(question)

    def write():
        subject = _("Question %(reference)s needs attention") % {"reference": question.reference}
        body = _(
            "Question %(reference)s is overdue or close to its legal deadline. Open it in the "
            "Wegwijs workspace:\n\n%(link)s"
        ) % {"reference": question.reference, "link": link}
        return subject, body

    messages = notifications.one_mail_each(recipients, write)
    _sent, failure = outbox.send_each_once(
        notifications.mail_key(question.pk, "escalation", ""), messages
    )
    if failure is not None:
        # Not every mail left: release the claim so that the next run tries those again.
        logger.warning(
            "Escalation mail for %s failed, retried later: %s", question.reference, failure
        )
        Question.objects.filter(pk=question.pk).update(escalated_at=None)
        return False
    return True
