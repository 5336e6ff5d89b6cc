"""The queue's table columns. A queue page has 50 rows of 13 cells: each cell is written with
format_html instead of one template render per cell (Wagtail's default), which was most of the
page's time. The HTML is the same as Wagtail's cell templates give.

Within one rendering of the table's body, a column whose cell is wholly decided by one field
(`same_cell_for`: a status, a region's id, a date) writes each distinct cell once: the 50 rows
of a page share a handful of statuses, domains, regions and days, and the translated label,
localised date and escaping were most of the body's time. The cells are forgotten when the
body is written again (QuestionTable.body_html), so nothing outlives one page and its language."""

from html import escape as _escape

from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from wagtail.admin.ui.tables import BaseColumn, Column, Table

from tickets import queue_views


def text_html(value) -> str:
    """conditional_escape(value) as a plain str: the same HTML, without a SafeString made for
    each of a page's 700 cells."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


class PlainColumn(Column):
    def __init__(self, *args, same_cell_for: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The attribute whose value decides this column's cell (e.g. "status", "region_id").
        self.same_cell_for = same_cell_for
        self.cells = None  # a dict only while QuestionTable.body_html writes a page

    def get_value(self, instance):
        # The accessor is one attribute name: plain getattr (Wagtail's multigetattr splits it
        # on dots and checks for callables, 700 times a page).
        value = getattr(instance, self.accessor, None)
        return value() if callable(value) else value

    def render_cell_html(self, instance, parent_context):
        if self.same_cell_for is None or self.cells is None:
            return self.make_cell_html(instance)
        decided_by = getattr(instance, self.same_cell_for)
        try:
            return self.cells[decided_by]
        except KeyError:
            html = self.cells[decided_by] = self.make_cell_html(instance)
            return html

    def make_cell_html(self, instance):
        value = self.get_value(instance)
        if value is None or not str(value).strip():
            value = self.empty_value_display
        if self.classname:
            return f'<td class="{conditional_escape(self.classname)}">{text_html(value)}</td>'
        return f"<td>{text_html(value)}</td>"


class ReferenceColumn(PlainColumn):
    """The reference, linked to the question's workspace."""

    def render_cell_html(self, instance, parent_context):
        url = text_html(self.workspace_url.replace(self.STAND_IN, str(instance.pk)))
        return (
            f'<td class="title"><div class="title-wrapper"><a href="{url}">'
            f"{text_html(instance.reference)}</a></div></td>"
        )

    STAND_IN = "987654321"

    @cached_property
    def workspace_url(self):
        # Reversed once per page (the columns are made per request) with a stand-in id.
        return reverse("tickets_workspace", args=[int(self.STAND_IN)])


class CheckboxColumn(BaseColumn):
    """A checkbox per row that belongs to the bulk-action form above the table."""

    header_template_name = "tickets/admin/checkbox_header.html"

    def render_cell_html(self, instance, parent_context):
        label = text_html(self.select_label % {"reference": instance.reference})
        return (
            f'<td><input type="checkbox" name="question" value="{text_html(instance.pk)}"'
            f' form="question-bulk" aria-label="{label}"></td>'
        )

    @property
    def select_label(self):
        # Translated once per rendering of the body (QuestionTable.body_html forgets it).
        cells = getattr(self, "cells", None)
        if cells is None:
            return gettext("Select %(reference)s")
        if "select" not in cells:
            cells["select"] = gettext("Select %(reference)s")
        return cells["select"]


class DayColumn(PlainColumn):
    """A calendar day (Wagtail's DateColumn shows dates as "just now")."""

    def __init__(self, name, *args, **kwargs):
        kwargs.setdefault("same_cell_for", kwargs.get("accessor") or name)
        super().__init__(name, *args, **kwargs)

    def get_value(self, instance):
        value = super().get_value(instance)
        if not value:
            return ""
        if self.cells is None:
            return date_format(value, "SHORT_DATE_FORMAT")
        if "day_format" not in self.cells:  # the language's short date, read once per page
            self.cells["day_format"] = _day_writer(get_format("SHORT_DATE_FORMAT"))
        write = self.cells["day_format"]
        return write(value) if write else date_format(value, "SHORT_DATE_FORMAT")


# Django's date format characters for the day, month and year as numbers (django.utils.dateformat);
# a short date made of these and separators is written directly, 150 times a page.
_DAY_PARTS = {
    "d": lambda day: f"{day.day:02d}",
    "j": lambda day: str(day.day),
    "m": lambda day: f"{day.month:02d}",
    "n": lambda day: str(day.month),
    "Y": lambda day: f"{day.year:04d}",
    "y": lambda day: f"{day.year % 100:02d}",
}
_SEPARATORS = set("-./ ")


def _day_writer(day_format: str):
    """A function writing a date as date_format(date, day_format) does, or None when the format
    has other characters than _DAY_PARTS and separators (then date_format is used)."""
    if not day_format or any(c not in _DAY_PARTS and c not in _SEPARATORS for c in day_format):
        return None
    parts = [_DAY_PARTS.get(c) or (lambda day, c=c: c) for c in day_format]
    return lambda day: "".join(part(day) for part in parts)


class AgeColumn(PlainColumn):
    """Age in days, or hours on the first day; one cell per distinct age on a page."""

    def render_cell_html(self, instance, parent_context):
        if self.cells is None:
            return self.make_cell_html(instance)
        if "now" not in self.cells:
            self.cells["now"] = timezone.now()
        age = self.cells["now"] - instance.created_at
        decided_by = age.days if age.days >= 1 else ("hours", int(age.total_seconds() // 3600))
        try:
            return self.cells[decided_by]
        except KeyError:
            html = self.cells[decided_by] = self.make_cell_html(instance)
            return html

    def get_value(self, instance):
        now = self.cells.get("now") if self.cells is not None else None
        return queue_views.age_label(instance.created_at, now or timezone.now())


class QuestionTable(Table):
    """Wagtail's table with the body written in one pass (see the module's docstring); the
    header still comes from Wagtail's templates (sort links, titles), kept per query string by
    question_table.html (backoffice.admin_chrome)."""

    template_name = "tickets/admin/question_table.html"

    def body_html(self):
        context = {"table": self}
        columns = list(self.columns.values())
        for column in columns:
            column.cells = {}  # what one column wrote, for this page only
        try:
            return mark_safe(  # noqa: S308 - every cell and attribute is escaped above
                "".join(
                    f"<tr{flatatt(self.get_row_attrs(instance))}>"
                    + "".join(column.render_cell_html(instance, context) for column in columns)
                    + "</tr>"
                    for instance in self.data
                )
            )
        finally:
            for column in columns:
                column.cells = None
