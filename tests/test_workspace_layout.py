"""The workspace as a specialist reads it (issue 13, "Specialist"): in the order of the work,
languages by name, answer templates in the requester's language first, the preview labelled."""

import re

import pytest
from django.utils import translation

from backoffice import roles
from backoffice.models import LegalDomain
from tests import factories
from tests.conftest import make_user
from tests.i18n import in_dutch_html
from tickets import languages, lifecycle
from tickets.models import AnswerTemplate


@pytest.fixture
def answered(db):
    """An Arabic requester's question that already has a thread: a reply and a note."""
    place = factories.place("antwerpen", municipality="Berchem", postcode="2600")
    specialist = make_user(roles.SPECIALIST, "sam", regions=[place.region])
    question = factories.question(
        body="سؤال عن بطاقة الإقامة", contact_language="ar", municipality=place
    )
    factories.reply(question, specialist, body="Eerste antwoord")
    factories.requester_message(question, body="شكرا، ولكن…")
    lifecycle.add_message(
        question, body="Nota", author_kind="staff", author=specialist, internal=True
    )
    return {"question": question, "specialist": specialist}


def _workspace(client, answered) -> str:
    client.force_login(answered["specialist"])
    response = client.get(f"/admin/questions/{answered['question'].pk}/workspace/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_workspace_reads_in_the_order_of_the_work(client, answered):
    html = _workspace(client, answered)

    def at(pattern: str) -> int:
        found = re.search(pattern, html)
        assert found, pattern
        return found.start()

    order = [
        at(r'<h2 id="facts"'),
        at(r'<h2 id="thread"'),
        at(r'<h2 id="compose"'),
        at(r"<textarea[^>]*data-composer-body"),
        at(r'<section[^>]*aria-labelledby="preview-heading"'),
        at(r'name="intent" value="send"'),
        at(r'<h2 id="triage"'),
        at(r'<h2 id="related-articles"'),
        at(r'<h2 id="documents"'),
    ]
    assert order == sorted(order)
    # The preview is a region with a name (axe: an unlabelled live region was serious).
    assert re.search(r'<h3[^>]*id="preview-heading"[^>]*>' + in_dutch_html("Preview"), html)


@pytest.mark.django_db
def test_languages_are_shown_by_name_in_the_admin(client, answered):
    html = _workspace(client, answered)
    with translation.override("nl"):
        arabic = languages.language_name("ar")
    assert arabic.startswith("Arabisch")
    assert f"<dd>{arabic}</dd>" in html and "<dd>ar</dd>" not in html
    queue = client.get("/admin/questions/").content.decode()
    assert "<td>Arabisch</td>" in queue and "<td>ar</td>" not in queue
    # The queue's language filter lists names too.
    assert re.search(r'<option value="ar"[^>]*>Arabisch', queue)


def test_language_names_follow_the_interface_language():
    with translation.override("en"):
        assert languages.language_name("uk") == "Ukrainian (Українська)"
        assert languages.language_name("fr", own_name=False) == "French"
        assert languages.language_name("ti") == "Tigrinya (ትግርኛ)"
        assert languages.language_name("xx") == "xx"  # unknown: the code, never an error
    with translation.override("nl"):
        assert languages.language_name("fr", own_name=False) == "Frans"


def _template_options(html: str) -> list[str]:
    select = re.search(r'<select name="template" id="id_template">(.*?)</select>', html, re.S)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select[1])]


@pytest.mark.django_db
def test_answer_templates_default_to_the_requesters_language(client, answered):
    domain = LegalDomain.objects.get(slug="residence")
    for title, language in [("Ontvangst", "fr"), ("Ontvangst", "en"), ("Ontvangst", "nl")]:
        AnswerTemplate.objects.create(title=title, language=language, body="{reference}")
    arabic = AnswerTemplate.objects.create(
        title="استلام", language="ar", legal_domain=domain, body="{reference}"
    )

    options = _template_options(_workspace(client, answered))
    assert options[0] == "استلام (Arabisch)"  # the list's default: the requester's language
    assert "Ontvangst (Frans)" in options and not any("(fr)" in o for o in options)

    # None in the requester's language: the list asks for a choice rather than offering a
    # template in another language as if it fitted.
    arabic.delete()
    options = _template_options(_workspace(client, answered))
    with translation.override("nl"):
        assert languages.language_name("ar") in options[0]
    assert not options[0].startswith("Ontvangst")


@pytest.mark.django_db
def test_answer_template_snippets_show_languages_by_name(client, answered):
    AnswerTemplate.objects.create(title="Ontvangst", language="uk", body="{reference}")
    client.force_login(make_user("superuser", "ada"))
    html = client.get("/admin/snippets/tickets/answertemplate/").content.decode()
    assert "Oekraïens" in html
    form = client.get("/admin/snippets/tickets/answertemplate/add/").content.decode()
    assert re.search(r'<option value="ar"[^>]*>Arabisch', form)
