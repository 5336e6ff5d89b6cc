"""The answer rule and "did you mean" on Elasticsearch (a real node: TEST_ELASTICSEARCH_URL or
ELASTICSEARCH_URL; skipped without): search.service applies search.ranking's rule to the hits
Elasticsearch returns, so a query the demo articles do not answer gets the ask-first outcome and
a misspelt one its correction, as on the database.
"""

import uuid

import pytest

from tests.elastic_node import ES_URL, SKIP_REASON

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not ES_URL, reason=SKIP_REASON)]

UNANSWERED = [("en", "open a bank account"), ("en", "tax return belgium"), ("ar", "مخالفة سير")]
ANSWERED = [("en", "residence card stolen"), ("nl", "verblijfskaart verlengen")]


@pytest.fixture
def demo_on_both(db, settings):
    from elasticsearch import Elasticsearch

    from demo import knowledge_base as demo
    from search import service

    demo.seed_demo()
    settings.ELASTICSEARCH_URL = ES_URL
    settings.ELASTICSEARCH_INDEX_PREFIX = f"wegwijs-test-{uuid.uuid4().hex[:8]}"
    service.rebuild("article")
    service.primary().refresh("article")
    yield settings
    Elasticsearch(ES_URL).options(ignore_status=404).indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*"
    )


def _ask(settings, query, language, url):
    from search import service

    settings.ELASTICSEARCH_URL = url
    return service.search(query, kinds=["article"], language=language, originals=True)


@pytest.mark.parametrize(("language", "query"), UNANSWERED)
def test_a_query_nothing_answers_gets_the_ask_first_outcome(demo_on_both, language, query):
    elastic = _ask(demo_on_both, query, language, ES_URL)
    assert elastic.backend == "elasticsearch"
    assert elastic.outcome == "no-answer"
    # Partial matches stay listed below, marked weak, as the database marks them.
    assert all(hit.weak for hit in elastic.hits)
    assert _ask(demo_on_both, query, language, "").outcome == "no-answer"


@pytest.mark.parametrize(("language", "query"), ANSWERED)
def test_a_query_an_article_answers_is_answered(demo_on_both, language, query):
    elastic = _ask(demo_on_both, query, language, ES_URL)
    assert elastic.backend == "elasticsearch"
    assert elastic.outcome == "answers"
    assert not elastic.hits[0].weak


def test_did_you_mean_on_elasticsearch(demo_on_both, client):
    from search import service

    results = _ask(demo_on_both, "residnce card stolen", "en", ES_URL)
    assert results.backend == "elasticsearch"
    assert results.suggestion == "residence card stolen"
    assert results.answered
    assert any("verloren" in hit.url or "stolen" in hit.title.lower() for hit in results.hits[:3])
    # A correctly spelt query offers no correction.
    assert _ask(demo_on_both, "residence card stolen", "en", ES_URL).suggestion == ""
    # And the public page shows it.
    demo_on_both.ELASTICSEARCH_URL = ES_URL
    page = client.get("/en/search/", {"q": "residnce card stolen"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="did-you-mean"' in html
    assert "residence card stolen" in html.split('class="did-you-mean"')[1][:400]
    assert service.primary().name == "elasticsearch"
