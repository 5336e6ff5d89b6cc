"""Uploads kept between attempts: a form with an error must not lose the letter someone
already chose. Valid files wait in private storage, listed in the visitor's session.

Only a form that could have been sent keeps files: a request refused as a whole (more files
than a message may carry, the rate limit, the spam trap) writes nothing here. A client keeps at
most STAGING_FILES_PER_HOUR files an hour (counted per client address like the rate limits),
a session at most ATTACHMENT_MAX_FILES, and kept files are deleted after STAGING_KEEP_MINUTES.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backoffice import ratelimit
from tickets import attachments

SESSION_KEY = "staged_uploads"
FOLDER = "staging/"
HOUR = 3600


def too_many_files_message() -> str:
    limit = settings.ATTACHMENT_MAX_FILES
    return ngettext(
        "You can add at most %(count)d file at a time.",
        "You can add at most %(count)d files at a time.",
        limit,
    ) % {"count": limit}


def stage(request, checked_files, offered: int | None = None) -> str | None:
    """Keep checked uploads for the next attempt; return why nothing (or not all) was kept,
    in the visitor's words, or None. `offered`: how many files the request carried."""
    staged = request.session.get(SESSION_KEY, {})
    offered = len(checked_files) if offered is None else offered
    if offered + len(staged) > settings.ATTACHMENT_MAX_FILES:
        return too_many_files_message() if checked_files or offered else None
    client = ratelimit.client_key(request)
    refused = None
    for checked in checked_files:
        if ratelimit.limit_reached("staging", client, settings.STAGING_FILES_PER_HOUR, HOUR):
            refused = _(
                "We cannot keep more files from this connection for now. Choose your files "
                "again when you send the form."
            )
            break
        stored = attachments.store(checked, folder=FOLDER)
        staged[secrets.token_urlsafe(12)] = stored
    request.session[SESSION_KEY] = staged
    return refused


def staged_list(request) -> list[dict]:
    return [
        {"token": token, **meta} for token, meta in request.session.get(SESSION_KEY, {}).items()
    ]


def open_staged(request, tokens) -> list[File]:
    """The staged files the form still lists, opened like fresh uploads."""
    staged = request.session.get(SESSION_KEY, {})
    files = []
    for token in tokens:
        meta = staged.get(token)
        if meta and attachments.private_storage.exists(meta["stored_name"]):
            handle = attachments.private_storage.open(meta["stored_name"], "rb")
            files.append(File(handle, name=meta["original_name"]))
    return files


def clear(request) -> None:
    for meta in request.session.pop(SESSION_KEY, {}).values():
        attachments.private_storage.delete(meta["stored_name"])


def purge_abandoned() -> int:
    """Delete kept uploads of forms nobody sent (a task every quarter of an hour)."""
    storage = attachments.private_storage
    if not storage.exists(FOLDER):
        return 0
    cutoff = timezone.now() - timedelta(minutes=settings.STAGING_KEEP_MINUTES)
    removed = 0
    for name in storage.listdir(FOLDER)[1]:
        if storage.get_modified_time(FOLDER + name) < cutoff:
            storage.delete(FOLDER + name)
            removed += 1
    return removed
