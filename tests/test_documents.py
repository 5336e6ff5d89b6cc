"""Documents (answer letter, case file, the requester's dossier) and handover."""

import io
from datetime import timedelta

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx.oxml.ns import qn
from wagtail.images.models import Image

from backoffice import roles
from backoffice.models import AuditEvent, Municipality
from demo.questions import logo_png
from tests import factories
from tests.conftest import make_user
from tests.i18n import in_dutch
from tests.test_tickets_model import PDF_BYTES
from tickets import lifecycle
from tickets.consent_texts import HANDOVER_CLIENT_TEXT
from tickets.documents import handover, jobs
from tickets.documents.docx_html import prepare_document, write_markdown
from tickets.models import Consent, GeneratedDocument, Handover, Letterhead, Message, Status

ANSWER = (
    "## Wat moet u doen?\n\n"
    "U moet **binnen 30 dagen** *beroep* aantekenen bij de "
    "[Raad voor Vreemdelingenbetwistingen](https://www.rvv-cce.be/).\n\n"
    "1. Verzamel de brief.\n"
    "2. Lees [ons artikel over beroep](/nl/kennisbank/beroep-aantekenen/).\n\n"
    "- Neem uw verblijfskaart mee.\n"
    "- Vraag een tolk.\n\n"
    "1. Opnieuw één.\n"
)
ARABIC_ANSWER = "## ماذا تفعل؟\n\nيجب عليك تقديم **طعن** خلال ثلاثين يومًا.\n\n- أحضر الرسالة."


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = "https://wegwijs.example"
    antwerpen, gent = factories.regions("antwerpen", "gent").values()
    antwerpen.address = "Kerkstraat 1"
    antwerpen.save()
    places = {"antwerpen": antwerpen.municipalities.get(), "gent": gent.municipalities.get()}
    logo = Image.objects.create(
        title="Logo",
        file=ImageFile(io.BytesIO(logo_png("Antwerpen", (0, 94, 130))), name="logo.png"),
    )
    Letterhead.objects.create(
        region=antwerpen,
        name="Wegwijs – juridisch steunpunt Antwerpen",
        address="Kerkstraat 1\n2000 Antwerpen",
        phone="03 123 45 67",
        logo=logo,
    )
    sam = make_user(roles.SPECIALIST, "sam", regions=[antwerpen])
    sam.first_name, sam.last_name = "Samira", "El Amrani"
    sam.save()
    gina = make_user(roles.SPECIALIST, "gina", regions=[gent])

    # English by default: the fixed texts asserted below stay the same once the integrator
    # translates the catalogues.
    def ask(language="en", place="antwerpen", professional=None):
        return factories.new_question(
            subject="Bevel om het grondgebied te verlaten",
            body="Ik kreeg een bijlage 13quinquies. Wat nu?",
            contact_language=language,
            municipality=places[place],
            professional=professional,
            client_pseudonym="cliënt A" if professional else "",
            client_consent=bool(professional),
            email="person@example.org",
            files=[SimpleUploadedFile("brief.pdf", PDF_BYTES)],
        )

    created = ask()
    question = created.question
    lifecycle.add_message(
        question, body="Interne notitie: termijn loopt.", author_kind="staff", author=sam,
        internal=True,
    )  # fmt: skip
    lifecycle.add_message(question, body=ANSWER, author_kind="staff", author=sam)
    return {
        "antwerpen": antwerpen,
        "gent": gent,
        "sam": sam,
        "gina": gina,
        "question": question,
        "code": created.access_code,
        "ask": ask,
    }


def reopen(content: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(content))


def body_text(document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def download(client, response) -> docx.Document:
    assert response.status_code == 302, response.status_code
    file_response = client.get(response["Location"])
    assert file_response.status_code == 200
    assert file_response["Content-Disposition"].startswith("attachment")
    return reopen(b"".join(file_response.streaming_content))


def open_follow_up(client, world, question=None, code=None):
    question = question or world["question"]
    response = client.post(
        "/nl/follow-up/", {"reference": question.reference, "code": code or world["code"]}
    )
    assert response.status_code == 302


# --- Markdown → DOCX -----------------------------------------------------------------------


def test_markdown_constructs_map_to_word_styles_runs_and_hyperlinks():
    document = docx.Document()
    prepare_document(document, rtl=False, language="nl")
    writer = write_markdown(document, ANSWER, base_url="https://wegwijs.example/")
    document = reopen(_save(document))
    paragraphs = document.paragraphs
    styles = [(p.style.name, p.text) for p in paragraphs]
    assert styles[0] == ("Heading 2", "Wat moet u doen?")
    sentence = paragraphs[1]
    assert [(r.text, r.bold, r.italic) for r in sentence.runs if r.bold or r.italic] == [
        ("binnen 30 dagen", True, None),
        ("beroep", None, True),
    ]
    (link,) = sentence.hyperlinks
    assert (
        link.url == "https://www.rvv-cce.be/" and link.text == "Raad voor Vreemdelingenbetwistingen"
    )
    assert [name for name, _ in styles[2:]] == [
        "List Number", "List Number", "List Bullet", "List Bullet", "List Number",
    ]  # fmt: skip
    # Relative links become absolute; each numbered list starts at 1 (its own numbering).
    assert (
        paragraphs[3].hyperlinks[0].url
        == "https://wegwijs.example/nl/kennisbank/beroep-aantekenen/"
    )
    num_ids = [_num_id(paragraphs[2]), _num_id(paragraphs[3]), _num_id(paragraphs[6])]
    assert num_ids[0] == num_ids[1] != num_ids[2]
    assert ("ons artikel over beroep", paragraphs[3].hyperlinks[0].url) in writer.links


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _num_id(paragraph) -> str:
    return paragraph._p.pPr.numPr.numId.val


# --- answer letter -------------------------------------------------------------------------


@pytest.mark.django_db
def test_answer_letter_has_letterhead_question_answer_articles_and_disclaimer(client, world):
    question = world["question"]
    client.force_login(world["sam"])
    letter = download(client, client.post(f"/admin/questions/{question.pk}/letter/"))
    header = world_header(letter)
    assert "Wegwijs – juridisch steunpunt Antwerpen" in header
    assert "2000 Antwerpen" in header and "03 123 45 67" in header
    assert letter.sections[0].header._element.xml.count("<pic:pic") == 1  # the logo
    text = body_text(letter)
    assert question.reference in text
    assert "Bevel om het grondgebied te verlaten" in text
    assert "Wat moet u doen?" in text and "binnen 30 dagen" in text
    assert "Interne notitie" not in text
    headings = [p.text for p in letter.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == ["Answer to your question", "Your question", "Our answer",
                            "Wat moet u doen?"]  # fmt: skip
    # Only the link to the site's own article is listed as an article.
    articles = _section(letter, "Articles we referred to")
    assert len(articles) == 1
    assert articles[0].hyperlinks[0].url == (
        "https://wegwijs.example/nl/kennisbank/beroep-aantekenen/"
    )
    assert "It is not a decision of an authority" in text
    assert "Samira El Amrani" in text
    events = AuditEvent.objects.filter(target_id=str(question.pk))
    assert events.filter(action="document.letter", actor=world["sam"]).exists()
    assert events.filter(action="document.download", actor=world["sam"]).exists()


def world_header(document) -> str:
    return "\n".join(p.text for p in document.sections[0].header.paragraphs)


def _section(document, heading: str) -> list:
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == heading)
    found = []
    for paragraph in paragraphs[start + 1 :]:
        if paragraph.style.name != "List Bullet":
            break
        found.append(paragraph)
    return found


@pytest.mark.django_db
def test_arabic_letter_is_right_to_left_with_an_arabic_font(client, world):
    question = world["ask"]("ar").question
    lifecycle.add_message(question, body=ARABIC_ANSWER, author_kind="staff", author=world["sam"])
    client.force_login(world["sam"])
    letter = download(client, client.post(f"/admin/questions/{question.pk}/letter/"))
    assert letter.core_properties.language == "ar"

    def is_bidi(paragraph):
        return paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("w:bidi")) is not None

    # Every paragraph is right-to-left except what the requester wrote in Dutch (the direction
    # of written text follows its first strong character, like dir="auto").
    left_to_right = [p.text for p in letter.paragraphs if not is_bidi(p)]
    assert left_to_right == [question.subject, question.body]
    bidi = [p for p in letter.paragraphs if is_bidi(p)]
    arabic = next(p for p in letter.paragraphs if "طعن" in p.text)
    assert is_bidi(arabic) and len(bidi) > 5
    assert all(run.font.rtl for run in arabic.runs)
    fonts = letter.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:cs")) == "Noto Naskh Arabic"


@pytest.mark.django_db
def test_dutch_letter_keeps_an_arabic_subject_right_to_left_and_the_rest_left_to_right(
    client, world
):
    question = world["ask"]("ti").question  # Tigrinya: no interface language → Dutch letter
    question.subject = "لمّ شمل"
    question.save()
    lifecycle.add_message(question, body="Antwoord.", author_kind="staff", author=world["sam"])
    client.force_login(world["sam"])
    letter = download(client, client.post(f"/admin/questions/{question.pk}/letter/"))
    assert letter.core_properties.language == "nl"
    subject = next(p for p in letter.paragraphs if "لمّ شمل" in p.text)
    answer = next(p for p in letter.paragraphs if p.text == "Antwoord.")
    assert subject._p.pPr.find(qn("w:bidi")) is not None
    assert answer._p.pPr is None or answer._p.pPr.find(qn("w:bidi")) is None


@pytest.mark.django_db
def test_no_letter_without_a_public_answer(client, world):
    question = world["ask"]().question
    client.force_login(world["sam"])
    response = client.post(f"/admin/questions/{question.pk}/letter/")
    assert response.status_code == 302 and "/workspace/" in response["Location"]
    assert not GeneratedDocument.objects.filter(question=question).exists()


# --- case file and dossier -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("include_internal", [False, True])
def test_case_file_internal_notes_only_when_ticked_and_audited(client, world, include_internal):
    question = world["question"]
    client.force_login(world["sam"])
    data = {"language": "en", **({"include_internal": "1"} if include_internal else {})}
    case = download(client, client.post(f"/admin/questions/{question.pk}/case-file/", data))
    text = body_text(case)
    assert ("Interne notitie: termijn loopt." in text) is include_internal
    assert "binnen 30 dagen" in text
    # Question data, timeline, files with checksums, consents.
    attachment = question.attachments.get()
    assert attachment.sha256 in text and "brief.pdf" in text
    assert "person@example.org" in text
    assert "Status: New → Answered" in text
    assert "Processing of the question" in text
    headings = [p.text for p in case.paragraphs if p.style.name == "Heading 2"]
    for heading in ("Question", "Timeline", "Messages", "Files", "Consent", "Handovers"):
        assert heading in headings
    event = AuditEvent.objects.get(action="document.case_file", target_id=str(question.pk))
    assert event.details["include_internal"] is include_internal


@pytest.mark.django_db
def test_newcomer_downloads_their_dossier_without_internal_notes(client, world):
    question = world["question"]
    url = f"/nl/follow-up/{question.reference}/dossier/"
    assert client.post(url).status_code == 404  # not opened in this session
    open_follow_up(client, world)
    page = client.get(f"/nl/follow-up/{question.reference}/").content.decode()
    assert url in page
    dossier = download(client, client.post(url))
    text = body_text(dossier)
    assert "Your dossier" in text and "binnen 30 dagen" in text
    assert "Interne notitie" not in text and "sam" not in text.split()
    assert "Wegwijs – juridisch steunpunt Antwerpen" in world_header(dossier)
    assert AuditEvent.objects.filter(
        action="document.dossier", actor_label="requester", target_id=str(question.pk)
    ).exists()


@pytest.mark.django_db
def test_dossier_is_in_the_requesters_language_when_the_interface_has_it(client, world):
    created = world["ask"]("ar")
    open_follow_up(client, world, created.question, created.access_code)
    dossier = download(client, client.post(f"/nl/follow-up/{created.question.reference}/dossier/"))
    assert dossier.core_properties.language == "ar"


@pytest.mark.django_db
def test_professional_downloads_the_dossier_of_their_consult(client, world):
    pro = make_user(roles.PROFESSIONAL, "olga")
    other = make_user(roles.PROFESSIONAL, "otto")
    question = world["ask"](professional=pro).question
    client.force_login(other)
    assert client.post(f"/nl/pro/{question.reference}/dossier/").status_code == 404
    client.force_login(pro)
    dossier = download(client, client.post(f"/nl/pro/{question.reference}/dossier/"))
    assert "cliënt A" in body_text(dossier)
    document = GeneratedDocument.objects.get(question=question)
    client.force_login(other)
    assert client.get(f"/nl/downloads/{document.pk}/file/").status_code == 404


@pytest.mark.django_db
def test_big_case_files_are_made_by_the_worker_with_a_status_page(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.DOCUMENT_WORKER_THRESHOLD = 1
    question = world["question"]
    lifecycle.add_message(question, body="Dank u.", author_kind="requester")
    client.force_login(world["sam"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/admin/questions/{question.pk}/case-file/")
    document = GeneratedDocument.objects.get(question=question)
    assert response["Location"] == f"/admin/questions/documents/{document.pk}/"
    waiting = client.get(response["Location"]).content.decode()
    assert document.state == "queued" and 'http-equiv="refresh"' in waiting
    for callback in callbacks:  # the commit hands the task to django-q2 (synchronous in tests)
        callback()
    document.refresh_from_db()
    assert document.state == "done" and document.progress == 100
    ready = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in ready
    assert f"/admin/questions/documents/{document.pk}/file/" in ready


@pytest.mark.django_db
def test_generated_files_are_deleted_after_the_retention_days(client, world, settings):
    from tickets.attachments import private_storage

    client.force_login(world["sam"])
    client.post(f"/admin/questions/{world['question'].pk}/letter/")
    document = GeneratedDocument.objects.get()
    assert private_storage.exists(document.stored_name)
    assert jobs.purge_expired() == 0
    GeneratedDocument.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert jobs.purge_expired() == 1
    assert not private_storage.exists(document.stored_name)


# --- handover ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_transfer_needs_consent(client, world):
    question = world["question"]
    client.force_login(world["sam"])
    url = f"/admin/questions/{question.pk}/handover/transfer/"
    response = client.post(url, {"region": world["gent"].pk})
    assert response.status_code == 302 and "/workspace/" in response["Location"]
    question.refresh_from_db()
    assert question.region == world["antwerpen"] and not Handover.objects.exists()


@pytest.mark.django_db
def test_requester_consents_and_the_question_moves_to_the_other_region(client, world, settings):
    question = world["question"]
    open_follow_up(client, world)
    client.post(f"/nl/follow-up/{question.reference}/handover-consent/", {"agree": "1"})
    consent = Consent.objects.get(question=question, purpose=Consent.Purpose.HANDOVER)
    assert consent.given_by == "requester" and consent.recorded_by is None

    sam, gina = world["sam"], world["gina"]
    client.force_login(sam)
    response = client.post(
        f"/admin/questions/{question.pk}/handover/transfer/",
        {"region": world["gent"].pk, "consent": consent.pk, "note": "Gezin verhuisd"},
    )
    assert response["Location"] == f"/admin/questions/{question.pk}/read-only/"
    question.refresh_from_db()
    assert question.region == world["gent"] and question.status == Status.OPEN
    handover_row = Handover.objects.get()
    assert (handover_row.kind, handover_row.from_region, handover_row.consent) == (
        "internal", world["antwerpen"], consent,
    )  # fmt: skip
    event = AuditEvent.objects.get(action="question.handover")
    assert event.details["to_region"] == world["gent"].pk and event.actor == sam

    # The receiving region sees the whole history, internal notes included.
    client.force_login(gina)
    workspace = client.get(f"/admin/questions/{question.pk}/workspace/").content.decode()
    assert "Interne notitie" in workspace and "binnen 30 dagen" in workspace

    # The sending region reads, and cannot write, export or hand over.
    client.force_login(sam)
    assert client.get(f"/admin/questions/{question.pk}/workspace/")["Location"].endswith(
        "/read-only/"
    )
    read_only = client.get(f"/admin/questions/{question.pk}/read-only/")
    assert read_only.status_code == 200 and "Interne notitie" in read_only.content.decode()
    assert 'method="post"' not in read_only.content.decode().split("nice-padding", 1)[1]
    assert question.reference in client.get("/admin/questions/handed-over/").content.decode()
    before = question.messages.count()
    client.post(f"/admin/questions/{question.pk}/workspace/", {"body": "Nog iets", "internal": "0"})
    assert question.messages.count() == before
    # (A 404 under /admin/ is answered by the language middleware with a redirect.)
    assert client.post(f"/admin/questions/{question.pk}/case-file/").status_code in (302, 404)
    assert client.post(f"/admin/questions/{question.pk}/letter/").status_code in (302, 404)
    assert not GeneratedDocument.objects.exists()

    # After HANDOVER_READ_ONLY_DAYS nothing is left.
    Handover.objects.update(
        at=timezone.now() - timedelta(days=settings.HANDOVER_READ_ONLY_DAYS + 1)
    )
    gone = client.get(f"/admin/questions/{question.pk}/read-only/")
    assert gone.status_code in (302, 404)
    assert "Interne notitie" not in gone.content.decode()
    assert question.reference not in client.get("/admin/questions/handed-over/").content.decode()


@pytest.mark.django_db
def test_consent_by_phone_needs_a_note_and_serves_one_external_handover(client, world):
    question = world["question"]
    client.force_login(world["sam"])
    consent_url = f"/admin/questions/{question.pk}/handover/consent/"
    client.post(consent_url, {"note": ""})
    assert not Consent.objects.filter(purpose=Consent.Purpose.HANDOVER).exists()
    client.post(consent_url, {"note": "Telefonisch op 3 maart, met tolk"})
    consent = Consent.objects.get(purpose=Consent.Purpose.HANDOVER)
    assert consent.recorded_by == world["sam"] and consent.given_by == "requester"
    assert AuditEvent.objects.filter(action="consent.handover", actor=world["sam"]).exists()

    url = f"/admin/questions/{question.pk}/handover/external/"
    data = {
        "recipient_name": "OCMW Gent, sociale dienst",
        "recipient_contact": "sociale.dienst@ocmw.example",
        "consent": consent.pk,
        "include_internal": "1",
        "language": "en",
    }
    case = download(client, client.post(url, data))
    text = body_text(case)
    assert "Handed over to OCMW Gent, sociale dienst." in text
    assert "Interne notitie" in text
    handover_row = Handover.objects.get()
    assert handover_row.kind == "external" and handover_row.include_internal
    document = GeneratedDocument.objects.get(handover=handover_row)
    assert document.include_internal
    question.refresh_from_db()
    assert question.region == world["antwerpen"]  # an outside handover keeps the question here
    # The same consent does not serve a second handover.
    client.post(url, {**data, "recipient_name": "Advocaat X"})
    assert Handover.objects.count() == 1
    # The requester sees to whom it went, in their dossier too (GDPR: recipients).
    client.logout()
    open_follow_up(client, world)
    page = client.get(f"/nl/follow-up/{question.reference}/").content.decode()
    assert "OCMW Gent, sociale dienst" in page


@pytest.mark.django_db
def test_professional_consents_for_their_client(client, world):
    pro = make_user(roles.PROFESSIONAL, "olga")
    city = Municipality.objects.get(name="Antwerpen")
    pro.profile.organisation = factories.organisation(city)
    pro.profile.save()
    question = world["ask"](professional=pro).question
    client.force_login(pro)
    page = client.get(f"/en/pro/{question.reference}/").content.decode()
    assert "My client agreed" not in page  # asked only once there is an answer
    lifecycle.add_message(question, body="A handover may help.", author_kind="staff")
    page = client.get(f"/en/pro/{question.reference}/").content.decode()
    assert "My client agreed" in page
    client.post(f"/nl/pro/{question.reference}/handover-consent/", {"agree": "1"})
    consent = Consent.objects.get(question=question, purpose=Consent.Purpose.HANDOVER)
    assert consent.given_by == "professional" and consent.text == in_dutch(HANDOVER_CLIENT_TEXT)
    with pytest.raises(ValidationError):  # a requester cannot consent for a pro's client
        handover.record_consent(question, given_by=Message.AuthorKind.REQUESTER)


# --- access matrix of every export and transfer --------------------------------------------

ROLES = ["anonymous", "professional", "specialist", "other-specialist", "editor",
         "coordinator", "superuser"]  # fmt: skip
# Who may do what, on a question of Antwerpen; "specialist" works in Antwerpen.
STAFF_ACTION = {"specialist", "superuser"}
ADMIN_POSTS = {
    "letter/": {},
    "case-file/": {},
    "handover/consent/": {"note": "Telefonisch"},
    "handover/transfer/": {"region": "gent", "consent": "consent"},
    "handover/external/": {"recipient_name": "OCMW Gent", "consent": "consent"},
}


def _user(role, world):
    if role == "anonymous":
        return None
    if role == "specialist":
        return world["sam"]
    if role == "other-specialist":
        return world["gina"]
    return make_user(role, f"{role}-matrix", regions=[world["antwerpen"]])


def _changes():
    return (GeneratedDocument.objects.count(), Handover.objects.count(), Consent.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ADMIN_POSTS))
def test_access_matrix_of_exports_and_transfers(client, world, role, action):
    question = world["question"]
    consent = handover.record_consent(question, given_by="requester")
    data = {
        key: {"gent": world["gent"].pk, "consent": consent.pk}.get(value, value)
        for key, value in ADMIN_POSTS[action].items()
    }
    user = _user(role, world)
    if user:
        client.force_login(user)
    before = _changes()
    response = client.post(f"/admin/questions/{question.pk}/{action}", data)
    changed = _changes() != before
    if role in STAFF_ACTION:
        assert changed and response.status_code == 302, response.status_code
    else:
        assert not changed
        if role == "anonymous":
            assert "login" in response["Location"]
        else:
            assert response.status_code in (302, 403, 404)
            assert "/workspace/" not in response.get("Location", "")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_of_generated_documents(client, world, role):
    """A staff document is served only to the specialist who made it; a dossier only to the
    requester's session."""
    question = world["question"]
    client.force_login(world["sam"])
    client.post(f"/admin/questions/{question.pk}/letter/")
    letter = GeneratedDocument.objects.get()
    client.logout()
    open_follow_up(client, world)
    client.post(f"/nl/follow-up/{question.reference}/dossier/")
    dossier = GeneratedDocument.objects.exclude(pk=letter.pk).get()
    client.logout()
    client.cookies.clear()
    user = _user(role, world)
    if user:
        client.force_login(user)
    for url in (
        f"/admin/questions/documents/{letter.pk}/",
        f"/admin/questions/documents/{letter.pk}/file/",
    ):
        response = client.get(url)
        assert (response.status_code == 200) is (role == "specialist"), (url, response.status_code)
    for url in (f"/nl/downloads/{dossier.pk}/", f"/nl/downloads/{dossier.pk}/file/"):
        assert client.get(url).status_code == 404  # nobody but the requester's session
    # Staff URLs never serve a requester's document and vice versa.
    assert client.get(f"/nl/downloads/{letter.pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_of_read_only_and_public_document_urls(client, world, role):
    question = world["question"]
    consent = handover.record_consent(question, given_by="requester")
    handover.transfer_to_region(
        question, to_region=world["gent"], consent=consent, actor=world["sam"]
    )
    user = _user(role, world)
    if user:
        client.force_login(user)
    read_only = client.get(f"/admin/questions/{question.pk}/read-only/")
    if role in ("specialist", "coordinator"):  # staff of the sending region
        assert read_only.status_code == 200
    elif role in ("other-specialist", "superuser"):  # they may write: sent to the workspace
        assert read_only.status_code == 302 and "/workspace/" in read_only["Location"]
    else:
        assert read_only.status_code in (302, 403, 404)
        assert "/workspace/" not in read_only.get("Location", "")
    for url in (f"/nl/follow-up/{question.reference}/dossier/",
                f"/nl/follow-up/{question.reference}/handover-consent/",
                f"/nl/pro/{question.reference}/dossier/",
                f"/nl/pro/{question.reference}/handover-consent/"):  # fmt: skip
        before = _changes()
        response = client.post(url, {"agree": "1"})
        assert response.status_code == 404 and _changes() == before, (url, role)


@pytest.mark.django_db
def test_workspace_shows_exports_and_handover_to_the_regions_specialist_only(client, world):
    question = world["question"]
    url = f"/admin/questions/{question.pk}/workspace/"
    client.force_login(world["sam"])
    page = client.get(url).content.decode()
    for action in ("letter/", "case-file/", "handover/consent/"):
        assert f"/admin/questions/{question.pk}/{action}" in page
    assert "handover/transfer/" not in page  # no consent yet
    handover.record_consent(question, given_by="requester")
    assert "handover/transfer/" in client.get(url).content.decode()
    coordinator = make_user(roles.COORDINATOR, "cora", regions=[world["antwerpen"]])
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert page.count("/case-file/") == 0 and "handover/transfer/" not in page
