"""The specialists' queue and workspace in the Wagtail admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backoffice import roles
from backoffice.models import AuditEvent
from tests import factories
from tests.conftest import make_user
from tests.test_tickets_model import PDF_BYTES
from tickets.models import Message, Status


@pytest.fixture
def setup(db):
    regions = factories.regions("antwerpen", "gent")

    def question(slug, subject):
        return factories.question(
            subject=subject,
            contact_language="ar",
            municipality=regions[slug].municipalities.get(),
            files=[SimpleUploadedFile("brief.pdf", PDF_BYTES)],
        )

    specialist = make_user(roles.SPECIALIST, "sam", regions=[regions["antwerpen"]])
    return {
        "mine": question("antwerpen", "Kaart Antwerpen"),
        "other": question("gent", "Kaart Gent"),
        "specialist": specialist,
    }


@pytest.mark.django_db
def test_queue_shows_only_the_questions_of_my_regions(client, setup):
    client.force_login(setup["specialist"])
    html = client.get("/admin/questions/").content.decode()
    assert setup["mine"].reference in html
    assert setup["other"].reference not in html
    assert f"/admin/questions/{setup['mine'].pk}/workspace/" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["professional", "editor"])
def test_non_specialists_never_see_questions(client, setup, role):
    client.force_login(make_user(role, f"someone-{role}"))
    assert client.get("/admin/questions/").status_code == 302
    workspace = client.get(f"/admin/questions/{setup['mine'].pk}/workspace/")
    assert setup["mine"].subject not in workspace.content.decode()


@pytest.mark.django_db
def test_workspace_of_another_region_is_not_found(client, setup):
    client.force_login(setup["specialist"])
    response = client.get(f"/admin/questions/{setup['other'].pk}/workspace/")
    assert setup["other"].subject not in response.content.decode()
    assert response.status_code in (302, 404)


@pytest.mark.django_db
def test_specialist_answers_and_notes_through_the_workspace(client, setup):
    question = setup["mine"]
    client.force_login(setup["specialist"])
    url = f"/admin/questions/{question.pk}/workspace/"
    page = client.get(url)
    assert page.status_code == 200 and "brief.pdf" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="question.staff_view", target_id=str(question.pk)
    ).exists()
    client.post(url, {"status": Status.OPEN})
    client.post(url, {"body": "Let op: termijn van 30 dagen.", "internal": "1"})
    client.post(url, {"body": "U moet **binnen 30 dagen** beroep aantekenen.", "internal": "0"})
    question.refresh_from_db()
    assert question.status == Status.ANSWERED and question.first_response_at is not None
    kinds = list(question.messages.values_list("kind", "author_kind"))
    assert kinds == [(Message.Kind.INTERNAL, "staff"), (Message.Kind.PUBLIC, "staff")]
    invalid = client.post(url, {"status": Status.NEW}, follow=True)
    assert invalid.status_code == 200
    question.refresh_from_db()
    assert question.status == Status.ANSWERED


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["edit", "history", "usage", "delete"])
def test_every_object_view_of_another_regions_question_is_closed(client, setup, view):
    client.force_login(setup["specialist"])
    other = setup["other"]
    response = client.get(f"/admin/questions/{view}/{other.pk}/")
    assert response.status_code in (302, 404)
    assert other.subject not in response.content.decode()
    mine = client.get(f"/admin/questions/{view}/{setup['mine'].pk}/")
    assert mine.status_code in (200, 302)  # delete is refused by the policy, not by region


@pytest.mark.django_db
def test_triage_edit_is_saved_through_the_service_and_audited(client, setup):
    question = setup["mine"]
    client.force_login(setup["specialist"])
    response = client.post(
        f"/admin/questions/edit/{question.pk}/",
        {"legal_domain": question.legal_domain_id, "priority": 4, "legal_deadline": "2026-12-24"},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.priority == 4 and str(question.legal_deadline) == "2026-12-24"
    event = AuditEvent.objects.get(action="question.triage", target_id=str(question.pk))
    assert event.details["priority"] == "4" and event.details["legal_deadline"] == "2026-12-24"


@pytest.mark.django_db
def test_an_unknown_status_gets_a_clear_error(client, setup):
    client.force_login(setup["specialist"])
    url = f"/admin/questions/{setup['mine'].pk}/workspace/"
    response = client.post(url, {"status": "bogus"}, follow=True)
    assert response.status_code == 200
    assert "bogus" in response.content.decode()
    setup["mine"].refresh_from_db()
    assert setup["mine"].status == Status.NEW
