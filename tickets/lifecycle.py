"""The rules of a question's life. Views, admin, tasks and commands all call these functions;
no status is changed anywhere else."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice.audit import record_event
from tickets import attachments
from tickets.access_codes import hash_access_code, new_access_code
from tickets.consent_texts import CLIENT_TEXT, CLIENT_VERSION, PROCESSING_TEXT, PROCESSING_VERSION
from tickets.models import (
    Attachment,
    Consent,
    Message,
    Question,
    RequesterKind,
    Status,
    StatusChange,
)
from tickets.references import next_reference
from tickets.rendering import render_markdown

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
    now = timezone.now()
    question.status = to_status
    if to_status == Status.ANSWERED:
        question.answered_at = now
    if to_status == Status.CLOSED:
        question.closed_at = now
    elif current == Status.CLOSED:
        question.closed_at = None
    question.save(update_fields=["status", "answered_at", "closed_at", "updated_at"])
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


@transaction.atomic
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
    """Create a question with its consent records and attachments, in one transaction."""
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

    organisation = getattr(getattr(professional, "profile", None), "organisation", None)
    access_code = None if is_professional else new_access_code()
    question = Question.objects.create(
        reference=next_reference(),
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
    given_by = AuthorKind.PROFESSIONAL if is_professional else AuthorKind.REQUESTER
    language = translation.get_language() or "nl"
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
    _attach(question, None, checked)
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
    return NewQuestion(question, access_code)


def _attach(question, message, checked_files):
    for checked in checked_files:
        Attachment.objects.create(question=question, message=message, **attachments.store(checked))


@transaction.atomic
def add_message(
    question: Question,
    *,
    body: str,
    author_kind: str,
    author=None,
    internal: bool = False,
    files=(),
    request=None,
) -> Message:
    """Add to the thread and apply what the message means for the status:
    a staff reply answers; a requester's reply (re)opens; an internal note changes nothing."""
    if internal and author_kind != AuthorKind.STAFF:
        raise ValidationError(_("Only staff can write internal notes."), code="not_staff")
    if not body.strip():
        raise ValidationError(_("Write a message first."), code="empty")
    checked = attachments.check_uploads(list(files))
    question = Question.objects.select_for_update().get(pk=question.pk)
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
        if question.first_response_at is None:
            question.first_response_at = message.created_at
            question.save(update_fields=["first_response_at", "updated_at"])
        if question.status != Status.ANSWERED:
            change_status(
                question, Status.ANSWERED, actor=author, actor_kind=author_kind, request=request
            )
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


def mark_solved(question: Question, *, actor_kind: str, actor=None, request=None) -> Question:
    return change_status(
        question,
        Status.CLOSED,
        actor=actor,
        actor_kind=actor_kind,
        request=request,
        reason="marked solved by requester",
    )


def record_feedback(question: Question, *, helpful: bool, request=None) -> Question:
    """The requester says whether the answer helped (shown to the team and in reports)."""
    question.helpful = helpful
    question.save(update_fields=["helpful", "updated_at"])
    record_event(
        "question.feedback",
        request=request,
        actor_label=AuthorKind.REQUESTER,
        target=question,
        details={"helpful": helpful},
    )
    return question


TRIAGE_FIELDS = ("priority", "legal_deadline")


@transaction.atomic
def update_triage(question: Question, changed: list[str], *, actor, request=None) -> Question:
    """Save a staff member's change of priority or legal deadline, audited."""
    changed = [field for field in changed if field in TRIAGE_FIELDS]
    if changed:
        question.save(update_fields=[*changed, "updated_at"])
        record_event(
            "question.triage",
            request=request,
            actor=actor,
            target=question,
            details={field: str(getattr(question, field)) for field in changed},
        )
    return question
