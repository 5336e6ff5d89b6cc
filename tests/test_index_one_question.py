"""The worker's index work for one question (search.backends.database.DatabaseBackend.index):
a new question is found right after its outbox rows ran, in a few statements, and a reply
re-indexes the same document with only the facets that changed replaced.

Runs on SQLite here and on PostgreSQL with DATABASE_URL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice import outbox, roles
from backoffice.models import OutboxTask
from search import service
from search.models import SearchDocument, SearchFacet
from tests import factories
from tests.conftest import make_user
from tickets.models import Status


@pytest.fixture
def world(db, settings):
    settings.ELASTICSEARCH_URL = ""
    region = factories.region("gent")
    specialist = make_user(roles.SPECIALIST, "sam", regions=[region])
    return region, specialist


def _found(specialist, words) -> set[str]:
    results = service.search(words, kinds=["question"], user=specialist)
    return {hit.object_id for hit in results.hits}


def test_a_new_question_is_found_once_the_worker_ran_its_rows(world):
    region, specialist = world
    before = OutboxTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    question = factories.question(
        municipality=region.municipalities.first(),
        domain="housing",
        subject="Huurwaarborg niet terug",
        body="Mijn verhuurder houdt de waarborg.",
    )
    assert str(question.pk) not in _found(specialist, "verhuurder waarborg")
    rows = OutboxTask.objects.filter(pk__gt=before).order_by("pk")
    statements = {}
    for row in rows:
        with CaptureQueriesContext(connection) as queries:
            assert outbox.run(row.pk) == "done"
        statements[row.handler] = [query["sql"] for query in queries]
    assert str(question.pk) in _found(specialist, "verhuurder waarborg")
    index = statements["search.tasks.index_object"]
    shown = "\n".join(sql[:120] for sql in index)
    written = [sql for sql in index if "SAVEPOINT" not in sql]
    # Claim, question and thread, the document's upsert, its facets (read, written), the full
    # text entry and its title norm (modelsearch reads before it writes on SQLite), done: no
    # lookup of the document before its write, nothing written to the shared store (questions
    # keep nothing under a generation). Savepoints: the test's transaction around the run and
    # the index's own, none of update_or_create's.
    assert len(written) <= 12, shown
    assert sum(sql.startswith("SAVEPOINT") for sql in index) <= 2, shown
    assert not any(sql.startswith('SELECT "search_searchdocument"') for sql in index), shown
    assert not any("rate_limits" in sql for sql in index), shown
    # The row was claimed and read in one statement.
    assert index[0].lstrip().upper().startswith("UPDATE")


def test_a_reply_reindexes_the_same_document_and_replaces_only_changed_facets(world):
    region, specialist = world
    question = factories.question(
        municipality=region.municipalities.first(),
        domain="housing",
        subject="Huurwaarborg",
        body="Mijn verhuurder houdt de waarborg.",
    )
    service.index(question)
    document = SearchDocument.objects.get(kind="question", object_id=str(question.pk))
    facets = dict(SearchFacet.objects.filter(document=document).values_list("name", "pk"))
    assert SearchFacet.objects.get(pk=facets["status"]).value == Status.NEW
    factories.reply(question, specialist, body="Vraag de borg terug met een aangetekende brief.")
    question.refresh_from_db()
    assert question.status != Status.NEW
    service.index(question)
    again = SearchDocument.objects.get(kind="question", object_id=str(question.pk))
    assert again.pk == document.pk and "aangetekende" in again.text
    now = dict(SearchFacet.objects.filter(document=again).values_list("name", "pk"))
    assert now.keys() == facets.keys()
    assert SearchFacet.objects.get(pk=now["status"]).value == question.status
    assert now["status"] != facets["status"]  # replaced
    assert {name: pk for name, pk in now.items() if name != "status"} == {
        name: pk for name, pk in facets.items() if name != "status"
    }  # kept as they were
    assert str(question.pk) in _found(specialist, "aangetekende")


def test_a_row_that_cannot_be_claimed_says_why(world):
    region, _specialist = world
    question = factories.question(municipality=region.municipalities.first(), domain="housing")
    row = OutboxTask.objects.create(
        handler="search.tasks.index_object",
        args=["question", str(question.pk)],
        due_at=timezone.now(),
    )
    assert outbox.run(10**9) == "gone"
    held = timezone.now() + timedelta(minutes=1)
    OutboxTask.objects.filter(pk=row.pk).update(claimed_until=held)
    assert outbox.run(row.pk) == "busy"
    row.refresh_from_db()
    assert row.attempts == 0 and row.claimed_until == held  # left as it was
    ran_out = timezone.now() - timedelta(seconds=1)
    OutboxTask.objects.filter(pk=row.pk).update(claimed_until=ran_out)
    assert outbox.run(row.pk) == "done"
    row.refresh_from_db()
    assert row.attempts == 1 and row.claimed_until is None and row.done_at is not None
    assert row.args == ["question", str(question.pk)] and row.result == "indexed"
    assert outbox.run(row.pk) == "already done"
