"""Article reads (knowledge.reads): counted per article and day for the readers the knowledge
base is for, on the page made for them and on the copy the public page cache keeps; never for
staff, previews, robots, prefetches or HEAD; and nothing about the reader is stored."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from backoffice import roles
from knowledge import reads
from knowledge.importing import import_directory
from knowledge.models import ArticlePage, ArticleRead
from tests.conftest import make_user
from tests.mfa import verify_session
from tests.test_page_cache import DATA, PROFESSIONALS_URL, PUBLIC_URL, queries_of

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def reader(**extra) -> Client:
    """A visitor's browser: it sends a User-Agent (Django's test client sends none)."""
    return Client(HTTP_USER_AGENT=BROWSER, **extra)


@pytest.fixture
def articles(db, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    report = import_directory(DATA)
    assert report.ok, report.errors
    yield
    cache.clear()


def article(slug, language="nl"):
    return ArticlePage.objects.get(slug=slug, locale__language_code=language)


def counted(slug="test-gezinshereniging", language="nl") -> dict:
    return dict(
        ArticleRead.objects.filter(article=article(slug, language)).values_list("day", "reads")
    )


def test_anonymous_reads_count_on_the_made_and_the_kept_page(articles):
    today = timezone.localdate()
    first, made = queries_of(reader(), PUBLIC_URL)  # made, counted, kept
    assert counted() == {today: 1}
    again, served = queries_of(reader(), PUBLIC_URL)  # the kept copy: counted too
    assert served == 2  # the content generation, and the one statement that counts
    assert counted() == {today: 2}
    queries_of(reader(), PUBLIC_URL)
    assert counted() == {today: 3}
    # One row per article and day, and nothing else in it about the readers.
    row = ArticleRead.objects.get()
    assert {field.name for field in ArticleRead._meta.fields} == {"id", "article", "day", "reads"}
    assert row.reads == 3
    # Another article has its own count.
    other = article("test-gezinshereniging").get_translations().get()
    reader().get(other.url)
    assert counted(other.slug, other.locale.language_code) == {today: 1}


def test_reads_are_counted_per_day(articles):
    page = article("test-gezinshereniging")
    yesterday = timezone.localdate() - timedelta(days=1)
    reads.add_reads({(page.pk, yesterday): 4})
    reader().get(PUBLIC_URL)
    reader().get(PUBLIC_URL)
    assert counted() == {yesterday: 4, timezone.localdate(): 2}
    assert reads.total(yesterday, yesterday) == 4
    assert reads.total(yesterday, timezone.localdate()) == 6


@pytest.mark.parametrize("kept", [False, True], ids=["made", "kept"])
def test_robots_prefetches_head_and_scripts_are_not_reads(articles, kept):
    if kept:
        Client().get(PUBLIC_URL)  # no User-Agent: kept, not counted
        assert counted() == {}
    not_reads = [
        Client(HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1; +http://google.com/bot)"),
        Client(HTTP_USER_AGENT="facebookexternalhit/1.1"),
        Client(HTTP_USER_AGENT="WhatsApp/2.23.20.0"),
        Client(HTTP_USER_AGENT="curl/8.5.0"),
        Client(HTTP_USER_AGENT="python-requests/2.32.3"),
        Client(),  # no User-Agent at all
        reader(HTTP_SEC_PURPOSE="prefetch"),
        reader(HTTP_SEC_PURPOSE="prefetch;prerender"),
        reader(HTTP_PURPOSE="prefetch"),
        reader(HTTP_X_MOZ="prefetch"),
    ]
    for client in not_reads:
        assert client.get(PUBLIC_URL).status_code == 200
    assert reader().head(PUBLIC_URL).status_code == 200
    assert counted() == {}
    reader().get(PUBLIC_URL)
    assert counted() == {timezone.localdate(): 1}


def test_staff_and_previews_are_not_reads_professionals_are(articles):
    for role in ("editor", "specialist", "coordinator", "superuser"):
        staff = reader()
        user = make_user(role, f"staff-{role}")
        staff.force_login(user)
        verify_session(staff, user)
        assert staff.get(PUBLIC_URL).status_code == 200
    assert counted() == {}

    # Wagtail's preview (the editor's preview panel) serves the page with is_preview set.
    editor = make_user(roles.EDITOR, "preview-editor")
    original = reader().get("/").wsgi_request
    original.user = editor
    original.META["HTTP_USER_AGENT"] = BROWSER
    page = article("test-gezinshereniging")
    assert page.make_preview_request(original).status_code == 200
    assert counted() == {}

    professional = reader()
    professional.force_login(make_user(roles.PROFESSIONAL, "pro"))
    assert professional.get(PROFESSIONALS_URL).status_code == 200
    assert professional.get(PUBLIC_URL).status_code == 200
    assert counted() == {timezone.localdate(): 1}
    assert counted("test-leefloon-professionals") == {timezone.localdate(): 1}


def test_a_page_not_given_is_not_read(articles):
    """An anonymous visitor refused a professionals' article, or asking for a page that is
    gone, read nothing."""
    assert reader().get(PROFESSIONALS_URL).status_code != 200
    page = article("test-gezinshereniging")
    page.unpublish()
    assert reader().get(PUBLIC_URL).status_code == 404
    assert not ArticleRead.objects.exists()


def test_the_count_adds_up_in_one_statement(articles):
    page = article("test-gezinshereniging")
    day = date(2026, 5, 4)
    assert reads.add_reads({(page.pk, day): 2, (page.pk, day + timedelta(days=1)): 1}) == 3
    assert reads.add_reads({(page.pk, day): 5}) == 5
    assert dict(ArticleRead.objects.values_list("day", "reads")) == {
        day: 7,
        day + timedelta(days=1): 1,
    }
    # Batches: more rows than one statement holds.
    many = {(page.pk, day - timedelta(days=back)): 1 for back in range(1, 701)}
    assert reads.add_reads(many, batch_size=300) == 700
    assert ArticleRead.objects.count() == 702


def test_demo_data_reads_the_articles_once(db, monkeypatch):
    from django.db.models import Sum

    from demo import knowledge_base as demo

    monkeypatch.setattr(demo, "CONTENT_DIR", DATA)
    assert "article reads:" in demo.seed_demo("unused")
    rows = (
        ArticleRead.objects.values("article__slug", "article__locale__language_code")
        .annotate(n=Sum("reads"))
        .order_by()
    )
    per_page = {
        (row["article__slug"], row["article__locale__language_code"]): row["n"] for row in rows
    }
    assert ("test-interne-werkwijze", "nl") not in per_page  # read by staff only: not counted
    assert len(per_page) == 3  # the other three, Dutch and Arabic
    assert sum(per_page.values()) > 1000  # 60 days of about 40 reads (fewer at weekends)
    days = ArticleRead.objects.values("day").distinct().count()
    assert days == 60
    before = ArticleRead.objects.aggregate(n=Sum("reads"))["n"]
    demo.seed_demo("unused")  # a second run adds no reads
    assert ArticleRead.objects.aggregate(n=Sum("reads"))["n"] == before


def test_reads_are_added_up_and_written_together(articles, settings):
    """With a flush interval, reads wait in the web process: a kept copy is served with one
    query, and the next read after the interval writes all of them in one go."""
    settings.ARTICLE_READS_FLUSH_SECONDS = 3600
    reads.flush()
    reader().get(PUBLIC_URL)  # made and kept
    _response, served = queries_of(reader(), PUBLIC_URL)
    assert served == 1  # the content generation only: the read waits
    reader().head(PUBLIC_URL)  # not a read
    assert counted() == {}
    assert reads.flush() == 2
    assert counted() == {timezone.localdate(): 2}
    settings.ARTICLE_READS_FLUSH_SECONDS = 0  # the interval has passed: this read writes
    reader().get(PUBLIC_URL)
    assert counted() == {timezone.localdate(): 3}
    assert reads.flush() == 0  # nothing left


def test_reads_waiting_for_a_deleted_article_are_dropped_not_written(articles, settings):
    """An article deleted while its reads wait in the process takes them with it: they are not
    written at the next flush (where ids are reused they would count for another article, elsewhere
    the foreign key would fail and keep every other read waiting), and the other articles' are."""
    settings.ARTICLE_READS_FLUSH_SECONDS = 3600
    reads.flush()
    gone, kept = article("test-gezinshereniging"), article("test-gezinshereniging", "ar")
    today = timezone.localdate()
    with reads._lock:
        reads._pending[(gone.pk, today)] += 3
        reads._pending[(kept.pk, today)] += 2
    gone.delete()
    assert reads.flush() == 2
    assert dict(ArticleRead.objects.values_list("article_id", "reads")) == {kept.pk: 2}
