"""Public forms: the newcomer's question, the professional's consult, the follow-up sign-in, a
reply and a lost code. Validation of business rules stays in tickets.lifecycle."""

import uuid

from django import forms
from django.core.validators import RegexValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from backoffice.models import LegalDomain, Municipality, Region
from tickets.consent_texts import CLIENT_TEXT, PROCESSING_TEXT
from tickets.forms import MultipleFileField
from tickets.languages import contact_language_choices

phone_number = RegexValidator(
    r"^\+?[0-9 ()./-]{6,30}$", _("Write the phone number with digits only, e.g. 0470 12 34 56.")
)


class DomainChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, domain):
        return domain.name


class QuestionFieldsMixin(forms.Form):
    legal_domain = DomainChoiceField(
        label=_("What is your question about?"),
        queryset=LegalDomain.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose what your question is about.")},
    )
    subject = forms.CharField(
        label=_("Your question in one line"),
        max_length=200,
        error_messages={"required": _("Write your question in one line.")},
    )
    body = forms.CharField(
        label=_("Explain your situation"),
        help_text=_("What happened, what letter you received, what you want to know."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": _("Explain your situation in a few sentences.")},
    )
    files = MultipleFileField(
        label=_("Letters or documents (optional)"),
        help_text=_("PDF, photo (JPEG, PNG, HEIC) or Word (DOCX); at most 10 MB a file."),
    )
    legal_deadline = forms.DateField(
        label=_("Is there a deadline? (optional)"),
        help_text=_("For example the last day to appeal a decision, as written in the letter."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality where you live"),
        queryset=Municipality.objects.select_related("region"),
        required=False,
    )
    region = forms.ModelChoiceField(
        label=_("Or the region closest to you"),
        queryset=Region.objects.filter(is_active=True),
        required=False,
    )
    contact_language = forms.ChoiceField(
        label=_("In which language should we answer?"),
        help_text=_("If we do not write your language, we look for an interpreter."),
        choices=contact_language_choices,
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, language: str, domain_slug: str = "", question: str = "") -> dict:
        """Initial values; `domain_slug` (e.g. from a knowledge base article's "Ask a question
        about this") preselects that legal domain when it is an active one; `question` (what
        the visitor searched for when no article answered) fills the one-line question."""
        initial = {"submission_token": uuid.uuid4(), "contact_language": language}
        question = " ".join((question or "").split())[:200]
        if question:
            initial["subject"] = question
        if domain_slug:
            domain = LegalDomain.objects.filter(is_active=True, slug=domain_slug).first()
            if domain is not None:
                initial["legal_domain"] = domain
        return initial

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("municipality") and not cleaned.get("region"):
            self.add_error("municipality", _("Choose your municipality or a region."))
        if "submission_token" in self.errors:
            # A hidden field the visitor never saw: tell them in their words, and give the form
            # a new token so that sending it again works.
            del self.errors["submission_token"]
            self.data = self.data.copy()
            self.data["submission_token"] = str(uuid.uuid4())
            self.add_error(
                None,
                _(
                    "Part of the page was missing when the form was sent, so your question "
                    "was not sent yet. Check what you wrote and send the form again."
                ),
            )
        return cleaned


def _privacy_link() -> str:
    """The consent text links to the privacy page, which gives the retention periods."""
    from django.urls import reverse
    from django.utils.html import format_html

    return format_html(
        '<a href="{}#retention">{}</a>',
        reverse("tickets:privacy"),
        _("How long we keep your data, and your rights"),
    )


class AskForm(QuestionFieldsMixin):
    """The newcomer's form: no account, contact details optional."""

    email = forms.EmailField(
        label=_("E-mail address (optional)"),
        help_text=_("Only to tell you there is an answer. You can also leave it empty."),
        required=False,
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=40,
        validators=[phone_number],
    )
    processing_consent = forms.BooleanField(
        label=PROCESSING_TEXT,
        help_text=lazy(_privacy_link, str)(),
        error_messages={
            "required": _("Give your consent: we can only handle your question if you agree.")
        },
    )
    # A field people never see: automated submitters fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    field_order = [
        "legal_domain", "subject", "body", "files", "legal_deadline", "email", "phone",
        "municipality", "region", "contact_language", "processing_consent",
    ]  # fmt: skip


class ConsultForm(QuestionFieldsMixin):
    """A professional's consult about a client: a pseudonym, never a name."""

    client_pseudonym = forms.CharField(
        label=_("Client pseudonym"),
        help_text=_(
            "Something that lets you recognise the file, e.g. “family A, 3 children”. Never a name."
        ),
        max_length=60,
    )
    client_consent = forms.BooleanField(
        label=CLIENT_TEXT,
        error_messages={"required": _("Confirm that your client agreed to this consult.")},
    )

    field_order = [
        "client_pseudonym", "legal_domain", "subject", "body", "files", "legal_deadline",
        "contact_language", "municipality", "region", "client_consent",
    ]  # fmt: skip


# The error summary lists messages, not labels: each required message names its field.
ENTER_REFERENCE = _("Enter the reference of your question (it starts with WW-).")


class FollowUpForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "WW-2026-000123"}),
        error_messages={"required": ENTER_REFERENCE},
    )
    code = forms.CharField(
        label=_("Secret code"),
        max_length=40,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the secret code you got with your reference.")},
    )

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": _("Write a message first.")},
    )
    files = MultipleFileField(label=_("Add documents (optional)"))


class LostCodeForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"), max_length=20, error_messages={"required": ENTER_REFERENCE}
    )
    email = forms.EmailField(
        label=_("The e-mail address you gave"),
        error_messages={"required": _("Enter the e-mail address you gave with your question.")},
    )
