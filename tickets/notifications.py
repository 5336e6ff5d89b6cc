"""E-mails about questions. They say only that there is news, with a link: no question or
answer text ever leaves by e-mail. Sent by the django-q2 worker, retried on failure."""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.models import Schedule
from django_q.tasks import async_task

from backoffice import roles
from tickets.access import staff_covering
from tickets.models import Question, RequesterKind, SignInLink

logger = logging.getLogger(__name__)

SIGN_IN_LINK_DAYS = 30
MAX_ATTEMPTS = 5


def hash_link_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def spend_sign_in_link(token: str):
    """Open a question with a one-click link, once: the link is spent in the same statement
    that finds it, so two clicks (or two addresses) cannot both use it.

    Returns (question, "ok"), or (None, "used") for a link already spent, or (None, "invalid")
    for one that is unknown or expired."""
    now = timezone.now()
    token_hash = hash_link_token(token)
    live = SignInLink.objects.filter(token_hash=token_hash, expires_at__gt=now)
    if live.filter(used_at__isnull=True).update(used_at=now):
        return SignInLink.objects.select_related("question").get(
            token_hash=token_hash
        ).question, "ok"
    if live.filter(used_at__isnull=False).exists():
        return None, "used"
    return None, "invalid"


def email_digest(email: str) -> str:
    """A keyed hash of an address as a person types it (case and spaces forgiven): lets the
    worker compare it with a question's address without the address sitting in the queue."""
    key = hashlib.sha256(b"wegwijs-lost-code:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def request_new_link(reference: str, email: str) -> None:
    """ "I lost my code": the same work whatever was typed. The request only queues a task; the
    worker looks the question up and mails a link when reference and address match, so the
    answer's timing tells nothing about whether they do (bench/lost_code_timing.py)."""
    queue("send_lost_code_link", reference.strip().upper(), email_digest(email))


def send_lost_code_link(reference: str, digest: str) -> str:
    question = (
        Question.objects.filter(reference=reference, requester_kind=RequesterKind.NEWCOMER)
        .exclude(requester_email="")
        .first()
    )
    if question is None or not hmac.compare_digest(email_digest(question.requester_email), digest):
        return "no match"
    return send_sign_in_link(question.pk, "lost_code")


def queue(function: str, *args) -> None:
    """Hand a notification to the worker once the question is safely committed."""
    transaction.on_commit(lambda: async_task(f"tickets.notifications.{function}", *args))


def _retry_later(function: str, args: list, attempt: int, error: Exception) -> None:
    if attempt >= MAX_ATTEMPTS:
        logger.error("Giving up %s%s after %d attempts: %s", function, args, attempt, error)
        return
    logger.warning("Retrying %s%s later: %s", function, args, error)
    Schedule.objects.create(
        func=f"tickets.notifications.{function}",
        args=repr((*args, attempt + 1)),
        schedule_type=Schedule.ONCE,
        next_run=timezone.now() + timedelta(minutes=5 * attempt),
    )


def send_sign_in_link(question_id: int, reason: str, attempt: int = 1) -> str:
    """Mail the requester a one-click link to their follow-up page; the token is made here, in
    the worker, and only its hash is stored."""
    question = Question.objects.get(pk=question_id)
    if not question.requester_email:
        return "no address"
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        question=question,
        token_hash=hash_link_token(token),
        expires_at=timezone.now() + timedelta(days=SIGN_IN_LINK_DAYS),
    )
    language = question.contact_language
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    link = f"{settings.PUBLIC_BASE_URL}/{language}/follow-up/#link={token}"
    with translation.override(language):
        subject = {
            "new": _("Your question to Wegwijs: %(reference)s"),
            "answer": _("There is news about your question %(reference)s"),
            "lost_code": _("Your link to question %(reference)s"),
        }[reason] % {"reference": question.reference}
        body = _(
            "Hello,\n\nThere is news about your question %(reference)s at Wegwijs. Open it "
            "with this link (valid for %(days)d days):\n\n%(link)s\n\nFor your privacy this "
            "e-mail contains nothing else.\n\nWegwijs"
        ) % {"reference": question.reference, "days": SIGN_IN_LINK_DAYS, "link": link}
    try:
        send_mail(subject, body, None, [question.requester_email])
    except OSError as error:  # SMTP errors are OSErrors; the question itself is safe
        _retry_later("send_sign_in_link", [question_id, reason], attempt, error)
        return "retry"
    return "sent"


def notify_staff_of_new_question(question_id: int, attempt: int = 1) -> int:
    """Tell the specialists whose staff scope covers the question (tickets.access)."""
    question = Question.objects.select_related("region", "legal_domain").get(pk=question_id)
    recipients = sorted(
        set(staff_covering(question, roles.SPECIALIST).values_list("email", flat=True)) - {""}
    )
    if not recipients:
        return 0
    # Straight to the question's workspace, not to the admin home.
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "tickets_workspace", args=[question.pk]
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New question %(reference)s in %(region)s") % {
            "reference": question.reference,
            "region": question.region.name,
        }
        body = _("A new question (%(domain)s) waits in the Wegwijs workspace:\n\n%(link)s") % {
            "domain": question.legal_domain.name,
            "link": link,
        }
    try:
        send_mail(subject, body, None, recipients)
    except OSError as error:
        _retry_later("notify_staff_of_new_question", [question_id], attempt, error)
        return 0
    return len(recipients)


def notify_professional_of_answer(question_id: int, attempt: int = 1) -> str:
    """Tell the professional who asked that their consult has news: only a link."""
    question = Question.objects.select_related("professional").get(pk=question_id)
    professional = question.professional
    if professional is None or not professional.email or not professional.is_active:
        return "no address"
    language = getattr(getattr(professional, "profile", None), "preferred_language", "")
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    link = f"{settings.PUBLIC_BASE_URL}/{language}/pro/{question.reference}/"
    with translation.override(language):
        subject = _("There is news about your consult %(reference)s") % {
            "reference": question.reference
        }
        body = _(
            "Hello,\n\nThere is news about consult %(reference)s at Wegwijs. Sign in to read "
            "it:\n\n%(link)s\n\nWegwijs"
        ) % {"reference": question.reference, "link": link}
    try:
        send_mail(subject, body, None, [professional.email])
    except OSError as error:
        _retry_later("notify_professional_of_answer", [question_id], attempt, error)
        return "retry"
    return "sent"
