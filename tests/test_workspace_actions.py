"""Each action view of the workspace viewset (tickets.workspace.viewset): the specialist of the
question's region succeeds, others are refused and nothing changes, and bad input gets a
message in the user's language with what was typed kept. The questions are mid-life: answered
once, with a reply from the requester."""

import pytest
from django.urls import reverse
from django.utils import translation

from backoffice import roles
from backoffice.models import LegalDomain, Municipality, Region
from tests.access import outcome
from tests.conftest import make_user
from tickets import lifecycle
from tickets.models import Outcome, Status


def nl(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


@pytest.fixture
def world(db):
    antwerpen = Region.objects.create(name="Antwerpen", slug="antwerpen")
    gent = Region.objects.create(name="Gent", slug="gent")
    place = Municipality.objects.create(name="Berchem", postcode="2600", region=antwerpen)
    first = make_user(roles.SPECIALIST, "an", regions=[antwerpen])
    question = lifecycle.create_question(
        legal_domain=LegalDomain.objects.get(slug="residence"),
        subject="Verblijfskaart vervalt",
        body="De gemeente geeft pas over twee maanden een afspraak.",
        contact_language="nl",
        processing_consent=True,
        municipality=place,
    ).question
    lifecycle.add_message(question, body="Eerste antwoord", author_kind="staff", author=first)
    lifecycle.add_message(question, body="Dank u, maar…", author_kind="requester")
    question.refresh_from_db()
    assert question.status == Status.OPEN and question.assignee == first
    return {
        "question": question,
        "specialist": make_user(roles.SPECIALIST, "sam", regions=[antwerpen]),
        "stranger": make_user(roles.SPECIALIST, "gert", regions=[gent]),
        "editor": make_user(roles.EDITOR, "eddy"),
        "professional": make_user(roles.PROFESSIONAL, "pro"),
    }


def residence() -> int:
    return LegalDomain.objects.get(slug="residence").pk


# name -> (good input, what it did, bad input, what must be shown, typed text kept)
ACTIONS = {
    "compose": (
        {"intent": "send", "internal": "0", "body": "Tweede antwoord"},
        lambda q: q.messages.filter(body="Tweede antwoord").exists(),
        {"intent": "send", "internal": "0", "body": "Zie [hier](/admin/pages/1/edit/)."},
        None,  # the lifecycle's refusal (a link to the admin)
        "Zie [hier](/admin/pages/1/edit/).",
    ),
    "status": (
        {"status": Status.WAITING},
        lambda q: q.status == Status.WAITING,
        {"status": "bogus"},
        "bogus",
        None,
    ),
    "take": ({}, lambda q: q.assignee.username == "sam", None, None, None),
    "triage": (
        lambda: {"legal_domain": residence(), "priority": 4, "legal_deadline": "2026-12-24"},
        lambda q: q.priority == 4 and str(q.legal_deadline) == "2026-12-24",
        lambda: {"legal_domain": residence(), "priority": 4, "legal_deadline": "24/24/2026"},
        "Voer een geldige datum in.",
        "24/24/2026",
    ),
    "close": (
        {"outcome": Outcome.OTHER_SERVICE, "service": "CAW Antwerpen"},
        lambda q: q.status == Status.CLOSED and q.outcome_service == "CAW Antwerpen",
        {"outcome": Outcome.OTHER_SERVICE, "service": "  "},
        "Name the service the requester was referred to.",
        f'value="{Outcome.OTHER_SERVICE}" selected',
    ),
}


def data_of(value):
    return value() if callable(value) else value


def action_url(name, question) -> str:
    return reverse(f"tickets_workspace_{name}", args=[question.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_specialist_of_the_region_does_it(client, world, name):
    good, done, *_ = ACTIONS[name]
    question = world["question"]
    client.force_login(world["specialist"])
    response = client.post(action_url(name, question), data_of(good))
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets_workspace", args=[question.pk])
    question.refresh_from_db()
    assert done(question)
    page = client.get(response["Location"]).content.decode()
    assert 'class="success"' in page  # the messages framework's confirmation


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(ACTIONS))
@pytest.mark.parametrize("who", ["stranger", "editor", "professional", "anonymous"])
def test_others_are_refused_and_nothing_changes(client, world, name, who):
    good, done, *_ = ACTIONS[name]
    question = world["question"]
    if who != "anonymous":
        client.force_login(world[who])
    response = client.post(action_url(name, question), data_of(good))
    assert outcome(response) in ("denied", "login"), response.status_code
    question.refresh_from_db()
    assert not done(question)
    assert question.subject not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, spec in ACTIONS.items() if spec[2] is not None])
def test_bad_input_shows_a_message_and_keeps_what_was_typed(client, world, name):
    good, done, bad, shown, kept = ACTIONS[name]
    question = world["question"]
    client.force_login(world["specialist"])
    response = client.post(action_url(name, question), data_of(bad), follow=True)
    html = response.content.decode()
    if shown is not None:
        assert nl(shown) in html or shown in html, html[:3000]
    if kept is not None:
        assert kept in html
    assert "help-critical" in html or 'class="error"' in html
    question.refresh_from_db()
    assert not done(question)


@pytest.mark.django_db
def test_preview_and_article_links_follow_the_same_access(client, world):
    question = world["question"]
    links = reverse("tickets_article_links", args=[question.pk])
    preview = reverse("tickets_preview")
    client.force_login(world["specialist"])
    assert client.get(links).status_code == 200
    assert "<strong>x</strong>" in client.post(preview, {"body": "**x**"}).content.decode()
    client.force_login(world["stranger"])
    assert outcome(client.get(links)) == "denied"
    client.force_login(world["editor"])
    assert outcome(client.post(preview, {"body": "**x**"})) == "denied"


@pytest.mark.django_db
def test_a_post_to_the_page_is_handed_to_the_action_it_names(client, world):
    """Forms of a page opened before each action had its own URL keep working."""
    question = world["question"]
    client.force_login(world["specialist"])
    page = reverse("tickets_workspace", args=[question.pk])
    client.post(page, {"action": "take"})
    question.refresh_from_db()
    assert question.assignee == world["specialist"]
    client.post(page, {"action": "compose", "internal": "0", "body": "Via de pagina"})
    assert question.messages.filter(body="Via de pagina").exists()


@pytest.mark.django_db
def test_the_page_posts_each_form_to_its_action(client, world):
    question = world["question"]
    client.force_login(world["specialist"])
    html = client.get(reverse("tickets_workspace", args=[question.pk])).content.decode()
    for name in ACTIONS:
        assert f'action="{action_url(name, question)}"' in html, name
