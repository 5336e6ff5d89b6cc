"""Form fields of the workspace kept rendered, under a key made of everything they show.

The empty "Close" form and the empty "Add a contact" form (support network) are the same for
every question; the triage form is the same for every question with the same domain, priority,
deadline, assignee and eligible assignees. Rendering their fields (labels, selects of legal
domains and directory services, help texts) cost about a sixth of the workspace page, and two
queries of the directory. A form bound to what was posted (with its errors) is never kept.

Precise invalidation: the key holds
- the content generation (backoffice.page_cache), which every change to the legal domains (the
  triage select) and, connected here, to the directory's services (the select of both forms)
  and the answer templates moves on;
- today's date (a service whose review date has passed leaves the selects, directory.services);
- the language of the page (labels and choices are translated);
- for triage, the question's values of the form and the eligible assignees as read for the page
  (ids and the names shown);
- a digest of the code that writes them (these modules, the field template, Django's and
  Wagtail's versions), so a kept copy of another version of the code is never shown.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import django
import wagtail
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

FIELDS_SECONDS = 3600
NETWORK_AUTO_ID = "network_%s"


@functools.cache
def code_version() -> str:
    """What writes the kept fields, read once per process."""
    from backoffice import forms as backoffice_forms
    from backoffice import widgets
    from tickets.referrals import network
    from tickets.workspace import fields, forms

    digest = hashlib.sha256()
    for module in (backoffice_forms, widgets, network, fields, forms):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(get_template("forms/field.html").template.source.encode())
    digest.update(f"{django.__version__}/{wagtail.__version__}".encode())
    return digest.hexdigest()[:16]


def kept(name: str, parts: tuple, render) -> str:
    """The HTML `render()` writes, kept under `name` and `parts` (with the language, the date
    and the code's version) for FIELDS_SECONDS."""
    digest = hashlib.sha256(
        repr((code_version(), translation.get_language(), timezone.localdate(), *parts)).encode()
    ).hexdigest()
    key = f"workspace-fields:{name}:{digest}"
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, FIELDS_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the form's own (escaping) code


def close_fields(generation: int) -> str:
    """The fields of the empty CloseForm (tickets/admin/workspace/_closing.html)."""
    from tickets.workspace.fields import field_html
    from tickets.workspace.forms import CloseForm

    return kept("close", (generation,), lambda: "".join(field_html(f) for f in CloseForm()))


def network_fields(generation: int) -> str:
    """The fields of the empty SupportContactForm as tickets/_network.html writes them."""
    from tickets.referrals.network import SupportContactForm

    return kept(
        "network",
        (generation,),
        lambda: "".join(
            str(field.as_field_group()) for field in SupportContactForm(auto_id=NETWORK_AUTO_ID)
        ),
    )


def triage_fields(question, form_factory, assignees, generation: int) -> str:
    """The fields of the unbound TriageForm of `question` whose assignee select lists
    `assignees` ((id, name shown), as the page read them); `form_factory()` makes that form on
    a miss."""
    from tickets import lifecycle
    from tickets.workspace.fields import field_html

    values = tuple(question.serializable_value(name) for name in lifecycle.TRIAGE_FIELDS)
    return kept(
        "triage",
        (generation, values, tuple(assignees)),
        lambda: "".join(field_html(field) for field in form_factory()),
    )


def connect() -> None:
    """The directory's services and the answer templates move the content generation on (the
    kept fields here, the composer's template list in tickets.workspace.panels)."""
    from django.db.models.signals import post_delete, post_save

    from backoffice.page_cache import bump
    from directory.models import Service
    from tickets.models import AnswerTemplate

    for model in (Service, AnswerTemplate):
        uid = f"workspace_kept_{model.__name__}"
        post_save.connect(bump, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(bump, sender=model, dispatch_uid=f"{uid}_deleted")
