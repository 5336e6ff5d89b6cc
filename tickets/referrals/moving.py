"""A family moving municipality: which services in the new municipality will need a file
(OCMW, mutuality, school, integration agency), and whether the question should go to the
region of the new municipality (the existing transfer, with consent: tickets.documents.handover)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit import record_event
from backoffice.models import Municipality
from directory import services as directory
from directory.models import ServiceKind
from tickets import access, lifecycle
from tickets.models import Message, Question, RequesterKind

NEEDS_A_FILE = (
    ServiceKind.OCMW,
    ServiceKind.MUTUALITY,
    ServiceKind.SCHOOL,
    ServiceKind.INTEGRATION,
)


def moving_plan(question, place: str) -> dict | None:
    """For what a specialist typed (postcode or name): the new municipality, the services there
    that will need a file, and the region to hand over to if it is another one. None: unknown."""
    municipality = place if isinstance(place, Municipality) else directory.find_municipality(place)
    if municipality is None:
        return None
    services = [s for s in directory.services_near(municipality) if s.kind in NEEDS_A_FILE]
    other_region = municipality.region if municipality.region_id != question.region_id else None
    return {
        "municipality": municipality,
        "services": services,
        "other_region": other_region,
        "article": checklist_article(),
    }


# --- The family says it is moving (requester's follow-up page, professional's consult) ------


class MovingForm(forms.Form):
    """The new municipality (from the complete list, by name or postcode) and an optional
    date. A text field with a list of suggestions: it works without JavaScript."""

    municipality = forms.CharField(
        label=gettext_lazy("New municipality or postcode"),
        max_length=60,
        widget=forms.TextInput(attrs={"list": "municipalities", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Enter the new municipality or its postcode.")},
    )
    moving_on = forms.DateField(
        label=gettext_lazy("Moving date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the date as day, month and year.")},
    )

    def clean_municipality(self):
        text = self.cleaned_data["municipality"]
        found = directory.find_municipality(text)
        if found is None:
            raise ValidationError(
                _("“%(place)s” is not a municipality or postcode of Flanders or Brussels.")
                % {"place": text.strip()},
                code="unknown",
            )
        return found


def municipality_names() -> list[str]:
    """The complete list for the form's suggestions."""
    return list(Municipality.objects.order_by("name").values_list("name", flat=True))


def may_say(request, question: Question) -> bool:
    """The requester who opened the question in this session, or the professional whose
    consult it is (tickets.access), while the question still holds personal data."""
    return question.anonymised_at is None and access.can_get_dossier(request, question)


@transaction.atomic
def record_move(question: Question, municipality, moving_on=None, *, request) -> Question:
    """Record the move on the question and tell the team in the thread (a message from the
    requester or professional: it reopens an answered question, so staff see it)."""
    if not may_say(request, question):
        raise PermissionDenied
    professional = question.requester_kind == RequesterKind.PROFESSIONAL
    kind = Message.AuthorKind.PROFESSIONAL if professional else Message.AuthorKind.REQUESTER
    question.moving_to = municipality
    question.moving_on = moving_on
    question.moving_said_at = timezone.now()
    question.save(update_fields=["moving_to", "moving_on", "moving_said_at", "updated_at"])
    if moving_on:
        body = _("We are moving to %(place)s on %(date)s.") % {
            "place": municipality.name,
            "date": date_format(moving_on, "SHORT_DATE_FORMAT"),
        }
    else:
        body = _("We are moving to %(place)s.") % {"place": municipality.name}
    lifecycle.add_message(
        question,
        body=body,
        author_kind=kind,
        author=request.user if professional else None,
        request=request,
    )
    record_event(
        "question.moving",
        request=request,
        actor=request.user if professional else None,
        actor_label="" if professional else "requester",
        target=question,
        details={"municipality": municipality.pk},
    )
    return question


def checklist_article():
    """The knowledge base's published article for the life situation "moving", if any."""
    from django.utils.translation import get_language

    from knowledge.models import ArticlePage

    articles = ArticlePage.objects.live().filter(situations__key="moving").order_by("pk")
    language = (get_language() or "nl").split("-")[0]
    return articles.filter(locale__language_code=language).first() or articles.first()
