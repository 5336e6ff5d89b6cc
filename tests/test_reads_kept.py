"""The reads summary kept between writes (knowledge.reads): a summary is computed once per
generation of the reads and never shown after a write or a deletion that changes it.

What is kept is only used outside a transaction (a transaction may see reads of its own that
are not committed), so these tests work on the committed test database, as web requests do,
and remove what they made (the article, its reads) at the end."""

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knowledge import reads
from knowledge.importing import import_directory
from knowledge.models import ArticlePage, ArticleRead

DATA = Path(__file__).parent / "data" / "articles" / "nl" / "test-gezinshereniging.md"


@pytest.fixture
def committed_article(django_db_setup, django_db_blocker, tmp_path):
    """One Dutch article, committed (no test transaction around it); removed at the end."""
    (tmp_path / "nl").mkdir()
    shutil.copy(DATA, tmp_path / "nl" / DATA.name)
    # Reads earlier tests left (waiting in this process, or rows of an article of theirs that
    # had this id: SQLite gives a new row the highest id again) are not this article's.
    with reads._lock:
        reads._pending.clear()
    with django_db_blocker.unblock():
        report = import_directory(tmp_path)
        assert report.ok, report.errors
        article = ArticlePage.objects.get(slug="test-gezinshereniging", locale__language_code="nl")
        ArticleRead.objects.filter(article_id=article.pk).delete()
        try:
            yield article
        finally:
            for page in ArticlePage.objects.filter(pk=article.pk):
                page.delete()
            ArticleRead.objects.filter(article_id=article.pk).delete()


def grouping_queries(queries) -> int:
    """How many times the reads were grouped per article (the costly part kept)."""
    return sum('SUM("knowledge_articleread"."reads")' in q["sql"] for q in queries)


def test_a_summary_is_kept_until_the_reads_change(committed_article):
    today = timezone.localdate()
    start = today - timedelta(days=29)
    assert not connection.in_atomic_block  # as in a web request
    reads.add_reads({(committed_article.pk, today): 4})

    with CaptureQueriesContext(connection) as first:
        summary = reads.summary(start, today)
    assert summary.total == 4 and summary.per_language == [("nl", 4)]
    assert [(article.pk, n) for article, n in summary.most_read] == [(committed_article.pk, 4)]
    assert grouping_queries(first.captured_queries) == 1

    with CaptureQueriesContext(connection) as again:
        assert reads.summary(start, today).total == 4
    assert grouping_queries(again.captured_queries) == 0  # kept

    # A flush of the reads (the one way they are written): the next summary has them at once.
    reads.add_reads({(committed_article.pk, today): 3, (committed_article.pk, start): 1})
    summary = reads.summary(start, today)
    assert summary.total == 8 and summary.per_language == [("nl", 8)]
    assert summary.most_read[0][1] == 8

    # The title is read each time: an edit shows at once although the counts are kept.
    ArticlePage.objects.filter(pk=committed_article.pk).update(title="Nieuwe titel")
    assert reads.summary(start, today).most_read[0][0].title == "Nieuwe titel"


def test_a_write_rolled_back_or_in_a_transaction_is_never_shown_after(committed_article):
    today = timezone.localdate()
    start = today - timedelta(days=29)
    reads.add_reads({(committed_article.pk, today): 2})
    assert reads.summary(start, today).total == 2
    with transaction.atomic():
        reads.add_reads({(committed_article.pk, today): 5})
        # Inside the transaction: its own (uncommitted) reads, computed, not kept.
        assert reads.summary(start, today).total == 7
        transaction.set_rollback(True)
    assert reads.summary(start, today).total == 2
    with transaction.atomic():
        reads.add_reads({(committed_article.pk, today): 5})
    assert reads.summary(start, today).total == 7  # committed: the new generation


def test_a_deleted_article_leaves_the_summary_at_once(committed_article):
    today = timezone.localdate()
    start = today - timedelta(days=29)
    reads.add_reads({(committed_article.pk, today): 6})
    assert reads.summary(start, today).total == 6
    ArticlePage.objects.get(pk=committed_article.pk).delete()
    summary = reads.summary(start, today)
    assert summary.total == 0 and summary.per_language == [] and summary.most_read == []


def test_a_generation_the_store_lost_is_not_trusted(committed_article):
    """The shared store emptied (restart, eviction): a new generation, computed again."""
    from django.conf import settings
    from django.core.cache import caches

    today = timezone.localdate()
    start = today - timedelta(days=29)
    reads.add_reads({(committed_article.pk, today): 1})
    assert reads.summary(start, today).total == 1
    caches[settings.SHARED_STATE_CACHE].delete(reads.GENERATION_KEY)
    # Written by "another process" whose token was lost with the store: still shown.
    ArticleRead.objects.filter(article=committed_article).update(reads=9)
    assert reads.summary(start, today).total == 9
