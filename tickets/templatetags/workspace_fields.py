"""{{ field|workspace_field }}: a form field of the workspace in Wagtail's field layout, written
in Python (tickets.workspace.fields)."""

from django import template

from tickets.workspace.fields import field_html

register = template.Library()


@register.filter
def workspace_field(field):
    return field_html(field)
