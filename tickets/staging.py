"""Uploads kept between attempts: a form with an error must not lose the letter someone
already chose. Valid files wait in private storage, listed in the visitor's session."""

import secrets

from django.core.files import File

from tickets import attachments

SESSION_KEY = "staged_uploads"


def stage(request, checked_files) -> None:
    staged = request.session.get(SESSION_KEY, {})
    for checked in checked_files:
        stored = attachments.store(checked)
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
