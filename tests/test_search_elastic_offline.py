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


def test_mapping_follows_the_analysis_the_cluster_offers(settings):
    builtin = elastic.Analysis("builtin", dict.fromkeys(("nl", "fr", "en", "ar"), "builtin"))
    body = elastic.index_body(builtin)
    properties = body["mappings"]["properties"]
    assert properties["title_nl"] == {
        "type": "text",
        "analyzer": "wegwijs_nl",
        "index_options": "offsets",
    }
    assert properties["text_fr"]["analyzer"] == "wegwijs_fr"
    assert "title_uk" not in properties  # no built-in Ukrainian stemmer
    assert properties["title_fold"]["analyzer"] == "wegwijs_plain"  # Ukrainian and the rest
    assert properties["suggest"]["index_prefixes"] == {"min_chars": 2, "max_chars": 12}
    assert properties["kind"] == {"type": "keyword"}
    assert body["mappings"]["dynamic_templates"][0]["facets"]["mapping"] == {"type": "keyword"}
    assert body["mappings"]["_meta"]["wegwijs"]["analysis"]["mode"] == "builtin"
    analysis = body["settings"]["analysis"]
    assert analysis["filter"]["wegwijs_nl_stem"] == {"type": "stemmer", "language": "dutch"}
    assert "asciifolding" in analysis["analyzer"]["wegwijs_nl"]["filter"]
    assert analysis["filter"]["wegwijs_fr_elision"]["type"] == "elision"

    hunspell = elastic.Analysis("hunspell", {"nl": "hunspell nl_NL", "uk": "hunspell uk_UA"})
    body = elastic.index_body(hunspell)
    filters = body["settings"]["analysis"]["filter"]
    assert filters["wegwijs_uk_hunspell"] == {"type": "hunspell", "locale": "uk_UA", "dedup": True}
    assert "stemmer" not in str(body["settings"])  # only what the lean node has
    assert set(body["mappings"]["properties"]) >= {"title_nl", "text_uk"}

    standard = elastic.index_body(elastic.Analysis("standard"))
    assert not any(key.endswith("_nl") for key in standard["mappings"]["properties"])
    assert elastic.Analysis("standard").describe() == "standard (folded words, no stemming)"


def test_document_carries_text_in_its_language_field():
    analysis = elastic.Analysis("hunspell", {"nl": "hunspell nl_NL"})
    entry = Entry("Gezinshereniging", "Financiële steun", "nl", facets={"legal_domain": ["x"]})
    source = elastic.to_source("article", "7", entry, analysis)
    assert source["title_nl"] == "Gezinshereniging" and "title_fr" not in source
    assert source["text_fold"] == "financiele steun"
    assert source["facets"] == {"legal_domain": ["x"], "language": ["nl"]}
    uk = elastic.to_source("article", "8", Entry("Тема", "Текст", "uk"), analysis)
    assert uk["title"] == "Тема" and "title_uk" not in uk


def test_query_forms_drop_stop_words_and_fold():
    assert elastic.query_forms("Hoe kan ik mijn verblijfskaart verlengen?", "nl") == (
        "verblijfskaart verlengen",
        "verblijfskaart verlengen",
    )
    assert elastic.query_forms("l'ambassade à Bruxelles", "fr")[1] == "ambassade bruxelles"
    assert elastic.query_forms("hoe", "nl") == ("hoe", "hoe")  # only stop words: kept


def test_search_query_filters_inside_the_query_with_highlights_and_aggregations(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "wegwijs"
    visibilities = {
        "question": Visibility(terms={"region": ["3"]}),
        "article": Visibility(terms={"audience": ["public"]}),
    }
    analysis = elastic.Analysis("hunspell", {"nl": "hunspell nl_NL"})
    body = elastic.build_search(
        "verblijfskaart",
        visibilities,
        filters={"legal_domain": ["residence"]},
        language="nl",
        analysis=analysis,
    ).to_dict()
    query = body["query"]["bool"]
    stemmed, folded, fuzzy = query["must"][0]["dis_max"]["queries"]
    assert stemmed["multi_match"]["fields"] == ["title_nl^3", "text_nl"]
    assert folded["multi_match"]["fields"] == ["title_fold^3", "text_fold"]
    assert fuzzy["match"]["all_fold"]["fuzziness"] == "AUTO:5,9"
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
    prefix = suggest["query"]["bool"]["should"][0]
    assert prefix == {"match_bool_prefix": {"suggest": {"query": "gezinsher"}}}
    assert suggest["size"] == 5
    analysis = elastic.Analysis("hunspell", {"nl": "hunspell nl_NL"})
    similar = elastic.build_similar("question", "12", "Tekst", visibilities, analysis=analysis)
    more_like_this = similar.to_dict()["query"]["bool"]["must"][0]["more_like_this"]
    assert more_like_this["like"] == ["Tekst", "tekst"] and "text_nl" in more_like_this["fields"]
    assert similar.to_dict()["query"]["bool"]["must_not"][0]["bool"]["filter"] == [
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


def test_updates_wait_for_an_unreachable_node_however_long(corpus, settings):
    """A node that stays away: the retries go on (an hour apart at most), never given up, and
    the catch-up leaves them waiting while the node does not answer; /health/ counts them."""
    from django_q.models import Schedule

    from search import tasks

    settings.ELASTICSEARCH_URL = UNREACHABLE
    questions, _users = corpus
    pk = str(questions["card_gent"].pk)
    assert tasks.index_object("question", pk, attempt=tasks.MAX_ATTEMPTS + 3) == "retry"
    retry = Schedule.objects.get(func="search.tasks.index_object")
    assert retry.args == repr(("question", pk, tasks.MAX_ATTEMPTS + 4))
    from django.utils import timezone

    assert (retry.next_run - timezone.now()).total_seconds() <= tasks.MAX_DELAY_MINUTES * 60 + 5
    assert tasks.catch_up() == "1 waiting, elasticsearch unreachable"
    assert tasks.waiting_updates() == 1
    health = check_search_backend()
    assert health["status"] == "degraded" and health["waiting_updates"] == 1
    assert "Elasticsearch unreachable" in health["reason"]


def test_catch_up_waits_without_elasticsearch(corpus, settings):
    """Updates waiting, and Elasticsearch switched off meanwhile (no ELASTICSEARCH_URL): the
    catch-up does nothing and removes nothing."""
    from django_q.models import Schedule

    from search import tasks

    settings.ELASTICSEARCH_URL = UNREACHABLE
    questions, _users = corpus
    pk = str(questions["card_gent"].pk)
    for attempt in (1, 2):
        tasks.index_object("question", pk, attempt)
    tasks.remove_object("question", str(questions["reunion"].pk))
    assert tasks.waiting_updates() == 3
    settings.ELASTICSEARCH_URL = ""
    assert tasks.catch_up() == "no elasticsearch"
    assert Schedule.objects.filter(func__in=tasks.RETRIED).count() == 3


def test_a_page_asks_only_what_it_shows(settings):
    """Highlights only of the fields shown (as written and in the query's language), with a
    highlight query without the typo clause; the source cut to what a hit shows."""
    settings.ELASTICSEARCH_INDEX_PREFIX = "wegwijs"
    analysis = elastic.Analysis("hunspell", {"nl": "hunspell nl_NL", "fr": "hunspell fr_FR"})
    visibilities = {"article": Visibility(terms={"audience": ["public"]})}
    body = elastic.build_search(
        "verblijfskaart", visibilities, language="nl", analysis=analysis
    ).to_dict()
    assert set(body["highlight"]["fields"]) == {"title", "text", "title_nl", "text_nl"}
    assert "fuzziness" not in str(body["highlight"]["highlight_query"])
    assert "fuzziness" in str(body["query"])  # the scoring query keeps it
    assert body["_source"] == elastic.SOURCE_FIELDS and "text_nl" not in body["_source"]
    everywhere = elastic.build_search("verblijfskaart", visibilities, analysis=analysis)
    assert {"title_fr", "text_nl"} <= set(everywhere.to_dict()["highlight"]["fields"])
    listing = elastic.build_search("", visibilities, analysis=analysis).to_dict()
    assert "highlight" not in listing  # nothing to mark without words
    ids_only = elastic.build_search(
        "verblijfskaart", visibilities, analysis=analysis, facets=False, highlight=False
    ).to_dict()
    assert "highlight" not in ids_only and "aggs" not in ids_only


def test_similar_reads_the_objects_own_language_fields(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "wegwijs"
    analysis = elastic.Analysis("hunspell", {"nl": "hunspell nl_NL", "fr": "hunspell fr_FR"})
    visibilities = {"question": Visibility(terms={"region": ["3"]})}
    body = elastic.build_similar(
        "question", "12", "Tekst", visibilities, analysis=analysis, language="nl"
    ).to_dict()
    more_like_this = body["query"]["bool"]["must"][0]["more_like_this"]
    assert more_like_this["fields"] == ["title_fold", "text_fold", "title_nl", "text_nl"]
    unstemmed = elastic.build_similar(
        "question", "12", "Текст", visibilities, analysis=analysis, language="uk"
    ).to_dict()["query"]["bool"]["must"][0]["more_like_this"]
    assert {"text_nl", "text_fr"} <= set(unstemmed["fields"])  # no analyser of its own: all
    assert body["_source"] == elastic.SOURCE_FIELDS


def test_the_mapping_keeps_offsets_for_the_highlighted_fields():
    analysis = elastic.Analysis("hunspell", {"nl": "hunspell nl_NL"})
    properties = elastic.index_body(analysis)["mappings"]["properties"]
    for name in ("title", "text", "title_nl", "text_nl"):
        assert properties[name]["index_options"] == "offsets"
    assert "index_options" not in properties["all_fold"]
