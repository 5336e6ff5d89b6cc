"""Where search shows: public search, intake suggestions, the queue, the workspace, the
recurring-questions listing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from search import service
from search.recurring import cluster, recurring_without_answer
from tests import factories
from tests.search_corpus import fake_articles, make_questions
from tickets import lifecycle
from tickets.models import Message


@pytest.fixture
def corpus(db):
    with fake_articles() as articles:
        questions, users, regions = make_questions()
        service.rebuild("question")
        service.rebuild("article")
        yield {"questions": questions, "users": users, "regions": regions, "articles": articles}


def test_public_search_shows_readable_articles_with_snippets_and_facets(client, corpus):
    response = client.get("/nl/search/", {"q": "gezinshereniging"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Gezinshereniging</mark> aanvragen" in html
    assert "/nl/kennisbank/1/" in html
    assert "Interne nota" not in html
    # A facet link narrows the results and keeps the query.
    response = client.get(
        "/nl/search/", {"q": "kaart gezinshereniging", "legal_domain": "residence"}
    )
    assert response.status_code == 200
    assert "q=kaart+gezinshereniging" in response.content.decode()


def test_public_search_in_french_finds_the_french_article(client, corpus):
    html = client.get("/fr/search/", {"q": "regroupement"}).content.decode()
    assert "<mark>Regroupement</mark> familial" in html


def test_suggestions_fragment(client, corpus):
    response = client.get("/nl/search/suggestions/", {"q": "gezinshereniging voor mijn vrouw"})
    assert response.status_code == 200
    assert "Gezinshereniging aanvragen" in response.content.decode()
    assert client.get("/nl/search/suggestions/", {"q": "zz"}).content.decode().strip() == ""


def test_check_the_knowledge_base_without_javascript_keeps_the_form(client, corpus):
    page = client.get("/nl/ask/").content.decode()
    assert 'name="check_kb"' in page and "search/suggest.js" in page
    response = client.post(
        "/nl/ask/",
        {"check_kb": "1", "subject": "Gezinshereniging", "body": "Mijn vrouw wil overkomen"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Gezinshereniging aanvragen" in html  # the suggested article
    assert 'value="Gezinshereniging"' in html  # what was typed is still there
    assert "Mijn vrouw wil overkomen" in html
    assert "field--error" not in html  # nothing was sent, nothing judged yet


def test_queue_search_goes_through_the_service_within_regions(client, corpus):
    questions, users = corpus["questions"], corpus["users"]
    client.force_login(users["specialist_antw"])
    html = client.get("/admin/questions/", {"q": "echtgenote"}).content.decode()
    assert questions["reunion"].reference in html
    assert questions["leefloon"].reference not in html
    # Words of the question's text, not only the subject; never another region's question.
    html = client.get("/admin/questions/", {"q": "vervalt"}).content.decode()
    assert questions["card_gent"].reference not in html
    html = client.get("/admin/questions/", {"q": questions["leefloon"].reference}).content.decode()
    assert questions["leefloon"].reference in html


def test_workspace_shows_suggested_articles_and_similar_questions_with_answers(client, corpus):
    questions, users = corpus["questions"], corpus["users"]
    lifecycle.add_message(
        questions["reunion_kids"],
        body="Ja, kinderen onder 18 jaar kunnen mee.",
        author_kind=Message.AuthorKind.STAFF,
        author=users["specialist_antw"],
        internal=False,
    )
    service.index(questions["reunion_kids"])
    client.force_login(users["specialist_antw"])
    html = client.get(reverse("tickets_workspace", args=[questions["reunion"].pk])).content.decode()
    assert "Suggested articles" in html or "Voorgestelde artikels" in html
    assert "Gezinshereniging aanvragen" in html
    assert "Gezinshereniging met mijn kinderen" in html
    assert "kinderen onder 18 jaar" in html


def test_clustering_groups_questions_that_share_key_words():
    documents = [
        ("1", ["gezinshereniging", "echtgenote", "eritrea"]),
        ("2", ["gezinshereniging", "echtgenote", "visum"]),
        ("3", ["leefloon", "ocmw", "weigering"]),
        ("4", ["gezinshereniging", "echtgenote", "eritrea", "kinderen"]),
        ("5", ["groeipakket", "verhuis"]),
        ("6", ["school", "okan"]),
        ("7", ["huur", "waarborg"]),
        ("8", ["werk", "loon"]),
        ("9", ["arbeidskaart", "werkgever"]),
        ("10", ["inburgering", "attest"]),
        ("11", ["nationaliteit", "verklaring"]),
        ("12", ["medische", "kaart"]),
        ("13", ["naam", "kind"]),
        ("14", ["legalisatie", "akte"]),
        ("15", ["bijlage", "annex"]),
    ]
    groups = cluster(documents)
    assert [sorted(documents[i][0] for i in group) for group in groups] == [["1", "2", "4"]]


def test_recurring_questions_without_an_article(corpus):
    users = corpus["users"]
    # Both reunion questions are answered by article 1 (it holds their shared words)...
    assert recurring_without_answer("question", user=users["specialist_gnt"]) == []
    # ...and form a group once that article is gone.
    corpus["articles"].store[1].live = False
    service.rebuild("article")
    groups = recurring_without_answer("question", user=users["specialist_gnt"])
    corpus["articles"].store[1].live = True
    assert [group.size for group in groups] == [2]
    assert "gezinshereniging" in groups[0].terms
    assert groups[0].visible == []  # another region's questions are counted, not shown


def test_recurring_listing_page(client, corpus):
    client.force_login(corpus["users"]["editor"])
    response = client.get("/admin/search/recurring/")
    assert response.status_code == 200
    client.force_login(corpus["users"]["professional"])
    assert client.get("/admin/search/recurring/").status_code in (302, 403)


def test_search_interface_needs_no_user_for_public_kinds(corpus):
    assert service.search("leefloon", kinds=["article"], user=AnonymousUser()).total == 0


def test_kept_suggestions_follow_the_readers_regions_at_once(client, corpus):
    questions, users, regions = corpus["questions"], corpus["users"], corpus["regions"]
    in_gent = factories.question(
        domain=questions["reunion"].legal_domain,
        subject="Gezinshereniging voor echtgenote uit Eritrea",
        body="Mijn echtgenote woont in Eritrea. Hoe vraag ik gezinshereniging aan?",
        municipality=regions["gnt"].municipalities.first(),
    )
    service.index(in_gent)
    reader = users["specialist_antw"]
    reader.profile.regions.add(regions["gnt"])
    client.force_login(reader)
    workspace = reverse("tickets_workspace", args=[questions["reunion"].pk])
    assert in_gent.subject in client.get(workspace).content.decode()

    reader.profile.regions.remove(regions["gnt"])
    assert in_gent.subject not in client.get(workspace).content.decode()
