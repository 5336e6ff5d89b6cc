"""What the documents and handover panels need, so the views that include them pass nothing."""

import functools

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.text import Truncator
from django.utils.timezone import template_localtime

from backoffice.models import Region
from tickets import access
from tickets.documents import handover
from tickets.models import GeneratedDocument, Message

register = template.Library()


@register.simple_tag(takes_context=True)
def documents_panel(context, question) -> dict:
    """For the workspace: the user's exports and handover options for this question (gathered
    once by the workspace's view, tickets.workspace.panels.side_panels, when it did)."""
    gathered = context.get("side_panels")
    if gathered and gathered["question_pk"] == question.pk and "documents" in gathered:
        return gathered["documents"]
    return documents_data(context["request"].user, question)


def documents_data(user, question, consents=None, absent=frozenset(), answer_rows=None) -> dict:
    """`consents`: the unused handover consents when the caller read them already; `absent`:
    the question's relations the caller knows to be empty, not read again; `answer_rows`: the
    messages as `answer_options` takes them, when the caller read them already."""
    can_export = access.can_export(user, question)
    can_hand_over = access.can_hand_over(user, question)
    if consents is None and can_hand_over:
        consents = handover.unused_consents(question)
    answers = answer_options(question, answer_rows) if can_export else []
    documents = (
        list(GeneratedDocument.objects.filter(question=question, requested_by=user)[:5])
        if can_export and "documents" not in absent
        else []
    )
    return {
        "can_export": can_export,
        "can_hand_over": can_hand_over,
        "answers": answers,
        # The lists written here rather than by template loops (two thirds of the panel's
        # time): the same HTML as `{% for %}` wrote (tests/test_workspace_kept_fields.py).
        "answer_options_html": format_html_join(
            "", '<option value="{}">{}</option>', ((a.pk, a.option_label) for a in answers)
        ),
        "documents": documents,
        "documents_html": format_html_join(
            "",
            '<li><a href="{}">{}</a> · {} · {}</li>',
            (
                (
                    reverse("tickets_document", args=[document.pk]),
                    document.get_kind_display(),
                    short_datetime(document.created_at),
                    document.get_state_display(),
                )
                for document in documents
            ),
        ),
        "consents": consents if can_hand_over else [],
        "regions": Region.objects.filter(is_active=True).exclude(pk=question.region_id)
        if can_hand_over
        else [],
        "handovers": []
        if "handovers" in absent
        else question.handovers.select_related("from_region", "to_region"),
    }


def answer_options(question, rows=None) -> list:
    """The public answers, newest first, each with the label of its <option> written here as
    the template wrote it (`created_at|date:"SHORT_DATETIME_FORMAT" · body|truncatechars:50`):
    a long thread made two filters per answer the panel's largest cost. `rows`: the messages
    as the caller read them already (`answer_rows`), else they are read here."""
    if rows is not None:
        return _answers_from_rows(question, rows)
    answers = list(
        question.messages.filter(
            kind=Message.Kind.PUBLIC, author_kind=Message.AuthorKind.STAFF
        ).order_by("-created_at", "-pk")
    )
    for answer in answers:
        answer.option_label = _option_label(answer.created_at, answer.body)
    return answers


def _option_label(created_at, body: str) -> str:
    return f"{short_datetime(created_at)} · {Truncator(body).chars(50)}"


def short_datetime(value) -> str:
    """`value|date:"SHORT_DATETIME_FORMAT"` as a template writes it (in the current time zone
    and language), remembered per process for the same time, zone, language and format: the
    panel shows the same answers and documents on every opening."""
    return _short_datetime(
        value,
        timezone.get_current_timezone_name(),
        translation.get_language(),
        settings.SHORT_DATETIME_FORMAT,
    )


@functools.lru_cache(maxsize=4096)
def _short_datetime(value, _zone, _language, _format) -> str:
    return date_format(template_localtime(value), "SHORT_DATETIME_FORMAT")


# What a caller reads of each message for `answer_options` (e.g. with the columns of a query
# it makes anyway): the start of the body is enough for a label of 50 characters.
ANSWER_PREFIX = 200


def answer_columns() -> tuple:
    """The columns of Message to read, in `answer_options`' `rows` order."""
    from django.db.models.functions import Length, Substr

    return ("pk", "kind", "author_kind", "created_at", Substr("body", 1, ANSWER_PREFIX),
            Length("body"))  # fmt: skip


def _enough(start: str, combining) -> bool:
    """Whether `start` holds 60 characters that are not combining marks (a label shows 50)."""
    count = 0
    for char in start:
        count += not combining(char)
        if count >= 60:
            return True
    return False


def _answers_from_rows(question, rows) -> list:
    """(pk, kind, author_kind, created_at, start of the body, length of the body) per message.
    A label needs the body's first 51 characters that are not combining marks: a body whose
    start read has fewer (combining marks, or shorter than its length) is read whole."""
    from types import SimpleNamespace
    from unicodedata import combining

    answers = []
    for pk, kind, author_kind, created_at, start, length in rows:
        if kind != Message.Kind.PUBLIC or author_kind != Message.AuthorKind.STAFF:
            continue
        body = start or ""
        if len(body) < (length or 0) and not _enough(body, combining):
            body = question.messages.values_list("body", flat=True).get(pk=pk)
        answers.append(
            SimpleNamespace(
                pk=pk, created_at=created_at, option_label=_option_label(created_at, body)
            )
        )
    answers.sort(key=lambda answer: (answer.created_at, answer.pk), reverse=True)
    return answers


@register.simple_tag
def requester_documents(question) -> dict:
    """For the follow-up and consult pages: consent to a handover not yet used, handovers."""
    rows = getattr(question, "has_handover_rows", True)  # tickets.intake.progress
    return {
        "open_consent": handover.unused_consents(question).first() if rows else None,
        "may_consent": handover.requester_may_consent(question),
        "consent_text": handover.consent_text(question),
        "handovers": question.handovers.select_related("to_region") if rows else [],
    }
