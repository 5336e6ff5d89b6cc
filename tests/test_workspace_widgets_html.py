"""The workspace's selects and radio buttons are written in Python (backoffice.widgets, issue
20: the workspace spent a fifth of its time rendering option templates); they must write what
Django's templates write, character for character, for the forms as a real page fills them:
triage of an assigned question with a deadline, a bound closing form with an error, the
composer with an internal draft, the support network's form with directory services."""

import datetime

import pytest

from backoffice import widgets
from directory import importing
from directory.models import Service
from tests import factories
from tests.directory_helpers import service_row
from tickets.referrals.network import SupportContactForm
from tickets.workspace.forms import CloseForm, StaffMessageForm, TriageForm


def fast_fields(form):
    return [field for field in form if type(field.field.widget).__module__ == widgets.__name__]


def django_html(bound_field):
    """The field as Django's own widget class writes it with its templates."""
    widget = bound_field.field.widget
    fast = type(widget)
    widget.__class__ = fast.__mro__[1]
    try:
        return str(bound_field.as_widget())
    finally:
        widget.__class__ = fast


@pytest.mark.django_db
def test_workspace_forms_write_django_html():
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
    assert Service.objects.count() == 2
    forms = [
        TriageForm(instance=question),
        TriageForm({"legal_domain": "", "priority": "x", "assignee": "0"}, instance=question),
        CloseForm(),
        CloseForm({"outcome": "nonsense", "directory_service": "0"}),
        StaffMessageForm(initial={"body": "Kladje", "internal": "1", "last_seen": 3}),
        StaffMessageForm({"body": "", "internal": "1"}),
        SupportContactForm(auto_id="network_%s"),
    ]
    checked = 0
    for form in forms:
        form.is_bound and form.is_valid()
        for field in fast_fields(form):
            assert str(field.as_widget()) == django_html(field), (type(form), field.name)
            checked += 1
    assert checked >= 6 * 2
