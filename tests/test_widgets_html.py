"""backoffice.widgets write the HTML Django's templates write, character for character."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from backoffice import widgets

CHOICES = [
    ("", "—"),
    ("nl", "Nederlands"),
    ("x&y", 'Quotes " and <tags> & ampersands'),
    (3, gettext_lazy("Closed")),
    ("safe", mark_safe("<b>kept</b>")),
]
GROUPED = [
    ("", "—"),
    ("Europe", [("nl", "Nederlands"), ("fr", "Français")]),
    ("Africa <&>", [("ti", "ትግርኛ"), ("so", "Soomaali")]),
]


def django_html(widget, name, value, attrs=None):
    """What Django's own widget class writes with its templates."""
    base = widget.__class__.__mro__[1]
    return base.render(widget, name, value, attrs, renderer=DjangoTemplates())


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []])
@pytest.mark.parametrize("value", [None, "", "nl", "x&y", 3, "absent"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_lang"}, {"id": 'a"b', "class": "w-x", "disabled": True, "hidden": False}],
)
def test_select_writes_django_html(choices, value, attrs):
    widget = widgets.Select(choices=choices)
    ours = widget.render("contact_language", value, attrs)
    assert ours == django_html(widget, "contact_language", value, attrs)
    if choices:
        assert "<option" in ours


@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("value", [None, [], ["nl"], ["nl", "x&y", 3], ["absent"]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_status"}, {"id": "s", "class": "c d"}])
def test_checkboxes_write_django_html(choices, value, attrs):
    widget = widgets.CheckboxSelectMultiple(choices=choices)
    ours = widget.render("status", value, attrs)
    assert ours == django_html(widget, "status", value, attrs)
    assert 'type="checkbox"' in ours


def test_a_bound_form_field_renders_through_them():
    class Form(forms.Form):
        language = forms.ChoiceField(choices=CHOICES[1:], widget=widgets.Select)
        status = forms.MultipleChoiceField(
            choices=CHOICES[1:], widget=widgets.CheckboxSelectMultiple
        )

    form = Form({"language": "x&y", "status": ["nl"]})
    html = str(form["language"])
    assert '<option value="x&amp;y" selected>' in html
    assert 'id="id_language"' in html
    assert 'value="nl" id="id_status_0" checked' in str(form["status"])


@pytest.mark.parametrize("value", [None, ["2026-01-02", ""], ["", "2026-12-31"], ["<x>", '"']])
@pytest.mark.parametrize("attrs", [{"id": "id_created_at"}, {"id": 'a"b</script>'}])
def test_date_range_writes_wagtails_html(value, attrs):
    widget = widgets.DateRangePickerWidget()
    ours = widget.render("created_at", value, attrs)
    assert ours == django_html(widget, "created_at", value, attrs)
    assert "initDateChooser(" in ours and 'name="created_at_from"' in ours
