"""Professionals: consults about clients, seen only by their author (or organisation)."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backoffice import roles
from backoffice.models import LegalDomain
from tests import factories
from tests.conftest import make_user
from tests.test_tickets_model import PDF_BYTES
from tickets import lifecycle
from tickets.models import Attachment, Consent, Question


@pytest.fixture
def world(db):
    antwerpen, gent = factories.regions("antwerpen", "gent").values()
    city = antwerpen.municipalities.get()
    ocmw = factories.organisation(city, "OCMW Antwerpen", kind="ocmw")
    caw = factories.organisation(city, "CAW Antwerpen", kind="caw")
    people = {}
    for name, organisation in [("olga", ocmw), ("otto", ocmw), ("carl", caw)]:
        people[name] = make_user(roles.PROFESSIONAL, name, organisation=organisation)
    specialist = make_user(roles.SPECIALIST, "sam", regions=[antwerpen])
    other_specialist = make_user(roles.SPECIALIST, "gina", regions=[gent])
    people.update(sam=specialist, gina=other_specialist)
    return {"city": city, "ocmw": ocmw, "people": people}


def consult_data(world, **overrides):
    data = {
        "client_pseudonym": "gezin A, 3 kinderen",
        "legal_domain": LegalDomain.objects.get(slug="family-ipr").pk,
        "subject": "Erkenning huwelijk",
        "body": "Huwelijk in het buitenland gesloten, wordt het erkend?",
        "contact_language": "nl",
        "municipality": world["city"].pk,
        "client_consent": "on",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_professional_sends_a_consult_with_client_consent(client, world):
    client.force_login(world["people"]["olga"])
    upload = SimpleUploadedFile("akte.pdf", PDF_BYTES)
    response = client.post("/nl/pro/new/", consult_data(world, files=[upload]), follow=True)
    assert response.status_code == 200
    question = Question.objects.get()
    assert question.professional == world["people"]["olga"]
    assert question.organisation == world["ocmw"]
    assert question.client_pseudonym == "gezin A, 3 kinderen"
    assert question.access_code_hash == ""
    assert set(Consent.objects.values_list("purpose", flat=True)) == {"processing", "client"}
    assert question.reference in client.get("/nl/pro/").content.decode()


@pytest.mark.django_db
def test_consult_needs_client_consent(client, world):
    client.force_login(world["people"]["olga"])
    data = consult_data(world)
    del data["client_consent"]
    response = client.post("/nl/pro/new/", data)
    assert response.status_code == 400
    assert "gezin A, 3 kinderen" in response.content.decode()
    assert not Question.objects.exists()


def _consult_by(world, name):
    return factories.question(
        subject="s",
        body="b",
        municipality=world["city"],
        professional=world["people"][name],
        client_pseudonym="x",
        client_consent=True,
        files=[SimpleUploadedFile("a.pdf", PDF_BYTES)],
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "shares", "sees"),
    [
        ("olga", False, True),  # the author
        ("otto", False, False),  # a colleague, organisation does not share
        ("otto", True, True),  # a colleague, organisation shares
        ("carl", True, False),  # another organisation, never
    ],
)
def test_who_sees_a_consult(client, world, viewer, shares, sees):
    world["ocmw"].shares_consults = shares
    world["ocmw"].save()
    question = _consult_by(world, "olga")
    attachment = Attachment.objects.get(question=question)
    client.force_login(world["people"][viewer])
    page = client.get(f"/nl/pro/{question.reference}/")
    listing = client.get("/nl/pro/").content.decode()
    download = client.get(f"/nl/files/{attachment.pk}/")
    assert (page.status_code == 200) is sees
    assert (question.reference in listing) is sees
    assert (download.status_code == 200) is sees


@pytest.mark.django_db
def test_professional_never_sees_a_newcomers_question(client, world):
    newcomer = factories.question(
        subject="s",
        body="b",
        contact_language="ar",
        municipality=world["city"],
        files=[SimpleUploadedFile("a.pdf", PDF_BYTES)],
    )
    client.force_login(world["people"]["olga"])
    assert client.get(f"/nl/pro/{newcomer.reference}/").status_code == 404
    assert client.get(f"/nl/follow-up/{newcomer.reference}/").status_code == 302
    assert client.get(f"/nl/files/{newcomer.attachments.get().pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "allowed"), [("sam", True), ("gina", False)])
def test_staff_download_follows_the_region(client, world, viewer, allowed):
    question = _consult_by(world, "olga")
    attachment = Attachment.objects.get(question=question)
    client.force_login(world["people"][viewer])
    assert (client.get(f"/nl/files/{attachment.pk}/").status_code == 200) is allowed


@pytest.mark.django_db
def test_internal_note_files_are_for_staff_only(client, world):
    question = _consult_by(world, "olga")
    note = lifecycle.add_message(
        question,
        body="intern",
        author_kind="staff",
        internal=True,
        author=world["people"]["sam"],
        files=[SimpleUploadedFile("n.pdf", PDF_BYTES)],
    )
    attachment = note.attachments.get()
    client.force_login(world["people"]["olga"])
    assert client.get(f"/nl/files/{attachment.pk}/").status_code == 404
    assert "intern" not in client.get(f"/nl/pro/{question.reference}/").content.decode()
    client.force_login(world["people"]["sam"])
    assert client.get(f"/nl/files/{attachment.pk}/").status_code == 200


@pytest.mark.django_db
def test_demo_data_holds_realistic_questions_and_is_idempotent(monkeypatch):
    from django.core.management import call_command

    from demo import knowledge_base as knowledge_demo
    from tests.test_knowledge import DATA

    # Four articles are enough for the questions (the whole content's import is what
    # tests/test_relevance.py seeds and searches): the import was most of this test's time.
    monkeypatch.setattr(knowledge_demo, "CONTENT_DIR", DATA)
    call_command("seed_demo", "--force", verbosity=0)
    call_command("seed_demo", "--force", verbosity=0)
    questions = Question.objects.all()
    assert questions.count() == 24
    assert {q.contact_language for q in questions} >= {"nl", "fr", "en", "ar", "uk", "ti"}
    assert len({q.legal_domain_id for q in questions}) == 8
    assert questions.filter(requester_kind="professional").count() >= 4
    assert questions.filter(status="answered").exists() and questions.filter(status="new").exists()
