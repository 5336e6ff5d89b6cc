"""What "Send" costs (issue 13: sending took 1.3–2.1 s). The answer itself is written in the
request; its side effects are queued once, and the workspace shown right after it reuses the
similar-question search. Timings are measured by bench/send_answer.py and the specialist's
journey (tests/browser/test_journey_specialist.py), not asserted here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from tests import factories
from tests.conftest import make_user
from tickets import lifecycle, workspace


@pytest.fixture
def question(db):
    place = factories.place("antwerpen", municipality="Berchem", postcode="2600")
    specialist = make_user(roles.SPECIALIST, "sam", regions=[place.region])
    question = factories.question(
        subject="Verblijfskaart vervalt",
        body="De gemeente geeft pas over twee maanden een afspraak.",
        email="newcomer@example.org",
        municipality=place,
    )
    _commit_so_far()
    return question, specialist


def _commit_so_far():
    """What committing the set-up would do to its queued callbacks (the test's transaction stays
    open): run them, so that the change under test starts a transaction of its own."""
    pending, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, callback, _robust in pending:
        callback()


def _last_row() -> int:
    from backoffice.models import OutboxTask

    return OutboxTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _index_rows(question, after: int) -> list:
    """The question's index updates written to the outbox (backoffice.outbox) after row `after`
    and still waiting for the commit (a rolled-back savepoint takes its rows with it)."""
    from backoffice.models import OutboxTask

    rows = OutboxTask.objects.filter(pk__gt=after, handler="search.tasks.index_object")
    return [row for row in rows if row.args == ["question", str(question.pk)]]


@pytest.mark.django_db
def test_an_answer_is_indexed_once_not_once_per_save(question, django_capture_on_commit_callbacks):
    question, specialist = question
    before = _last_row()
    with django_capture_on_commit_callbacks():
        # One transaction saves the message, the question (first response, assignee) and its
        # status: each save used to queue its own re-indexing of the same question.
        lifecycle.add_message(question, body="Antwoord", author_kind="staff", author=specialist)
    assert len(_index_rows(question, before)) == 1


@pytest.mark.django_db
def test_a_rolled_back_change_does_not_stop_the_next_from_being_indexed(
    question, django_capture_on_commit_callbacks
):
    from django.db import transaction

    question, specialist = question
    before = _last_row()
    with django_capture_on_commit_callbacks():
        with transaction.atomic():
            try:
                with transaction.atomic():
                    question.save()
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
            question.save()
    assert len(_index_rows(question, before)) == 1


@pytest.mark.django_db
def test_the_workspace_after_send_reuses_the_similar_questions(question):
    question, specialist = question
    workspace.related_items(question, specialist)
    lifecycle.add_message(question, body="Antwoord", author_kind="staff", author=specialist)
    question.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        workspace.related_items(question, specialist)
    assert not [q for q in queries if "search_searchdocument" in q["sql"]]
    # A change of what is searched for is seen at once.
    question.subject = "Gezinshereniging met mijn echtgenote"
    question.save()
    with CaptureQueriesContext(connection) as queries:
        workspace.related_items(question, specialist)
    assert [q for q in queries if "search_searchdocument" in q["sql"]]
