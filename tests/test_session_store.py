"""The session store reads a session by its key with SQL built once and compares its expiry
itself (backoffice.session_store): the same answers as Django's database sessions."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from backoffice.session_store import SessionStore


@pytest.mark.django_db
def test_a_live_session_is_read_and_an_expired_or_unknown_one_is_not():
    live = SessionStore()
    live["follow_up_questions"] = [7]
    live.create()
    assert SessionStore(live.session_key).load() == {"follow_up_questions": [7]}

    expired = SessionStore()
    expired["follow_up_questions"] = [8]
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    reader = SessionStore(expired.session_key)
    assert reader.load() == {}
    assert reader.session_key is None  # a new key at the next save, as Django does

    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


@pytest.mark.django_db
def test_a_session_read_through_a_request_keeps_what_was_stored(client):
    store = SessionStore()
    store["kept"] = "yes"
    store.create()
    client.cookies["sessionid"] = store.session_key
    response = client.get("/en/follow-up/")
    assert response.status_code == 200
    assert response.wsgi_request.session.get("kept") == "yes"
