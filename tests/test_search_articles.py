"""The knowledge base's articles in the search service (knowledge/search_index.py)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from backoffice import roles
from knowledge.importing import import_directory
from knowledge.models import ArticlePage
from search import service
from tests.conftest import make_user

DATA = Path(__file__).parent / "data" / "articles"


@pytest.fixture
def articles(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_directory(DATA)  # publishing queues the index tasks on commit
    assert report.ok, report.errors
    return ArticlePage.objects.all()


def urls(hits):
    return {hit.url for hit in hits}


def test_published_articles_are_indexed_on_commit_with_their_audience(articles):
    public = service.search("", kinds=["article"], user=AnonymousUser())
    staff = service.search("", kinds=["article"], user=make_user(roles.SPECIALIST))
    assert public.total == articles.filter(audience="public").count()
    assert staff.total == articles.count()
    audiences = {value.value for value in staff.facets["audience"]}
    assert audiences == set(articles.values_list("audience", flat=True))
    assert service.status()["kinds"]["article"]["database"] == articles.count()


def test_public_search_finds_the_article_by_its_words(articles, client):
    page = articles.filter(audience="public", locale__language_code="nl").first()
    word = page.title.split()[0]
    html = client.get("/nl/search/", {"q": word}).content.decode()
    assert page.url in html


def test_unpublishing_and_deleting_remove_the_article(articles, django_capture_on_commit_callbacks):
    page = articles.filter(audience="public").first()
    everything = {"kinds": ["article"], "user": AnonymousUser()}
    assert (
        page.url in urls(service.search("", **everything).hits)
        or service.search("", **everything).total > 10
    )
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    found = service.search(page.title, **everything)
    assert page.pk not in {int(hit.object_id) for hit in found.hits}
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert page.pk in {int(hit.object_id) for hit in service.search(page.title, **everything).hits}
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=page.pk).delete()
    assert service.database().count("article") == articles.count()
