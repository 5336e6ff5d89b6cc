"""Form pieces shared by the public pages and the staff admin: several files in one field, and
a lifecycle refusal shown on the form's own fields."""

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def show_on_form(form, error) -> bool:
    """A lifecycle refusal that names its fields (ValidationError({"service": ...})) is shown on
    the form's fields, with what was typed kept; True when it was. Other refusals (a transition
    that is not allowed) are the caller's to show."""
    if not hasattr(error, "error_dict") or not set(error.error_dict) <= set(form.fields):
        return False
    form.add_error(None, error)
    return True
