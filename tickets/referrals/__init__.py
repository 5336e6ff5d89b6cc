"""Referrals that arrive: a closed question referred to a service of the directory, optionally
handed over warm (the existing handover with consent, case file included), and the receipt
confirmed through a one-time link the service opens, or recorded by the specialist.

The requester sees where they were referred (address, opening hours, walk-in times, languages)
on the follow-up page; `for_requester` gives what may be shown.

This module holds the referral rules; the package also holds the pages (views), the support
network of a question (network, network_views) and a family's move to another municipality
(moving, moving_views). The records are in tickets.models.referrals and tickets.models.network.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice import outbox
from backoffice.audit import record_event
from directory.languages import language_name
from directory.models import Service
from tickets import access
from tickets.documents import handover
from tickets.models import Question, Referral


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def refer(question: Question, service: Service, *, actor=None, request=None) -> Referral:
    """Record that the question was referred to this directory service (called on closing)."""
    referral = Referral.objects.create(
        question=question, service=service, service_name=service.name[:200], created_by=actor
    )
    record_event(
        "question.referral",
        request=request,
        actor=actor,
        target=question,
        details={"referral": referral.pk, "service": service.pk},
    )
    return referral


@transaction.atomic
def refer_warm(
    referral: Referral,
    *,
    consent,
    actor,
    include_internal: bool = False,
    language: str = "nl",
    request=None,
) -> tuple[Referral, str]:
    """Hand the question over to the referred service with the requester's consent (no consent:
    refused by tickets.documents.handover) and issue the one-time receipt token, returned once."""
    if referral.service is None:
        raise ValidationError(_("This service is no longer in the directory."), code="no_service")
    if referral.handover_id:
        raise ValidationError(_("This referral was already handed over."), code="already")
    service = referral.service
    contact = ", ".join(filter(None, [service.email, service.phone]))
    made, _document = handover.hand_over_external(
        referral.question,
        recipient_name=service.name,
        recipient_contact=contact,
        consent=consent,
        actor=actor,
        include_internal=include_internal,
        note=_("Referral to %(service)s") % {"service": service.name},
        language=language,
        request=request,
    )
    # The token is derived from a nonce with the secret key: the outbox row that mails it to
    # the service carries only the nonce, never a working link.
    nonce = secrets.token_urlsafe(24)
    token = _receipt_token(nonce)
    referral.handover = made
    referral.receipt_token_hash = _hash(token)
    referral.save(update_fields=["handover", "receipt_token_hash"])
    if service.email:
        outbox.add(send_receipt_link, referral.pk, nonce)
    return referral, token


def _receipt_token(nonce: str) -> str:
    key = hashlib.sha256(b"wegwijs-referral-receipt:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()


def _mail_language(service) -> str:
    codes = set(service.language_codes or [])
    for language in (settings.LANGUAGE_CODE, "fr", "en"):
        if language in codes and language in dict(settings.LANGUAGES):
            return language
    return settings.LANGUAGE_CODE


@outbox.handler(outbox.MAIL)
def send_receipt_link(referral_id: int, nonce: str) -> str:
    """Mail the referred service its one-time receipt link: the reference and the link only,
    no name or text of the question. Sent once (outbox.send_once); nothing once the receipt
    was recorded or the service has no address any more."""
    referral = Referral.objects.select_related("question", "service").filter(pk=referral_id).first()
    if referral is None or referral.service is None or not referral.service.email:
        return "no address"
    token = _receipt_token(nonce)
    if referral.received_at is not None or referral.receipt_token_hash != _hash(token):
        return "already received"
    language = _mail_language(referral.service)
    reference = referral.question.reference
    with translation.override(language):
        link = settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
            "tickets:referral_receipt", args=[token]
        )
        subject = _("Wegwijs referral %(reference)s: please confirm receipt") % {
            "reference": reference
        }
        body = _(
            "Hello,\n\nWegwijs referred a person to your service and handed over their file "
            "(reference %(reference)s). Please confirm that it arrived by opening this link "
            "once:\n\n%(link)s\n\nFor privacy this e-mail contains nothing else.\n\nWegwijs"
        ) % {"reference": reference, "link": link}
    key = f"referral:{referral.pk}:receipt"
    return outbox.send_once(key, EmailMessage(subject, body, None, [referral.service.email]))


def referral_for_token(token: str) -> Referral | None:
    if not token:
        return None
    return (
        Referral.objects.filter(receipt_token_hash=_hash(token), received_at__isnull=True)
        .select_related("question")
        .first()
    )


@transaction.atomic
def confirm_receipt(token: str, *, request=None) -> Referral | None:
    """The service opened its link and confirmed: recorded once, then the link is spent."""
    referral = referral_for_token(token)
    if referral is None:
        return None
    referral.received_at = timezone.now()
    referral.received_how = "link"
    referral.receipt_token_hash = ""
    referral.save(update_fields=["received_at", "received_how", "receipt_token_hash"])
    record_event(
        "question.referral_received",
        request=request,
        actor_label="service",
        target=referral.question,
        details={"referral": referral.pk, "how": "link"},
    )
    return referral


@transaction.atomic
def record_receipt(referral: Referral, *, actor, note: str, request=None) -> Referral:
    """The specialist records that the service confirmed (by phone, e-mail...)."""
    if not access.can_hand_over(actor, referral.question):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError(
            _("Say how the service confirmed (for example: by phone on 3 March)."), code="note"
        )
    referral.received_at = timezone.now()
    referral.received_how = note.strip()[:200]
    referral.receipt_token_hash = ""
    referral.save(update_fields=["received_at", "received_how", "receipt_token_hash"])
    record_event(
        "question.referral_received",
        request=request,
        actor=actor,
        target=referral.question,
        details={"referral": referral.pk, "how": "staff"},
    )
    return referral


def for_requester(question: Question) -> list[dict]:
    """Where the requester was referred, with what they need to go there."""
    items = []
    for referral in question.referrals.select_related("service").order_by("created_at"):
        service = referral.service
        items.append(
            {
                "name": referral.service_name,
                "service": service,
                "languages": [language_name(c) for c in service.language_codes] if service else [],
                "warm": bool(referral.handover_id),
                "received": referral.received_at is not None,
            }
        )
    return items
