"""The staff search (the queue's search box) on the database backend: the user's scope is part
of the full-text match (search.backends.database.DatabaseBackend.matching_q), every match is
listed (no cap, no ranking: the queue's own order, count and pages), and the owner's rule still
decides what is shown when the index lags behind.

Runs on SQLite here and on PostgreSQL with DATABASE_URL, with SPECIALISTS_SEE_ONLY_THEIR_DOMAINS
off and on."""

import importlib
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from backoffice import roles
from search import service
from search.backends.database import _index
from search.models import SearchDocument
from search.text import facet_word
from tests import factories
from tests.conftest import make_user
from tests.search_corpus import make_questions
from tickets import lifecycle
from tickets.documents import handover
from tickets.models import Question


@pytest.fixture(params=[False, True], ids=["domains-off", "domains-on"])
def corpus(request, db, settings):
    settings.ELASTICSEARCH_URL = ""
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = request.param
    questions, users, regions = make_questions()
    users["social"] = make_user(
        roles.SPECIALIST, "social", regions=[regions["antw"]], domains=["social-law"]
    )
    service.rebuild("question")
    return {
        "questions": questions,
        "users": users,
        "regions": regions,
        "narrowed": request.param,
    }


def listed(client, user, query):
    client.force_login(user)
    response = client.get("/admin/questions/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode().replace(query, "")  # the search box shows the query
    return {question.reference for question in Question.objects.all() if question.reference in html}


def refs(corpus, *names):
    return {corpus["questions"][name].reference for name in names}


def test_the_search_box_lists_the_matches_of_the_users_scope(client, corpus):
    users = corpus["users"]
    assert listed(client, users["specialist_antw"], "gezinshereniging") == refs(
        corpus, "reunion", "reunion_kids"
    )
    assert listed(client, users["specialist_gnt"], "gezinshereniging") == set()
    assert listed(client, users["specialist_gnt"], "kaart") == refs(corpus, "card_gent")
    assert listed(client, users["specialist_antw"], "kaart") == set()
    assert listed(client, users["superuser"], "kaart mijn") == refs(corpus, "card_gent")
    # With the option on, a specialist who chose social law finds only that domain's questions.
    social = users["social"]
    assert listed(client, social, "leefloon") == refs(corpus, "leefloon")
    expected = set() if corpus["narrowed"] else refs(corpus, "reunion", "reunion_kids")
    assert listed(client, social, "gezinshereniging") == expected
    # Every word must match; a reference finds its question exactly.
    assert listed(client, users["specialist_antw"], "gezinshereniging kinderen") == refs(
        corpus, "reunion_kids"
    )
    reunion = corpus["questions"]["reunion"]
    assert listed(client, users["specialist_antw"], reunion.reference.lower()) == {
        reunion.reference
    }
    assert listed(client, users["specialist_gnt"], reunion.reference) == set()


def test_the_condition_alone_keeps_to_the_scope(corpus):
    """matching_q without the listing's own queryset: the scope is applied by the search."""
    users, questions = corpus["users"], corpus["questions"]

    def found(user, query):
        condition = service.matching_q(query, "question", user)
        return set(Question.objects.filter(condition).values_list("pk", flat=True))

    antwerp = {questions[name].pk for name in ("reunion", "reunion_kids", "leefloon")}
    assert found(users["specialist_antw"], "mijn") == {
        questions[name].pk for name in ("reunion", "reunion_kids")
    }
    assert found(users["specialist_gnt"], "mijn") == {questions["card_gent"].pk}
    assert found(users["editor"], "mijn") == set()
    assert found(users["professional"], "gezinshereniging") == set()
    # Punctuation only: no word to look for, everything in the scope.
    assert found(users["specialist_antw"], "?!") == antwerp
    social = found(users["social"], "?!")
    assert social == ({questions["leefloon"].pk} if corpus["narrowed"] else antwerp)


def test_rebuilds_and_updates_write_the_scope_words(corpus, django_capture_on_commit_callbacks):
    """A rebuild writes every document's facet words; a handover to another region rewrites
    them on commit, so the question leaves one region's search and enters the other's."""
    users, questions, regions = corpus["users"], corpus["questions"], corpus["regions"]
    reunion = questions["reunion"]
    document = SearchDocument.objects.get(kind="question", object_id=str(reunion.pk))
    assert facet_word("region", str(regions["antw"].pk)) in document.facet_terms.split()
    assert facet_word("legal_domain", "residence") in document.facet_terms.split()

    consent = handover.record_consent(reunion, given_by="requester")
    with django_capture_on_commit_callbacks(execute=True):
        handover.transfer_to_region(
            reunion, to_region=regions["gnt"], consent=consent, actor=users["specialist_antw"]
        )
    document.refresh_from_db()
    assert facet_word("region", str(regions["gnt"].pk)) in document.facet_terms.split()
    assert facet_word("region", str(regions["antw"].pk)) not in document.facet_terms.split()
    assert reunion.pk in set(
        Question.objects.filter(
            service.matching_q("echtgenote", "question", users["specialist_gnt"])
        ).values_list("pk", flat=True)
    )
    assert reunion.pk not in set(
        Question.objects.filter(
            service.matching_q("echtgenote", "question", users["specialist_antw"])
        ).values_list("pk", flat=True)
    )


def test_an_index_that_lags_behind_never_shows_more_than_the_rule(client, corpus):
    """The question moved to Gent without its index entry being rewritten (the update is still
    queued): Antwerp's specialist no longer finds it, the owner's rule is checked on the
    matches; Gent's does not find it yet (the index still says Antwerp)."""
    users, questions, regions = corpus["users"], corpus["questions"], corpus["regions"]
    reunion = questions["reunion"]
    Question.objects.filter(pk=reunion.pk).update(
        region=regions["gnt"], municipality=regions["gnt"].municipalities.get()
    )
    assert listed(client, users["specialist_antw"], "gezinshereniging") == refs(
        corpus, "reunion_kids"
    )
    assert listed(client, users["specialist_gnt"], "gezinshereniging") == set()
    service.index(Question.objects.get(pk=reunion.pk))
    assert listed(client, users["specialist_gnt"], "gezinshereniging") == {reunion.reference}


def test_the_migration_fills_the_words_of_an_older_index(client, corpus):
    """Migration 0008 on an index written before it (no facet words anywhere): the scoped
    search finds nothing until the migration's fill has run, then finds the same as a rebuild."""
    users = corpus["users"]
    documents = list(SearchDocument.objects.filter(kind="question"))
    SearchDocument.objects.filter(kind="question").update(facet_terms="")
    for document in documents:
        document.facet_terms = ""
    _index().add_bulk(SearchDocument, documents)  # index entries as before the migration
    assert listed(client, users["specialist_antw"], "gezinshereniging") == set()

    migration = importlib.import_module("search.migrations.0008_search_document_facet_terms")
    # The fill only reads the schema editor's connection (SQLite refuses a schema editor
    # inside the test's transaction).
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert listed(client, users["specialist_antw"], "gezinshereniging") == refs(
        corpus, "reunion", "reunion_kids"
    )
    assert listed(client, users["specialist_gnt"], "kaart") == refs(corpus, "card_gent")


def shown(client, user, params):
    """The references of the rows of one page of the listing, top to bottom, and its count."""
    client.force_login(user)
    response = client.get("/admin/questions/", params)
    assert response.status_code == 200
    tbody = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = list(dict.fromkeys(re.findall(r"WW-\d{4}-\d{6}", tbody)))  # named twice a row
    return rows, response.context["paginator"].count


def test_every_page_of_a_search_keeps_the_listings_order_and_count(client, corpus):
    """More matches than one page (50): the count is every match of the scope, and the pages
    show them in the queue's order (legal deadline, then answer due date), or in the order of
    the column the user sorts by, each match once; closed questions are found too."""
    users, regions = corpus["users"], corpus["regions"]
    antwerp = regions["antw"].municipalities.get()
    today = timezone.localdate()
    made = [
        factories.question(
            municipality=antwerp,
            subject=f"Gezinshereniging, vraag {index}",
            body="Wanneer mag mijn familie komen?",
            deadline=today + timedelta(days=index % 9) if index % 3 else None,
        )
        for index in range(56)
    ]
    for question in made[::7]:
        lifecycle.close(question, actor=users["superuser"], outcome="answered")
    factories.question(
        municipality=regions["gnt"].municipalities.get(), subject="Gezinshereniging in Gent"
    )
    service.rebuild("question")
    specialist = users["specialist_antw"]
    expected = Question.objects.filter(
        pk__in=[question.pk for question in made]
        + [corpus["questions"][name].pk for name in ("reunion", "reunion_kids")]
    )
    in_queue_order = list(expected.queue_order().values_list("reference", flat=True))
    assert len(in_queue_order) == 58

    first, count = shown(client, specialist, {"q": "gezinshereniging"})
    second, count_again = shown(client, specialist, {"q": "gezinshereniging", "p": 2})
    assert count == count_again == 58
    assert first == in_queue_order[:50]
    assert second == in_queue_order[50:]

    by_reference = list(expected.order_by("-reference").values_list("reference", flat=True))
    params = {"q": "gezinshereniging", "ordering": "-reference"}
    first, count = shown(client, specialist, params)
    second, _count = shown(client, specialist, {**params, "p": 2})
    assert count == 58
    assert first + second == by_reference

    # The export of a search holds every match, in the listing's order.
    client.force_login(specialist)
    response = client.get("/admin/questions/", {"q": "gezinshereniging", "export": "csv"})
    exported = b"".join(response.streaming_content).decode()
    assert re.findall(r"WW-\d{4}-\d{6}", exported) == in_queue_order
