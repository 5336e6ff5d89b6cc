"""The workspace's form fields kept rendered (tickets.workspace.kept_fields) and the page's
other shared reads (consents read once, answer templates kept): the same HTML as the forms
write themselves, and every change a real flow makes shown at the next opening — a directory
service published or withdrawn, an assignee taken, a transfer to another region, a domain
renamed, a question closed and reopened, an answer template added, changed or removed, a
consent recorded and used, a new message."""

import re

import pytest
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from backoffice.models import LegalDomain
from directory import importing
from directory.models import Service
from tests import factories
from tests.directory_helpers import service_row
from tests.test_documents import world  # noqa: F401  (fixture)
from tickets import lifecycle
from tickets.documents import handover
from tickets.models import AnswerTemplate, Message, Outcome, Status
from tickets.referrals.network import SupportContactForm
from tickets.workspace import kept_fields, panels
from tickets.workspace.fields import field_html
from tickets.workspace.forms import CloseForm, TriageForm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def open_page(client, question) -> str:
    response = client.get(f"/admin/questions/{question.pk}/workspace/")
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str, name: str) -> str:
    """The HTML of one [data-ws-panel] box (up to the next one), or of the support network."""
    if name == "network":
        start = html.index('class="support-network"')
        return html[start : html.index("</section>", start)]
    start = html.index(f'data-ws-panel="{name}"')
    end = html.find('<div data-ws-panel="', start + 1)
    return html[start : end if end > 0 else len(html)]


def options(html: str, select_name: str) -> list[str]:
    found = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", found.group(1)) if found else []


def selected(html: str, select_name: str) -> str:
    found = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    chosen = re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", found.group(1))
    return chosen.group(1) if chosen else ""


def publish_service(key: str, name: str) -> Service:
    result = importing.import_services(
        [service_row(key, name=name, region="antwerpen", municipalities="Antwerpen",
                     postcode="2000", town="Antwerpen")],
        dry_run=False,
    )  # fmt: skip
    assert result.written, [row.errors for row in result.rows]
    return Service.objects.get(key=key)


def test_kept_fields_are_what_the_forms_write(rf, world):  # noqa: F811
    """Kept or not, the fields are the forms' own HTML; the second page reads neither the
    directory nor the legal domains for them."""
    question = world["question"]
    publish_service("ocmw-antwerpen", "Sociaal Huis Antwerpen")
    request = rf.get("/")
    request.user = world["sam"]
    generation = panels.page_cache.generation()
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            close = kept_fields.close_fields(generation)
            network = kept_fields.network_fields(generation)
            triage = panels.triage_context(request, question, generation=generation)
            triage_html = str(triage["triage_fields_html"])
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert "directory_service" not in read and "backoffice_legaldomain" not in read
    assert parse_html(close) == parse_html("".join(field_html(f) for f in CloseForm()))
    assert parse_html(network) == parse_html(
        "".join(str(f.as_field_group()) for f in SupportContactForm(auto_id="network_%s"))
    )
    assert parse_html(triage_html) == parse_html(
        "".join(field_html(f) for f in TriageForm(instance=question))
    )
    assert "Sociaal Huis Antwerpen" in close and "Sociaal Huis Antwerpen" in network


def test_a_published_or_withdrawn_service_shows_at_once(client, world):  # noqa: F811
    question = world["question"]
    client.force_login(world["sam"])
    html = open_page(client, question)
    assert "Sociaal Huis Antwerpen" not in html
    service = publish_service("ocmw-antwerpen", "Sociaal Huis Antwerpen")
    html = open_page(client, question)
    assert "Antwerpen – Sociaal Huis Antwerpen" in options(
        panel(html, "closing"), "directory_service"
    )
    assert "Antwerpen – Sociaal Huis Antwerpen" in options(panel(html, "network"), "service")
    service.name = "Sociaal Huis Antwerpen-Noord"
    service.save()  # an edit published by the directory's editors
    html = open_page(client, question)
    assert "Antwerpen – Sociaal Huis Antwerpen-Noord" in options(
        panel(html, "closing"), "directory_service"
    )
    service.delete()
    html = open_page(client, question)
    assert "Sociaal Huis Antwerpen" not in html


def test_assignee_transfer_and_domain_show_at_once(client, world):  # noqa: F811
    question, sam, gina = world["question"], world["sam"], world["gina"]
    colleague = factories.staff(roles.SPECIALIST, "kim", regions=[world["antwerpen"]])
    client.force_login(sam)
    triage = panel(open_page(client, question), "triage")
    assert selected(triage, "assignee") == "Samira El Amrani"  # the first reply assigned her
    assert "kim" in options(triage, "assignee") and "gina" not in options(triage, "assignee")
    lifecycle.assign(question, colleague, actor=sam)
    triage = panel(open_page(client, question), "triage")
    assert selected(triage, "assignee") == "kim"
    assert "/workspace/take/" in triage  # "Take this question"
    # A domain chosen, then renamed in the platform's settings.
    question.legal_domain = LegalDomain.objects.get(slug="nationality")
    lifecycle.update_triage(question, ["legal_domain"], actor=sam)
    triage = panel(open_page(client, question), "triage")
    domain = LegalDomain.objects.get(slug="nationality")
    assert selected(triage, "legal_domain") == domain.name
    domain.name_en = domain.name_nl = "Nationaliteit en naturalisatie"
    domain.save()
    triage = panel(open_page(client, question), "triage")
    assert selected(triage, "legal_domain") == "Nationaliteit en naturalisatie"
    # Handed over to Gent with the requester's consent: Gent's specialists are the choices.
    consent = handover.record_consent(question, given_by=Message.AuthorKind.REQUESTER)
    documents = panel(open_page(client, question), "documents")
    assert 'name="consent"' in documents  # "Consent ready to use": the handover forms
    handover.transfer_to_region(question, to_region=world["gent"], consent=consent, actor=sam)
    client.force_login(gina)
    html = open_page(client, question)
    assert options(panel(html, "triage"), "assignee") == ["---------", "gina"]
    assert 'name="consent"' not in panel(html, "documents")  # used by the transfer


def test_a_closed_question_and_a_new_message_show_at_once(client, world):  # noqa: F811
    question, sam = world["question"], world["sam"]
    client.force_login(sam)
    assert 'name="outcome"' in panel(open_page(client, question), "closing")
    lifecycle.close(question, Outcome.ANSWERED, actor=sam)
    html = open_page(client, question)
    assert 'name="outcome"' not in panel(html, "closing")
    question.refresh_from_db()
    assert question.status == Status.CLOSED
    # The requester writes again: the question opens and can be closed again.
    factories.requester_message(question, "Ik heb nog een vraag over de termijn.")
    html = open_page(client, question)
    assert "Ik heb nog een vraag over de termijn." in panel(html, "thread")
    assert 'name="outcome"' in panel(html, "closing")


def test_answer_templates_show_at_once(client, world):  # noqa: F811
    question = world["question"]
    client.force_login(world["sam"])
    assert 'id="id_template"' not in open_page(client, question)
    template = AnswerTemplate.objects.create(
        title="Termijn beroep", language="en", body="Beroep binnen 30 dagen ({reference})."
    )
    html = open_page(client, question)
    assert "Termijn beroep" in html and f"Beroep binnen 30 dagen ({question.reference})." in html
    template.body = "Beroep binnen 15 dagen."
    template.save()
    assert "Beroep binnen 15 dagen." in open_page(client, question)
    template.delete()
    assert "Termijn beroep" not in open_page(client, question)
