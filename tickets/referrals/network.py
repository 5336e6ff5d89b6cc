"""The support network of a question ("network analysis"): who already helps the family, a
directory service or a free-text contact, with the requester's consent to contact them recorded
per contact. Part of the case file; removed with the question's personal data on anonymisation.

Who may change it: the staff who may handle the question, and the professional whose consult it
is (tickets.access decides both)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice import widgets
from backoffice.audit import record_event
from directory import services as directory
from directory.models import Service
from tickets import access
from tickets.models import Question, SupportContact


def may_edit(user, question: Question) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    # The scope kept for the request, asked of the loaded question (no query: the workspace
    # asks it on every page).
    if user.has_perm("tickets.change_question") and access.staff_scope(user).covers(question):
        return True
    return access.professional_questions(user).filter(pk=question.pk).exists()


class SupportContactForm(forms.ModelForm):
    service = forms.ModelChoiceField(
        label=gettext_lazy("A service of the directory"),
        queryset=Service.objects.none(),
        required=False,
        widget=widgets.Select,  # written without a template per option, same HTML
    )

    class Meta:
        model = SupportContact
        fields = ["service", "organisation", "role", "since", "consent_to_contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        field.queryset = directory.public_queryset().order_by("town", "name")
        field.label_from_instance = lambda service: f"{service.town} – {service.name}"
        self.fields["organisation"].label = gettext_lazy("Or the organisation, in your words")

    def clean(self):
        data = super().clean()
        if not data.get("service") and not (data.get("organisation") or "").strip():
            raise ValidationError(
                _("Choose a service of the directory or name the organisation."), code="who"
            )
        return data


def add_contact(question: Question, form: SupportContactForm, *, actor, request=None):
    if not may_edit(actor, question):
        raise PermissionDenied
    contact = form.save(commit=False)
    contact.question = question
    contact.added_by = actor
    if contact.consent_to_contact:
        contact.consent_at = timezone.now()
    contact.save()
    record_event(
        "question.network_add",
        request=request,
        actor=actor,
        target=question,
        details={"contact": contact.pk, "consent": contact.consent_to_contact},
    )
    return contact


def remove_contact(contact: SupportContact, *, actor, request=None) -> None:
    if not may_edit(actor, contact.question):
        raise PermissionDenied
    record_event(
        "question.network_remove",
        request=request,
        actor=actor,
        target=contact.question,
        details={"contact": contact.pk},
    )
    contact.delete()


def contacts(question: Question) -> list[SupportContact]:
    return list(question.support_contacts.select_related("service"))
