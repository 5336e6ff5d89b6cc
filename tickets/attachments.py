"""Uploaded letters and documents: type from the content, size limits, private storage."""

import contextlib
import functools
import hashlib
import logging
import re
import secrets
import unicodedata
import zipfile
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
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
# Extensions a person may have given a file of each type; any other is replaced.
NAME_EXTENSIONS = {
    PDF: {".pdf"},
    JPEG: {".jpg", ".jpeg", ".jpe"},
    PNG: {".png"},
    HEIC: {".heic", ".heif"},
    DOCX: {".docx"},
}
# An extension: a dot, then 1-5 letters or digits, at least one a letter ("3.4.2026" is none).
_EXTENSION_LIKE = re.compile(r"\.(?=[A-Za-z0-9]{1,5}$)[0-9]*[A-Za-z][A-Za-z0-9]*$")

# A DOCX is a ZIP archive: limits against archives that unpack to far more than they weigh.
DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
DOCX_MAX_RATIO = 100  # unpacked / packed, for the archive and for any entry above 1 MB
DOCX_MAX_ENTRIES = 2000
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "activex")
_MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject", b"activex")
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


def name_for_type(name: str, content_type: str) -> str:
    """The name a file is kept and downloaded under: its extension is that of the type read
    from its content (`letter.pdf.html` with PDF bytes: `letter.pdf`; `brief.hta`:
    `brief.pdf`), so no download opens in another program than the one its content is for."""
    allowed = NAME_EXTENSIONS[content_type]
    if PurePath(name).suffix.lower() in allowed:
        return name
    stem = name[: -len(PurePath(name).suffix)] if _EXTENSION_LIKE.search(name) else name
    stem = stem.rstrip(" .") or "file"
    if PurePath(stem).suffix.lower() in allowed:
        return stem[-150:]
    extension = EXTENSIONS[content_type]
    return stem[-(150 - len(extension)) :] + extension


def office_file_problem(uploaded) -> str | None:
    """Why a file detected as DOCX is refused, or None: "damaged" (not a sound ZIP or not an
    Office document), "bomb" (unpacks to too much), "macros" (VBA or ActiveX)."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                return "damaged"
            if any(part in entry.filename.lower() for entry in entries for part in _MACRO_PARTS):
                return "macros"
            unpacked = sum(entry.file_size for entry in entries)
            packed = sum(entry.compress_size for entry in entries) or 1
            if (
                len(entries) > DOCX_MAX_ENTRIES
                or unpacked > DOCX_MAX_UNPACKED_BYTES
                or unpacked / packed > DOCX_MAX_RATIO
                or any(
                    entry.file_size > 1024 * 1024
                    and entry.file_size / (entry.compress_size or 1) > DOCX_MAX_RATIO
                    for entry in entries
                )
            ):
                return "bomb"
            content_types = archive.read("[Content_Types].xml").lower()
            if any(marker in content_types for marker in _MACRO_CONTENT_TYPES):
                return "macros"
            # Every entry unpacked once (bounded above): a damaged entry fails its checksum.
            # zipfile stops at the declared size, so a lying header cannot unpack more.
            if archive.testzip() is not None:
                return "damaged"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        return "damaged"
    except NotImplementedError:  # a compression method no Office program writes
        return "damaged"
    finally:
        uploaded.seek(0)
    return None


def _office_file_error(problem: str, name: str) -> str:
    messages = {
        "damaged": _(
            "“%(name)s” is not a Word document we can open: it may be damaged. Save it again "
            "as a Word document (DOCX) or as PDF."
        ),
        "bomb": _(
            "“%(name)s” unpacks to far more data than a letter holds, so we cannot accept it. "
            "Save it as PDF, or take a photo of the letter."
        ),
        "macros": _(
            "“%(name)s” contains macros or embedded programs, which we do not accept. Save it "
            "as a Word document without macros (DOCX) or as PDF."
        ),
    }
    return messages[problem] % {"name": name}


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
        if content_type == DOCX and (problem := office_file_problem(upload)):
            errors.append(_office_file_error(problem, name))
            continue
        checked.append(
            CheckedFile(upload, content_type, name_for_type(name, content_type), upload.size)
        )
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
    written = _written.get()
    if written is not None:
        written.append(stored_name)
    return {
        "stored_name": stored_name,
        "original_name": checked.original_name,
        "content_type": checked.content_type,
        "size": checked.size,
        "sha256": digest.hexdigest(),
    }


# --- Files without a row -----------------------------------------------------------------------
# An attachment's file is written inside the transaction that makes its row. When that
# transaction rolls back, `removed_on_rollback` deletes the files it wrote; when the process
# dies first (a killed worker), no code runs, and the periodic `sweep_orphans` removes files
# that have no row once they are older than any transaction can be.

logger = logging.getLogger(__name__)
_written: ContextVar[list | None] = ContextVar("wegwijs_attachment_files_written", default=None)
# A stored attachment's name: 32 hex digits and the extension of its type, at the top level
# (staging/, documents/ and reports/ are folders of their own, with their own clean-up).
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png|heic|docx)$")


def removed_on_rollback(function):
    """Around a service that stores attachments in its own transaction (`@transaction.atomic`
    below this): if it fails, the transaction rolled back and the files it wrote are deleted."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        written = []
        token = _written.set(written)
        try:
            return function(*args, **kwargs)
        except BaseException:
            for name in written:
                with contextlib.suppress(OSError):
                    private_storage.delete(name)
            raise
        finally:
            _written.reset(token)

    return wrapper


def sweep_orphans() -> int:
    """Delete stored attachment files without a row, older than ORPHAN_FILE_MINUTES, and
    upload temporary files a killed worker left (FILE_UPLOAD_TEMP_DIR). A periodic task."""
    from tickets.models import Attachment

    cutoff = timezone.now() - timedelta(minutes=settings.ORPHAN_FILE_MINUTES)
    removed = 0
    names = [
        name
        for name in (private_storage.listdir("")[1] if private_storage.exists("") else [])
        if STORED_NAME.match(name)
    ]
    for start in range(0, len(names), 500):
        batch = names[start : start + 500]
        known = set(
            Attachment.objects.filter(stored_name__in=batch).values_list("stored_name", flat=True)
        )
        for name in batch:
            if name not in known and private_storage.get_modified_time(name) < cutoff:
                private_storage.delete(name)
                removed += 1
    removed += _sweep_upload_temp_dir(cutoff.timestamp())
    if removed:
        logger.info("Removed %d files without a row", removed)
    return removed


def _sweep_upload_temp_dir(cutoff: float) -> int:
    folder = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if not folder or not Path(folder).is_dir():
        return 0
    removed = 0
    for path in Path(folder).iterdir():
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed
