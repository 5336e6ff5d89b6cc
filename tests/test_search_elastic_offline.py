"""The Elasticsearch mapping and query shapes, checked without a node (to_dict()), and the
fallback to the database when the node cannot be reached."""

import logging

import pytest
from django.contrib.auth.models import AnonymousUser

from search import service
from search.backends import elastic
from search.health import check_search_backend
from search.registry import Entry, Visibility
from tests.search_corpus import fake_articles, make_questions

# Nothing listens on the discard port: connections are refused at once.
UNREACHABLE = "http://127.0.0.1:9"


def test_mapping_has_language_fields_analysers_and_suggest_field(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "wegwijs"
    body = elastic.new_index("article", suffix="1").to_dict()
    properties = body["mappings"]["properties"]
    assert properties["title_nl"] == {"type": "text", "analyzer": "wegwijs_nl"}
    assert properties["text_fr"]["analyzer"] == "wegwijs_fr"
    assert properties["text_ar"]["analyzer"] == "wegwijs_ar"
    assert properties["title"]["analyzer"] == "wegwijs_folded"  # Ukrainian and the rest
    assert properties["suggest"]["type"] == "search_as_you_type"
    assert properties["kind"] == {"type": "keyword"}
    assert body["mappings"]["dynamic_templates"][0]["facets"]["mapping"] == {"type": "keyword"}
    analysis = body["settings"]["analysis"]
    assert analysis["filter"]["wegwijs_nl_stem"] == {"type": "stemmer", "language": "dutch"}
    assert "asciifolding" in analysis["analyzer"]["wegwijs_nl"]["filter"]
    assert analysis["filter"]["wegwijs_fr_elision"]["type"] == "elision"


def test_document_carries_text_in_its_language_field():
    entry = Entry("Gezinshereniging", "Tekst", "nl", facets={"legal_domain": ["residence"]})
    document = elastic.to_document("article", "7", entry).to_dict(include_meta=True)
    source = document["_source"]
    assert document["_id"] == "7"
    assert source["title_nl"] == "Gezinshereniging" and "title_fr" not in source
    assert source["facets"] == {"legal_domain": ["residence"], "language": ["nl"]}
    uk = elastic.to_document("article", "8", Entry("Тема", "Текст", "uk")).to_dict()
    assert uk["title"] == "Тема" and not any(key.startswith("title_") for key in uk)


def test_search_query_filters_inside_the_query_with_highlights_and_aggregations(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "wegwijs"
    visibilities = {
        "question": Visibility(terms={"region": ["3"]}),
        "article": Visibility(terms={"audience": ["public"]}),
    }
    body = elastic.build_search(
        "verblijfskaart", visibilities, filters={"legal_domain": ["residence"]}, language="nl"
    ).to_dict()
    query = body["query"]["bool"]
    assert query["must"][0]["multi_match"]["fields"][:2] == ["title_nl^3", "text_nl"]
    permission = query["filter"][0]["bool"]
    assert permission["minimum_should_match"] == 1
    assert {"terms": {"facets.region": ["3"]}} in permission["should"][0]["bool"]["filter"]
    assert {"term": {"kind": "article"}} in permission["should"][1]["bool"]["filter"]
    assert {"terms": {"facets.legal_domain": ["residence"]}} in query["filter"]
    assert {"term": {"language": "nl"}} in query["filter"]
    assert body["highlight"]["pre_tags"] == ["<mark>"] and body["highlight"]["encoder"] == "html"
    assert set(body["aggs"]) == {"legal_domain", "status", "region", "audience", "language"}
    assert body["aggs"]["region"] == {"terms": {"field": "facets.region", "size": 50}}
    assert body["size"] == 10


def test_a_kind_without_terms_is_hidden_from_elasticsearch_fail_closed():
    from tickets.models import Question

    rule = Visibility(queryset=Question.objects.none())
    body = elastic.visibility_filter({"question": rule, "article": Visibility.none()}).to_dict()
    assert body == {"bool": {"must_not": [{"match_all": {}}]}}


def test_suggest_and_similar_queries(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "wegwijs"
    visibilities = {"article": Visibility(terms={"audience": ["public"]})}
    suggest = elastic.build_suggest("gezinsher", "nl", visibilities).to_dict()
    prefix = suggest["query"]["bool"]["must"][0]["multi_match"]
    assert prefix["type"] == "bool_prefix"
    assert prefix["fields"] == ["suggest", "suggest._2gram", "suggest._3gram"]
    assert suggest["size"] == 5
    similar = elastic.build_similar("question", "12", "tekst", visibilities).to_dict()
    more_like_this = similar["query"]["bool"]["must"][0]["more_like_this"]
    assert more_like_this["like"] == ["tekst"] and "text_nl" in more_like_this["fields"]
    assert similar["query"]["bool"]["must_not"][0]["bool"]["filter"] == [
        {"term": {"kind": "question"}},
        {"term": {"object_id": "12"}},
    ]


@pytest.fixture
def corpus(db):
    with fake_articles():
        questions, users, _regions = make_questions()
        service.rebuild("question")
        service.rebuild("article")
        yield questions, users


def test_unreachable_elasticsearch_falls_back_to_the_database(corpus, settings, caplog):
    settings.ELASTICSEARCH_URL = UNREACHABLE
    with caplog.at_level(logging.WARNING, logger="search.service"):
        results = service.search("gezinshereniging", kinds=["article"], user=AnonymousUser())
    assert results.backend == "database"
    assert "1" in {hit.object_id for hit in results.hits}
    assert "Elasticsearch unavailable" in caplog.text
    assert service.suggest("gezinshereniging", "nl", AnonymousUser())
    health = check_search_backend()
    assert health["status"] == "degraded" and health["fallback"] == "database"


def test_a_save_never_fails_when_elasticsearch_is_down(
    corpus, settings, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = UNREACHABLE
    questions, users = corpus
    question = questions["card_gent"]
    with django_capture_on_commit_callbacks(execute=True):
        question.subject = "Verlenging van mijn verblijfskaart"
        question.save()  # the index task fails on Elasticsearch; django-q2 records and retries
    question.refresh_from_db()
    assert question.subject == "Verlenging van mijn verblijfskaart"
    from django_q.models import Schedule

    retry = Schedule.objects.get(func="search.tasks.index_object")
    assert retry.args == repr(("question", str(question.pk), 2))
    assert retry.schedule_type == Schedule.ONCE
    # The database copy was written before Elasticsearch was tried.
    settings.ELASTICSEARCH_URL = ""
    found = service.search("verblijfskaart", kinds=["question"], user=users["superuser"])
    assert str(question.pk) in {hit.object_id for hit in found.hits}
