"""Handing a question over, with the requester's consent: to another Wegwijs region (the
receiving specialists see the whole history; the sending region keeps read-only access for
HANDOVER_READ_ONLY_DAYS, see tickets.access.handed_over_questions) or to an outside service
(an OCMW, a lawyer), which receives the case file.

Consent is recorded first, in one of three ways: the newcomer ticks it on their follow-up page,
the professional ticks it for their client on the consult page, or a specialist records consent
given by phone or at a counter, with a note of how. Each consent serves one handover.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from backoffice import outbox
from backoffice.audit import record_event
from tickets import access, lifecycle, notifications
from tickets.consent_texts import HANDOVER_CLIENT_TEXT, HANDOVER_TEXT, HANDOVER_VERSION
from tickets.documents import jobs
from tickets.models import (
    Consent,
    GeneratedDocument,
    Handover,
    Message,
    Question,
    RequesterKind,
    Status,
)

AuthorKind = Message.AuthorKind


def record_consent(
    question: Question,
    *,
    given_by: str,
    recorded_by=None,
    note: str = "",
    language: str | None = None,
    request=None,
) -> Consent:
    """Record the requester's (or the professional's, for their client) consent to a handover.
    A specialist who records consent given by phone must say how it was given."""
    expected = (
        AuthorKind.PROFESSIONAL
        if question.requester_kind == RequesterKind.PROFESSIONAL
        else AuthorKind.REQUESTER
    )
    if given_by != expected:
        raise ValidationError(
            _("Only the requester (or the professional, for a consult) can consent."),
            code="wrong_person",
        )
    if recorded_by is not None:
        if not access.can_hand_over(recorded_by, question):
            raise PermissionDenied
        if not note.strip():
            raise ValidationError(
                _("Say how the consent was given (for example: by phone on 3 March)."),
                code="note_required",
            )
    consent = Consent.objects.create(
        question=question,
        purpose=Consent.Purpose.HANDOVER,
        text_version=HANDOVER_VERSION,
        text=str(consent_text(question)),
        language=language or translation.get_language() or "nl",
        given_by=given_by,
        recorded_by=recorded_by,
        note=note.strip()[:300],
    )
    record_event(
        "consent.handover",
        request=request,
        actor=recorded_by,
        actor_label="" if recorded_by else given_by,
        target=question,
        details={"consent": consent.pk, "recorded_by_staff": recorded_by is not None},
    )
    return consent


def requester_may_consent(question: Question) -> bool:
    """Whether the follow-up or consult page asks for consent to a handover: only once a
    specialist has answered (the answer is where a handover is proposed), while the question is
    not closed or erased. A consent already given is shown instead (see unused_consents)."""
    return (
        question.first_response_at is not None
        and question.status != Status.CLOSED
        and question.anonymised_at is None
    )


def consent_text(question: Question):
    """The words the requester (or the professional, for their client) agrees to."""
    if question.requester_kind == RequesterKind.PROFESSIONAL:
        return HANDOVER_CLIENT_TEXT
    return HANDOVER_TEXT


def unused_consents(question: Question):
    return question.consents.filter(purpose=Consent.Purpose.HANDOVER, handover__isnull=True)


def _check(question: Question, actor, consent) -> Question:
    if not access.can_hand_over(actor, question):
        raise PermissionDenied
    locked = Question.objects.select_for_update().get(pk=question.pk)
    if consent is None or not unused_consents(locked).filter(pk=consent.pk).exists():
        raise ValidationError(
            _(
                "A handover needs the requester's consent (or the professional's, for their "
                "client) that was not used for an earlier handover. Record it first."
            ),
            code="consent_required",
        )
    return locked


def _create(**fields) -> Handover:
    try:
        with transaction.atomic():
            return Handover.objects.create(**fields)
    except IntegrityError as error:  # the same consent used twice at the same moment
        raise ValidationError(_("This consent was already used."), code="consent_used") from error


@transaction.atomic
def transfer_to_region(
    question: Question, *, to_region, consent, actor, note: str = "", request=None
) -> Handover:
    """Move the question to another region. Its specialists see the whole history; the sending
    region may still read it for HANDOVER_READ_ONLY_DAYS."""
    locked = _check(question, actor, consent)
    if to_region is None or to_region.pk == locked.region_id or not to_region.is_active:
        raise ValidationError(_("Choose another, active region."), code="same_region")
    handover = _create(
        question=locked,
        kind=Handover.Kind.INTERNAL,
        from_region_id=locked.region_id,
        to_region=to_region,
        consent=consent,
        note=note,
        by=actor,
    )
    locked.region = to_region
    if locked.municipality_id and locked.municipality.region_id != to_region.pk:
        locked.municipality = None  # the family moved: the new region fills it in
    locked.save(update_fields=["region", "municipality", "updated_at"])
    if locked.status in (Status.ANSWERED, Status.WAITING, Status.CLOSED):
        lifecycle.change_status(
            locked,
            Status.OPEN,
            actor=actor,
            actor_kind=AuthorKind.STAFF,
            request=request,
            reason=f"handed over to {to_region.name}",
        )
    record_event(
        "question.handover",
        request=request,
        actor=actor,
        target=locked,
        details={
            "handover": handover.pk,
            "kind": Handover.Kind.INTERNAL,
            "from_region": handover.from_region_id,
            "to_region": to_region.pk,
            "consent": consent.pk,
        },
    )
    outbox.add(notifications.notify_staff_of_new_question, locked.pk, f"handover-{handover.pk}")
    question.region = locked.region
    return handover


@transaction.atomic
def hand_over_external(
    question: Question,
    *,
    recipient_name: str,
    recipient_contact: str = "",
    consent,
    actor,
    include_internal: bool = False,
    note: str = "",
    language: str = "nl",
    request=None,
) -> tuple[Handover, GeneratedDocument]:
    """Record the outside recipient and make the case file for them."""
    locked = _check(question, actor, consent)
    if not recipient_name.strip():
        raise ValidationError(_("Name the service that receives the question."), code="recipient")
    handover = _create(
        question=locked,
        kind=Handover.Kind.EXTERNAL,
        from_region_id=locked.region_id,
        recipient_name=recipient_name.strip()[:200],
        recipient_contact=recipient_contact.strip()[:300],
        consent=consent,
        include_internal=include_internal,
        note=note,
        by=actor,
    )
    record_event(
        "question.handover",
        request=request,
        actor=actor,
        target=locked,
        details={
            "handover": handover.pk,
            "kind": Handover.Kind.EXTERNAL,
            "from_region": handover.from_region_id,
            "consent": consent.pk,
            "include_internal": include_internal,
        },
    )
    document = jobs.request_document(
        locked,
        kind=GeneratedDocument.Kind.CASE_FILE,
        audience=GeneratedDocument.Audience.STAFF,
        language=language,
        requested_by=actor,
        include_internal=include_internal,
        handover=handover,
        request=request,
    )
    return handover, document
