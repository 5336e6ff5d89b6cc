"""Issue 21, defects 7 and 8: refused uploads write nothing, and no file outlives its row.

A request refused as a whole (more files than a message may carry, the rate limit) keeps no
file; a client keeps only a few files between attempts; a transaction that rolls back takes
its files with it; and the periodic sweep removes what a killed worker left: stored files
without a row, old kept uploads, upload temporary files.
"""

import os
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_q.models import Schedule

from backoffice.models import LegalDomain
from tests import factories
from tests.i18n import in_dutch_html
from tests.test_tickets_model import PDF_BYTES
from tickets import attachments, lifecycle
from tickets.attachments import private_storage
from tickets.intake import staging
from tickets.models import Attachment, Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    return factories.place("gent")


def pdfs(count):
    return [SimpleUploadedFile(f"brief{n}.pdf", PDF_BYTES) for n in range(count)]


def form(place, **overrides):
    data = {
        "legal_domain": LegalDomain.objects.get(slug="social-law").pk,
        "subject": "Leefloon geweigerd",
        "body": "Het OCMW weigert mijn leefloon.",
        "contact_language": "nl",
        "municipality": place.pk,
        "processing_consent": "on",
        "submission_token": str(uuid.uuid4()),
        "website": "",
    }
    data.update(overrides)
    return data


def stored_files() -> list[str]:
    found = []
    for folder in ("", staging.FOLDER):
        if private_storage.exists(folder or "."):
            found += [folder + name for name in private_storage.listdir(folder)[1]]
    return found


def age(name: str, seconds: int) -> None:
    old = time.time() - seconds
    os.utime(private_storage.path(name), (old, old))


@pytest.mark.parametrize("subject", ["Leefloon geweigerd", ""])  # a valid form, and one not
def test_too_many_files_write_nothing(client, place, subject):
    response = client.post("/nl/ask/", form(place, subject=subject, files=pdfs(8)))
    assert response.status_code == 400
    assert "5" in response.content.decode()
    assert stored_files() == []
    assert not Question.objects.exists()


def test_a_rate_limited_request_writes_nothing(client, place, settings):
    settings.INTAKE_LIMIT_PER_HOUR = 0
    response = client.post("/nl/ask/", form(place, files=pdfs(2)))
    assert response.status_code == 400
    assert stored_files() == []


def test_a_form_error_keeps_the_files_within_the_clients_quota(place, settings):
    from django.test import Client

    settings.STAGING_FILES_PER_HOUR = 3
    first = Client().post("/nl/ask/", form(place, subject="", files=pdfs(2)))
    assert first.status_code == 400 and len(stored_files()) == 2  # kept for the next attempt
    second = Client().post("/nl/ask/", form(place, subject="", files=pdfs(2)))  # new session
    assert len(stored_files()) == 3
    refusal = in_dutch_html(
        "We cannot keep more files from this connection for now. Choose your files again when "
        "you send the form."
    )
    assert refusal[:30] in second.content.decode()
    Client().post("/nl/ask/", form(place, subject="", files=pdfs(2)))
    assert len(stored_files()) == 3  # the same connection keeps no more this hour


def test_kept_uploads_go_after_a_short_time(client, place, settings):
    client.post("/nl/ask/", form(place, subject="", files=pdfs(1)))
    (name,) = stored_files()
    age(name, 60 * settings.STAGING_KEEP_MINUTES - 60)
    assert staging.purge_abandoned() == 0
    age(name, 60 * settings.STAGING_KEEP_MINUTES + 60)
    assert staging.purge_abandoned() == 1
    assert settings.STAGING_KEEP_MINUTES <= 180  # hours, not a day
    schedule = Schedule.objects.get(func="tickets.intake.staging.purge_abandoned")
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes <= 30


def test_a_transaction_that_rolls_back_takes_its_files_with_it(place, monkeypatch):
    def crash(*args, **kwargs):  # the last step of the service fails, after the files
        raise RuntimeError("crash after the attachments were written")

    monkeypatch.setattr(lifecycle, "record_event", crash)
    with pytest.raises(RuntimeError):
        factories.question(
            domain="social-law",
            subject="Brief",
            body="Wat betekent deze brief?",
            municipality=place,
            files=pdfs(2),
        )
    assert not Question.objects.exists()
    assert stored_files() == []


def test_the_sweep_removes_files_without_a_row(place, settings):
    question = factories.question(
        domain="social-law",
        subject="Brief",
        body="Wat betekent deze brief?",
        municipality=place,
        files=pdfs(1),
    )
    kept = Attachment.objects.get(question=question).stored_name
    # What a worker killed between writing a file and committing its row leaves behind:
    (checked,) = attachments.check_uploads(pdfs(1))
    orphan = attachments.store(checked)["stored_name"]
    (checked,) = attachments.check_uploads(pdfs(1))
    young_orphan = attachments.store(checked)["stored_name"]
    document = private_storage.save("documents/1.docx", SimpleUploadedFile("d", b"PK"))
    temp_dir = Path(django_settings.FILE_UPLOAD_TEMP_DIR)
    left_upload = temp_dir / "tmpwegwijs-left.upload.pdf"
    left_upload.write_bytes(PDF_BYTES)
    hour_and_more = 60 * settings.ORPHAN_FILE_MINUTES + 60
    for name in (kept, orphan, document):
        age(name, hour_and_more)
    os.utime(left_upload, (time.time() - hour_and_more,) * 2)

    assert attachments.sweep_orphans() == 2
    assert private_storage.exists(kept) and private_storage.exists(document)
    assert private_storage.exists(young_orphan)  # maybe a transaction still running
    assert not private_storage.exists(orphan) and not left_upload.exists()
    assert Schedule.objects.filter(func="tickets.attachments.sweep_orphans").exists()


def test_upload_temporary_files_are_in_the_projects_var_folder():
    temp_dir = Path(django_settings.FILE_UPLOAD_TEMP_DIR)
    assert temp_dir.is_dir()
    assert Path(django_settings.VAR_DIR) in temp_dir.parents
