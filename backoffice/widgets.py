"""Choice widgets written in Python instead of one template render per option.

Django renders a <select> with one template include per <option> (and two per checkbox): a
select of 150 contact languages is 300 template renders. The staff queue shows seven such
fields on every page (its filters and bulk actions), which was a fifth of the page's time
(docs/benchmarks.md, "Staff pages faster"). These widgets write the same HTML as Django's
templates (django/forms/widgets/select.html, multiple_input.html and the templates they
include, tested in tests/test_widgets_html.py) straight from the widget's context.
"""

from django import forms
from django.utils.html import conditional_escape, escape, escapejs
from django.utils.safestring import SafeData, mark_safe
from wagtail.admin.filters import DateRangePickerWidget as WagtailDateRangePickerWidget


def attr_value(value) -> str:
    """`value|stringformat:'s'` in an autoescaped template (a safe string stays as it is)."""
    return conditional_escape(value if isinstance(value, SafeData) else str(value))


def attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html (also used by tickets.workspace.fields)."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{attr_value(value)}"')
    return "".join(out)


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html with select_option.html per option."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            out.append(
                f'\n  <option value="{escape(str(option["value"]))}"{attrs_html(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{attrs_html(widget["attrs"])}>\n'
    )


def _date_input(widget: dict) -> str:
    """wagtailadmin/widgets/date_input.html (Django's date.html and Wagtail's date chooser)."""
    return (
        f"{_input(widget)}\n"
        f'<script>initDateChooser("{escapejs(widget["attrs"]["id"])}", '
        f"{widget['config_json']});</script>"
    )


def _input_option(option: dict) -> str:
    """django/forms/widgets/input_option.html."""
    if not option["wrap_label"]:
        return _input(option) + "\n"
    option_id = option["attrs"].get("id")
    label_for = f' for="{conditional_escape(option_id)}"' if option_id else ""
    return f"<label{label_for}>{_input(option)} {conditional_escape(option['label'])}</label>\n"


def _multiple_input(widget: dict) -> str:
    """django/forms/widgets/multiple_input.html."""
    element_id = widget["attrs"].get("id")
    classname = widget["attrs"].get("class")
    out = ["<div"]
    if element_id:
        out.append(f' id="{conditional_escape(element_id)}"')
    if classname:
        out.append(f' class="{conditional_escape(classname)}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        for option in options:
            # checkbox_option.html includes input_option.html and adds a line break.
            out.append(f"<div>\n    {_input_option(option)}\n</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")
    return "".join(out)


class Select(forms.Select):
    """forms.Select, written without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(_select(self.get_context(name, value, attrs)["widget"]))  # noqa: S308


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """forms.CheckboxSelectMultiple, written without two templates per checkbox."""

    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(  # noqa: S308 - every value is escaped above
            _multiple_input(self.get_context(name, value, attrs)["widget"])
        )


class RadioSelect(forms.RadioSelect):
    """forms.RadioSelect, written without two templates per radio button (radio.html is
    multiple_input.html, radio_option.html is input_option.html)."""

    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(  # noqa: S308 - every value is escaped above
            _multiple_input(self.get_context(name, value, attrs)["widget"])
        )


class DateRangePickerWidget(WagtailDateRangePickerWidget):
    """Wagtail's from/to date filter (wagtailadmin/widgets/range_input.html with two
    date_input.html), written without five template renders per filter."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        inputs = "".join(_date_input(subwidget) for subwidget in widget["subwidgets"])
        return mark_safe(  # noqa: S308 - every value is escaped above
            f'<div class="w-flex w-flex-col w-gap-4">\n    {inputs}\n</div>'
        )
