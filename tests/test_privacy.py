"""Privacy kept as promised: anonymisation, retention, legal hold, erasure on request, the record
of processing. Questions are made through the real views and services."""

import io
import re
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from backoffice import roles
from backoffice.models import AuditEvent, LegalDomain
from search import service as search_service
from search.models import SearchDocument
from tests import factories
from tests.access import DENIED, outcome
from tests.conftest import make_user
from tests.elastic_node import ES_URL
from tests.elastic_node import SKIP_REASON as ES_SKIP_REASON
from tests.i18n import in_dutch_html
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
    RetentionPolicy,
    SignInLink,
    Status,
    StatusChange,
)
from tickets.privacy import anonymisation, retention

CODE = re.compile(r'class="access-code">([A-Z-]+)<')
REFERENCE = re.compile(r'class="reference">(WW-\d{4}-\d{6})<')

# Every personal string the flows below put into the system. None may be found afterwards.
PERSONAL = {
    "subject": "Bevel voor Zorabel Quintanova",
    "body": "Ik ben Zorabel Quintanova, geboren 1991, rijksregister 91.02.03-555.17.",
    "email": "zorabel.quintanova@example.org",
    "phone": "+32 470 98 76 54",
    "file_name": "zorabel-quintanova-brief.pdf",
    "reply": "Mijn dochter Yselde Quintanova zit in het derde leerjaar.",
    "reply_file": "yselde-attest.pdf",
    "note": "Interne notitie: cliënte Zorabel belde huilend, adres Kwakkelstraat 17.",
    "answer": "Beste mevrouw Quintanova, u kunt beroep aantekenen binnen 30 dagen.",
    "draft": "Concept: nog nakijken voor Quintanova-Brakvelde",
    "consent_note": "Telefonisch toegestemd via tolk Barnabé Okonkwo-Lindqvist",
    "recipient_contact": "advocaat.vervaeke-sluys@example.org",
    "handover_note": "Dossier Quintanova: dringend, termijn loopt af.",
    "pseudonym": "Gezin Dravnikova-Oyelaran",
    "consult_body": "Gezin Dravnikova-Oyelaran, twee kinderen, vraagt naar gezinshereniging.",
    "erasure_reason": "Ik wil niet dat mijn naam Zorabel Quintanova bewaard blijft.",
}
# Words that also show up stemmed in a full-text index (PostgreSQL tsvector, FTS5).
TOKENS = ["quintanova", "zorabel", "yselde", "dravnikova", "oyelaran", "kwakkelstraat"]

# Distinct bytes in each uploaded file: found on disk means the file is still there.
FILE_MARK = b"ZORABEL-FILE-MARK"


def pdf(mark: bytes) -> bytes:
    return b"%PDF-1.4\n% " + FILE_MARK + mark + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    antwerpen, gent = factories.regions("antwerpen", "gent").values()
    city = antwerpen.municipalities.get()
    ocmw = factories.organisation(city, "OCMW Antwerpen", kind="ocmw")
    olga = make_user(roles.PROFESSIONAL, "olga", organisation=ocmw)
    return {
        "antwerpen": antwerpen,
        "gent": gent,
        "city": city,
        "ocmw": ocmw,
        "olga": olga,
        "sam": make_user(roles.SPECIALIST, "sam", regions=[antwerpen]),
        "gina": make_user(roles.SPECIALIST, "gina", regions=[gent]),
        "cora": make_user(roles.COORDINATOR, "cora", regions=[antwerpen]),
    }


def ask(client, world, **overrides):
    data = {
        "legal_domain": LegalDomain.objects.get(slug="residence").pk,
        "subject": "Vraag over verblijf",
        "body": "Wat moet ik doen met deze brief?",
        "contact_language": "ar",
        "municipality": world["city"].pk,
        "processing_consent": "on",
        "submission_token": str(uuid.uuid4()),
        "email": "",
        "phone": "",
        "website": "",
    }
    data.update(overrides)
    html = client.post("/nl/ask/", data, follow=True).content.decode()
    reference = REFERENCE.search(html).group(1)
    return Question.objects.get(reference=reference), CODE.search(html).group(1)


def open_follow_up(client, question, code):
    response = client.post("/nl/follow-up/", {"reference": question.reference, "code": code})
    assert response.status_code == 302, response.status_code


def full_history(client, world, capture):
    """A newcomer's question through every flow that stores personal data, and a consult."""
    sam = world["sam"]
    with capture(execute=True):
        question, code = ask(
            client,
            world,
            subject=PERSONAL["subject"],
            body=PERSONAL["body"],
            email=PERSONAL["email"],
            phone=PERSONAL["phone"],
            files=[SimpleUploadedFile(PERSONAL["file_name"], pdf(b"1"))],
        )
    open_follow_up(client, question, code)
    with capture(execute=True):
        client.post(
            f"/nl/follow-up/{question.reference}/",
            {
                "action": "reply",
                "body": PERSONAL["reply"],
                "files": [SimpleUploadedFile(PERSONAL["reply_file"], pdf(b"2"))],
            },
        )
    client.force_login(sam)
    workspace = f"/admin/questions/{question.pk}/workspace/"
    with capture(execute=True):
        client.post(workspace, {"body": PERSONAL["note"], "internal": "1"})
        client.post(workspace, {"body": PERSONAL["answer"], "internal": "0"})
        client.post(workspace, {"body": PERSONAL["draft"], "internal": "0", "intent": "draft"})
        client.post(f"/admin/questions/{question.pk}/letter/")
        client.post(f"/admin/questions/{question.pk}/case-file/", {"include_internal": "1"})
        client.post(
            f"/admin/questions/{question.pk}/handover/consent/", {"note": PERSONAL["consent_note"]}
        )
        consent = Consent.objects.get(question=question, purpose=Consent.Purpose.HANDOVER)
        client.post(
            f"/admin/questions/{question.pk}/handover/external/",
            {
                "recipient_name": "Advocatenkantoor (pro deo)",
                "recipient_contact": PERSONAL["recipient_contact"],
                "note": PERSONAL["handover_note"],
                "consent": consent.pk,
                "include_internal": "1",
                "language": "nl",
            },
        )
        client.post(workspace, {"action": "close", "outcome": "lawyer", "service": ""})
    client.logout()

    client.force_login(world["olga"])
    with capture(execute=True):
        client.post(
            "/nl/pro/new/",
            {
                "client_pseudonym": PERSONAL["pseudonym"],
                "legal_domain": LegalDomain.objects.get(slug="family-ipr").pk,
                "subject": "Gezinshereniging",
                "body": PERSONAL["consult_body"],
                "contact_language": "nl",
                "municipality": world["city"].pk,
                "client_consent": "on",
                "submission_token": str(uuid.uuid4()),
            },
        )
    client.logout()
    consult = Question.objects.get(professional=world["olga"])
    for each in (question, consult):
        search_service.index(each)
        each.refresh_from_db()
    return question, consult


STATISTICS = (
    "reference", "legal_domain_id", "region_id", "municipality_id", "contact_language",
    "requester_kind", "professional_id", "organisation_id", "status", "priority",
    "legal_deadline", "first_response_due", "answer_due", "escalated_at", "outcome",
    "outcome_service", "helpful", "assignee_id", "created_at", "first_response_at",
    "answered_at", "closed_at",
)  # fmt: skip


def statistics(question) -> dict:
    question = Question.objects.get(pk=question.pk)
    return {
        "fields": {name: getattr(question, name) for name in STATISTICS},
        "history": list(
            StatusChange.objects.filter(question=question).values_list(
                "from_status", "to_status", "actor_id", "actor_kind", "at"
            )
        ),
        "messages": list(
            Message.objects.filter(question=question).values_list(
                "kind", "author_kind", "author_id", "created_at"
            )
        ),
        "handovers": list(
            Handover.objects.filter(question=question).values_list(
                "kind", "from_region_id", "to_region_id", "recipient_name", "by_id", "at"
            )
        ),
        "consents": list(
            Consent.objects.filter(question=question).values_list(
                "purpose", "text_version", "given_by", "given_at"
            )
        ),
        "audit": list(
            AuditEvent.objects.filter(target_id=str(question.pk))
            .exclude(action="question.anonymise")
            .values_list("action", "actor_id", "actor_label", "time")
        ),
    }


def every_text_in_the_database():
    """(table, column, value) of every value of every table, as text (sessions decoded)."""
    from django.contrib.sessions.backends.db import SessionStore

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=False):
                    if value is None:
                        continue
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "ignore")
                    text = str(value)
                    if table == "django_session" and column == "session_data":
                        text += str(SessionStore().decode(text))
                    found.append((table, column, text))
    return found


def private_files() -> dict[str, bytes]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def file_text(content: bytes) -> str:
    """The bytes, and for DOCX (a ZIP) the text of every part inside."""
    text = content.decode("utf-8", "ignore")
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            text += "".join(archive.read(n).decode("utf-8", "ignore") for n in archive.namelist())
    return text


def leaks() -> list:
    needles = [value.lower() for value in PERSONAL.values()] + TOKENS
    found = [
        (table, column, needle)
        for table, column, text in every_text_in_the_database()
        for needle in needles
        if needle in text.lower()
    ]
    for name, content in private_files().items():
        text = file_text(content).lower()
        found += [("file", name, needle) for needle in needles + [FILE_MARK.decode().lower()]
                  if needle in text or needle in name.lower()]  # fmt: skip
    return found


@pytest.mark.django_db
def test_anonymising_leaves_no_personal_string_anywhere_and_keeps_the_statistics(
    client, world, django_capture_on_commit_callbacks
):
    question, consult = full_history(client, world, django_capture_on_commit_callbacks)
    # The flows really stored what we look for, everywhere we look.
    assert question.status == Status.CLOSED and question.outcome == "lawyer"
    assert Attachment.objects.filter(question=question).count() == 2
    assert GeneratedDocument.objects.filter(question=question, state="done").count() >= 3
    assert Handover.objects.filter(question=question).exists()
    assert SignInLink.objects.filter(question=question).exists()
    assert MessageDraft.objects.filter(question=question).exists()
    assert SearchDocument.objects.filter(kind="question").count() == 2
    assert AuditEvent.objects.filter(target_id=str(question.pk)).exclude(ip_hash="").exists()
    found_before = {needle for _where, _column, needle in leaks()}
    assert {"quintanova", "dravnikova", FILE_MARK.decode().lower()} <= found_before
    files_before = set(private_files())
    assert len(files_before) >= 5
    before = {q.pk: statistics(q) for q in (question, consult)}
    counts_before = {
        model.__name__: model.objects.count() for model in (Question, Message, StatusChange)
    }

    with django_capture_on_commit_callbacks(execute=True):
        result = anonymisation.anonymise_questions(
            [question.pk, consult.pk], reason="admin", actor=world["cora"]
        )

    assert result.questions == 2 and result.files >= 5 and result.bytes > 0
    assert result.index_entries == 2
    found = leaks()
    assert found == [], sorted({(t, c) for t, c, _n in found})
    assert private_files() == {}
    assert not SearchDocument.objects.filter(kind="question").exists()
    assert {q.pk: statistics(q) for q in (question, consult)} == before
    assert counts_before == {
        model.__name__: model.objects.count() for model in (Question, Message, StatusChange)
    }
    assert (
        not AuditEvent.objects.filter(target_id=str(question.pk))
        .exclude(action="question.anonymise")
        .exclude(ip_hash="")
        .exists()
    )
    event = AuditEvent.objects.get(action="question.anonymise", target_id=str(question.pk))
    assert event.actor == world["cora"] and event.details == {"reason": "admin"}
    # A second call finds nothing to do.
    assert anonymisation.anonymise_questions([question.pk], reason="admin").questions == 0
    assert AuditEvent.objects.filter(action="question.anonymise").count() == 2


@pytest.mark.skipif(not ES_URL, reason=ES_SKIP_REASON)
@pytest.mark.django_db
def test_anonymising_removes_the_question_from_elasticsearch(
    client, world, settings, django_capture_on_commit_callbacks
):
    from elasticsearch import Elasticsearch

    from search.registry import Visibility

    settings.ELASTICSEARCH_URL = ES_URL
    settings.ELASTICSEARCH_INDEX_PREFIX = f"wegwijs-test-{uuid.uuid4().hex[:8]}"
    try:
        question, _consult = full_history(client, world, django_capture_on_commit_callbacks)
        backend = search_service.primary()
        backend.refresh("question")
        everything = Visibility.everything()
        assert str(question.pk) in backend.matching_ids("Quintanova", "question", everything, 100)
        with django_capture_on_commit_callbacks(execute=True):
            anonymisation.anonymise(question, reason="admin")
        backend.refresh("question")
        found = backend.matching_ids("Quintanova", "question", everything, 100)
        assert str(question.pk) not in found
    finally:
        Elasticsearch(ES_URL).options(ignore_status=404).indices.delete(
            index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*"
        )


@pytest.mark.django_db
def test_the_workspace_suggestions_forget_an_anonymised_question(
    client, world, django_capture_on_commit_callbacks
):
    question, _consult = full_history(client, world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        twin, _code = ask(client, world, subject=PERSONAL["subject"], body=PERSONAL["body"])
    search_service.index(twin)
    client.force_login(world["sam"])
    page = client.get(f"/admin/questions/{twin.pk}/workspace/").content.decode()
    assert "beroep aantekenen" in page  # the earlier answer, from the suggestions
    with django_capture_on_commit_callbacks(execute=True):
        anonymisation.anonymise(question, reason="admin")
    page = client.get(f"/admin/questions/{twin.pk}/workspace/").content.decode()
    assert "beroep aantekenen" not in page


# --- retention: the daily task and the command ---------------------------------------------


def make_questions(world, count, *, closed_months_ago=None, files=True):
    from tickets import lifecycle

    made = []
    for number in range(count):
        created = factories.new_question(
            subject=f"Quintanova vraag {number}",
            body="Zorabel schrijft over haar verblijf.",
            municipality=world["city"],
            email="zorabel.quintanova@example.org",
            files=[SimpleUploadedFile("brief.pdf", pdf(str(number).encode()))] if files else [],
        )
        question = created.question
        lifecycle.add_message(question, body="Antwoord.", author_kind="staff", author=world["sam"])
        if closed_months_ago is not None:
            lifecycle.close(question, "answered", actor=world["sam"])
            closed_at = timezone.now() - timedelta(days=31 * closed_months_ago)
            Question.objects.filter(pk=question.pk).update(closed_at=closed_at)
        search_service.index(question)
        made.append(question)
    return made


def personal_left(questions) -> int:
    return Question.objects.filter(
        pk__in=[q.pk for q in questions], anonymised_at__isnull=True
    ).count()


@pytest.mark.django_db
def test_dry_run_changes_nothing_and_counts_what_would_go(world):
    old = make_questions(world, 3, closed_months_ago=25)
    recent = make_questions(world, 2, closed_months_ago=6)
    files_before = private_files()
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "Would anonymise 3 questions: 3 files" in out.getvalue()
    assert "3 search index entries" in out.getvalue()
    assert personal_left(old + recent) == 5
    assert private_files() == files_before
    assert SearchDocument.objects.filter(kind="question").count() == 5
    assert not AuditEvent.objects.filter(action="question.anonymise").exists()


@pytest.mark.django_db
def test_retention_follows_the_policy_skips_held_questions_and_runs_once(
    world, django_capture_on_commit_callbacks
):
    old = make_questions(world, 3, closed_months_ago=25)
    recent = make_questions(world, 1, closed_months_ago=13)
    retention.place_hold(old[0], reason="Procedure bij de Raad van State", actor=world["cora"])
    with django_capture_on_commit_callbacks(execute=True):
        summary = retention.apply_retention()
    assert summary.questions == 2 and summary.skipped_on_hold == 1 and summary.files == 2
    assert personal_left(old) == 1 and personal_left(recent) == 1
    Question.objects.get(pk=old[0].pk).subject.startswith("Quintanova")
    # The coordinator shortens the period: the 13-month-old question is due now.
    policy = RetentionPolicy.load()
    policy.closed_months = 12
    policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.run_daily().startswith("1 anonymised")
        # Idempotent: the next day's run finds nothing new.
        assert retention.run_daily().startswith("0 anonymised")
    assert AuditEvent.objects.filter(action="question.anonymise").count() == 3
    # Released, the held question goes at the next run.
    retention.release_hold(old[0], reason="Procedure afgelopen", actor=world["cora"])
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.run_daily().startswith("1 anonymised")
    assert personal_left(old + recent) == 0
    assert private_files() == {}


@pytest.mark.django_db
def test_questions_never_answered_are_closed_then_anonymised(world):

    stale = factories.question(
        subject="Quintanova wacht", body="Geen antwoord gekregen.", municipality=world["city"]
    )
    fresh = make_questions(world, 1)[0]
    Question.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=400))
    summary = retention.apply_retention()
    stale.refresh_from_db()
    assert summary.closed_first == 1 and summary.questions == 1
    assert stale.status == Status.CLOSED and stale.outcome == "no_reaction" and stale.anonymised_at
    assert personal_left([fresh]) == 1


@pytest.mark.django_db
def test_a_crash_in_the_middle_is_finished_by_the_next_run(
    world, django_capture_on_commit_callbacks
):
    # Not a transactional test: its flush would empty what the migrations made (groups, pages)
    # for the browser tests that run later. Each batch's atomic block is a savepoint here, and
    # the after-commit work of the finished batches runs when the block below ends.
    questions = make_questions(world, 7, closed_months_ago=30)

    class Crash(Exception):
        pass

    def crash_after_two_batches(summary):
        if summary.batches == 2:
            raise Crash

    crashed = False
    with django_capture_on_commit_callbacks(execute=True):
        try:
            retention.apply_retention(batch_size=3, after_batch=crash_after_two_batches)
        except Crash:
            crashed = True
    assert crashed
    # The committed batches are done, files included; the rest is untouched.
    assert personal_left(questions) == 1
    assert len(private_files()) == 1
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--batch-size", "3", stdout=out)
    assert "Anonymised 1 questions: 1 files" in out.getvalue()
    assert "1/1 questions" in out.getvalue()
    assert personal_left(questions) == 0 and private_files() == {}
    assert AuditEvent.objects.filter(action="question.anonymise").count() == 7


@pytest.mark.django_db
def test_files_left_by_a_crash_after_commit_are_swept(world):
    import os

    (question,) = make_questions(world, 1, closed_months_ago=30)
    name = Attachment.objects.get(question=question).stored_name
    path = Path(settings.PRIVATE_MEDIA_ROOT) / name
    # The rows are gone but the after-commit deletion never ran (the process died).
    anonymisation.anonymise_questions([question.pk], reason="retention")
    assert path.exists()
    an_hour_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(path, (an_hour_ago, an_hour_ago))
    summary = retention.apply_retention()
    assert summary.orphan_files == 1 and not path.exists()


@pytest.mark.django_db
def test_the_daily_task_is_scheduled():
    from django_q.models import Schedule

    from tickets.privacy.retention import ensure_schedule

    ensure_schedule()
    schedule = Schedule.objects.get(name="apply retention")
    assert schedule.func == "tickets.privacy.retention.run_daily" and schedule.schedule_type == "D"


# --- erasure on request, legal hold, the privacy page and the record -----------------------


@pytest.mark.django_db
def test_newcomer_asks_for_erasure_refused_with_a_reason_then_erased(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question, code = ask(
            client, world, subject=PERSONAL["subject"], body=PERSONAL["body"],
            files=[SimpleUploadedFile(PERSONAL["file_name"], pdf(b"9"))],
        )  # fmt: skip
    open_follow_up(client, question, code)
    page = client.get(f"/nl/follow-up/{question.reference}/").content.decode()
    assert f"/nl/follow-up/{question.reference}/erase/" in page
    url = f"/en/follow-up/{question.reference}/erase/"
    # Not confirmed: a clear error, and what was typed is kept.
    response = client.post(url, {"reason": PERSONAL["erasure_reason"]})
    assert response.status_code == 400 and "Tick the box to confirm." in response.content.decode()
    assert PERSONAL["erasure_reason"] in response.content.decode()
    client.post(url, {"reason": PERSONAL["erasure_reason"], "confirm": "on"})
    erasure = ErasureRequest.objects.get(question=question)
    assert erasure.state == "pending" and erasure.requested_by == "requester"
    assert "A specialist will decide soon" in client.get(url).content.decode()

    staff = client_class_for(client, world["sam"])
    assert question.reference in staff.get("/admin/privacy/").content.decode()
    # A refusal needs a reason; the requester reads it.
    staff.post(f"/admin/privacy/erasure/{erasure.pk}/", {"decision": "refuse", "reason": ""})
    assert ErasureRequest.objects.get(pk=erasure.pk).state == "pending"
    staff.post(
        f"/admin/privacy/erasure/{erasure.pk}/",
        {"decision": "refuse", "reason": "Uw beroepstermijn loopt nog tot 30 juni."},
    )
    assert "Uw beroepstermijn loopt nog tot 30 juni." in client.get(url).content.decode()
    # Asked again, and confirmed: the question is erased with the one anonymisation function.
    client.post(url, {"confirm": "on"})
    again = ErasureRequest.objects.get(question=question, state="pending")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/admin/privacy/erasure/{again.pk}/", {"decision": "confirm"})
    question.refresh_from_db()
    assert question.anonymised_at and question.status == Status.CLOSED
    assert AuditEvent.objects.get(action="question.anonymise").details == {"reason": "erasure"}
    assert "was erased on" in client.get(url).content.decode()
    # The requester's session still opens the page, but nothing can be added any more.
    reply = client.post(
        f"/nl/follow-up/{question.reference}/", {"action": "reply", "body": PERSONAL["reply"]}
    )
    assert in_dutch_html("This question was erased: ask a new question instead.") in (
        reply.content.decode()
    )
    assert not Message.objects.filter(question=question, body=PERSONAL["reply"]).exists()
    # The code no longer opens it.
    fresh = client_class_for(client, None)
    response = fresh.post("/nl/follow-up/", {"reference": question.reference, "code": code})
    assert response.status_code == 400
    assert leaks() == [] and private_files() == {}


def client_class_for(client, user):
    from tests.mfa import MfaClient

    other = MfaClient()  # force_login also passes the two-step sign-in, as the `client` does
    if user is not None:
        other.force_login(user)
    return other


@pytest.mark.django_db
def test_professional_asks_for_erasure_of_a_consult_and_a_held_question_is_not_erased(
    client, world
):

    consult = factories.question(
        domain="family-ipr",
        subject="Gezinshereniging",
        body=PERSONAL["consult_body"],
        municipality=world["city"],
        professional=world["olga"],
        client_pseudonym=PERSONAL["pseudonym"],
        client_consent=True,
    )
    url = f"/nl/pro/{consult.reference}/erase/"
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(make_user(roles.PROFESSIONAL, "other-pro"))
    assert client.get(url).status_code == 403  # not their consult
    client.force_login(world["olga"])
    assert (
        f"/nl/pro/{consult.reference}/erase/"
        in client.get(f"/nl/pro/{consult.reference}/").content.decode()
    )
    client.post(url, {"confirm": "on"})
    erasure = ErasureRequest.objects.get(question=consult)
    assert erasure.requested_by == "professional"

    coordinator = client_class_for(client, world["cora"])
    coordinator.post(f"/admin/questions/{consult.pk}/hold/", {"reason": ""})
    assert not LegalHold.objects.exists()  # a hold needs a reason
    coordinator.post(f"/admin/questions/{consult.pk}/hold/", {"reason": "Gerechtelijk onderzoek"})
    assert retention.active_hold(consult) is not None
    # A specialist of another region cannot decide; one of the region cannot erase while held.
    other = client_class_for(client, world["gina"])
    refused = other.post(f"/admin/privacy/erasure/{erasure.pk}/", {"decision": "confirm"})
    assert refused.status_code in (302, 404) and refused.get("Location") != "/admin/privacy/"
    specialist = client_class_for(client, world["sam"])
    specialist.post(f"/admin/privacy/erasure/{erasure.pk}/", {"decision": "confirm"})
    consult.refresh_from_db()
    assert consult.anonymised_at is None and consult.client_pseudonym == PERSONAL["pseudonym"]
    assert ErasureRequest.objects.get(pk=erasure.pk).state == "pending"
    # Specialists cannot place or release holds.
    specialist.post(f"/admin/questions/{consult.pk}/hold/", {"action": "release"})
    assert retention.active_hold(consult) is not None
    coordinator.post(f"/admin/questions/{consult.pk}/hold/", {"action": "release"})
    specialist.post(f"/admin/privacy/erasure/{erasure.pk}/", {"decision": "confirm"})
    consult.refresh_from_db()
    assert consult.anonymised_at and consult.client_pseudonym == ""
    erased = in_dutch_html("This question was erased: its text, answers and files are gone.")
    assert erased in client.get(f"/nl/pro/{consult.reference}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "fr", "en", "ar", "uk"])
def test_privacy_page_gives_the_policy_in_every_language_and_the_consent_links_to_it(
    client, language
):
    policy = RetentionPolicy.load()
    policy.closed_months, policy.unanswered_months = 30, 9
    policy.save()
    page = client.get(f"/{language}/privacy/")
    assert page.status_code == 200 and page["Content-Language"] == language
    text = page.content.decode()
    assert "30" in text and "9" in text and str(settings.GENERATED_DOCUMENT_DAYS) in text
    form = client.get(f"/{language}/ask/").content.decode()
    assert f'href="/{language}/privacy/#retention"' in form


@pytest.mark.django_db
def test_record_of_processing_and_report_are_for_coordinators(client, world):
    import docx

    make_questions(world, 2, closed_months_ago=25)
    retention.apply_retention()
    coordinator = client_class_for(client, world["cora"])
    response = coordinator.get("/nl/privacy/") and coordinator.get("/admin/privacy/record/")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "24" in text and "Antwerpen" in text
    assert AuditEvent.objects.filter(action="privacy.record_download").exists()
    desk = coordinator.get("/admin/privacy/").content.decode()
    month = timezone.localtime().strftime("%Y-%m")
    assert f'<th scope="row">{month}</th><td>2</td>' in desk
    denied = client_class_for(client, world["sam"]).get("/admin/privacy/record/")
    assert outcome(denied) == DENIED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", "login"), ("professional", DENIED), ("specialist", DENIED),
     ("editor", DENIED), ("coordinator", "ok"), ("superuser", "ok")],
)  # fmt: skip
def test_only_coordinators_edit_the_retention_policy(client_for_role, role, expected):
    client = client_for_role(role)
    response = client.get("/admin/settings/tickets/retentionpolicy/", follow=True)
    if expected == "ok":
        assert response.status_code == 200 and 'name="closed_months"' in response.content.decode()
        client.post(
            response.request["PATH_INFO"], {"closed_months": "0", "unanswered_months": "12"}
        )
        assert RetentionPolicy.load().closed_months == 24  # refused, with a message
        client.post(
            response.request["PATH_INFO"], {"closed_months": "36", "unanswered_months": "12"}
        )
        assert RetentionPolicy.load().closed_months == 36
    else:
        assert 'name="closed_months"' not in response.content.decode()
        if expected == "login":
            assert "login" in response.redirect_chain[-1][0]


@pytest.mark.django_db
def test_object_urls_of_privacy_are_refused_to_those_who_may_not(client, world):

    question = factories.question(subject="x", body="y", municipality=world["city"])
    erasure = retention.request_erasure(question)
    for user in (None, world["olga"], world["gina"], make_user(roles.EDITOR, "ed")):
        other = client_class_for(client, user) if user else client
        other.post(f"/admin/questions/{question.pk}/hold/", {"reason": "x"})
        other.post(f"/admin/privacy/erasure/{erasure.pk}/", {"decision": "confirm"})
        assert outcome(other.get(f"/nl/follow-up/{question.reference}/erase/")) == DENIED
    assert not LegalHold.objects.exists()
    assert ErasureRequest.objects.get().state == "pending"
