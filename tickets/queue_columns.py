"""The queue's table columns. A queue page has 50 rows of 13 cells: each cell is written with
format_html instead of one template render per cell (Wagtail's default), which was most of the
page's time. The HTML is the same as Wagtail's cell templates give."""

from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from wagtail.admin.ui.tables import BaseColumn, Column, Table

from tickets import queue_views


class PlainColumn(Column):
    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if value is None or not str(value).strip():
            value = self.empty_value_display
        if self.classname:
            return format_html('<td class="{}">{}</td>', self.classname, value)
        return format_html("<td>{}</td>", value)


class ReferenceColumn(PlainColumn):
    """The reference, linked to the question's workspace."""

    def render_cell_html(self, instance, parent_context):
        return format_html(
            '<td class="title"><div class="title-wrapper"><a href="{}">{}</a></div></td>',
            reverse("tickets_workspace", args=[instance.pk]),
            instance.reference,
        )


class CheckboxColumn(BaseColumn):
    """A checkbox per row that belongs to the bulk-action form above the table."""

    header_template_name = "tickets/admin/checkbox_header.html"

    def render_cell_html(self, instance, parent_context):
        return format_html(
            '<td><input type="checkbox" name="question" value="{}" form="question-bulk"'
            ' aria-label="{}"></td>',
            instance.pk,
            gettext("Select %(reference)s") % {"reference": instance.reference},
        )


class DayColumn(PlainColumn):
    """A calendar day (Wagtail's DateColumn shows dates as "just now")."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return date_format(value, "SHORT_DATE_FORMAT") if value else ""


class AgeColumn(PlainColumn):
    def get_value(self, instance):
        return queue_views.age_label(instance.created_at, timezone.now())


class QuestionTable(Table):
    """Wagtail's table with the body written in one pass (see the module's docstring); the
    header still comes from Wagtail's templates (sort links, titles)."""

    template_name = "tickets/admin/question_table.html"

    def body_html(self):
        context = {"table": self}
        return format_html_join(
            "",
            "<tr{}>{}</tr>",
            (
                (
                    flatatt(row.attrs),
                    mark_safe(  # noqa: S308 - every cell is built with format_html
                        "".join(cell.render_html(context) for cell in row.values())
                    ),
                )
                for row in self.rows
            ),
        )
