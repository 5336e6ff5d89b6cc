"""E-mails about questions. They say only that there is news, with a link: no question or
answer text ever leaves by e-mail. The services (tickets.lifecycle, tickets.documents.handover)
add them to the outbox with the change that causes them; the worker sends them, each mail once
per occasion and recipient, retried on failure (backoffice.outbox)."""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice import outbox, roles
from tickets.access import staff_covering
from tickets.models import Question, RequesterKind, SignInLink

logger = logging.getLogger(__name__)

SIGN_IN_LINK_DAYS = 30


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
    """ "I lost my code": the same work whatever was typed. The request only writes a side
    effect; the worker looks the question up and mails a link when reference and address match,
    so the answer's timing tells nothing about whether they do (bench/lost_code_timing.py).
    Each request is its own occasion: asking twice sends twice."""
    outbox.add(
        send_lost_code_link, reference.strip().upper(), email_digest(email), secrets.token_hex(8)
    )


@outbox.handler(outbox.MAIL)
def send_lost_code_link(reference: str, digest: str, occasion: str = "") -> str:
    question = (
        Question.objects.filter(reference=reference, requester_kind=RequesterKind.NEWCOMER)
        .exclude(requester_email="")
        .first()
    )
    if question is None or not hmac.compare_digest(email_digest(question.requester_email), digest):
        return "no match"
    return send_sign_in_link(question.pk, "lost_code", occasion)


def mail_key(question_id: int, reason: str, occasion) -> str:
    """What makes a mail one mail: its question, its reason and the occasion (the message that
    answered, the handover that moved it...). A replay with the same key sends nothing."""
    return f"question:{question_id}:{reason}:{occasion}"


@outbox.handler(outbox.MAIL)
def send_sign_in_link(question_id: int, reason: str, occasion="") -> str:
    """Mail the requester a one-click link to their follow-up page; the token is made here, in
    the worker, and only its hash is stored. A mail server that fails raises: the outbox tries
    again later (backoffice.outbox)."""
    question = Question.objects.filter(pk=question_id).first()
    if question is None or not question.requester_email:
        return "no address"
    key = mail_key(question_id, reason, occasion)
    if outbox.already_sent(key, question.requester_email):
        return "already sent"
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
    return outbox.send_once(key, EmailMessage(subject, body, None, [question.requester_email]))


def addresses_by_language(users) -> dict[str, list[str]]:
    """The addresses of `users` (a queryset of staff), by the language each reads Wegwijs in
    (their profile's; the site's default without one): one query."""
    languages = dict(settings.LANGUAGES)
    found: dict[str, set[str]] = {}
    for address, language in users.values_list("email", "profile__preferred_language"):
        if address:
            language = language if language in languages else settings.LANGUAGE_CODE
            found.setdefault(language, set()).add(address)
    return {language: sorted(addresses) for language, addresses in sorted(found.items())}


def workspace_link(question: Question) -> str:
    """Straight to the question's workspace, not to the admin home."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "tickets_workspace", args=[question.pk]
    )


def one_mail_each(recipients: dict[str, list[str]], write) -> list:
    """One mail per address (no one sees the others'), its text written once per language:
    `write()` is called in each language of `recipients` (as addresses_by_language gives them)
    and returns the subject and body."""
    messages = []
    for language, addresses in recipients.items():
        with translation.override(language):
            subject, body = write()
        messages += outbox.one_text_each(subject, body, addresses)
    return messages


def _staff_by_language(question: Question) -> dict[str, list[str]]:
    """The specialists whose staff scope covers the question, by language."""
    return addresses_by_language(staff_covering(question, roles.SPECIALIST))


@outbox.handler(outbox.MAIL)
def notify_staff_of_new_question(question_id: int, occasion="new") -> int:
    """Tell the specialists whose staff scope covers the question, one mail each (no one sees
    the others' addresses; a replay skips who was told), in the language each reads Wegwijs
    in: the notice is written once per language, not once per person. `occasion`: "new", or
    the handover that brought it to this region."""
    question = (
        Question.objects.select_related("region", "legal_domain").filter(pk=question_id).first()
    )
    if question is None:
        return 0
    link = workspace_link(question)

    def write():
        subject = _("New question %(reference)s in %(region)s") % {
            "reference": question.reference,
            "region": question.region.name,
        }
        body = _("A new question (%(domain)s) waits in the Wegwijs workspace:\n\n%(link)s") % {
            "domain": question.legal_domain.name,
            "link": link,
        }
        return subject, body

    messages = one_mail_each(_staff_by_language(question), write)
    key = mail_key(question_id, "staff", occasion)
    # The others are still told when one mail fails; that one again later.
    sent, failure = outbox.send_each_once(key, messages)
    if failure is not None:
        raise failure
    return sent


@outbox.handler(outbox.MAIL)
def notify_professional_of_answer(question_id: int, occasion="") -> str:
    """Tell the professional who asked that their consult has news: only a link."""
    question = Question.objects.select_related("professional").filter(pk=question_id).first()
    professional = question.professional if question else None
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
    key = mail_key(question_id, "pro_answer", occasion)
    return outbox.send_once(key, EmailMessage(subject, body, None, [professional.email]))
