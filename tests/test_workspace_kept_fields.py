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


def test_answer_options_read_with_the_thread_are_the_options_read_alone(rf, world):  # noqa: F811
    """The documents panel's answers come from the thread's query (the start of each body):
    the same options, labels and order as reading the answers whole, for short and long
    bodies, markup, and a body whose start is mostly combining marks (then read whole)."""
    from tickets.templatetags.documents import answer_options

    question, sam = world["question"], world["sam"]
    bodies = [
        "Kort.",
        "<b>Let op</b> & lees dit: " + "uw termijn van dertig dagen loopt af. " * 20,
        "a" + "\u0301" * 190 + " en daarna een gewone zin die langer is dan vijftig tekens.",
        "مرحبا، هذا جوابنا " * 30,
    ]
    for body in bodies:
        lifecycle.add_message(question, body=body, author_kind="staff", author=sam)
    lifecycle.add_message(question, body="Intern", author_kind="staff", author=sam, internal=True)
    factories.requester_message(question, "Dank u")
    request = rf.get("/")
    request.user = sam
    question = panels.visible_question(request, question.pk)
    panels.thread_key(question)
    from_thread = answer_options(question, question._ws_answer_rows)
    alone = answer_options(question)
    assert [(a.pk, a.option_label) for a in from_thread] == [(a.pk, a.option_label) for a in alone]
    assert len(alone) == len(bodies) + 1  # and the world's first answer


def test_a_draft_shows_for_its_author_only(client, world):  # noqa: F811
    from tickets.models import MessageDraft

    question, sam = world["question"], world["sam"]
    colleague = factories.staff(roles.SPECIALIST, "kim", regions=[world["antwerpen"]])
    client.force_login(sam)
    assert "Half af" not in panel(open_page(client, question), "composer")
    MessageDraft.objects.create(question=question, author=sam, body="Half af")
    assert "Half af" in panel(open_page(client, question), "composer")
    client.force_login(colleague)
    assert "Half af" not in panel(open_page(client, question), "composer")


def test_kept_assignees_follow_every_change_of_who_may_handle(client, rf, world):  # noqa: F811
    """The eligible assignees are kept under the admin chrome's generation: a colleague added
    to the region, renamed, given the domains that keep them away (with the setting on),
    deactivated or moved to another region shows at the next opening; with nothing changed the
    page does not read them."""
    question, sam = world["question"], world["sam"]
    client.force_login(sam)

    def assignees():
        return options(panel(open_page(client, question), "triage"), "assignee")

    assert "kim" not in assignees()
    request = rf.get("/")
    request.user = sam
    with CaptureQueriesContext(connection) as captured:
        panels.triage_context(request, question)
    assert not any("auth_user_groups" in q["sql"] for q in captured.captured_queries)
    kim = factories.staff(roles.SPECIALIST, "kim", regions=[world["antwerpen"]])
    assert "kim" in assignees()
    kim.first_name, kim.last_name = "Kim", "Peeters"
    kim.save()
    assert "Kim Peeters" in assignees()
    kim.profile.legal_domains.set([LegalDomain.objects.get(slug="housing")])
    with override_domains(True):
        assert "Kim Peeters" not in assignees()  # only housing questions for kim
    assert "Kim Peeters" in assignees()  # the setting off: every domain of the region
    kim.is_active = False
    kim.save()
    assert "Kim Peeters" not in assignees()
    kim.is_active = True
    kim.save()
    assert "Kim Peeters" in assignees()
    kim.profile.regions.set([world["gent"]])
    assert "Kim Peeters" not in assignees()


def override_domains(on: bool):
    from django.test import override_settings

    return override_settings(SPECIALISTS_SEE_ONLY_THEIR_DOMAINS=on)


def test_the_kept_header_shows_a_changed_subject_at_once(client, world):  # noqa: F811
    """The page header (Wagtail's, kept per reference and subject): anonymisation or an edit
    of the subject is seen at the next opening; it is the header Wagtail writes."""
    from django.template.loader import render_to_string

    question = world["question"]
    client.force_login(world["sam"])
    html = open_page(client, question)
    assert "Bevel om het grondgebied te verlaten" in html[: html.index('data-ws-panel="facts"')]
    question.subject = "Bijlage 13quinquies"
    question.save(update_fields=["subject"])
    html = open_page(client, question)
    header = html[html.index('<header class="w-header') : html.index("</header>") + 9]
    assert "Bijlage 13quinquies" in header and "Bevel om" not in header
    expected = render_to_string(
        "wagtailadmin/shared/header.html",
        {"title": question.reference, "subtitle": "Bijlage 13quinquies", "icon": "help"},
    )
    assert parse_html(header) == parse_html(expected)


def test_proposal_and_consult_organisation_read_when_there_are_some(client, world):  # noqa: F811
    """The question's query no longer joins the article proposal and the organisation: a
    proposal made from the question and a consult's organisation still show."""
    from tickets.models import ArticleProposal

    question, sam = world["question"], world["sam"]
    client.force_login(sam)
    propose = f"/admin/questions/{question.pk}/propose-article/"
    promotion_panel = panel(open_page(client, question), "promotion")
    assert 'data-ws-panel="promotion"' in promotion_panel and propose in promotion_panel
    ArticleProposal.objects.create(question=question, proposed_by=sam, redactions=3)
    promotion_panel = panel(open_page(client, question), "promotion")
    assert propose not in promotion_panel and "3" in promotion_panel
    pro = factories.staff(roles.PROFESSIONAL, "olga")
    pro.profile.organisation = factories.organisation(
        world["antwerpen"].municipalities.get(), "OCMW Borgerhout"
    )
    pro.profile.save()
    consult = world["ask"](professional=pro).question
    facts = panel(open_page(client, consult), "facts")
    assert "OCMW Borgerhout" in facts and "cliënt A" in facts


def test_the_suggestions_are_kept_rendered_no_longer_than_their_items(rf, world):  # noqa: F811
    """The suggestions panel is kept rendered under the key of the suggestions it shows: the
    same HTML as rendering them, per language, and never kept beyond the items' own life."""
    from django.core.cache import cache
    from django.template.loader import render_to_string
    from django.utils import translation

    question, sam = world["question"], world["sam"]
    with translation.override("en"):
        html = str(panels.related_html(question, sam))
        items = panels.related_items(question, sam)
        assert parse_html(html) == parse_html(render_to_string(panels.RELATED_TEMPLATE, items))
        assert "Similar questions" in html
    with translation.override("nl"):
        assert str(panels.related_html(question, sam)) != html
    # Kept: rendered once for two pages; items whose life is over (as the cache would drop
    # them): rendered for every page, the HTML is not kept either.
    from django.test.signals import template_rendered

    rendered = []

    def count(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    try:
        cache.clear()
        with translation.override("en"):
            panels.related_html(question, sam)
            panels.related_html(question, sam)
        assert rendered.count(panels.RELATED_TEMPLATE) == 1
        cache.clear()
        key = panels.related_key(question, sam)
        cache.set(key, {"suggested_articles": [], "similar_questions": [], "expires": 0}, 600)
        with translation.override("en"):
            panels.related_html(question, sam)
            panels.related_html(question, sam)
        assert rendered.count(panels.RELATED_TEMPLATE) == 3
    finally:
        template_rendered.disconnect(count)


def test_files_and_groups_read_with_the_question_give_the_same_keys(rf, world):  # noqa: F811
    """The thread's key and the suggestions' key read the question's files and the user's
    groups with the question's query: the same keys as reading them alone, and a new file or
    a new group gives another key."""
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_tickets_model import PDF_BYTES

    question, sam = world["question"], world["sam"]
    request = rf.get("/")
    request.user = sam

    def keys():
        read_with = panels.visible_question(request, question.pk)
        assert read_with._ws_files is not None and read_with._ws_groups is not None
        alone = panels.Question.objects.get(pk=question.pk)  # nothing read with it
        with_keys = (panels.thread_key(read_with), panels.related_key(read_with, sam, 1))
        assert with_keys == (panels.thread_key(alone), panels.related_key(alone, sam, 1))
        return with_keys

    thread, related = keys()
    lifecycle.add_message(
        question, body="Met bijlage", author_kind="staff", author=sam,
        files=[SimpleUploadedFile("tweede brief.pdf", PDF_BYTES)],
    )  # fmt: skip
    thread_after, related_after = keys()
    assert thread_after != thread and related_after == related
    sam.groups.add(Group.objects.create(name="werkgroep IPR"))
    assert keys()[1] != related


def test_the_documents_lists_are_what_the_template_loops_wrote(rf, world, settings):  # noqa: F811
    """The answers and documents of the documents panel are written in Python: the same HTML
    as the loops the template had, in every language."""
    from django.template import Context, Template
    from django.utils import translation

    from tickets.models import GeneratedDocument
    from tickets.templatetags.documents import documents_data

    settings.TIME_ZONE = "Europe/Brussels"
    question, sam = world["question"], world["sam"]
    lifecycle.add_message(
        question, body="<b>Tweede</b> & antwoord", author_kind="staff", author=sam
    )
    for kind in (GeneratedDocument.Kind.ANSWER_LETTER, GeneratedDocument.Kind.CASE_FILE):
        GeneratedDocument.objects.create(question=question, kind=kind, requested_by=sam)
    loops = Template(
        '{% for answer in panel.answers %}<option value="{{ answer.pk }}">'
        "{{ answer.option_label }}</option>{% endfor %}|"
        "{% for document in panel.documents %}<li><a href=\"{% url 'tickets_document' "
        'document.pk %}">{{ document.get_kind_display }}</a> · {{ document.created_at|date:'
        '"SHORT_DATETIME_FORMAT" }} · {{ document.get_state_display }}</li>{% endfor %}'
    )
    from django.utils import timezone

    for language, zone in (("nl", "Europe/Brussels"), ("ar", "Asia/Baghdad"), ("en", "UTC")):
        # The dates are remembered per zone and language (documents.short_datetime).
        with translation.override(language), timezone.override(zone):
            panel = documents_data(sam, question)
            assert len(panel["answers"]) == 2 and len(panel["documents"]) == 2
            written = f"{panel['answer_options_html']}|{panel['documents_html']}"
            assert written == loops.render(Context({"panel": panel}))
            assert "&lt;b&gt;Tweede&lt;/b&gt; &amp; antwoord" in written
