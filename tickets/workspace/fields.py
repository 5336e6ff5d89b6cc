"""The workspace's form fields, written in Python instead of three template renders per field.

Wagtail's field layout (wagtailadmin/shared/field.html: the formattedfield tag and
formatted_field.html, with the label, errors, help text and their ids) and Django's templates for
the plain widgets (input.html, textarea.html, a file input, attrs.html) cost about a fifth of the
workspace page when rendered through templates. `field_html` writes the same elements with the
same attributes (tests/test_workspace_fields.py compares them with Wagtail's and Django's own
rendering, bound and unbound, with errors and help texts), and `FastRenderer` is the form
renderer of the workspace's forms: the plain widgets in Python, any other template as before.
"""

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from wagtail.admin.templatetags.wagtailadmin_tags import (
    fieldtype,
    render_with_errors,
    widgettype,
)

from backoffice.forms import WegwijsFormRenderer
from backoffice.widgets import attr_value, attrs_html


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html (text.html, date.html, hidden.html... include it)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{attr_value(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{attrs_html(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    """django/forms/widgets/textarea.html."""
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def _file_input(widget: dict) -> str | None:
    """django/forms/widgets/clearable_file_input.html without a file already kept (the only
    case in the workspace); None when there is one (the template writes it)."""
    if widget.get("is_initial"):
        return None
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>'
    )


WIDGETS = {
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/date.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/email.html": _input,
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/clearable_file_input.html": _file_input,
}


class FastRenderer(WegwijsFormRenderer):
    """The project's form renderer, with the plain widgets written in Python (same HTML as
    their templates, tests/test_workspace_fields.py); any other template is rendered."""

    def render(self, template_name, context, request=None):
        write = WIDGETS.get(template_name)
        if write is not None and "widget" in context:
            html = write(context["widget"])
            if html is not None:
                return mark_safe(html)  # noqa: S308 - every value is escaped above
        return super().render(template_name, context, request)


RENDERER = FastRenderer()


def _warning_icon() -> str:
    """{% icon name="warning" classname="w-field__errors-icon" %}."""
    return (
        '<svg class="icon icon-warning w-field__errors-icon" aria-hidden="true">'
        '<use href="#icon-warning"></use></svg>'
    )


def field_html(field) -> str:
    """wagtailadmin/shared/field.html for a bound field, with its defaults (a label, no icon,
    no comment button): the wrapper, the label (its id, `for` and the required mark), the
    errors, the help text (its id, which the widget's aria-describedby names) and the widget
    (rendered with its errors as Wagtail does)."""
    label_for = field.id_for_label or ""
    help_text = field.help_text or ""
    help_text_id = f"{field.id_for_label}-helptext" if help_text and field.id_for_label else ""
    rendered = render_with_errors(field)
    errors = field.errors
    has_errors = bool(errors)
    if has_errors and hasattr(field.field.widget, "render_with_errors"):
        errors = []  # the widget shows them itself
    out = ['<div class="w-field__wrapper " data-field-wrapper>']
    label_attrs = f' for="{conditional_escape(label_for)}"' if label_for else ""
    if label_for:
        label_attrs += f' id="{conditional_escape(label_for)}-label"'
    required = '<span class="w-required-mark">*</span>' if field.field.required else ""
    out.append(
        f'<label class="w-field__label"{label_attrs}>'
        f"{conditional_escape(field.label or '')}{required}</label>"
    )
    classes = f"w-field w-field--{fieldtype(field)} w-field--{widgettype(field)}"
    if has_errors:
        classes += " w-field--error"
    out.append(
        f'<div class="{classes}" data-field data-contentpath="{conditional_escape(field.name)}">'
    )
    out.append('<div class="w-field__errors" data-field-errors >')
    if errors:
        texts = "".join(f"{conditional_escape(error)} " for error in errors)
        out.append(f'{_warning_icon()}<p class="error-message">{texts}</p>')
    out.append("</div>")
    help_id = f'id="{conditional_escape(help_text_id)}"' if help_text_id else ""
    out.append(f'<div class="w-field__help" {help_id} data-field-help>')
    if help_text:
        out.append(f'<div class="help">{conditional_escape(help_text)}</div>')
    out.append("</div>")
    out.append(f'<div class="w-field__input" data-field-input>{conditional_escape(rendered)}</div>')
    out.append("</div></div>")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above
