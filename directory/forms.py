from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.models import LegalDomain
from directory import services as directory


class FindHelpForm(forms.Form):
    """Where the visitor lives and what it is about. Either a municipality from the list or a
    postcode (or name) typed in; the typed text wins when both are given."""

    municipality = forms.TypedChoiceField(
        label=_("Your municipality"), required=False, coerce=int, empty_value=None
    )
    place = forms.CharField(
        label=_("Or type your postcode"),
        required=False,
        max_length=60,
        help_text=_("For example 2000 or 1030."),
    )
    topic = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=LegalDomain.objects.filter(is_active=True),
        required=False,
        to_field_name="slug",
        empty_label=_("Any topic"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose your municipality"))]
        for label, municipalities in directory.municipalities_by_area():
            choices.append((label, [(m.pk, f"{m.name} ({m.postcode})") for m in municipalities]))
        self.fields["municipality"].choices = choices
        self.fields["topic"].label_from_instance = lambda domain: domain.name

    def clean(self):
        cleaned = super().clean()
        typed = (cleaned.get("place") or "").strip()
        if typed:
            found = directory.find_municipality(typed)
            if found is None:
                self.add_error(
                    "place",
                    _(
                        "We do not know “%(place)s” as a postcode or municipality in Flanders "
                        "or Brussels. Check the number, or choose your municipality from the list."
                    )
                    % {"place": typed},
                )
            cleaned["found"] = found
        elif cleaned.get("municipality"):
            cleaned["found"] = directory.municipality_by_id(cleaned["municipality"])
            if cleaned["found"] is None:
                self.add_error("municipality", _("Choose your municipality from the list."))
        else:
            raise forms.ValidationError(
                _("Choose your municipality or type your postcode."), code="required"
            )
        return cleaned
