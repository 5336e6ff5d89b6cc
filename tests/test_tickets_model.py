"""Question rules: references, consent, lifecycle, attachments, access codes, rendering."""

import io
import threading
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.utils import timezone

from backoffice.models import AuditEvent, LegalDomain, Region
from tests import factories
from tickets import lifecycle
from tickets.access_codes import ALPHABET, access_code_matches, new_access_code
from tickets.attachments import (
    DOCX,
    EXTENSIONS,
    HEIC,
    JPEG,
    PDF,
    PNG,
    clean_file_name,
    private_storage,
)
from tickets.models import Consent, Outcome, Question, ReferenceCounter, Status, StatusChange
from tickets.references import next_reference
from tickets.rendering import render_markdown

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def place(db):
    return factories.place("antwerpen", municipality="Mechelen", postcode="2800")


@pytest.fixture
def domain(db):
    return LegalDomain.objects.get(slug="residence")


def ask(domain, place, **overrides):
    data = {
        "domain": domain,
        "subject": "Verblijfskaart verlengen",
        "body": "Mijn kaart vervalt volgende maand.",
        "contact_language": "ti",
        "municipality": place,
    }
    data.update(overrides)
    return factories.new_question(**data)


@pytest.mark.django_db
def test_references_are_sequential_per_year():
    with transaction.atomic():
        assert next_reference(2026) == "WW-2026-000001"
        assert next_reference(2026) == "WW-2026-000002"
        assert next_reference(2027) == "WW-2027-000001"


@pytest.mark.django_db
def test_a_rolled_back_creation_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        next_reference(2030)
        raise RuntimeError("creation failed")
    with transaction.atomic():
        assert next_reference(2030) == "WW-2030-000001"


def _in_own_connection(function):
    """Run in a separate thread, so with its own, autocommitting database connection."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome.get("value")


@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL (DATABASE_URL=postgres://...) for real concurrent transactions",
)
@pytest.mark.django_db
def test_references_unique_under_concurrent_creation_on_postgresql():
    """Eight connections create 80 questions at once; every number 1..80 is used exactly once.

    The threads commit for real (outside the test's transaction), so the test removes what
    they made at the end.
    """
    year = timezone.localdate().year
    domain = LegalDomain.objects.get(slug="residence")  # committed by a data migration
    region = _in_own_connection(
        lambda: Region.objects.create(name="Concurrency", slug="concurrency-test")
    )
    results, errors = [], []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            for _ in range(10):
                created = factories.new_question(
                    domain=domain, region=region, subject="s", body="b"
                )
                results.append(created.question.reference)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        numbers = sorted(int(reference[-6:]) for reference in results)
        assert numbers == list(range(1, 81))
        assert all(reference.startswith(f"WW-{year}-") for reference in results)
    finally:

        def clean_up():
            ids = [
                str(pk)
                for pk in Question.objects.filter(region=region).values_list("pk", flat=True)
            ]
            AuditEvent.objects.filter(target_id__in=ids, action__startswith="question.").delete()
            Question.objects.filter(region=region).delete()
            region.delete()
            ReferenceCounter.objects.filter(year=year).delete()

        _in_own_connection(clean_up)


@pytest.mark.django_db
def test_question_needs_processing_consent(domain, place):
    with pytest.raises(ValidationError) as error:
        ask(domain, place, processing_consent=False)
    assert error.value.code == "consent_required"
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_new_question_records_consent_code_region_and_audit(domain, place):
    created = ask(domain, place)
    question = created.question
    assert question.region == place.region  # derived from the municipality
    assert question.contact_language == "ti"
    assert question.status == Status.NEW
    consent = Consent.objects.get(question=question)
    assert consent.purpose == "processing" and consent.text_version.startswith("processing-")
    assert "legal staff" in consent.text or "juristen" in consent.text
    assert created.access_code not in question.access_code_hash
    assert access_code_matches(created.access_code, question.access_code_hash)
    assert access_code_matches(
        created.access_code.lower().replace("-", " "), question.access_code_hash
    )
    assert not access_code_matches(new_access_code(), question.access_code_hash)
    assert AuditEvent.objects.filter(action="question.create", target_id=str(question.pk)).exists()


def test_access_codes_are_readable_and_varied():
    codes = {new_access_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4, 4]
        assert set("".join(groups)) <= set(ALPHABET)
    assert not set("IL1O0QDB8S5Z2G6UV") & set(ALPHABET)


@pytest.mark.django_db
def test_lifecycle_staff_reply_answers_and_requester_reply_reopens(
    domain, place, django_user_model
):
    question = ask(domain, place).question
    staff = django_user_model.objects.create_user("sam")
    lifecycle.change_status(question, Status.OPEN, actor=staff, actor_kind="staff")
    lifecycle.add_message(question, body="Een **antwoord**.", author_kind="staff", author=staff)
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    assert question.first_response_at is not None and question.answered_at is not None
    lifecycle.add_message(question, body="Dank u, maar nog een vraag.", author_kind="requester")
    question.refresh_from_db()
    assert question.status == Status.OPEN
    lifecycle.mark_solved(question, actor_kind="requester")
    question.refresh_from_db()
    assert question.status == Status.CLOSED and question.closed_at is not None
    lifecycle.add_message(question, body="Er is een nieuwe brief.", author_kind="requester")
    question.refresh_from_db()
    assert question.status == Status.OPEN and question.closed_at is None
    history = list(
        StatusChange.objects.filter(question=question).values_list("to_status", flat=True)
    )
    assert history == ["new", "open", "answered", "open", "closed", "open"]
    assert AuditEvent.objects.filter(action="question.status").count() == 5


@pytest.mark.django_db
def test_internal_note_changes_nothing_and_needs_staff(domain, place):
    question = ask(domain, place).question
    lifecycle.add_message(question, body="Let op termijn.", author_kind="staff", internal=True)
    question.refresh_from_db()
    assert question.status == Status.NEW and question.first_response_at is None
    with pytest.raises(ValidationError):
        lifecycle.add_message(question, body="x", author_kind="requester", internal=True)


@pytest.mark.django_db
def test_invalid_transition_raises_a_clear_error(domain, place):
    question = ask(domain, place).question
    lifecycle.close(question, Outcome.ANSWERED, actor=None)  # staff close with an outcome
    with pytest.raises(lifecycle.InvalidTransition) as error:
        lifecycle.change_status(question, Status.ANSWERED, actor_kind="staff")
    assert "Closed" in str(error.value) or "Afgesloten" in str(error.value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, PDF),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, JPEG),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, PNG),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, HEIC),
        (None, DOCX),
    ],
)
def test_attachments_are_typed_by_content_and_stored_privately(domain, place, content, expected):
    content = docx_bytes() if content is None else content
    upload = SimpleUploadedFile("../../brief van OCMW.bin", content)
    question = ask(domain, place, files=[upload]).question
    attachment = question.attachments.get()
    assert attachment.content_type == expected
    # The path is dropped and the extension is that of the content (issue 14).
    assert attachment.original_name == "brief van OCMW" + EXTENSIONS[expected]
    assert attachment.stored_name != attachment.original_name
    assert len(attachment.sha256) == 64
    assert private_storage.exists(attachment.stored_name)
    with pytest.raises(NotImplementedError):
        private_storage.url(attachment.stored_name)
    assert settings.MEDIA_ROOT not in Path(private_storage.path(attachment.stored_name)).parents


@pytest.mark.django_db
def test_spoofed_extension_is_rejected_and_nothing_is_saved(domain, place):
    fake = SimpleUploadedFile("brief.pdf", b"MZ\x90\x00 this is a program")
    with pytest.raises(ValidationError) as error:
        ask(domain, place, files=[fake])
    assert "brief.pdf" in str(error.value)
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_oversize_and_too_many_files_are_rejected(domain, place, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("groot.pdf", PDF_BYTES + b"0" * 2048)
    with pytest.raises(ValidationError, match="groot.pdf"):
        ask(domain, place, files=[big])
    settings.ATTACHMENT_MAX_FILES = 2
    files = [SimpleUploadedFile(f"{n}.pdf", PDF_BYTES) for n in range(3)]
    with pytest.raises(ValidationError):
        ask(domain, place, files=files)


def test_file_names_are_cleaned_but_keep_their_script():
    assert clean_file_name("C:\\Users\\x\\رسالة.pdf") == "رسالة.pdf"
    assert clean_file_name("../../etc/passwd") == "passwd"
    assert clean_file_name("a\x00b<>.pdf") == "ab_.pdf"
    assert clean_file_name("...") == "file"


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown(
        "**vet** [link](https://example.org) <script>alert(1)</script>"
        " [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<strong>vet</strong>" in html
    assert 'href="https://example.org"' in html and "noopener" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


@pytest.mark.django_db
def test_the_municipality_decides_the_region(domain, place):
    elsewhere = Region.objects.create(name="Brussel", slug="brussel")
    question = ask(domain, place, region=elsewhere).question
    assert question.region == place.region
    assert ask(domain, None, municipality=None, region=elsewhere).question.region == elsewhere


@pytest.mark.django_db
def test_status_rule_uses_the_current_row_not_a_stale_copy(domain, place):
    question = ask(domain, place).question
    stale = Question.objects.get(pk=question.pk)
    lifecycle.close(question, Outcome.ANSWERED, actor=None)  # staff close with an outcome
    with pytest.raises(lifecycle.InvalidTransition):
        lifecycle.change_status(stale, Status.ANSWERED, actor_kind="staff")  # stale says "new"
    question.refresh_from_db()
    assert question.status == Status.CLOSED
