"""Where a question stands, as the requester sees it: the steps of its timeline with their dates
and the day an answer can be expected (from the service level in tickets.sla, never counted
again here). The confirmation page and the follow-up and consult pages show it."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tickets.models import Question, Status
from tickets.sla import due_dates

DONE, CURRENT, PENDING = "done", "current", "pending"


@dataclass(frozen=True)
class Step:
    key: str
    label: Promise
    state: str  # done, current or pending
    at: datetime | date | None = None


def expected_answer_date(question: Question) -> date | None:
    """The day we aim to answer by: the answer due date the service level gave the question
    (tickets.sla.due_dates.apply_due_dates at intake), or that rule applied now for an older
    question."""
    if question.answer_due:
        return question.answer_due
    if question.legal_domain_id is None:
        return None
    return due_dates.due_dates(question)[1]


def _first_change(changes, statuses):
    return next((change.at for change in changes if change.to_status in statuses), None)


def _last_change(changes, statuses):
    return next((change.at for change in reversed(changes) if change.to_status in statuses), None)


def timeline(question: Question) -> list[Step]:
    """Received, being handled, answered; "waiting for you" while we wait for the requester;
    closed once it is closed. Dates come from the question's status changes."""
    changes = list(question.status_changes.all())
    status = question.status
    handled_at = _first_change(changes, {Status.OPEN, Status.WAITING, Status.ANSWERED})
    answered_at = question.first_response_at or _first_change(changes, {Status.ANSWERED})
    steps = [Step("received", _("Received"), DONE, question.created_at)]
    if status == Status.NEW and handled_at is None:
        steps.append(Step("handling", _("Being handled"), PENDING))
    else:
        current = status == Status.OPEN
        steps.append(Step("handling", _("Being handled"), CURRENT if current else DONE, handled_at))
    if status == Status.WAITING:
        steps.append(
            Step("waiting", _("Waiting for you"), CURRENT, _last_change(changes, {Status.WAITING}))
        )
    if answered_at is not None:
        answered_state = CURRENT if status == Status.ANSWERED else DONE
        last_answer = question.answered_at or answered_at
        steps.append(Step("answered", _("Answered"), answered_state, last_answer))
    else:
        steps.append(Step("answered", _("Answered"), PENDING, expected_answer_date(question)))
    if status == Status.CLOSED:
        steps.append(Step("closed", _("Closed"), DONE, question.closed_at))
    return steps


def with_panel_flags(questions):
    """The requester's questions, each with whether it has referrals, handover consents or
    handovers, and erasure requests (`has_referrals`, `has_handover_rows`,
    `has_erasure_requests`): most have none, and the follow-up page's panels then skip their
    queries (tickets.templatetags: referral_tags, documents, privacy). Four queries fewer,
    one EXISTS each in the question's own query."""
    from django.db.models import Exists, OuterRef

    from tickets.models import Consent, ErasureRequest, Handover, Referral

    of_question = {"question": OuterRef("pk")}
    return questions.annotate(
        has_referrals=Exists(Referral.objects.filter(**of_question)),
        has_handover_rows=Exists(
            Consent.objects.filter(purpose=Consent.Purpose.HANDOVER, **of_question)
        )
        | Exists(Handover.objects.filter(**of_question)),
        has_erasure_requests=Exists(ErasureRequest.objects.filter(**of_question)),
    )
