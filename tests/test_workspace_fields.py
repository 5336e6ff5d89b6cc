"""The workspace's form fields are written in Python (tickets.workspace.fields, issue 20: Wagtail's
field template and Django's widget templates were a fifth of the page); they must write what
Wagtail's wagtailadmin/shared/field.html and Django's widget templates write: the same label
(its `for`, its id, the required mark), errors, help text and its id, the widget's id,
aria-describedby and aria-invalid, for the forms as real pages fill them (triage of an assigned
question with a deadline, a refused closing, an internal draft, a send without text)."""

import datetime

import pytest
from django.forms.renderers import DjangoTemplates
from django.template import engines
from django.test.html import parse_html

from backoffice.forms import WegwijsFormRenderer
from directory import importing
from tests import factories
from tests.directory_helpers import service_row
from tickets.workspace import fields
from tickets.workspace.forms import CloseForm, StaffMessageForm, TriageForm

WAGTAIL_FIELD = engines["django"].from_string('{% include "wagtailadmin/shared/field.html" %}')


def wagtail_html(field):
    """The field as Wagtail's template writes it, its widget rendered by Django's templates."""
    field.form.renderer = WegwijsFormRenderer()
    try:
        return WAGTAIL_FIELD.render({"field": field})
    finally:
        field.form.renderer = fields.RENDERER


def workspace_forms(question):
    forms = [
        TriageForm(instance=question),
        TriageForm(
            {"legal_domain": "", "priority": "x", "assignee": "0", "legal_deadline": "morgen"},
            instance=question,
        ),
        CloseForm(),
        CloseForm({"outcome": "nonsense", "service": "x" * 201, "directory_service": "0"}),
        StaffMessageForm(initial={"body": "Kladje <b>&", "internal": "1", "last_seen": 3}),
        StaffMessageForm({"body": "", "internal": "1", "last_seen": "-1"}),
    ]
    for form in forms:
        if form.is_bound:
            assert not form.is_valid()
    return forms


@pytest.fixture
def question(db):
    gent = factories.region("gent")
    specialist = factories.staff("specialist", regions=[gent])
    question = factories.question(region=gent, deadline=datetime.date(2026, 3, 1))
    question.assignee = specialist
    question.save()
    importing.import_services(
        [
            service_row("ocmw-gent", region="gent"),
            service_row("vrijwilligers-gent", kind="volunteer", name="Vrijwilligers <Gent> & co"),
        ],
        dry_run=False,
    )
    return question


@pytest.mark.django_db
def test_fields_write_what_wagtails_field_template_writes(question):
    checked = errors = helped = 0
    for form in workspace_forms(question):
        assert form.renderer is fields.RENDERER
        for field in form.visible_fields():
            ours = fields.field_html(field)
            assert parse_html(ours) == parse_html(wagtail_html(field)), (type(form), field.name)
            checked += 1
            errors += bool(field.errors)
            helped += bool(field.help_text)
            if field.help_text:
                assert f'aria-describedby="{field.id_for_label}-helptext"' in ours
                assert f'id="{field.id_for_label}-helptext"' in ours
            if field.errors:
                assert 'aria-invalid="true"' in ours
                assert "w-field--error" in ours
    # Every field of the three forms, bound with errors and not; help texts shown.
    assert checked == 2 * (4 + 3 + 3)
    assert errors >= 6
    assert helped >= 2


@pytest.mark.django_db
def test_plain_widgets_write_djangos_html_character_for_character(question):
    """Text, date, hidden, textarea and file inputs as Django's own templates write them."""
    checked = 0
    for form in workspace_forms(question):
        for field in form:
            ours = str(field.as_widget())
            form.renderer = DjangoTemplates()
            try:
                theirs = str(field.as_widget())
            finally:
                form.renderer = fields.RENDERER
            assert ours == theirs, (type(form), field.name)
            if field.field.widget.template_name in fields.WIDGETS:
                checked += 1
    # body, files, last_seen (twice each); service (twice); legal_deadline (twice).
    assert checked == 10


def test_widget_values_are_escaped():
    widget = {"type": "text", "name": 'a"b', "value": '<x y="1">&', "attrs": {"id": "i<"}}
    assert fields._input(widget) == (
        '<input type="text" name="a&quot;b" value="&lt;x y=&quot;1&quot;&gt;&amp;" id="i&lt;">'
    )
    assert "&lt;/textarea&gt;" in fields._textarea(
        {"name": "body", "value": "</textarea><script>", "attrs": {}}
    )


@pytest.mark.django_db
def test_triage_reads_the_assignees_once_and_shows_what_the_form_shows(question, rf):
    """The triage panel reads the eligible assignees once for its select and for "Take this
    question": the select is the one TriageForm writes from lifecycle.eligible_assignees, and
    "Take" is offered exactly when lifecycle.can_be_assigned says so."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets import lifecycle
    from tickets.workspace import panels

    gent = question.region
    colleague = factories.staff("specialist", "kim", regions=[gent])
    outsider = factories.staff("specialist", "gert", regions=[factories.region("antwerpen")])
    coordinator = factories.staff("coordinator", "cor", regions=[gent])
    for user in (question.assignee, colleague, outsider, coordinator):
        request = rf.get("/")
        request.user = user
        cache.clear()  # the assignees as read for the page (kept: test_workspace_kept_fields)
        with CaptureQueriesContext(connection) as captured:
            context = panels.triage_context(request, question)
            shown = fields.field_html(context["triage_form"]["assignee"])
        assert sum("auth_user" in q["sql"] for q in captured.captured_queries) == 1
        expected = fields.field_html(TriageForm(instance=question)["assignee"])
        assert parse_html(shown) == parse_html(expected)
        assert context["can_take"] == (
            question.assignee_id != user.pk and lifecycle.can_be_assigned(question, user)
        ), user.username
        assert "kim" in shown and "gert" not in shown
    request.user = colleague
    assert panels.triage_context(request, question)["can_take"] is True
