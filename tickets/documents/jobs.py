"""Making a document: the request is recorded (and audited), small documents are made at once,
big ones by the django-q2 worker with a progress indication. Files live in private storage and
are deleted after GENERATED_DOCUMENT_DAYS by a daily task."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from backoffice import outbox
from backoffice.audit import record_event
from tickets.attachments import private_storage
from tickets.documents import builders
from tickets.models import GeneratedDocument, Message

logger = logging.getLogger(__name__)

FOLDER = "documents/"
Kind = GeneratedDocument.Kind
State = GeneratedDocument.State


def needs_worker(document: GeneratedDocument) -> bool:
    """Letters are one answer: always at once. Case files and dossiers with more messages than
    DOCUMENT_WORKER_THRESHOLD go to the worker (200 messages take about a second or two)."""
    if document.kind == Kind.ANSWER_LETTER:
        return False
    messages = document.question.messages.all()
    if not document.include_internal:
        messages = messages.filter(kind=Message.Kind.PUBLIC)
    return messages.count() > settings.DOCUMENT_WORKER_THRESHOLD


def request_document(
    question,
    *,
    kind: str,
    audience: str,
    language: str,
    requested_by=None,
    include_internal: bool = False,
    message=None,
    handover=None,
    request=None,
) -> GeneratedDocument:
    """Record and audit the request, then make the document now or queue it. The caller has
    checked permission (tickets.access)."""
    include_internal = include_internal and audience == GeneratedDocument.Audience.STAFF
    document = GeneratedDocument.objects.create(
        question=question,
        kind=kind,
        audience=audience,
        language=builders.document_language(language),
        requested_by=requested_by if requested_by and requested_by.is_authenticated else None,
        include_internal=include_internal,
        message=message,
        handover=handover,
    )
    record_event(
        f"document.{kind}",
        request=request,
        actor=document.requested_by,
        actor_label="" if document.requested_by else audience,
        target=question,
        details={
            "document": str(document.pk),
            "include_internal": include_internal,
            "handover": handover.pk if handover else None,
            "message": message.pk if message else None,
        },
    )
    if needs_worker(document):
        outbox.add(generate, str(document.pk))
    else:
        generate(document.pk)
        document.refresh_from_db()
    return document


def _progress(document: GeneratedDocument):
    def report(percent: int) -> None:
        GeneratedDocument.objects.filter(pk=document.pk).update(progress=min(percent, 99))

    return report


@outbox.handler(outbox.DOCUMENT, lease=settings.Q_CLUSTER["timeout"])
def generate(document_id) -> str:
    """Make the file (in the request for small documents, in the worker for big ones)."""
    document = GeneratedDocument.objects.select_related("question", "message", "handover").get(
        pk=document_id
    )
    if document.state == State.DONE:
        return "done"
    GeneratedDocument.objects.filter(pk=document.pk).update(state=State.RUNNING, progress=5)
    question = document.question
    try:
        if document.kind == Kind.ANSWER_LETTER:
            content = builders.answer_letter(question, document.message, document.language)
            name = f"{question.reference}-answer.docx"
        else:
            content = builders.case_file(
                question,
                language=document.language,
                include_internal=document.include_internal,
                for_requester=document.audience != GeneratedDocument.Audience.STAFF,
                handover=document.handover,
                progress=_progress(document),
            )
            suffix = "dossier" if document.kind == Kind.DOSSIER else "case-file"
            name = f"{question.reference}-{suffix}.docx"
    except Exception as error:  # the status page must say it failed, not spin forever
        logger.exception("Document %s failed", document.pk)
        GeneratedDocument.objects.filter(pk=document.pk).update(
            state=State.FAILED, error=str(error)[:300], finished_at=timezone.now()
        )
        return "failed"
    stored_name = private_storage.save(f"{FOLDER}{document.pk}.docx", ContentFile(content))
    GeneratedDocument.objects.filter(pk=document.pk).update(
        state=State.DONE,
        progress=100,
        stored_name=stored_name,
        file_name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        finished_at=timezone.now(),
    )
    return "done"


def purge_expired() -> int:
    """Delete generated files older than GENERATED_DOCUMENT_DAYS, and their records (daily)."""
    cutoff = timezone.now() - timedelta(days=settings.GENERATED_DOCUMENT_DAYS)
    removed = 0
    for document in GeneratedDocument.objects.filter(created_at__lt=cutoff):
        if document.stored_name and private_storage.exists(document.stored_name):
            private_storage.delete(document.stored_name)
        document.delete()
        removed += 1
    return removed


def ensure_schedules(sender=None, **kwargs) -> None:
    from django_q.models import Schedule

    from backoffice.tasks import ensure_schedule

    ensure_schedule(
        "purge generated documents", "tickets.documents.jobs.purge_expired", Schedule.DAILY
    )
