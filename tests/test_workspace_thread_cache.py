"""The workspace's thread panel is kept per content (tickets.workspace.panels.thread_html, issue 20:
the twenty messages were the costliest panel of the page). A kept thread is never stale: every
change the lifecycle makes to what it shows (a reply, an internal note, the requester's message
with a file, a renamed author, the anonymisation) is on the page at once; and it never leaks:
access is checked before it is read, and a thread kept in one language or time zone is not shown
in another."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests import factories
from tickets import lifecycle
from tickets.privacy import anonymisation
from tickets.workspace import panels

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(db):
    cache.clear()
    gent = factories.region("gent")
    antwerpen = factories.region("antwerpen")
    specialist = factories.staff("specialist", "sam", regions=[gent])
    question = factories.question(region=gent, subject="Verblijfskaart", body="Eerste vraag")
    factories.reply(question, specialist, "Eerste antwoord")
    factories.requester_message(question, "Dank u, maar…")
    return {
        "question": question,
        "specialist": specialist,
        "colleague": factories.staff("specialist", "kim", regions=[gent]),
        "stranger": factories.staff("specialist", "gert", regions=[antwerpen]),
    }


def page(client, user, question, language="nl"):
    client.force_login(user)
    response = client.get(
        f"/admin/questions/{question.pk}/workspace/", HTTP_ACCEPT_LANGUAGE=language, follow=True
    )
    return response.status_code, response.content.decode()


def fresh(question) -> str:
    """The thread rendered without anything kept."""
    cache.clear()
    return str(panels.thread_html(question))


def reads_bodies(run) -> bool:
    with CaptureQueriesContext(connection) as captured:
        run()
    return any('"body_html"' in q["sql"] and "LENGTH" not in q["sql"].upper()
               for q in captured.captured_queries)  # fmt: skip


@pytest.mark.django_db
def test_a_kept_thread_is_the_thread_and_is_reused(world):
    question = world["question"]
    first = fresh(question)
    assert "Eerste antwoord" in first and "Dank u, maar…" in first
    assert not reads_bodies(lambda: panels.thread_html(question))
    assert str(panels.thread_html(question)) == first


@pytest.mark.django_db
def test_every_change_to_the_thread_shows_at_once(client, world):
    question, specialist = world["question"], world["specialist"]
    assert page(client, specialist, question)[0] == 200  # kept now

    lifecycle.add_message(
        question, body="Een **interne** notitie", author_kind="staff", author=specialist,
        internal=True,
    )  # fmt: skip
    html = page(client, specialist, question)[1]
    assert "Een <strong>interne</strong> notitie" in html

    factories.requester_message(
        question,
        "Hier is de brief",
        files=[SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")],
    )
    html = page(client, specialist, question)[1]
    assert "Hier is de brief" in html and "brief.pdf" in html
    # The composer knows the newest message (read with the thread), kept thread or not.
    newest = question.messages.order_by("-pk").first().pk
    assert f'name="last_seen" value="{newest}"' in html
    assert f'name="last_seen" value="{newest}"' in page(client, specialist, question)[1]

    # The author's name as shown: a renamed account shows its new name.
    specialist.username = "samira"
    specialist.save()
    html = page(client, specialist, question)[1]
    assert "(samira)" in html and "(sam)" not in html

    # What the kept copy holds equals a fresh rendering after every change.
    kept = str(panels.thread_html(question))
    assert kept == fresh(question)

    # The anonymisation empties the thread: nothing of it stays on the page.
    page(client, specialist, question)
    anonymisation.anonymise(question, reason="test", actor=None)
    question.refresh_from_db()
    html = page(client, specialist, question)[1]
    for gone in ("Eerste antwoord", "Hier is de brief", "brief.pdf", "Eerste vraag"):
        assert gone not in html


@pytest.mark.django_db
def test_a_kept_thread_is_not_shown_to_whom_may_not_read_it(client, world):
    question = world["question"]
    assert page(client, world["specialist"], question)[0] == 200
    assert page(client, world["stranger"], question)[0] == 404
    # A colleague of the region sees the same thread (nothing in it is the reader's).
    status, html = page(client, world["colleague"], question)
    assert status == 200 and "Eerste antwoord" in html


@pytest.mark.django_db
def test_a_kept_thread_is_not_shown_in_another_language_or_time_zone(world):
    question = world["question"]
    with translation.override("nl"):
        dutch = str(panels.thread_html(question))
    with translation.override("en"):
        english = str(panels.thread_html(question))
    assert ">Berichten<" in dutch and ">Messages<" in english
    assert ">Messages<" not in dutch
    with translation.override("en"):
        with timezone.override("Asia/Tokyo"):
            tokyo = str(panels.thread_html(question))
        assert tokyo != english
        assert tokyo == fresh_in("Asia/Tokyo", question)


def fresh_in(zone, question) -> str:
    with timezone.override(zone):
        return fresh(question)
