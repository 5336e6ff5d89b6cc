"""The answer rule for Elasticsearch's hits (DatabaseBackend.judge) is kept in memory per query,
language, filters and visibility while the index is unchanged: a repeated public search on
Elasticsearch costs no database ranking, and any write to the index gives a fresh judgement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends.base import RawHit
from search.registry import Entry

pytestmark = pytest.mark.django_db

QUERY = "open a bank account"


@pytest.fixture
def demo(db):
    from demo import knowledge_base
    from search import service

    knowledge_base.seed_demo()
    service.rebuild("article", targets=("database",))


def _judge(query=QUERY, language="en", hits=()):
    from search import service

    visibilities = service._visibilities(["article"], None)
    hits = list(hits)
    with CaptureQueriesContext(connection) as queries:
        answered, suggestion = service.database().judge(
            query, visibilities, {}, language, "nl", [], hits
        )
    postings = [q["sql"] for q in queries.captured_queries if "search_searchposting" in q["sql"]]
    return answered, suggestion, hits, postings


def _bank_article():
    return Entry(
        title="Open a bank account",
        summary="How to open a bank account as a newcomer: the basic banking service.",
        text="Every bank must open a basic bank account for you.",
        language="en",
        url="/en/bank-account/",
        facets={"audience": ["public"]},
    )


def test_a_repeated_judgement_reads_no_postings_and_gives_the_same_outcome(demo):
    answered, suggestion, _hits, postings = _judge()
    assert not answered
    assert postings  # the first judgement ranks
    again, suggestion_again, _hits, postings_again = _judge()
    assert (again, suggestion_again) == (answered, suggestion)
    assert postings_again == []


def test_a_write_to_the_index_gives_a_fresh_judgement(demo):
    from search import service

    assert not _judge()[0]
    service.database().index("article", "990001", _bank_article())
    answered, _suggestion, hits, postings = _judge(
        hits=[RawHit("article", "990001", "Open a bank account", "", "/en/bank-account/", "en")]
    )
    assert postings
    assert answered
    assert [hit.weak for hit in hits] == [False]
    service.database().remove("article", "990001")
    answered, _suggestion, _hits, _postings = _judge()
    assert not answered


def test_the_judgement_of_the_same_words_in_another_language_is_its_own(demo):
    _judge()
    _answered, _suggestion, _hits, postings = _judge(language="nl")
    assert postings


def test_removing_many_documents_at_once_gives_a_fresh_judgement(demo):
    """Anonymisation and retention remove questions from the database index in one statement
    (service.remove_from_database): a kept judgement that counted them must not be reused."""
    from search import service

    service.database().index("article", "990001", _bank_article())
    bank_hit = [RawHit("article", "990001", "Open a bank account", "", "/en/bank-account/", "en")]
    assert _judge(hits=bank_hit)[0]
    service.remove_from_database("article", ["990001"])
    answered, _suggestion, _hits, postings = _judge()
    assert postings  # judged again, not read from the kept judgement
    assert not answered
