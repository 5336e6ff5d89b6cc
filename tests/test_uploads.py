"""Uploads (issue 14, finding 6): a file is kept and downloaded under a name whose extension is
that of its detected type, and a Word document must be a sound Office file without macros."""

import io
import re
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backoffice.models import Municipality, Region
from tests.test_intake import REFERENCE, ask, form_data
from tests.test_tickets_model import PDF_BYTES
from tickets.attachments import DOCX, PDF
from tickets.models import Attachment, Question


@pytest.fixture
def place(db):
    region = Region.objects.create(name="Gent", slug="gent")
    return Municipality.objects.create(name="Gent", postcode="9000", region=region)


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def real_docx(text="Beste, uw aanvraag is geweigerd.") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewritten_docx(extra: dict[str, bytes] | None = None, content_types=None) -> bytes:
    """A real DOCX with parts added or its [Content_Types].xml replaced."""
    source = zipfile.ZipFile(io.BytesIO(real_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "[Content_Types].xml" and content_types is not None:
                data = content_types(data)
            archive.writestr(entry.filename, data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def macro_docx() -> bytes:
    """What Word saves as .docm: a VBA project and the macro-enabled main content type."""
    return rewritten_docx(
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512},
        content_types=lambda xml: xml.replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
        ),
    )


def bomb_docx() -> bytes:
    """A DOCX whose one extra part unpacks from some 60 KB to 60 MB."""
    return rewritten_docx({"word/media/padding.bin": b"\x00" * (60 * 1024 * 1024)})


def damaged_docx() -> bytes:
    data = bytearray(real_docx())
    middle = len(data) // 2
    data[middle : middle + 200] = b"\xff" * 200  # a broken entry: its checksum fails
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("letter.pdf.html", PDF, "letter.pdf"),
        ("brief.hta", PDF, "brief.pdf"),
        ("brief.bat", PDF, "brief.pdf"),
        ("brief.PDF", PDF, "brief.PDF"),
        ("scan", PDF, "scan.pdf"),
        ("besluit van 3.4.2026", PDF, "besluit van 3.4.2026.pdf"),
        ("رسالة.exe", PDF, "رسالة.pdf"),
        ("photo.jpeg.svg", "image/jpeg", "photo.jpeg"),
        ("brief.docx.js", DOCX, "brief.docx"),
        ("x" * 150 + ".html", PDF, "x" * 146 + ".pdf"),
    ],
)
def test_the_name_takes_the_extension_of_the_detected_type(name, content_type, expected):
    from tickets.attachments import name_for_type

    assert name_for_type(name, content_type) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sent_as", "content", "kept_as", "content_type"),
    [
        ("letter.pdf.html", PDF_BYTES, "letter.pdf", "application/pdf"),
        ("brief.hta", PDF_BYTES, "brief.pdf", "application/pdf"),
        ("brief.bat", PNG_BYTES, "brief.png", "image/png"),
        ("brief.docx", real_docx(), "brief.docx", DOCX),
    ],
    ids=["pdf-named-html", "pdf-named-hta", "png-named-bat", "docx"],
)
def test_uploads_are_kept_and_downloaded_under_their_detected_type(
    client, place, sent_as, content, kept_as, content_type
):
    html = ask(client, place, files=[SimpleUploadedFile(sent_as, content)]).content.decode()
    assert REFERENCE.search(html)
    attachment = Attachment.objects.get()
    assert attachment.original_name == kept_as
    assert attachment.content_type == content_type
    assert attachment.stored_name.endswith(kept_as[kept_as.rindex(".") :].lower())
    response = client.get(f"/nl/files/{attachment.pk}/")
    assert response.status_code == 200
    assert f'filename="{kept_as}"' in response["Content-Disposition"]
    assert response["Content-Type"] == content_type


@pytest.mark.django_db
def test_a_file_kept_under_an_old_name_downloads_under_its_type(client, place):
    ask(client, place, files=[SimpleUploadedFile("brief.pdf", PDF_BYTES)])
    attachment = Attachment.objects.get()
    Attachment.objects.filter(pk=attachment.pk).update(original_name="brief.pdf.html")
    response = client.get(f"/nl/files/{attachment.pk}/")
    assert 'filename="brief.pdf"' in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "language", "phrase"),
    [
        (macro_docx(), "en", "contains macros"),
        (bomb_docx(), "en", "unpacks to far more data"),
        (damaged_docx(), "en", "may be damaged"),
    ],
    ids=["macros", "zip-bomb", "damaged"],
)
def test_unsafe_word_documents_are_refused_and_the_form_keeps_what_was_typed(
    client, place, content, language, phrase
):
    upload = SimpleUploadedFile("besluit.docx", content)
    response = client.post(f"/{language}/ask/", form_data(place, files=[upload]))
    html = response.content.decode()
    assert response.status_code == 400
    assert phrase in html and "besluit.docx" in html
    assert "Het OCMW weigert mijn leefloon" in html  # what was typed is still there
    assert not Question.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_zip_that_is_no_office_file_is_refused(client, place):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("run.js", "alert(1)")
    upload = SimpleUploadedFile("brief.docx", buffer.getvalue())
    response = client.post("/nl/ask/", form_data(place, files=[upload]))
    assert response.status_code == 400
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_a_follow_up_reply_names_files_by_their_type_too(client, place):
    html = ask(client, place).content.decode()
    reference = REFERENCE.search(html).group(1)
    upload = SimpleUploadedFile("antwoord.pdf.exe", PDF_BYTES)
    response = client.post(
        f"/nl/follow-up/{reference}/",
        {"action": "reply", "body": "Hier is de brief.", "files": [upload]},
    )
    assert response.status_code == 302
    assert Attachment.objects.get().original_name == "antwoord.pdf"


@pytest.mark.django_db
def test_a_macro_document_in_a_follow_up_is_refused_in_the_visitors_language(client, place):
    html = ask(client, place, language="fr").content.decode()
    reference = REFERENCE.search(html).group(1)
    upload = SimpleUploadedFile("brief.docm", macro_docx())
    response = client.post(
        f"/fr/follow-up/{reference}/",
        {"action": "reply", "body": "Voici la lettre.", "files": [upload]},
    )
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "brief.docm" in page and "Voici la lettre." in page
    assert not Attachment.objects.exists()
    assert re.search(r'role="alert"', page)
