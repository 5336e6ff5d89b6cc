"""The one anonymisation function: it removes a question's personal data from every table, file,
search index and cache, and keeps only what statistics need.

Called by retention (the daily task and `manage.py apply_retention`), by a confirmed erasure
request and from the admin; nothing else erases personal data.

Removed: the subject and question, every message's text (public replies, internal notes),
drafts, the e-mail address and phone number, the client pseudonym, the access code hash and
sign-in links, attachments and generated documents (rows and files), handover contact details
and notes, consent notes, erasure and hold reasons, the question's search entries, and the
client address hashes and browsers of its earlier audit events.

Kept: the reference, legal domain, municipality, region, contact language, requester kind,
professional and organisation, priority, legal deadline, dates, status history, outcome, the
service-level figures, feedback, handover kinds and recipients (the service, not the contact),
the consent records' purpose and version, the link to the article the question became, and who
did what (the audit events' actors and actions).

The database work of a batch is one transaction; deleting files, removing the question from
Elasticsearch and invalidating caches run after it commits. A crash between the commit and the
file deletion leaves files without a row: `sweep_orphan_files` (run by every retention run)
deletes them, so a rerun finishes what a crash left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from backoffice import page_cache
from backoffice.audit import record_event
from backoffice.models import AuditEvent
from tickets.attachments import private_storage
from tickets.documents.jobs import FOLDER as DOCUMENT_FOLDER
from tickets.models import (
    Attachment,
    Consent,
    ErasureRequest,
    GeneratedDocument,
    Handover,
    LegalHold,
    Message,
    MessageDraft,
    Question,
    Referral,
    SignInLink,
    SupportContact,
)

logger = logging.getLogger(__name__)

SEARCH_KIND = "question"
# Files younger than this are never swept: an upload or a document may be being written.
ORPHAN_MIN_AGE = timedelta(hours=1)


@dataclass
class Result:
    """What one call did (or, in a dry run, would do)."""

    questions: int = 0
    files: int = 0
    bytes: int = 0
    index_entries: int = 0
    skipped_on_hold: int = 0
    ids: list[int] = field(default_factory=list)

    def add(self, other: Result) -> None:
        self.questions += other.questions
        self.files += other.files
        self.bytes += other.bytes
        self.index_entries += other.index_entries
        self.skipped_on_hold += other.skipped_on_hold
        self.ids += other.ids


def held_ids(ids) -> set[int]:
    return set(
        LegalHold.objects.filter(question_id__in=ids, released_at__isnull=True).values_list(
            "question_id", flat=True
        )
    )


def measure(ids) -> Result:
    """What anonymising these questions would remove; changes nothing (the dry run)."""
    ids = list(ids)
    held = held_ids(ids)
    todo = list(
        Question.objects.filter(pk__in=ids, anonymised_at__isnull=True)
        .exclude(pk__in=held)
        .values_list("pk", flat=True)
    )
    files, size = _file_totals(todo)
    return Result(
        questions=len(todo),
        files=files,
        bytes=size,
        index_entries=_index_entries(todo),
        skipped_on_hold=len(held),
        ids=todo,
    )


def _file_totals(ids) -> tuple[int, int]:
    attachments = Attachment.objects.filter(question_id__in=ids).aggregate(n=Sum(1), b=Sum("size"))
    documents = (
        GeneratedDocument.objects.filter(question_id__in=ids)
        .exclude(stored_name="")
        .aggregate(n=Sum(1), b=Sum("size"))
    )
    return (
        (attachments["n"] or 0) + (documents["n"] or 0),
        (attachments["b"] or 0) + (documents["b"] or 0),
    )


def _index_entries(ids) -> int:
    from search.models import SearchDocument

    return SearchDocument.objects.filter(
        kind=SEARCH_KIND, object_id__in=[str(pk) for pk in ids]
    ).count()


def anonymise(question: Question, *, reason: str, actor=None, request=None) -> Result:
    """Anonymise one question (skipped when on legal hold or already anonymised)."""
    result = anonymise_questions([question.pk], reason=reason, actor=actor, request=request)
    question.refresh_from_db()
    return result


@transaction.atomic
def anonymise_questions(
    ids, *, reason: str, actor=None, request=None, compact: bool = True
) -> Result:
    """Anonymise a batch of questions in one transaction (the retention run's unit of work).

    `reason` is recorded in the audit event ("retention", "erasure", "admin"). Questions on
    legal hold and those already anonymised are left as they are: calling this twice is safe.
    `compact=False` leaves `compact_search_index` to the caller (a retention run calls it once
    at its end).
    """
    ids = sorted(set(ids))
    # Lock the rows: a reply arriving meanwhile waits, then finds the question anonymised.
    candidates = list(
        Question.objects.select_for_update()
        .filter(pk__in=ids, anonymised_at__isnull=True)
        .values_list("pk", flat=True)
    )
    held = held_ids(candidates)
    todo = [pk for pk in candidates if pk not in held]
    result = Result(skipped_on_hold=len(held), ids=todo)
    if not todo:
        return result
    now = timezone.now()

    # Files: the names are read now, the files deleted after commit.
    attachment_files = list(
        Attachment.objects.filter(question_id__in=todo).values_list("stored_name", "size")
    )
    document_files = list(
        GeneratedDocument.objects.filter(question_id__in=todo)
        .exclude(stored_name="")
        .values_list("stored_name", "size")
    )
    files = [name for name, _size in attachment_files + document_files]
    result.files = len(files)
    result.bytes = sum(size for _name, size in attachment_files + document_files)

    Question.objects.filter(pk__in=todo).update(
        subject="",
        body="",
        requester_email="",
        requester_phone="",
        client_pseudonym="",
        access_code_hash="",
        submission_token=None,
        moving_to=None,
        moving_on=None,
        moving_said_at=None,
        anonymised_at=now,
        updated_at=now,
    )
    Message.objects.filter(question_id__in=todo).update(body="", body_html="")
    MessageDraft.objects.filter(question_id__in=todo).delete()
    SignInLink.objects.filter(question_id__in=todo).delete()
    GeneratedDocument.objects.filter(question_id__in=todo).delete()
    Attachment.objects.filter(question_id__in=todo).delete()
    Consent.objects.filter(question_id__in=todo).update(note="")
    Handover.objects.filter(question_id__in=todo).update(recipient_contact="", note="")
    # Referrals keep the service (statistics of the social map); the receipt note and link go.
    Referral.objects.filter(question_id__in=todo).update(received_how="", receipt_token_hash="")
    # The support network names people and organisations around the family: removed.
    SupportContact.objects.filter(question_id__in=todo).delete()
    ErasureRequest.objects.filter(question_id__in=todo).update(reason="", decision_reason="")
    LegalHold.objects.filter(question_id__in=todo).update(reason="", release_reason="")

    # The database search table now, in this transaction; Elasticsearch after commit.
    result.index_entries = _index_entries(todo)
    _remove_from_database_index(todo)

    references = dict(Question.objects.filter(pk__in=todo).values_list("pk", "reference"))
    recorded = [
        record_event(
            "question.anonymise",
            request=request,
            actor=actor,
            actor_label="" if actor else "system",
            target=Question(pk=pk, reference=references[pk]),
            details={"reason": reason},
        ).pk
        for pk in todo
    ]
    # Earlier audit events: who did what stays; the client address hash and browser go.
    question_type = ContentType.objects.get_for_model(Question)
    AuditEvent.objects.filter(
        target_type=question_type, target_id__in=[str(pk) for pk in todo]
    ).exclude(pk__in=recorded).update(ip_hash="", user_agent="")
    result.questions = len(todo)
    transaction.on_commit(lambda: _after_commit(todo, files, compact))
    return result


def _remove_from_database_index(ids) -> None:
    from search import service as search_service

    search_service.remove_from_database(SEARCH_KIND, ids)


def _after_commit(ids, files, compact: bool) -> None:
    """Once per batch: files off the disk, the question out of Elasticsearch, caches stale."""
    for name in files:
        try:
            if private_storage.exists(name):
                private_storage.delete(name)
        except OSError:  # swept by the next run
            logger.warning("Anonymisation: could not delete %s", name, exc_info=True)
    from django.conf import settings

    if settings.ELASTICSEARCH_URL:
        from search import signals as search_signals

        for pk in ids:  # a task per question, retried while Elasticsearch is down
            search_signals.schedule("remove_object", SEARCH_KIND, pk)
    # Kept public pages and the workspace suggestions (tickets.workspace.related_items) hold
    # the content generation in their keys: moving it on makes every copy stale.
    page_cache.bump()
    if compact:
        compact_search_index()


def compact_search_index() -> None:
    """SQLite's full-text tables (FTS5) keep a deleted row's words in their index pages until
    the pages are merged: 'optimize' merges them, so the words are really gone. PostgreSQL's
    deleted rows are reclaimed by its autovacuum."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'"
        )
        for (name,) in cursor.fetchall():
            quoted = connection.ops.quote_name(name)
            cursor.execute(f"INSERT INTO {quoted}({quoted}) VALUES ('optimize')")  # noqa: S608


def sweep_orphan_files(now=None) -> Result:
    """Delete attachment and document files that no row refers to any more (left by a crash
    between a commit and the file deletion, or by a document finished after its question was
    anonymised). Staged uploads have their own daily purge (tickets.intake.staging)."""
    now = now or timezone.now()
    result = Result()
    known = set(Attachment.objects.values_list("stored_name", flat=True))
    known |= set(
        GeneratedDocument.objects.exclude(stored_name="").values_list("stored_name", flat=True)
    )
    for folder in ("", DOCUMENT_FOLDER):
        try:
            _dirs, names = private_storage.listdir(folder)
        except FileNotFoundError:
            continue
        for name in names:
            path = folder + name
            if path in known:
                continue
            modified = private_storage.get_modified_time(path)
            if now - modified < ORPHAN_MIN_AGE:
                continue
            result.bytes += private_storage.size(path)
            private_storage.delete(path)
            result.files += 1
    return result
