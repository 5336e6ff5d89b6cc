"""Reading an Arabic knowledge base article on a phone and answering "Was this helpful?"."""

from pathlib import Path

import pytest

from tests.browser.conftest import serious_accessibility_violations

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parent.parent / "data" / "articles"
ARABIC_URL = "/ar/knowledge/residence/test-gezinshereniging/"


@pytest.fixture
def imported_articles(django_db_blocker):
    from knowledge.importing import import_directory

    with django_db_blocker.unblock():
        report = import_directory(DATA)  # idempotent: the live server's data stays committed
    assert report.ok, report.errors


def _helpful_votes(django_db_blocker) -> int:
    from knowledge.models import ArticleVote

    with django_db_blocker.unblock():
        return ArticleVote.objects.filter(
            article__slug="test-gezinshereniging",
            article__locale__language_code="ar",
            helpful=True,
        ).count()


def test_read_arabic_article_and_vote_helpful(
    page, artifacts_dir, imported_articles, django_db_blocker
):
    before = _helpful_votes(django_db_blocker)
    page.goto(ARABIC_URL)
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "مقال تجريبي عن لمّ شمل الأسرة"
    # Right-to-left: the checklist boxes sit at the right of their items.
    box = page.locator(".kb-checklist__box").first.bounding_box()
    item = page.locator(".kb-checklist__item").first.bounding_box()
    assert box["x"] > item["x"]
    assert serious_accessibility_violations(page) == []

    page.locator("button[name=helpful][value=yes]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(ARABIC_URL)
    assert page.locator(".messages .message--success").is_visible()
    assert page.locator(".kb-feedback").locator("p").first.is_visible()  # "you answered"
    assert _helpful_votes(django_db_blocker) == before + 1
    page.screenshot(path=str(artifacts_dir / "knowledge-article-ar.png"), full_page=True)
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []
