"""The composer's article list is kept per contact language and reader (issue 20, workspace
rendering): reused while the content is unchanged, read again once any page changes (the
content generation of backoffice.page_cache, moved on by publishing, unpublishing and view
restrictions), and never kept for a search typed by the specialist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import page_cache
from backoffice.models import LegalDomain, Municipality, Region
from tickets import lifecycle
from tickets.workspace import panels


@pytest.fixture
def question(db):
    region = Region.objects.create(name="Antwerpen", slug="antwerpen")
    place = Municipality.objects.create(name="Berchem", postcode="2600", region=region)
    return lifecycle.create_question(
        legal_domain=LegalDomain.objects.get(slug="residence"),
        subject="Verblijfskaart",
        body="Vraag",
        contact_language="ar",
        processing_consent=True,
        municipality=place,
    ).question


def reads_pages(run) -> bool:
    with CaptureQueriesContext(connection) as captured:
        run()
    return any("wagtailcore_page" in query["sql"] for query in captured.captured_queries)


@pytest.mark.django_db
def test_the_article_list_is_kept_until_the_content_changes(question):
    from django.core.cache import cache

    cache.clear()
    first = panels.cached_article_links(question)
    assert first == panels.article_links(question)
    assert not reads_pages(lambda: panels.cached_article_links(question))
    page_cache.bump()  # what publishing or restricting a page does
    assert reads_pages(lambda: panels.cached_article_links(question))
    # A search is always read from the pages.
    assert reads_pages(lambda: panels.cached_article_links(question, "verblijf"))


@pytest.mark.django_db
def test_the_rendered_article_list_shows_a_published_article_at_once(question):
    """The list is also kept rendered (its HTML); publishing an article moves the content
    generation on, so the kept HTML is not shown any more; the page's language is in the key."""
    from django.core.cache import cache
    from django.utils import translation

    from tests.test_article_links import article

    cache.clear()
    with translation.override("en"):
        before = str(panels.cached_article_links_html(question))
        assert "Insert" in before or "No article" in before
        assert not reads_pages(lambda: panels.cached_article_links_html(question))
        # The requester writes Arabic: an original in Dutch is offered, marked with its language.
        article("Gezinshereniging stap voor stap", "gezinshereniging-stap")
        after = str(panels.cached_article_links_html(question))
        assert "Gezinshereniging stap voor stap" in after and after != before
        assert after == str(
            panels.render_to_string(
                panels.ARTICLE_LINKS_ITEMS, {"article_links": panels.article_links(question)}
            )
        )
    with translation.override("nl"):
        dutch = str(panels.cached_article_links_html(question))
    assert "Gezinshereniging stap voor stap" in dutch and dutch != after
