"""The workspace's forms. They parse input and show what the lifecycle service refused (its
ValidationErrors, on the fields they name); the rules themselves live in tickets.lifecycle."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from backoffice import widgets as fast_widgets
from directory import services as directory_services
from directory.models import Service
from tickets import lifecycle
from tickets.forms import MultipleFileField, show_on_form
from tickets.models import Outcome, Question
from tickets.workspace.fields import RENDERER


class StaffMessageForm(forms.Form):
    default_renderer = RENDERER  # the plain widgets written in Python, same HTML

    body = forms.CharField(
        label=gettext_lazy("Message (Markdown)"),
        # dir=auto: an Arabic answer is written right to left, a Dutch one left to right.
        widget=forms.Textarea(attrs={"rows": 10, "data-composer-body": "", "dir": "auto"}),
        error_messages={"required": gettext_lazy("Write a message first.")},
    )
    internal = forms.TypedChoiceField(
        label=gettext_lazy("Send as"),
        choices=[
            ("0", gettext_lazy("Public reply (the requester reads it)")),
            ("1", gettext_lazy("Internal note (staff only)")),
        ],
        coerce=lambda value: value == "1",
        widget=fast_widgets.RadioSelect,
        initial="0",
    )
    files = MultipleFileField(label=gettext_lazy("Attachments"))
    # The newest message the writer had on screen: a newer public one means someone else
    # answered meanwhile (optimistic check in lifecycle.add_message).
    last_seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class TriageForm(forms.ModelForm):
    """Triage (domain, priority, legal deadline, assignee), in the workspace and in the
    questions' edit view alike: one form, saved by lifecycle.update_triage."""

    default_renderer = RENDERER

    class Meta:
        model = Question
        fields = list(lifecycle.TRIAGE_FIELDS)
        # Selects written without a template per option (backoffice.widgets), same HTML.
        widgets = {
            "legal_deadline": forms.DateInput(attrs={"type": "date"}),
            "legal_domain": fast_widgets.Select,
            "priority": fast_widgets.Select,
            "assignee": fast_widgets.Select,
        }

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = lifecycle.eligible_assignees(self.instance)
        self.fields["assignee"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def save_through_service(self, *, actor, request=None):
        """The question as the service saved it, or None with the service's refusal shown on
        this form (what was chosen kept)."""
        try:
            return lifecycle.update_triage(
                self.save(commit=False), self.changed_data, actor=actor, request=request
            )
        except ValidationError as error:
            if not show_on_form(self, error):
                self.add_error(None, error)
            return None


class CloseForm(forms.Form):
    """Parses the input only: what a closing needs is lifecycle.close's to say, and its errors
    are shown on this form's fields (tickets.forms.show_on_form)."""

    default_renderer = RENDERER

    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[("", "—"), *Outcome.choices],
        required=False,
        widget=fast_widgets.Select,
    )
    service = forms.CharField(
        label=gettext_lazy("Referred to (which service)"), max_length=200, required=False
    )
    # The social map: a referral to a directory service shows the requester where to go.
    directory_service = forms.ModelChoiceField(
        label=gettext_lazy("Referred to a service of the directory"),
        queryset=Service.objects.none(),
        required=False,
        widget=fast_widgets.Select,
        help_text=gettext_lazy("The requester then sees its address, hours and languages."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["directory_service"]
        field.queryset = directory_services.public_queryset().order_by("town", "name")
        field.label_from_instance = lambda service: f"{service.town} – {service.name}"
