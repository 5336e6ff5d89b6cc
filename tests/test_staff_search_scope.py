"""The staff search (the queue's search box) on the database backend: the user's scope is part
of the full-text match (search.backends.database.DatabaseBackend.matching_q), every match is
listed (no cap, no ranking: the queue's own order, count and pages), and the owner's rule still
decides what is shown when the index lags behind.

Runs on SQLite here and on PostgreSQL with DATABASE_URL, with SPECIALISTS_SEE_ONLY_THEIR_DOMAINS
off and on."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from backoffice import roles
from search import service
from search.backends.database import _index
from search.models import SearchDocument
from search.text import facet_word
from tests.conftest import make_user
from tests.search_corpus import make_questions
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
