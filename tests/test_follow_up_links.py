"""Follow-up links (issue 14, finding 7): a one-click link opens a question once, and "I lost my
code" does the same work in the request whether or not the address matches a question."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backoffice.models import Municipality, Region
from tests.test_intake import ask
from tickets.models import Question, SignInLink


@pytest.fixture
def place(db):
    region = Region.objects.create(name="Gent", slug="gent")
    return Municipality.objects.create(name="Gent", postcode="9000", region=region)


def _link_token(mailoutbox):
    return re.search(r"#link=([A-Za-z0-9_-]+)", mailoutbox[-1].body).group(1)


@pytest.fixture
def question_with_link(client, place, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, place, email="amal@example.org")
    return Question.objects.get(), _link_token(mailoutbox)


@pytest.mark.django_db
def test_a_link_opens_the_question_once(question_with_link):
    question, token = question_with_link
    first = Client().post("/en/follow-up/", {"link": token})
    assert first.status_code == 302
    assert first["Location"].endswith(f"/follow-up/{question.reference}/")
    assert SignInLink.objects.get(question=question).used_at is not None

    # The same link again, from another browser: refused, with the way to a new one.
    other = Client()
    second = other.post("/en/follow-up/", {"link": token})
    html = second.content.decode()
    assert second.status_code == 400
    assert "already been used" in html
    assert 'href="/en/follow-up/lost-code/"' in html
    assert other.get(f"/en/follow-up/{question.reference}/").status_code == 302  # not opened


@pytest.mark.django_db
def test_the_used_link_message_is_in_the_visitors_language(question_with_link):
    _question, token = question_with_link
    Client().post("/ar/follow-up/", {"link": token})
    response = Client().post("/ar/follow-up/", {"link": token})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="ar" dir="rtl">' in html
    assert 'href="/ar/follow-up/lost-code/"' in html


@pytest.mark.django_db
def test_an_unknown_link_says_so_without_claiming_it_was_used():
    response = Client().post("/en/follow-up/", {"link": "not-a-real-token"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "no longer valid" in html and "already been used" not in html


@pytest.mark.django_db
def test_a_new_link_works_after_the_old_one_was_spent(
    question_with_link, mailoutbox, django_capture_on_commit_callbacks
):
    question, token = question_with_link
    Client().post("/en/follow-up/", {"link": token})
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/en/follow-up/lost-code/",
            {"reference": question.reference, "email": "amal@example.org"},
        )
    fresh = _link_token(mailoutbox)
    assert fresh != token
    assert Client().post("/en/follow-up/", {"link": fresh}).status_code == 302


def _shapes(queries):
    """The statements a request ran, with their values taken out."""
    # Savepoint names carry a per-connection counter ("s1400…_x11829"): a value, not a shape.
    shape = re.compile(r"'(?:[^']|'')*'|\"s\d+_x\d+\"|\b\d+(?:\.\d+)?\b")
    return [shape.sub("?", query["sql"]) for query in queries]


@pytest.mark.django_db
def test_lost_code_runs_the_same_statements_whatever_the_address(
    client, place, monkeypatch, django_capture_on_commit_callbacks
):
    """The request only queues (here into django-q2's real ORM broker, as in production); the
    worker does the lookup. Timing: bench/lost_code_timing.py."""
    from django_q.conf import Conf
    from django_q.models import OrmQ

    ask(client, place, email="amal@example.org")
    reference = Question.objects.get().reference
    monkeypatch.setattr(Conf, "SYNC", False)  # queued for a worker, not run in the request
    statements = {}
    for name, email in {"matching": "amal@example.org", "unknown": "nobody@example.org"}.items():
        visitor = Client(REMOTE_ADDR=f"10.0.0.{len(statements) + 1}")
        visitor.get("/en/follow-up/lost-code/")
        with (
            CaptureQueriesContext(connection) as captured,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = visitor.post(
                "/en/follow-up/lost-code/", {"reference": reference, "email": email}
            )
        assert response.status_code == 200
        statements[name] = _shapes(captured.captured_queries)
    assert statements["matching"] == statements["unknown"]
    assert not any("tickets_question" in sql for sql in statements["matching"])
    assert OrmQ.objects.count() == 2  # one task each way, whatever the address


@pytest.mark.django_db
def test_the_worker_mails_only_a_matching_address(place, client, mailoutbox):
    from tickets import notifications

    ask(client, place, email="Amal@Example.org")
    reference = Question.objects.get().reference
    mailoutbox.clear()
    digest = notifications.email_digest
    assert notifications.send_lost_code_link(reference, digest("nobody@example.org")) == "no match"
    assert notifications.send_lost_code_link("WW-2026-999999", digest("amal@example.org")) == (
        "no match"
    )
    assert notifications.send_lost_code_link(reference, digest(" amal@example.ORG ")) == "sent"
    assert [m.to for m in mailoutbox] == [["Amal@Example.org"]]
