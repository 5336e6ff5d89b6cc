""" "Send" and "Save draft" in place (issue 13): with JavaScript the composer posts with the
X-Workspace-Fragments header and gets the changed panels back as JSON; without it the plain
POST redirects to the workspace as before. Both run the same lifecycle call, refuse the same
people, and show the same errors in the user's language with the text kept."""

import pytest
from django.utils import translation

from backoffice import roles
from backoffice.models import LegalDomain, Municipality, Region
from tests.conftest import ROLES, make_user
from tickets import lifecycle
from tickets.models import MessageDraft, Status

IN_PLACE = {"HTTP_X_WORKSPACE_FRAGMENTS": "1"}


def nl(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


@pytest.fixture
def world(db):
    antwerpen = Region.objects.create(name="Antwerpen", slug="antwerpen")
    gent = Region.objects.create(name="Gent", slug="gent")
    place = Municipality.objects.create(name="Berchem", postcode="2600", region=antwerpen)
    question = lifecycle.create_question(
        legal_domain=LegalDomain.objects.get(slug="residence"),
        subject="Verblijfskaart vervalt",
        body="De gemeente geeft pas over twee maanden een afspraak.",
        contact_language="nl",
        email="newcomer@example.org",
        processing_consent=True,
        municipality=place,
    ).question
    specialist = make_user(roles.SPECIALIST, "sam", regions=[antwerpen])
    # A thread already under way: a first answer and the requester's reply (status open).
    lifecycle.add_message(question, body="Eerste antwoord", author_kind="staff", author=specialist)
    lifecycle.add_message(question, body="Dank u, maar…", author_kind="requester")
    return {
        "question": question,
        "specialist": specialist,
        "stranger": make_user(roles.SPECIALIST, "gert", regions=[gent]),
    }


def url(question) -> str:
    return f"/admin/questions/{question.pk}/workspace/"


def send(client, question, body, in_place=True, intent="send", **extra):
    last = question.messages.order_by("-pk").first().pk
    data = {"action": "compose", "intent": intent, "internal": "0", "last_seen": last}
    data.update(body=body, **extra)
    return client.post(url(question), data, **(IN_PLACE if in_place else {}))


@pytest.mark.django_db
def test_send_in_place_answers_with_the_changed_panels(client, world):
    question = world["question"]
    client.force_login(world["specialist"])
    response = send(client, question, "U moet **binnen 30 dagen** beroep aantekenen.")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    answer = response.json()
    message = question.messages.get(body__startswith="U moet")
    assert "<strong>binnen 30 dagen</strong>" in answer["panels"]["thread"]
    assert f'id="message-{message.pk}"' in answer["panels"]["thread"]
    assert answer["focus"] == f"#message-{message.pk}"
    # The status shown is the one the service set; the composer is emptied and knows the
    # newest message (the next send is not taken for a concurrent one).
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    assert str(Status.ANSWERED.label) in answer["panels"]["facts"]
    # The documents panel offers the answer for a letter; the assignee was already set by the
    # first answer, so triage is not sent again, nor closing (it could be closed before).
    assert set(answer["panels"]) >= {"thread", "facts", "documents"}
    assert "triage" not in answer["panels"] and "closing" not in answer["panels"]
    assert "beroep aantekenen" in answer["panels"]["documents"]
    # The composer is emptied in the browser, told the newest message (the next send is not
    # taken for a concurrent one).
    assert "composer" not in answer["panels"]
    assert answer["reset"] == {"last_seen": message.pk}
    assert answer["message"] == nl("Your message was sent.") and answer["level"] == "success"
    # The text was given in JSON, not also left in the session for the next page.
    page = client.get(url(question)).content.decode()
    assert nl("Your message was sent.") not in page


@pytest.mark.django_db
def test_without_javascript_send_still_posts_and_redirects(client, world):
    question = world["question"]
    client.force_login(world["specialist"])
    response = send(client, question, "Antwoord zonder JavaScript.", in_place=False)
    assert response.status_code == 302 and response["Location"] == url(question)
    page = client.get(response["Location"]).content.decode()
    assert "Antwoord zonder JavaScript." in page
    assert nl("Your message was sent.") in page
    question.refresh_from_db()
    assert question.status == Status.ANSWERED


@pytest.mark.django_db
@pytest.mark.parametrize("in_place", [True, False])
def test_an_empty_message_is_refused_in_the_users_language(client, world, in_place):
    question = world["question"]
    client.force_login(world["specialist"])
    before = question.messages.count()
    response = send(client, question, "   ", in_place=in_place)
    assert response.status_code == 400
    html = response.json()["panels"]["composer"] if in_place else response.content.decode()
    assert nl("Write a message first.") in html
    assert question.messages.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("in_place", [True, False])
def test_a_refusal_of_the_lifecycle_keeps_the_text(client, world, in_place):
    """A public reply may not link to the admin (lifecycle.check_article_links)."""
    question = world["question"]
    client.force_login(world["specialist"])
    body = "Zie [hier](/admin/pages/1/edit/) voor de regels."
    response = send(client, question, body, in_place=in_place)
    assert response.status_code == 400
    if in_place:
        answer = response.json()
        html = answer["panels"]["composer"]
        assert answer["level"] == "error" and answer["message"]
        assert set(answer["panels"]) == {"composer"}
    else:
        html = response.content.decode()
    assert "Zie [hier](/admin/pages/1/edit/)" in html  # what was typed, kept
    assert 'role="alert"' in html
    assert not question.messages.filter(body=body).exists()


@pytest.mark.django_db
def test_a_concurrent_reply_shows_the_newer_message_in_place(client, world):
    question = world["question"]
    client.force_login(world["specialist"])
    last = question.messages.order_by("-pk").first().pk
    lifecycle.add_message(question, body="Nog een brief erbij.", author_kind="requester")
    response = client.post(
        url(question),
        {"action": "compose", "intent": "send", "internal": "0", "last_seen": last,
         "body": "Mijn antwoord"},
        **IN_PLACE,
    )  # fmt: skip
    assert response.status_code == 400
    panels = response.json()["panels"]
    assert "Nog een brief erbij." in panels["thread"]
    assert "Mijn antwoord" in panels["composer"]
    assert not question.messages.filter(body="Mijn antwoord").exists()


@pytest.mark.django_db
def test_save_draft_in_place_keeps_the_text_where_it_is(client, world):
    question = world["question"]
    client.force_login(world["specialist"])
    response = send(client, question, "Half af", intent="draft")
    assert response.status_code == 200
    answer = response.json()
    assert answer["panels"] == {} and answer["message"] == nl("Draft saved.")
    draft = MessageDraft.objects.get(question=question, author=world["specialist"])
    assert draft.body == "Half af"
    assert not question.messages.filter(body="Half af").exists()


# The access matrix of the fetch path: every role gets what it gets on the plain path (staff
# made here have no regions: only the superuser sees the question; "stranger" is a specialist
# of another region).
EXPECTED = dict.fromkeys(ROLES, "denied") | {
    "anonymous": "login",
    "superuser": "sent",
    "stranger": "denied",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "stranger"])
def test_the_fetch_path_refuses_whom_the_plain_path_refuses(client, world, role):
    from tests.access import outcome

    question = world["question"]
    results = []
    for in_place in (False, True):
        if role == "stranger":
            client.force_login(world["stranger"])
        elif role != "anonymous":
            client.force_login(make_user(role, f"{role}-{int(in_place)}"))
        response = send(client, question, f"Poging {int(in_place)}", in_place=in_place)
        redirected_back = response.status_code == 302 and response["Location"] == url(question)
        answered = in_place and response.status_code == 200 and response.json()["panels"]
        results.append("sent" if redirected_back or answered else outcome(response))
        client.logout()
    assert results == [EXPECTED[role]] * 2, (role, results)
    stored = question.messages.filter(body__startswith="Poging").count()
    assert stored == (2 if EXPECTED[role] == "sent" else 0)
