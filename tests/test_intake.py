"""The newcomer's intake and follow-up, through the real views."""

import re
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from backoffice.models import AuditEvent, LegalDomain, Municipality, Region
from tests.test_tickets_model import PDF_BYTES
from tickets.models import Attachment, Question, SignInLink, Status
from tickets.notifications import hash_link_token

CODE = re.compile(r'class="access-code">([A-Z-]+)<')
REFERENCE = re.compile(r'class="reference">(WW-\d{4}-\d{6})<')


@pytest.fixture
def place(db):
    region = Region.objects.create(name="Gent", slug="gent")
    return Municipality.objects.create(name="Gent", postcode="9000", region=region)


def form_data(place, **overrides):
    data = {
        "legal_domain": LegalDomain.objects.get(slug="social-law").pk,
        "subject": "Leefloon geweigerd",
        "body": "Het OCMW weigert mijn leefloon. Wat kan ik doen?",
        "contact_language": "ar",
        "municipality": place.pk,
        "processing_consent": "on",
        "submission_token": str(uuid.uuid4()),
        "email": "",
        "phone": "",
        "website": "",
    }
    data.update(overrides)
    return data


def ask(client, place, language="nl", **overrides):
    return client.post(f"/{language}/ask/", form_data(place, **overrides), follow=True)


@pytest.mark.django_db
def test_newcomer_asks_and_gets_reference_and_code_once(client, place):
    upload = SimpleUploadedFile("brief.pdf", PDF_BYTES, content_type="application/pdf")
    response = ask(client, place, language="ar", files=[upload])
    html = response.content.decode()
    assert response.status_code == 200
    reference = REFERENCE.search(html).group(1)
    code = CODE.search(html).group(1)
    question = Question.objects.get(reference=reference)
    assert question.status == Status.NEW and question.region.slug == "gent"
    assert question.attachments.get().content_type == "application/pdf"
    assert code not in question.access_code_hash
    again = client.get("/ar/ask/done/").content.decode()
    assert code not in again  # shown once


@pytest.mark.django_db
def test_errors_keep_what_was_typed_and_uploaded(client, place):
    upload = SimpleUploadedFile("brief.pdf", PDF_BYTES)
    response = client.post("/fr/ask/", form_data(place, subject="", files=[upload]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Het OCMW weigert mijn leefloon" in html  # the body is still there
    assert 'role="alert"' in html
    assert "brief.pdf" in html and 'name="kept_files"' in html
    token = re.search(r'name="kept_files" value="([^"]+)"', html).group(1)
    data = form_data(place, kept_files=[token])
    response = client.post("/fr/ask/", data, follow=True)
    assert response.status_code == 200
    question = Question.objects.get()
    assert question.attachments.get().original_name == "brief.pdf"


@pytest.mark.django_db
def test_spoofed_upload_is_refused_with_a_message_in_the_visitors_language(client, place):
    fake = SimpleUploadedFile("brief.pdf", b"MZ\x90\x00not a pdf")
    response = client.post("/nl/ask/", form_data(place, files=[fake]))
    assert response.status_code == 400
    assert "brief.pdf" in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_consent_is_required(client, place):
    data = form_data(place)
    del data["processing_consent"]
    response = client.post("/nl/ask/", data)
    assert response.status_code == 400
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_double_submit_creates_one_question(client, place):
    data = form_data(place)
    first = client.post("/nl/ask/", data)
    second = client.post("/nl/ask/", data)
    assert first.status_code == second.status_code == 302
    assert Question.objects.count() == 1


@pytest.mark.django_db
def test_honeypot_and_rate_limit(client, place, settings):
    assert ask(client, place, website="http://spam.example").status_code == 400
    assert not Question.objects.exists()
    settings.INTAKE_LIMIT_PER_HOUR = 2
    for _ in range(2):
        ask(client, place)
    response = client.post("/nl/ask/", form_data(place))
    assert response.status_code == 400
    assert Question.objects.count() == 2


@pytest.mark.django_db
def test_a_question_the_service_refused_still_counts_towards_the_limit(client, place, settings):
    """The limit counts attempts, also those refused afterwards (here an upload that is not
    what its name says): the count is its own transaction, kept when the question's rolls
    back. An abuser sending forms that are refused is limited like one whose forms pass."""
    settings.INTAKE_LIMIT_PER_HOUR = 1
    fake = SimpleUploadedFile("brief.pdf", b"MZ\x90\x00not a pdf")
    refused = client.post("/nl/ask/", form_data(place, files=[fake]))
    assert refused.status_code == 400 and "brief.pdf" in refused.content.decode()
    response = client.post("/en/ask/", form_data(place))
    assert response.status_code == 400
    assert "Many questions were sent from this connection" in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_follow_up_with_code_reply_and_generic_errors(client, place):
    html = ask(client, place).content.decode()
    reference, code = REFERENCE.search(html).group(1), CODE.search(html).group(1)
    other = client_class_new_session(client)
    wrong = other.post("/nl/follow-up/", {"reference": reference, "code": "AAAA-AAAA"})
    unknown = other.post("/nl/follow-up/", {"reference": "WW-2026-999999", "code": code})
    message = "komen niet overeen"
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.content.decode().count(message) == unknown.content.decode().count(message) >= 1
    assert other.get(f"/nl/follow-up/{reference}/").status_code == 302  # not opened yet
    opened = other.post(
        "/nl/follow-up/", {"reference": reference.lower(), "code": code.lower()}, follow=True
    )
    assert opened.status_code == 200 and reference in opened.content.decode()
    other.post(f"/nl/follow-up/{reference}/", {"action": "reply", "body": "Nog een brief."})
    question = Question.objects.get(reference=reference)
    assert question.messages.get().body == "Nog een brief."
    assert AuditEvent.objects.filter(action="question.requester_open").exists()


def client_class_new_session(client):
    from django.test import Client

    return Client()


@pytest.mark.django_db
def test_follow_up_is_rate_limited(client, place, settings):
    settings.FOLLOW_UP_ATTEMPTS_PER_15_MIN = 3
    for _ in range(3):
        client.post("/nl/follow-up/", {"reference": "WW-2026-000001", "code": "X"})
    response = client.post("/nl/follow-up/", {"reference": "WW-2026-000001", "code": "X"})
    assert response.status_code == 429


@pytest.mark.django_db
def test_email_holds_only_a_link_and_the_link_opens_the_question(
    client, place, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, place, email="amal@example.org", body="Zeer persoonlijke details hier.")
    question = Question.objects.get()
    requester_mail = next(m for m in mail.outbox if m.to == ["amal@example.org"])
    assert "Zeer persoonlijke" not in requester_mail.body
    assert "Leefloon" not in requester_mail.body and "Leefloon" not in requester_mail.subject
    token = re.search(r"#link=([A-Za-z0-9_-]+)", requester_mail.body).group(1)
    assert SignInLink.objects.get(question=question).token_hash == hash_link_token(token)
    fresh = client_class_new_session(client)
    response = fresh.post("/ar/follow-up/", {"link": token}, follow=True)
    assert response.status_code == 200 and question.reference in response.content.decode()


@pytest.mark.django_db
def test_newcomer_cannot_reach_another_newcomers_question_or_files(client, place):
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES)
    html = ask(client, place, files=[upload]).content.decode()
    reference_a = REFERENCE.search(html).group(1)
    attachment = Attachment.objects.get()
    assert client.get(f"/nl/files/{attachment.pk}/").status_code == 200
    other = client_class_new_session(client)
    ask(other, place)
    assert other.get(f"/nl/follow-up/{reference_a}/").status_code == 302
    assert other.get(f"/nl/files/{attachment.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="attachment.download").count() == 1


@pytest.mark.django_db
def test_requester_marks_solved_and_says_whether_it_helped(client, place):
    from tickets import lifecycle

    html = ask(client, place).content.decode()
    reference = REFERENCE.search(html).group(1)
    lifecycle.add_message(
        Question.objects.get(reference=reference), body="Ons antwoord.", author_kind="staff"
    )
    client.post(f"/nl/follow-up/{reference}/", {"action": "helpful"})
    client.post(f"/nl/follow-up/{reference}/", {"action": "solved"})
    question = Question.objects.get(reference=reference)
    assert question.helpful is True
    assert question.status == Status.CLOSED
    assert AuditEvent.objects.filter(action="question.feedback").exists()


@pytest.mark.django_db
def test_abandoned_kept_uploads_are_purged(client, place):
    import os
    import time

    from django_q.models import Schedule

    from tickets.attachments import private_storage
    from tickets.intake import staging

    client.post(
        "/nl/ask/", form_data(place, subject="", files=[SimpleUploadedFile("brief.pdf", PDF_BYTES)])
    )
    (name,) = private_storage.listdir(staging.FOLDER)[1]
    assert staging.purge_abandoned() == 0  # still fresh
    old = time.time() - 2 * 24 * 3600
    os.utime(private_storage.path(staging.FOLDER + name), (old, old))
    assert staging.purge_abandoned() == 1
    assert Schedule.objects.filter(func="tickets.intake.staging.purge_abandoned").exists()


@pytest.mark.django_db
def test_lost_code_answers_the_same_and_mails_only_a_matching_address(
    client, place, mailoutbox, django_capture_on_commit_callbacks
):
    html = ask(client, place, email="amal@example.org").content.decode()
    reference = REFERENCE.search(html).group(1)
    mailoutbox.clear()
    answers = []
    for ref, email in [
        (reference, "AMAL@example.org"),
        (reference, "x@example.org"),
        ("WW-2026-999999", "amal@example.org"),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/nl/follow-up/lost-code/", {"reference": ref, "email": email})
        answers.append((response.status_code, response.content.decode().count('role="status"')))
    assert answers[0] == answers[1] == answers[2] == (200, 1)
    assert [m.to for m in mailoutbox] == [["amal@example.org"]]
    assert "#link=" in mailoutbox[0].body


@pytest.mark.django_db
def test_requester_never_sees_internal_notes(client, place):
    from tickets import lifecycle

    html = ask(client, place).content.decode()
    reference = REFERENCE.search(html).group(1)
    question = Question.objects.get(reference=reference)
    lifecycle.add_message(
        question, body="Interne afweging: dossier zwak.", author_kind="staff", internal=True
    )
    lifecycle.add_message(question, body="Publiek antwoord hier.", author_kind="staff")
    page = client.get(f"/nl/follow-up/{reference}/").content.decode()
    assert "Publiek antwoord hier." in page
    assert "Interne afweging" not in page


@pytest.mark.django_db
def test_opening_a_question_gives_a_new_session_key(client, place):
    html = ask(client, place).content.decode()
    reference, code = REFERENCE.search(html).group(1), CODE.search(html).group(1)
    visitor = client_class_new_session(client)
    visitor.get("/nl/follow-up/")
    visitor.session.save()
    before = visitor.session.session_key
    visitor.post("/nl/follow-up/", {"reference": reference, "code": code})
    assert visitor.session.session_key != before
