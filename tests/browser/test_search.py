"""Public search and the intake suggestions in a real browser: accessible, under the CSP."""

import pytest

from tests.browser.conftest import serious_accessibility_violations
from tests.search_corpus import fake_articles

pytestmark = pytest.mark.browser


@pytest.fixture
def articles(site_server, django_db_blocker):
    from search import service

    with fake_articles():
        with django_db_blocker.unblock():
            service.rebuild("article")
        yield
        with django_db_blocker.unblock():
            service.database().reset("article")
    with django_db_blocker.unblock():
        service.rebuild("article")  # the knowledge base's own articles, if any


def test_public_search_with_facets_and_snippets(page, articles, artifacts_dir):
    page.goto("/nl/search/")
    page.locator("#search-q").fill("gezinshereniging")
    page.locator("#search-q").press("Enter")
    page.wait_for_url("**/search/?q=gezinshereniging")
    result = page.locator(".search-result").first
    assert "Gezinshereniging aanvragen" in result.inner_text()
    assert result.locator("mark").count() >= 1
    page.screenshot(path=str(artifacts_dir / "search-nl.png"), full_page=True)
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []


def test_intake_suggests_articles_while_typing(page, articles, artifacts_dir):
    page.goto("/nl/ask/")
    page.locator("textarea[name=body]").fill(
        "Mijn echtgenote wil naar hier komen, gezinshereniging"
    )
    suggestion = page.locator("#kb-suggestions a", has_text="Gezinshereniging aanvragen")
    suggestion.wait_for()
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []
    page.screenshot(path=str(artifacts_dir / "ask-suggestions-nl.png"), full_page=True)
