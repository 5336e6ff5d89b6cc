"""Uploaded letters and documents: type from the content, size limits, private storage."""

import hashlib
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

PDF, JPEG, PNG, HEIC, DOCX = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/heic",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", HEIC: ".heic", DOCX: ".docx"}
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class PrivateFileSystemStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT that have no URL: only an access-checked view serves them."""

    def url(self, name):
        raise NotImplementedError("private files have no public URL; use the download view")


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = PrivateFileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


private_storage = PrivateStorage()


def detect_content_type(uploaded) -> str | None:
    """The real type of a file, read from its first bytes (and for DOCX, its ZIP directory)."""
    uploaded.seek(0)
    head = uploaded.read(32)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            uploaded.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def clean_file_name(name: str) -> str:
    """A display name without paths, control characters or shell surprises; keeps the script
    (Arabic, Cyrillic) people named their file in."""
    name = unicodedata.normalize("NFC", PurePath(name.replace("\\", "/")).name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C"})
    name = re.sub(r"[<>:\"/\\|?*]+", "_", name).strip(" .")
    return name[-150:] or "file"


@dataclass
class CheckedFile:
    upload: object
    content_type: str
    original_name: str
    size: int


def check_uploads(files: list) -> list[CheckedFile]:
    """Validate a set of uploads for one message; raise ValidationError with every problem."""
    max_files = settings.ATTACHMENT_MAX_FILES
    max_bytes = settings.ATTACHMENT_MAX_BYTES
    errors = []
    if len(files) > max_files:
        errors.append(
            ngettext(
                "You can add at most %(count)d file at a time.",
                "You can add at most %(count)d files at a time.",
                max_files,
            )
            % {"count": max_files}
        )
    checked = []
    for upload in files:
        name = clean_file_name(upload.name)
        if upload.size > max_bytes:
            errors.append(
                _("“%(name)s” is too large: the limit is %(limit)d MB a file.")
                % {"name": name, "limit": max_bytes // (1024 * 1024)}
            )
            continue
        content_type = detect_content_type(upload)
        if content_type is None:
            errors.append(
                _(
                    "“%(name)s” is not a PDF, a photo (JPEG, PNG, HEIC) or a Word document "
                    "(DOCX). Take a photo of the letter, or save it as PDF."
                )
                % {"name": name}
            )
            continue
        checked.append(CheckedFile(upload, content_type, name, upload.size))
    if errors:
        raise ValidationError(errors)
    return checked


def store(checked: CheckedFile, folder: str = "") -> dict:
    """Write a checked upload to private storage under a random name; return its metadata."""
    digest = hashlib.sha256()
    checked.upload.seek(0)
    for chunk in checked.upload.chunks():
        digest.update(chunk)
    checked.upload.seek(0)
    stored_name = folder + secrets.token_hex(16) + EXTENSIONS[checked.content_type]
    private_storage.save(stored_name, checked.upload)
    return {
        "stored_name": stored_name,
        "original_name": checked.original_name,
        "content_type": checked.content_type,
        "size": checked.size,
        "sha256": digest.hexdigest(),
    }
