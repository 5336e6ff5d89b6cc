"""The requester's follow-up page, its costly part kept rendered.

Everything the page shows between its title and its footer (status, timeline, thread with its
files, the empty reply form, the moving, documents, data and feedback panels) follows from the
question's own row, its public messages, its attachments and its status changes, and from the
page's language. That part is rendered once and kept under a key made of exactly those: the
question's whole row (any saved change: status, dates, feedback, anonymisation...), and for
messages, attachments and status changes a version read in the question's own query (their
number and highest id: rows are only ever added or removed, never edited, except by
anonymisation, which changes the question's row too). A change makes a new key, so nothing is
ever invalidated, and a process of its own keeps the copies (no shared cache is needed and no
worker can see another's stale copy).

Not kept (rendered each time, as before): pages with referrals, handover consents or handovers,
or erasure requests (their panels read other tables), a question with a move or without an
answer due date (their text reads other tables), and a reply form with errors (a POST).

The two things that differ per visitor are left as placeholders and filled in at each request:
the CSRF token of the forms and the municipalities of the moving form's suggestions.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.db import router
from django.db.models import Count, ExpressionWrapper, IntegerField, Max, OuterRef, Subquery
from django.middleware.csrf import get_token

from backoffice.db.prepared import Prepared
from tickets.models import Attachment, Message, Question, StatusChange

CSRF_PLACEHOLDER = "__wegwijs_follow_up_csrf__"
OPTIONS_PLACEHOLDER = "<!--wegwijs-follow-up-municipalities-->"
MAX_KEPT = 256

# Rows per question stay far below a million: count + highest id × 10⁶ names a set uniquely.
_SPREAD = 1_000_000


def _version(queryset):
    """One number that changes when a row of `queryset` (of one question) is added or removed."""
    return Subquery(
        queryset.filter(question=OuterRef("pk"))
        .order_by()
        .values("question")
        .annotate(
            version=ExpressionWrapper(
                Max("pk") * _SPREAD + Count("pk"), output_field=IntegerField()
            )
        )
        .values("version"),
        output_field=IntegerField(),
    )


def with_versions(questions):
    """The questions, each with the versions of its public messages, attachments and status
    changes (`messages_version`, `attachments_version`, `changes_version`)."""
    return questions.annotate(
        messages_version=_version(Message.objects.filter(kind=Message.Kind.PUBLIC)),
        attachments_version=_version(Attachment.objects.all()),
        changes_version=_version(StatusChange.objects.all()),
    )


def _question_query(reference):
    from tickets.intake import progress

    return with_versions(progress.with_panel_flags(Question.objects.filter(reference=reference)))


_QUESTION = Prepared(_question_query, "reference")
PANEL_FLAGS = ("has_referrals", "has_handover_rows", "has_erasure_requests")


def requester_question(reference: str) -> Question | None:
    """The question with this reference, with its panel flags (tickets.intake.progress) and
    versions, in one query whose SQL is built once (backoffice.db.prepared): building it
    (three EXISTS and three subqueries) cost the ORM more than running it."""
    alias = router.db_for_read(Question)
    sql, params = _QUESTION.sql(alias, reference=reference)
    question = next(iter(Question.objects.using(alias).raw(sql, params)), None)
    if question is not None:
        # A raw query gives the EXISTS columns as the database has them (0 or 1 on SQLite);
        # the panels' template tags ask `is False` (tickets.intake.progress.with_panel_flags).
        for flag in PANEL_FLAGS:
            setattr(question, flag, bool(getattr(question, flag)))
    return question


_FIELDS = [field.attname for field in Question._meta.concrete_fields]


def key(question: Question, language: str) -> str | None:
    """The key of the question's rendered part in this language, or None when the page must be
    rendered in full (see the module's text)."""
    if not hasattr(question, "changes_version") or not hasattr(question, "has_referrals"):
        return None
    if (
        question.has_referrals
        or question.has_handover_rows
        or question.has_erasure_requests
        or question.moving_to_id is not None
        or (question.answer_due is None and question.legal_domain_id is not None)
    ):
        return None
    values = [getattr(question, name) for name in _FIELDS]
    values += [
        question.messages_version,
        question.attachments_version,
        question.changes_version,
        language,
        settings.FOLLOW_UP_SESSION_MINUTES,
    ]
    return hashlib.blake2b(repr(values).encode(), digest_size=20).hexdigest()


class _Kept:
    """The last MAX_KEPT rendered parts of this process."""

    def __init__(self):
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: str) -> str | None:
        with self._lock:
            html = self._items.get(name)
            if html is not None:
                self._items.move_to_end(name)
            return html

    def put(self, name: str, html: str) -> None:
        with self._lock:
            self._items[name] = html
            self._items.move_to_end(name)
            while len(self._items) > MAX_KEPT:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


kept = _Kept()


def fill(html: str, request) -> str:
    """The kept part with this visitor's CSRF token and the current municipalities."""
    if OPTIONS_PLACEHOLDER in html:
        from tickets.templatetags.referral_tags import municipality_options

        html = html.replace(OPTIONS_PLACEHOLDER, municipality_options())
    return html.replace(CSRF_PLACEHOLDER, get_token(request))
