"""Uploads kept between attempts: a form with an error must not lose the letter someone
already chose. Valid files wait in private storage, listed in the visitor's session."""

import secrets
from datetime import timedelta

from django.core.files import File
from django.utils import timezone

from tickets import attachments

SESSION_KEY = "staged_uploads"
FOLDER = "staging/"
KEEP_FOR = timedelta(days=1)


def stage(request, checked_files) -> None:
    staged = request.session.get(SESSION_KEY, {})
    for checked in checked_files:
        stored = attachments.store(checked, folder=FOLDER)
        staged[secrets.token_urlsafe(12)] = stored
    request.session[SESSION_KEY] = dict(list(staged.items())[-10:])


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
    """Delete kept uploads of forms nobody sent (a daily task)."""
    storage = attachments.private_storage
    if not storage.exists(FOLDER):
        return 0
    cutoff = timezone.now() - KEEP_FOR
    removed = 0
    for name in storage.listdir(FOLDER)[1]:
        if storage.get_modified_time(FOLDER + name) < cutoff:
            storage.delete(FOLDER + name)
            removed += 1
    return removed
