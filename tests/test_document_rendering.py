"""Render answer letters with LibreOffice (DOCX → PDF → PNG) and read the PDF's text back.

The PNGs land in tests/artifacts/ for a person to look at. Needs the Debian packages
libreoffice-writer-nogui (soffice), poppler-utils (pdftoppm, pdftotext) and fonts-noto-core.
"""

import shutil
import subprocess

import pytest
from django.conf import settings

from tests.test_documents import ANSWER, ARABIC_ANSWER, world  # noqa: F401 (fixture)
from tickets import lifecycle
from tickets.documents import builders

pytestmark = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) or poppler-utils (pdftoppm, pdftotext) is not installed",
)


def render(content: bytes, name: str, tmp_path) -> str:
    """Convert to PDF with LibreOffice, keep page 1 as PNG in tests/artifacts; return the text."""
    source = tmp_path / f"{name}.docx"
    source.write_bytes(content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / f"{name}.pdf"
    artifacts = settings.ARTIFACTS_DIR
    artifacts.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(artifacts / name)],
        check=True,
        timeout=60,
    )  # fmt: skip
    assert (artifacts / f"{name}.png").stat().st_size > 10_000
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode()


@pytest.mark.django_db
def test_dutch_answer_letter_renders_to_pdf(world, tmp_path):  # noqa: F811
    question = world["ask"]("nl").question
    answer = lifecycle.add_message(question, body=ANSWER, author_kind="staff", author=world["sam"])
    text = render(builders.answer_letter(question, answer), "answer-letter-nl", tmp_path)
    assert question.reference in text
    assert "juridisch steunpunt Antwerpen" in text
    assert "binnen 30 dagen" in text and "Vraag een tolk." in text


@pytest.mark.django_db
def test_arabic_answer_letter_renders_with_arabic_glyphs(world, tmp_path):  # noqa: F811
    question = world["ask"]("ar").question
    answer = lifecycle.add_message(
        question, body=ARABIC_ANSWER, author_kind="staff", author=world["sam"]
    )
    text = render(builders.answer_letter(question, answer), "answer-letter-ar", tmp_path)
    assert question.reference in text
    assert "طعن" in text  # the Arabic word came through as text, not as missing glyphs
