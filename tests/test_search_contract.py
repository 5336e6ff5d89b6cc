"""The search contract: every backend must pass these on the same fixture corpus.

The database half always runs (SQLite here, PostgreSQL in CI). The Elasticsearch half runs
against a real node when ELASTICSEARCH_URL is set and is skipped with that reason otherwise.
"""

import re
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from backoffice import roles
from search import service
from tests import factories
from tests.conftest import make_user
from tests.elastic_node import ES_URL, SKIP_REASON
from tests.search_corpus import fake_articles, make_questions
from tickets import lifecycle
from tickets.models import Question
from tickets.wagtail_hooks import CappedPaginator


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, settings):
    if request.param == "elasticsearch":
        if not ES_URL:
            pytest.skip(SKIP_REASON)
        settings.ELASTICSEARCH_URL = ES_URL
        settings.ELASTICSEARCH_INDEX_PREFIX = f"wegwijs-test-{uuid.uuid4().hex[:8]}"
    else:
        settings.ELASTICSEARCH_URL = ""
    yield request.param
    if request.param == "elasticsearch":
        from elasticsearch import Elasticsearch

        Elasticsearch(ES_URL).options(ignore_status=404).indices.delete(
            index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*"
        )


@pytest.fixture(params=[False, True], ids=["domains-off", "domains-on"])
def domains_option(request, settings):
    """SPECIALISTS_SEE_ONLY_THEIR_DOMAINS, off and on: every backend follows the staff scope."""
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = request.param
    return request.param


@pytest.fixture
def corpus(db, backend, domains_option):
    with fake_articles() as articles:
        questions, users, regions = make_questions()
        service.rebuild("question")
        service.rebuild("article")
        yield {"questions": questions, "users": users, "regions": regions, "articles": articles}


def refresh(backend_name):
    if backend_name == "elasticsearch":
        primary = service.primary()
        for kind in ("question", "article"):
            primary.refresh(kind)


def ids(hits, kind=None):
    return {hit.object_id for hit in hits if kind is None or hit.kind == kind}


def test_backend_in_use(corpus, backend):
    assert service.search("gezinshereniging", kinds=["article"]).backend == backend


def test_dutch_matches_with_and_without_accents(corpus):
    anonymous = AnonymousUser()
    found = service.search("financiele steun", kinds=["article"], user=anonymous)
    assert "1" in ids(found.hits)  # the text says "Financiële"
    superuser = corpus["users"]["superuser"]
    found = service.search("financiële", kinds=["article"], user=superuser)
    assert "2" in ids(found.hits)  # the text says "financiele"
    found = service.search("procedure demarches", kinds=["article"], language="fr")
    assert ids(found.hits) == {"4"}


def test_plural_forms_where_the_backend_stems(corpus):
    if "nl" not in service.primary().stemmed_languages:
        pytest.skip("this backend does not stem Dutch (SQLite FTS5 matches whole words only)")
    found = service.search("kaarten", kinds=["article"], language="nl")
    assert "5" in ids(found.hits)


def test_articles_by_audience(corpus):
    users = corpus["users"]
    everything = "gezinshereniging leefloon interne kaart regroupement"

    def visible(user):
        results = service.search(everything, kinds=["article"], user=user)
        return ids(results.hits)

    assert visible(AnonymousUser()) == {"1", "4", "5"}
    assert visible(users["professional"]) == {"1", "2", "4", "5"}
    assert visible(users["editor"]) == {"1", "2", "3", "4", "5"}
    # An article that is not live is not indexed at all.
    assert "6" not in visible(users["superuser"])


def test_questions_by_role(corpus):
    users, questions = corpus["users"], corpus["questions"]

    def visible(user):
        return ids(service.search("", kinds=["question"], user=user).hits)

    all_ids = {str(question.pk) for question in questions.values()}
    gent = {str(questions["card_gent"].pk)}
    assert visible(users["superuser"]) == all_ids
    assert visible(users["specialist_antw"]) == all_ids - gent
    assert visible(users["specialist_gnt"]) == gent
    assert visible(users["editor"]) == set()
    assert visible(users["professional"]) == set()
    assert visible(AnonymousUser()) == set()
    # The total counts only what the user may see (filtered inside the query).
    assert service.search("", kinds=["question"], user=users["specialist_gnt"]).total == 1


def test_questions_of_a_specialist_who_chose_domains(corpus, domains_option):
    """Narrowed to their domains only when the option is on (tickets.access.staff_scope), on
    every backend: the list, the total and the facets."""
    questions, regions = corpus["questions"], corpus["regions"]
    social = make_user(
        roles.SPECIALIST, "social", regions=[regions["antw"]], domains=["social-law"]
    )
    results = service.search("", kinds=["question"], user=social)
    antwerp = {str(questions[name].pk) for name in ("reunion", "reunion_kids", "leefloon")}
    expected = {str(questions["leefloon"].pk)} if domains_option else antwerp
    assert ids(results.hits) == expected
    assert results.total == len(expected)
    domains = {value.value for value in results.facets["legal_domain"]}
    assert domains == ({"social-law"} if domains_option else {"residence", "social-law"})
    # "Similar questions" in the workspace: another domain's questions stay out when narrowed.
    similar = ids(service.similar(questions["leefloon"], kinds=["question"], user=social))
    reunion = service.search("gezinshereniging", kinds=["question"], user=social)
    assert similar <= expected
    assert bool(ids(reunion.hits)) is not domains_option


def test_facets_and_filters(corpus):
    users, regions = corpus["users"], corpus["regions"]
    results = service.search("", kinds=["question"], user=users["superuser"])
    facets = {name: {v.value: v.count for v in values} for name, values in results.facets.items()}
    assert facets["legal_domain"] == {"residence": 3, "social-law": 1}
    assert facets["region"] == {str(regions["antw"].pk): 3, str(regions["gnt"].pk): 1}
    assert facets["status"] == {"new": 4}
    assert facets["language"] == {"nl": 3, "ar": 1}
    labels = {v.value: v.label for v in results.facets["region"]}
    assert labels[str(regions["gnt"].pk)] == "Gnt"

    filtered = service.search(
        "", kinds=["question"], user=users["superuser"], filters={"legal_domain": ["social-law"]}
    )
    assert filtered.total == 1
    assert filtered.hits[0].object_id == str(corpus["questions"]["leefloon"].pk)

    articles = service.search("", kinds=["article"], user=users["editor"])
    audience = {v.value: v.count for v in articles.facets["audience"]}
    assert audience == {"public": 3, "professionals": 1, "internal": 1}


def test_highlighted_snippets_are_escaped(corpus):
    results = service.search("gemeente", kinds=["article"])
    hit = next(hit for hit in results.hits if hit.object_id == "5")
    assert "<mark>gemeente</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html
    assert "<mark>" in service.search("gezinshereniging", kinds=["article"]).hits[0].title_html


def test_suggestions(corpus):
    hits = service.suggest(
        "Hoe kan ik gezinshereniging aanvragen voor mijn echtgenote?", "nl", AnonymousUser()
    )
    assert hits and hits[0].object_id == "1"
    assert len(hits) <= 5
    assert {hit.kind for hit in hits} == {"article"}
    assert "2" not in ids(hits)  # professionals only
    # While typing a word.
    assert "1" in ids(service.suggest("gezinsher", "nl", AnonymousUser()))


def test_similar_articles_and_questions(corpus):
    questions, users = corpus["questions"], corpus["users"]
    hits = service.similar(
        questions["reunion"], kinds=["article", "question"], user=users["specialist_antw"]
    )
    assert str(questions["reunion_kids"].pk) in ids(hits, "question")
    assert "1" in ids(hits, "article")
    assert str(questions["reunion"].pk) not in ids(hits, "question")
    # Another region's questions stay out, even when they are alike.
    gent_hits = service.similar(
        questions["reunion"], kinds=["question"], user=users["specialist_gnt"]
    )
    assert ids(gent_hits) <= {str(questions["card_gent"].pk)}


def test_saving_and_deleting_update_the_index_on_commit(
    corpus, backend, django_capture_on_commit_callbacks
):
    superuser = corpus["users"]["superuser"]
    question = corpus["questions"]["leefloon"]
    with django_capture_on_commit_callbacks(execute=False) as pending:
        question.subject = "Leefloon en huurwaarborg"
        question.save()
    # Nothing changes before the commit...
    assert service.search("huurwaarborg", ["question"], superuser).total == 0
    # ...then the queued task runs (django-q2 in sync mode in the tests).
    for callback in pending:
        callback()
    refresh(backend)
    assert str(question.pk) in ids(service.search("huurwaarborg", ["question"], superuser).hits)

    pk = question.pk
    with django_capture_on_commit_callbacks(execute=True):
        question.consents.all().delete()
        Question.objects.filter(pk=pk).delete()
    refresh(backend)
    assert service.search("huurwaarborg", ["question"], superuser).total == 0
    assert service.status()["kinds"]["question"]["database"] == 3


def test_unpublished_article_is_removed(corpus, backend):
    article = corpus["articles"].store[1]
    article.live = False
    service.index(article)
    refresh(backend)
    assert "1" not in ids(service.search("gezinshereniging", kinds=["article"]).hits)
    article.live = True


@pytest.mark.parametrize("narrowed", [False, True])
def test_specialists_narrowed_to_their_domains(corpus, settings, narrowed):
    from backoffice import roles
    from tests.conftest import make_user

    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    questions, regions = corpus["questions"], corpus["regions"]
    social = make_user(
        roles.SPECIALIST, "social", regions=[regions["antw"]], domains=["social-law"]
    )
    seen = ids(service.search("", kinds=["question"], user=social).hits)
    antwerp = {str(q.pk) for key, q in questions.items() if key != "card_gent"}
    assert seen == ({str(questions["leefloon"].pk)} if narrowed else antwerp)
    # A query and the facet counts keep to the same rule.
    found = service.search("gezinshereniging leefloon", kinds=["question"], user=social)
    assert ids(found.hits) <= seen and found.total == len(ids(found.hits))
    counts = {v.value: v.count for v in found.facets["legal_domain"]}
    assert ("residence" in counts) is not narrowed


def test_rebuild_swaps_the_index_while_searches_go_on(corpus, backend):
    """A full rebuild never leaves searches without results: the old index answers until the
    new one is complete, then the alias moves to the new one in one call."""
    superuser = corpus["users"]["superuser"]
    question = corpus["questions"]["reunion"]
    found_during = []

    def on_progress():
        found_during.append(
            str(question.pk)
            in ids(service.search("gezinshereniging", ["question"], superuser).hits)
        )

    if backend == "database":
        pytest.skip(
            "the database rebuilds in one transaction, which this test's own connection sees"
        )
    primary = service.primary()
    client = primary.client
    before = set(client.indices.get_alias(name=primary_alias("question")).body)
    primary.rebuild("question", service._entries(registry_kind("question")), on_progress)
    after = set(client.indices.get_alias(name=primary_alias("question")).body)
    assert before and after and before.isdisjoint(after)  # a new index behind the alias
    assert not client.indices.exists(index=",".join(before))  # the old one is gone
    assert found_during and all(found_during)
    assert str(question.pk) in ids(service.search("gezinshereniging", ["question"], superuser).hits)
    # Merged into one segment before the swap (searches read one, no merging left to do).
    segments = client.indices.segments(index=",".join(after)).body["indices"]
    shards = [copy for index in segments.values() for copies in index["shards"].values()
              for copy in copies]  # fmt: skip
    assert shards and all(copy["num_search_segments"] == 1 for copy in shards)


def primary_alias(kind):
    from search.backends.elastic import alias_name

    return alias_name(kind)


def registry_kind(name):
    from search import registry

    return registry.get(name)


def test_status_shows_the_analysis(corpus, backend):
    from django.core.management import call_command

    out = StringIO()
    call_command("search_index", "status", stdout=out)
    text = out.getvalue()
    assert f"backend: {backend}" in text
    if backend == "elasticsearch":
        analysis = service.primary().analysis
        # Recorded in the index metadata when the index was built.
        meta = service.primary().index_meta("article")
        assert meta["analysis"]["mode"] == analysis.mode
        assert f"analysis: {analysis.describe()}" in text


STEMMED = {
    # language: (text of an article, a query with another form of its words)
    "nl": ("Kinderbijslag voor gezinnen", "gezin"),
    "fr": ("Les allocations familiales", "allocation familiale"),
    "en": ("Child benefits for families", "family benefit"),
    "ar": ("بطاقات الإقامة", "بطاقة إقامة"),
    "uk": ("Дозвіл на проживання", "дозволу"),
}


@pytest.mark.parametrize("language", sorted(STEMMED))
def test_other_forms_of_words_where_the_backend_stems(corpus, backend, language):
    if language not in service.primary().stemmed_languages:
        pytest.skip(f"this backend does not stem {language} here")
    from tests.search_corpus import FakeArticle

    title, query = STEMMED[language]
    article = FakeArticle(70, title, title, language=language)
    corpus["articles"].store[70] = article
    service.index(article)
    refresh(backend)
    found = service.search(query, kinds=["article"], language=language)
    assert "70" in ids(found.hits)


def shown(client, user, params):
    """The references of the rows of one page of the listing, top to bottom, and its count."""
    client.force_login(user)
    response = client.get("/admin/questions/", params)
    assert response.status_code == 200
    tbody = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = list(dict.fromkeys(re.findall(r"WW-\d{4}-\d{6}", tbody)))  # named twice a row
    return rows, response.context["paginator"].count


def test_every_page_of_a_staff_search_keeps_the_listings_order_and_count(
    client, corpus, backend, monkeypatch
):
    """The queue's search box with more matches than one page (50): the count is every match
    of the scope, and the pages show them in the queue's order (legal deadline, then answer
    due date), or in the order of the column the user sorts by, each match once; closed
    questions are found too; the export holds them all."""
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
    refresh(backend)
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
    def exported():
        client.force_login(specialist)
        response = client.get("/admin/questions/", {"q": "gezinshereniging", "export": "csv"})
        return re.findall(r"WW-\d{4}-\d{6}", b"".join(response.streaming_content).decode())

    assert exported() == in_queue_order

    # Past the paginator's cap: "more than CAP", the first rows in order, the export whole.
    monkeypatch.setattr(CappedPaginator, "CAP", 20)
    first, count = shown(client, specialist, {"q": "gezinshereniging"})
    assert count == 21
    assert first == in_queue_order[:21]
    assert exported() == in_queue_order
