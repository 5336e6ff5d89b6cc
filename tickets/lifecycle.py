"""The rules of a question's life. Views, admin, tasks and commands all call these functions;
no status is changed anywhere else."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice import outbox, roles
from backoffice.audit import record_event
from search import signals as search_signals
from tickets import access, attachments, notifications
from tickets.access_codes import (
    access_code_for_submission,
    hash_access_code,
    new_access_code,
)
from tickets.consent_texts import CLIENT_TEXT, CLIENT_VERSION, PROCESSING_TEXT, PROCESSING_VERSION
from tickets.models import (
    Attachment,
    Consent,
    Message,
    Outcome,
    Question,
    RequesterKind,
    Status,
    StatusChange,
)
from tickets.references import next_reference
from tickets.rendering import render_markdown
from tickets.sla import due_dates

AuthorKind = Message.AuthorKind

TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.WAITING, Status.ANSWERED, Status.CLOSED},
    Status.OPEN: {Status.WAITING, Status.ANSWERED, Status.CLOSED},
    Status.WAITING: {Status.OPEN, Status.ANSWERED, Status.CLOSED},
    # After answering, staff may still wait for a document from the requester.
    Status.ANSWERED: {Status.OPEN, Status.WAITING, Status.CLOSED},
    Status.CLOSED: {Status.OPEN},
}


class InvalidTransition(ValidationError):
    def __init__(self, question: Question, to_status: str):
        super().__init__(
            _("A question that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": Status(question.status).label,
                "target": Status(to_status).label if to_status in Status.values else to_status,
            },
            code="invalid_transition",
        )


@transaction.atomic
def change_status(
    question: Question,
    to_status: str,
    *,
    actor_kind: str,
    actor=None,
    request=None,
    reason: str = "",
) -> Question:
    # The rule is checked against the locked row, not a copy another specialist may have
    # changed in the meantime.
    current = (
        Question.objects.select_for_update().values_list("status", flat=True).get(pk=question.pk)
    )
    question.status = current
    if to_status not in TRANSITIONS[current]:
        raise InvalidTransition(question, to_status)
    if to_status == Status.CLOSED and actor_kind == AuthorKind.STAFF and not question.outcome:
        raise ValidationError(_("Choose how the question ended."), code="outcome_required")
    now = timezone.now()
    question.status = to_status
    if to_status == Status.ANSWERED:
        question.answered_at = now
    if to_status == Status.CLOSED:
        question.closed_at = now
    elif current == Status.CLOSED:
        question.closed_at = None
        question.outcome, question.outcome_service = "", ""
    question.save(
        update_fields=[
            "status", "answered_at", "closed_at", "outcome", "outcome_service", "updated_at"
        ]
    )  # fmt: skip
    StatusChange.objects.create(
        question=question,
        from_status=current,
        to_status=to_status,
        actor=actor,
        actor_kind=actor_kind,
        reason=reason[:200],
    )
    record_event(
        "question.status",
        request=request,
        actor=actor,
        actor_label="" if actor else actor_kind,
        target=question,
        details={"from": current, "to": to_status},
    )
    return question


@dataclass
class NewQuestion:
    question: Question
    access_code: str | None  # shown once to a newcomer; professionals use their account


@attachments.removed_on_rollback
def create_question(
    *,
    legal_domain,
    subject: str,
    body: str,
    contact_language: str,
    processing_consent: bool,
    municipality=None,
    region=None,
    email: str = "",
    phone: str = "",
    legal_deadline=None,
    files=(),
    professional=None,
    client_pseudonym: str = "",
    client_consent: bool = False,
    submission_token=None,
    request=None,
) -> NewQuestion:
    """Create a question with its consent records and attachments, in one transaction.

    What needs no lock runs before that transaction: the checks, the uploads' inspection and
    storage (deleted again if the transaction fails), the due dates. SQLite has one writer and
    PostgreSQL's reference counter row is locked until the commit (tickets.references), so
    the transaction holds only the inserts (docs/benchmarks.md, "Intake tail")."""
    if not processing_consent:
        raise ValidationError(
            _("We can only handle your question if you agree to the processing of your data."),
            code="consent_required",
        )
    is_professional = professional is not None
    if is_professional and not client_consent:
        raise ValidationError(
            _("Confirm that your client agreed to this consult."), code="client_consent_required"
        )
    # The municipality decides; the region list is for people who cannot or will not name one.
    region = municipality.region if municipality else region
    if region is None:
        raise ValidationError(_("Choose your municipality or a region."), code="region_required")
    checked = attachments.check_uploads(list(files))
    stored = [attachments.store(file) for file in checked]

    organisation = getattr(getattr(professional, "profile", None), "organisation", None)
    if is_professional:
        access_code = None
    elif submission_token:  # a second response to the same form can show it again
        access_code = access_code_for_submission(submission_token)
    else:
        access_code = new_access_code()
    question = Question(
        legal_domain=legal_domain,
        region=region,
        municipality=municipality,
        contact_language=contact_language,
        requester_kind=RequesterKind.PROFESSIONAL if is_professional else RequesterKind.NEWCOMER,
        professional=professional,
        organisation=organisation,
        client_pseudonym=client_pseudonym if is_professional else "",
        requester_email=email,
        requester_phone=phone,
        subject=subject,
        body=body,
        legal_deadline=legal_deadline,
        access_code_hash=hash_access_code(access_code) if access_code else "",
        submission_token=submission_token,
    )
    due_dates.apply_due_dates(question)
    given_by = AuthorKind.PROFESSIONAL if is_professional else AuthorKind.REQUESTER
    language = translation.get_language() or "nl"
    # Its side effects (index update, mails) are written together at the end (outbox.batched).
    with transaction.atomic(), outbox.batched():
        question.reference = next_reference()
        question.save(force_insert=True)
        _record_new_question(
            question, stored, professional, given_by, language, is_professional, request
        )
    return NewQuestion(question, access_code)


def _record_new_question(
    question, stored, professional, given_by, language, is_professional, request
):
    """The rows of a new question (inside create_question's transaction)."""
    Consent.objects.create(
        question=question,
        purpose=Consent.Purpose.PROCESSING,
        text_version=PROCESSING_VERSION,
        text=str(PROCESSING_TEXT),
        language=language,
        given_by=given_by,
    )
    if is_professional:
        Consent.objects.create(
            question=question,
            purpose=Consent.Purpose.CLIENT_CONSENT,
            text_version=CLIENT_VERSION,
            text=str(CLIENT_TEXT),
            language=language,
            given_by=given_by,
        )
    for metadata in stored:
        Attachment.objects.create(question=question, message=None, **metadata)
    StatusChange.objects.create(
        question=question,
        from_status="",
        to_status=Status.NEW,
        actor=professional,
        actor_kind=given_by,
    )
    record_event(
        "question.create",
        request=request,
        actor=professional,
        actor_label="" if professional else AuthorKind.REQUESTER,
        target=question,
    )
    _tell_about_new_question(question)


def _tell_about_new_question(question: Question) -> None:
    """The newcomer gets a link (when they gave an address), the region's specialists a
    notice; written with the question, sent after its commit (tickets.notifications)."""
    if question.requester_kind == RequesterKind.NEWCOMER and question.requester_email:
        outbox.add(notifications.send_sign_in_link, question.pk, "new")
    outbox.add(notifications.notify_staff_of_new_question, question.pk)


def _attach(question, message, checked_files):
    for checked in checked_files:
        Attachment.objects.create(question=question, message=message, **attachments.store(checked))


def requester_reader(question: Question) -> str:
    """Who reads the public replies of a question, for the articles they may be sent: the
    professional of a consult (public and professionals articles) or a newcomer (public)."""
    from knowledge import linking

    return linking.PROFESSIONAL if question.professional_id else linking.NEWCOMER


def check_article_links(question: Question, body: str) -> None:
    """A public reply never links to an article its reader may not read (an internal article;
    a professionals article for a newcomer) nor to the admin."""
    from knowledge import linking

    refused = linking.forbidden_links(body, requester_reader(question))
    if refused:
        raise ValidationError(linking.forbidden_links_message(refused), code="forbidden_link")


@attachments.removed_on_rollback
@transaction.atomic
@search_signals.once_per_object()
def add_message(
    question: Question,
    *,
    body: str,
    author_kind: str,
    author=None,
    internal: bool = False,
    files=(),
    request=None,
    last_seen: int | None = None,
) -> Message:
    """Add to the thread and apply what the message means for the status:
    a staff reply answers (and the requester is told there is news); a requester's reply
    (re)opens; an internal note changes nothing.

    `last_seen` is the id of the newest message the staff member had on screen (0: none). When
    a public message arrived after it, their reply is refused with `ConcurrentReply` so they can
    read it first and confirm (send again with the newer id)."""
    if internal and author_kind != AuthorKind.STAFF:
        raise ValidationError(_("Only staff can write internal notes."), code="not_staff")
    if not body.strip():
        raise ValidationError(_("Write a message first."), code="empty")
    if not internal and author_kind == AuthorKind.STAFF:
        check_article_links(question, body)
    checked = attachments.check_uploads(list(files))
    question = Question.objects.select_for_update().get(pk=question.pk)
    # Anonymised (tickets.privacy.anonymisation): nothing is added any more.
    if question.anonymised_at is not None:
        raise ValidationError(
            _("This question was erased: ask a new question instead."), code="anonymised"
        )
    if last_seen is not None and not internal:
        newer = question.messages.filter(kind=Message.Kind.PUBLIC, pk__gt=last_seen)
        if newer.exists():
            raise ConcurrentReply(newer.order_by("-pk").values_list("pk", flat=True).first())
    message = Message.objects.create(
        question=question,
        kind=Message.Kind.INTERNAL if internal else Message.Kind.PUBLIC,
        author_kind=author_kind,
        author=author,
        body=body,
        body_html=render_markdown(body),
    )
    _attach(question, message, checked)
    record_event(
        "message.create",
        request=request,
        actor=author,
        actor_label="" if author else author_kind,
        target=question,
        details={"message": message.pk, "internal": internal},
    )
    if internal:
        return message
    if author_kind == AuthorKind.STAFF:
        update = ["updated_at"]
        if question.first_response_at is None:
            question.first_response_at = message.created_at
            update.append("first_response_at")
        if (
            question.assignee_id is None
            and author is not None
            and can_be_assigned(question, author)
        ):
            question.assignee = author  # who answers, handles it
            update.append("assignee")
        question.save(update_fields=update)
        if question.status != Status.ANSWERED:
            change_status(
                question, Status.ANSWERED, actor=author, actor_kind=author_kind, request=request
            )
        _tell_requester(question, message)
    elif question.status in (Status.WAITING, Status.ANSWERED, Status.CLOSED):
        change_status(
            question,
            Status.OPEN,
            actor=author,
            actor_kind=author_kind,
            request=request,
            reason="reply from requester",
        )
    return message


class ConcurrentReply(ValidationError):
    """Another public message was added after the one the staff member last saw."""

    def __init__(self, newest_id: int):
        self.newest_id = newest_id
        super().__init__(
            _(
                "A new message was added to this question while you were writing. Read it, "
                "then send your reply again if it still fits."
            ),
            code="concurrent_reply",
        )


def requester_told_of_answers(question: Question) -> bool:
    """Is a public answer announced to the requester by e-mail? The professional of a consult
    (through their account), a newcomer when they gave an address; the others read answers on
    the follow-up page only. The workspace shows this, `_tell_requester` acts on it."""
    if question.requester_kind == RequesterKind.PROFESSIONAL:
        return question.professional_id is not None
    return bool(question.requester_email)


def _tell_requester(question: Question, message: Message) -> None:
    """Only that there is news, with a link: never the answer itself (tickets.notifications).
    One mail per answering message, sent once however often the worker is asked."""
    if not requester_told_of_answers(question):
        return
    if question.requester_kind == RequesterKind.PROFESSIONAL:
        outbox.add(notifications.notify_professional_of_answer, question.pk, message.pk)
    else:
        outbox.add(notifications.send_sign_in_link, question.pk, "answer", message.pk)


def mark_solved(question: Question, *, actor_kind: str, actor=None, request=None) -> Question:
    if not question.outcome:
        question.outcome = Outcome.ANSWERED
        question.save(update_fields=["outcome", "updated_at"])
    return change_status(
        question,
        Status.CLOSED,
        actor=actor,
        actor_kind=actor_kind,
        request=request,
        reason="marked solved by requester",
    )


def can_give_feedback(question: Question) -> bool:
    """The requester may say once whether the answer helped: when there is an answer (also
    after the question was closed), not before, and not a second time."""
    return (
        question.first_response_at is not None
        and question.helpful is None
        and question.anonymised_at is None
    )


def record_feedback(question: Question, *, helpful: bool, request=None) -> Question:
    """The requester says whether the answer helped (shown to the team and in reports)."""
    if not can_give_feedback(question):
        raise ValidationError(
            _("You already told us whether the answer helped. Thank you."),
            code="feedback_not_possible",
        )
    updated = Question.objects.filter(pk=question.pk, helpful__isnull=True).update(
        helpful=helpful, updated_at=timezone.now()
    )
    if not updated:  # a second click that arrived at the same moment
        raise ValidationError(
            _("You already told us whether the answer helped. Thank you."),
            code="feedback_not_possible",
        )
    question.helpful = helpful
    record_event(
        "question.feedback",
        request=request,
        actor_label=AuthorKind.REQUESTER,
        target=question,
        details={"helpful": helpful},
    )
    return question


TRIAGE_FIELDS = ("legal_domain", "priority", "legal_deadline", "assignee")


def eligible_assignees(question: Question) -> QuerySet:
    """Specialists whose staff scope covers the question (tickets.access.staff_covering)."""
    return access.staff_covering(question, roles.SPECIALIST).order_by(
        "first_name", "last_name", "username"
    )


def can_be_assigned(question: Question, user) -> bool:
    return eligible_assignees(question).filter(pk=user.pk).exists()


@transaction.atomic
def update_triage(question: Question, changed: list[str], *, actor, request=None) -> Question:
    """Save a staff member's change of domain, priority, legal deadline or assignee, audited.
    A new domain or priority recomputes the due dates from the question's arrival."""
    changed = [field for field in changed if field in TRIAGE_FIELDS]
    if "assignee" in changed and question.assignee_id is not None:
        if not can_be_assigned(question, question.assignee):
            raise ValidationError(
                _("Only a specialist of the question's region can handle it."),
                code="not_eligible",
            )
    if changed:
        if "legal_domain" in changed or "priority" in changed:
            changed += due_dates.apply_due_dates(question)
        question.save(update_fields=[*changed, "updated_at"])
        record_event(
            "question.triage",
            request=request,
            actor=actor,
            target=question,
            details={
                field: str(getattr(question, field + "_id", None) or getattr(question, field))
                if field in ("legal_domain", "assignee")
                else str(getattr(question, field))
                for field in changed
            },
        )
    return question


def assign(question: Question, assignee, *, actor, request=None) -> Question:
    """Give a question to a specialist (None: unassign). "Take" is assigning to oneself."""
    question.assignee = assignee
    return update_triage(question, ["assignee"], actor=actor, request=request)


@transaction.atomic
def close(
    question: Question,
    outcome: str,
    *,
    actor,
    service: str = "",
    directory_service=None,
    request=None,
) -> Question:
    """Close with an outcome; a referral to another service names it, or picks it from the
    directory of local services (then recorded as a referral, tickets.referrals). The errors
    name the field they concern ("outcome", "service"), so that a form shows them where they
    belong."""
    if outcome not in Outcome.values:
        error = ValidationError(_("Choose how the question ended."), code="outcome_required")
        raise ValidationError({"outcome": error})
    if directory_service is not None and outcome not in (Outcome.OTHER_SERVICE, Outcome.LAWYER):
        directory_service = None
    if directory_service is not None and not service.strip():
        service = directory_service.name
    if outcome == Outcome.OTHER_SERVICE and not service.strip():
        error = ValidationError(
            _("Name the service the requester was referred to."), code="service_required"
        )
        raise ValidationError({"service": error})
    question.outcome = outcome
    question.outcome_service = service.strip() if outcome == Outcome.OTHER_SERVICE else ""
    question.save(update_fields=["outcome", "outcome_service", "updated_at"])
    closed = change_status(
        question,
        Status.CLOSED,
        actor=actor,
        actor_kind=AuthorKind.STAFF,
        request=request,
        reason=f"outcome: {outcome}",
    )
    if directory_service is not None:
        from tickets import referrals

        referrals.refer(closed, directory_service, actor=actor, request=request)
    return closed
