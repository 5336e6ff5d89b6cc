"""Retention, legal holds and erasure requests: the rules. The daily task, `manage.py
apply_retention`, the admin and the public pages all call these functions; the data itself is
removed by the one anonymisation function (tickets.privacy.anonymisation)."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, Max, QuerySet
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit import record_event
from tickets import access, lifecycle
from tickets.models import (
    ErasureRequest,
    LegalHold,
    Message,
    Outcome,
    Question,
    RequesterKind,
    RetentionPolicy,
    Status,
)
from tickets.privacy.anonymisation import (
    Result,
    anonymise,
    anonymise_questions,
    compact_search_index,
    measure,
)
from tickets.privacy.anonymisation import sweep_orphan_files as _sweep

AuthorKind = Message.AuthorKind
BATCH_SIZE = 200
TASK_FUNC = "tickets.privacy.retention.run_daily"


# --- the policy


def months_before(moment, months: int):
    """The same moment `months` calendar months earlier (31 March - 1 month: 28/29 February)."""
    years, month_index = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month_index + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


@dataclass
class Policy:
    closed_months: int
    unanswered_months: int
    document_days: int


def policy() -> Policy:
    stored = RetentionPolicy.load()
    return Policy(
        closed_months=stored.closed_months,
        unanswered_months=stored.unanswered_months,
        document_days=settings.GENERATED_DOCUMENT_DAYS,
    )


def due_closed(now=None, current: Policy | None = None) -> QuerySet:
    now = now or timezone.now()
    current = current or policy()
    cutoff = months_before(now, current.closed_months)
    return Question.objects.filter(
        anonymised_at__isnull=True, status=Status.CLOSED, closed_at__lt=cutoff
    )


def due_unanswered(now=None, current: Policy | None = None) -> QuerySet:
    """Never answered by staff, and no message (nor the question itself) for the period."""
    now = now or timezone.now()
    current = current or policy()
    cutoff = months_before(now, current.unanswered_months)
    return (
        Question.objects.filter(anonymised_at__isnull=True, first_response_at__isnull=True)
        .exclude(status=Status.CLOSED)
        .filter(created_at__lt=cutoff)
        .annotate(last_contact=Coalesce(Max("messages__created_at"), "created_at"))
        .filter(last_contact__lt=cutoff)
    )


def on_hold() -> QuerySet:
    held = LegalHold.objects.filter(released_at__isnull=True).values("question_id")
    return Question.objects.filter(pk__in=held)


def due_ids(now=None) -> tuple[list[int], list[int]]:
    """Ids of (closed, unanswered) questions whose retention period is over, not on hold."""
    current = policy()
    held = on_hold().values("pk")
    closed = due_closed(now, current).exclude(pk__in=held).order_by("pk")
    unanswered = due_unanswered(now, current).exclude(pk__in=held).order_by("pk")
    return (
        list(closed.values_list("pk", flat=True)),
        list(unanswered.values_list("pk", flat=True)),
    )


def held_but_due(now=None) -> int:
    """Questions whose period is over but that a legal hold keeps."""
    current = policy()
    held = on_hold().values("pk")
    return (
        due_closed(now, current).filter(pk__in=held).count()
        + due_unanswered(now, current).filter(pk__in=held).count()
    )


# --- applying it


@dataclass
class Summary(Result):
    batches: int = 0
    closed_first: int = 0
    orphan_files: int = 0
    orphan_bytes: int = 0
    dry_run: bool = False


def apply_retention(
    *,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    now=None,
    progress: Callable[[int, int], None] | None = None,
    after_batch: Callable[[Summary], None] | None = None,
) -> Summary:
    """Anonymise every question whose retention period is over, a batch per transaction.

    Idempotent (anonymised questions are not due any more) and resumable: after a crash the
    committed batches stay done and the next run takes the rest. `progress(done, total)` is
    called after each batch; `after_batch` too (with the summary so far).
    """
    closed, unanswered = due_ids(now)
    total = len(closed) + len(unanswered)
    summary = Summary(dry_run=dry_run, skipped_on_hold=held_but_due(now))
    if dry_run:
        summary.add(measure(closed + unanswered))
        return summary
    # Questions never answered are closed first ("no reaction"), so no queue shows them.
    for start in range(0, len(unanswered), batch_size):
        chunk = unanswered[start : start + batch_size]
        summary.closed_first += _close_unanswered(chunk)
    done = 0
    for start in range(0, total, batch_size):
        chunk = (closed + unanswered)[start : start + batch_size]
        summary.add(anonymise_questions(chunk, reason="retention", compact=False))
        summary.batches += 1
        done += len(chunk)
        if progress:
            progress(done, total)
        if after_batch:
            after_batch(summary)
    compact_search_index()  # also after a run that crashed before its end
    orphans = _sweep()
    summary.orphan_files, summary.orphan_bytes = orphans.files, orphans.bytes
    return summary


@transaction.atomic
def _close_unanswered(ids) -> int:
    closed = 0
    for question in Question.objects.filter(pk__in=ids).exclude(status=Status.CLOSED):
        if not question.outcome:
            question.outcome = Outcome.NO_REACTION
            question.save(update_fields=["outcome", "updated_at"])
        lifecycle.change_status(
            question,
            Status.CLOSED,
            actor_kind=AuthorKind.STAFF,
            reason="retention: no contact",
        )
        closed += 1
    return closed


def run_daily() -> str:
    """The django-q2 task (scheduled daily by tickets.apps)."""
    summary = apply_retention()
    return (
        f"{summary.questions} anonymised, {summary.files} files, {summary.bytes} bytes, "
        f"{summary.index_entries} index entries, {summary.skipped_on_hold} on hold"
    )


# --- legal hold


def can_manage(user) -> bool:
    return user.has_perm("tickets.manage_privacy")


def active_hold(question: Question) -> LegalHold | None:
    return question.legal_holds.filter(released_at__isnull=True).first()


@transaction.atomic
def place_hold(question: Question, *, reason: str, actor, request=None) -> LegalHold:
    if not (can_manage(actor) and access.staff_questions(actor).filter(pk=question.pk).exists()):
        raise PermissionDenied
    if question.anonymised_at:
        raise ValidationError(_("This question is already anonymised."), code="anonymised")
    if not reason.strip():
        raise ValidationError(_("Say why the question must be kept."), code="reason_required")
    try:
        with transaction.atomic():
            hold = LegalHold.objects.create(
                question=question, reason=reason.strip()[:300], placed_by=actor
            )
    except IntegrityError as error:
        raise ValidationError(
            _("This question is already on legal hold."), code="already_held"
        ) from error
    record_event(
        "question.hold", request=request, actor=actor, target=question, details={"hold": hold.pk}
    )
    return hold


@transaction.atomic
def release_hold(question: Question, *, reason: str = "", actor, request=None) -> LegalHold:
    if not (can_manage(actor) and access.staff_questions(actor).filter(pk=question.pk).exists()):
        raise PermissionDenied
    hold = (
        LegalHold.objects.select_for_update()
        .filter(question=question, released_at__isnull=True)
        .first()
    )
    if hold is None:
        raise ValidationError(_("This question is not on legal hold."), code="not_held")
    hold.released_at, hold.released_by = timezone.now(), actor
    hold.release_reason = reason.strip()[:300]
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    record_event(
        "question.hold_release",
        request=request,
        actor=actor,
        target=question,
        details={"hold": hold.pk},
    )
    return hold


# --- erasure on request


def pending_erasure(question: Question) -> ErasureRequest | None:
    return question.erasure_requests.filter(state=ErasureRequest.State.PENDING).first()


def latest_erasure(question: Question) -> ErasureRequest | None:
    return question.erasure_requests.order_by("-requested_at", "-pk").first()


@transaction.atomic
def request_erasure(question: Question, *, reason: str = "", request=None) -> ErasureRequest:
    """The newcomer (with their code) or the professional asks to erase their question."""
    if question.anonymised_at:
        raise ValidationError(_("This question is already erased."), code="anonymised")
    by = (
        AuthorKind.PROFESSIONAL
        if question.requester_kind == RequesterKind.PROFESSIONAL
        else AuthorKind.REQUESTER
    )
    try:
        with transaction.atomic():
            erasure = ErasureRequest.objects.create(
                question=question, requested_by=by, reason=reason.strip()[:2000]
            )
    except IntegrityError as error:
        raise ValidationError(
            _("You already asked to erase this question. We will tell you here what we decide."),
            code="already_asked",
        ) from error
    record_event(
        "question.erasure_request",
        request=request,
        actor_label="" if by == AuthorKind.PROFESSIONAL else by,
        target=question,
        details={"erasure": erasure.pk},
    )
    return erasure


def can_decide(user, question: Question) -> bool:
    # The scope kept for the request, asked of the loaded question (no query).
    return user.has_perm("tickets.decide_erasure") and access.staff_scope(user).covers(question)


@transaction.atomic
def decide_erasure(
    erasure: ErasureRequest, *, confirm: bool, actor, reason: str = "", request=None
) -> ErasureRequest:
    """Confirm (the question is closed and anonymised) or refuse with a reason the requester
    reads (for example: a legal deadline is still running)."""
    erasure = (
        ErasureRequest.objects.select_for_update().select_related("question").get(pk=erasure.pk)
    )
    question = erasure.question
    if not can_decide(actor, question):
        raise PermissionDenied
    if erasure.state != ErasureRequest.State.PENDING:
        raise ValidationError(_("This request was already decided."), code="decided")
    if confirm and active_hold(question) is not None:
        raise ValidationError(
            _("The question is on legal hold: it cannot be erased until the hold is released."),
            code="on_hold",
        )
    if not confirm and not reason.strip():
        raise ValidationError(
            _("Say why the question cannot be erased: the requester reads this."),
            code="reason_required",
        )
    erasure.state = ErasureRequest.State.CONFIRMED if confirm else ErasureRequest.State.REFUSED
    erasure.decided_by, erasure.decided_at = actor, timezone.now()
    erasure.decision_reason = "" if confirm else reason.strip()[:2000]
    erasure.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    record_event(
        "question.erasure_decision",
        request=request,
        actor=actor,
        target=question,
        details={"erasure": erasure.pk, "state": erasure.state},
    )
    if confirm:
        if question.status != Status.CLOSED:
            lifecycle.change_status(
                question,
                Status.CLOSED,
                actor_kind=erasure.requested_by,
                reason="erased on request",
            )
        anonymise(question, reason="erasure", actor=actor, request=request)
    return erasure


def pending_erasures(user) -> QuerySet:
    """Requests waiting for a decision, among the questions the user may handle."""
    if not user.has_perm("tickets.decide_erasure"):
        return ErasureRequest.objects.none()
    return (
        ErasureRequest.objects.filter(
            state=ErasureRequest.State.PENDING,
            question__in=access.staff_questions(user).values("pk"),
        )
        .select_related("question", "question__legal_domain", "question__region")
        .order_by("requested_at")
    )


# --- reports


def monthly_report(user, months: int = 24, now=None) -> list[dict]:
    """Per month: questions anonymised by retention and by erasure, erasure requests asked,
    confirmed and refused, within the user's regions (a read-only report)."""
    from backoffice.models import AuditEvent

    now = now or timezone.now()
    since = months_before(now, months - 1).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    visible = access.staff_questions(user)
    ids = (
        visible.filter(anonymised_at__gte=since)
        .annotate(text_pk=Cast("pk", CharField()))
        .values("text_pk")
    )
    rows: dict = {}

    def row(month):
        key = timezone.localtime(month).strftime("%Y-%m") if month else ""
        return rows.setdefault(
            key,
            {"month": key, "retention": 0, "erasure": 0, "asked": 0, "confirmed": 0, "refused": 0},
        )

    events = (
        AuditEvent.objects.filter(action="question.anonymise", time__gte=since, target_id__in=ids)
        .annotate(month=TruncMonth("time"))
        .values("month", "details__reason")
        .annotate(count=Count("pk"))
    )
    for event in events:
        reason = event["details__reason"]
        if reason in ("retention", "erasure"):
            row(event["month"])[reason] += event["count"]
    requests = (
        ErasureRequest.objects.filter(question__in=visible.values("pk"), requested_at__gte=since)
        .annotate(month=TruncMonth("requested_at"))
        .values("month", "state")
        .annotate(count=Count("pk"))
    )
    for item in requests:
        found = row(item["month"])
        found["asked"] += item["count"]
        if item["state"] in ("confirmed", "refused"):
            found[item["state"]] += item["count"]
    return [rows[key] for key in sorted(rows, reverse=True)]


def ensure_schedule(sender=None, **kwargs) -> None:
    from django_q.models import Schedule

    from backoffice.tasks import ensure_schedule as ensure

    ensure("apply retention", TASK_FUNC, Schedule.DAILY)
