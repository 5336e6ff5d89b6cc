"""backoffice.db.relax_commit: on PostgreSQL the commit of a session, a rate-limit counter or a
broker's task copy does not wait for the disk; a transaction that holds anything else (a larger
transaction around it) is never relaxed. On SQLite it changes nothing."""

import pytest
from django.db import connection, transaction

from backoffice.db import relax_commit


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.fixture
def unwrapped(django_db_setup, django_db_blocker):
    """The test database without a transaction around the test (as a request has it); the
    tests below leave no rows behind."""
    with django_db_blocker.unblock():
        yield


def test_only_an_outermost_transaction_on_postgresql_is_relaxed(unwrapped):
    if connection.vendor != "postgresql":
        with transaction.atomic():
            assert relax_commit() is False
        return
    default = synchronous_commit()
    assert default == "on"
    with transaction.atomic():
        assert relax_commit() is True
        assert synchronous_commit() == "off"
    assert synchronous_commit() == "on"  # SET LOCAL: that transaction only
    with transaction.atomic():  # e.g. a view's transaction that saved a question
        with transaction.atomic():
            assert relax_commit() is False
            assert synchronous_commit() == "on"
    assert relax_commit() is False  # outside a transaction: nothing to relax


def test_sessions_are_saved_and_deleted_through_the_store(unwrapped):
    from django.conf import settings
    from django.contrib.sessions.models import Session

    from backoffice.session_store import SessionStore

    assert settings.SESSION_ENGINE == "backoffice.session_store"
    session = SessionStore()
    session["question"] = 7
    session.create()
    key = session.session_key
    assert SessionStore(session_key=key)["question"] == 7
    session["question"] = 8
    session.save()
    assert SessionStore(session_key=key)["question"] == 8
    session.cycle_key()
    assert session.session_key != key
    assert not Session.objects.filter(session_key=key).exists()
    # rotate_key: the new key and the old row's removal come with the next save.
    key = session.session_key
    session.rotate_key()
    assert Session.objects.filter(session_key=key).exists()
    session.save()
    assert session.session_key not in (None, key)
    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(session_key=session.session_key)["question"] == 8
    session.delete()
    assert not Session.objects.filter(session_key=session.session_key or "").exists()
