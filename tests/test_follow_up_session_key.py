"""Opening a question (reference and code) gives the browser a session key nobody knew
before (session fixation), also now that a visitor's first session is written once instead of
being made and then renamed (tickets.access.open_in_session)."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client

from tests import factories


@pytest.fixture
def opened(db):
    created = factories.new_question()
    return created.question, created.access_code


def open_with_code(client, question, code):
    response = client.post("/en/follow-up/", {"reference": question.reference, "code": code})
    assert response.status_code == 302
    return client.cookies["sessionid"].value


@pytest.mark.django_db
def test_a_planted_session_is_replaced_when_the_question_opens(opened):
    question, code = opened
    planted = SessionStore()
    planted["something"] = "the attacker's"
    planted.create()  # a real session the attacker knows the key of
    victim = Client()
    victim.cookies["sessionid"] = planted.session_key
    key = open_with_code(victim, question, code)
    assert key != planted.session_key
    assert victim.get(f"/en/follow-up/{question.reference}/").status_code == 200
    attacker = Client()
    attacker.cookies["sessionid"] = planted.session_key
    assert attacker.get(f"/en/follow-up/{question.reference}/").status_code == 302


@pytest.mark.django_db
def test_an_unknown_planted_key_is_not_taken(opened):
    question, code = opened
    victim = Client()
    victim.cookies["sessionid"] = "a" * 32  # names no stored session
    key = open_with_code(victim, question, code)
    assert key != "a" * 32
    assert not Session.objects.filter(session_key="a" * 32).exists()
    attacker = Client()
    attacker.cookies["sessionid"] = "a" * 32
    assert attacker.get(f"/en/follow-up/{question.reference}/").status_code == 302


@pytest.mark.django_db
def test_a_first_session_is_written_once(opened, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    question, code = opened
    visitor = Client()
    with CaptureQueriesContext(connection) as queries:
        key = open_with_code(visitor, question, code)
    writes = [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert len(writes) == 1, writes
    assert Session.objects.filter(session_key=key).exists()
    assert visitor.get(f"/en/follow-up/{question.reference}/").status_code == 200


@pytest.mark.django_db
def test_a_stored_session_is_renamed_in_one_save(opened):
    """A visitor who already has a session (a second question, a question opened again) gets
    a new key too; the new row and the old one's removal are one transaction, not three."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    question, code = opened
    visitor = Client()
    first = open_with_code(visitor, question, code)
    with CaptureQueriesContext(connection) as queries:
        second = open_with_code(visitor, question, code)
    sql = [q["sql"] for q in queries]
    writes = [i for i, s in enumerate(sql) if "django_session" in s and not s.startswith("SELECT")]
    assert [sql[i].split()[0] for i in writes] == ["INSERT", "DELETE"], [sql[i] for i in writes]

    # Both inside one savepoint (in a request: one transaction of their own).
    def released_after(i):
        name = sql[i].split()[1]
        return next(j for j, s in enumerate(sql) if j > i and s == f"RELEASE SAVEPOINT {name}")

    enclosing = [
        i
        for i, s in enumerate(sql[: writes[0]])
        if s.startswith("SAVEPOINT") and released_after(i) > writes[1]
    ]
    assert enclosing, sql
    assert second != first
    assert not Session.objects.filter(session_key=first).exists()
    assert visitor.get(f"/en/follow-up/{question.reference}/").status_code == 200
    attacker = Client()
    attacker.cookies["sessionid"] = first
    assert attacker.get(f"/en/follow-up/{question.reference}/").status_code == 302
