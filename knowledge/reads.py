"""Article reads: how often each article (each language version) is read, per day.

The rule (one place; the page and the public page cache both ask `count_read`):

- A read is a GET of a live article page answered with the page (status 200), whether the page
  was made for the visitor or given from the public page cache (backoffice.page_cache: a kept
  copy carries the article's tag, and `_copy_served` counts it as the page itself would have).
- Not counted: HEAD and other methods, Wagtail previews, signed-in staff (specialists, editors,
  coordinators, superusers: the figure is about the readers the knowledge base is written for,
  and editors checking their own pages would drown it), requests a browser makes ahead of a
  click (prefetch and prerender: `Sec-Purpose`, `Purpose`, `X-Purpose`, `X-Moz` headers), and
  robots, link previews and scripts (`ROBOT_AGENTS`, or no User-Agent at all).

Privacy: nothing about the reader is looked at beyond these request headers, and nothing about
them is kept. The only row is (article, day, number of reads): no address, no account, no cookie
read or set, no time of day, no referrer, no search words. So a read cannot be tied to a person,
and the counts are page views, not people: a reader who comes back or reloads counts again
(telling them apart would need to recognise them). Figures leaving the team hide small counts
(tickets.reports.figures.suppressed).

Cost: a read is added up in the web process (`count_read`); at most every
ARTICLE_READS_FLUSH_SECONDS (default 10) the next read writes all that were added up, in one
upsert statement per 300 article-days (`flush`, `add_reads`), and the process writes what is left
when it ends. So a kept copy is still served with one query (its content generation), and
SQLite's single writer is asked once per process and interval instead of once per read
(measured: counting each read at once cost a fifth of the cached article page's throughput).
The price: a process killed hard loses its last seconds of reads, and the dashboard shows a read
some seconds late. With 0 every read is written at once. Generated and demo data add their reads
through `add_reads` too.
"""

from __future__ import annotations

import atexit
import logging
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from backoffice import roles

logger = logging.getLogger(__name__)

TAG_PREFIX = "article-read:"

# Robots, crawlers, link previews (chat apps fetch a page to show its title), monitoring and
# scripts. Browsers all send a User-Agent starting with "Mozilla/" and none of these words.
ROBOT_AGENTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|whatsapp|telegram|"
    r"skypeuripreview|preview|headless|lighthouse|pingdom|uptime|monitor|validator|scanner|"
    r"curl|wget|python|java/|go-http|httpclient|okhttp|libwww|axios|node-fetch|scrapy|feed",
    re.IGNORECASE,
)
_AHEAD_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


def _is_staff(user) -> bool:
    if not user.is_authenticated:
        return False
    return bool(
        user.is_superuser or user.is_staff or roles.user_roles(user) & set(roles.STAFF_ROLES)
    )


def is_countable(request) -> bool:
    """Whether this request for an article page is a read (see the module's rule)."""
    if request.method != "GET" or getattr(request, "is_preview", False):
        return False
    meta = request.META
    if any(
        "prefetch" in (value := meta.get(name, "").lower()) or "prerender" in value
        or "preview" in value
        for name in _AHEAD_HEADERS
    ):  # fmt: skip
        return False
    agent = meta.get("HTTP_USER_AGENT", "")
    if not agent or ROBOT_AGENTS.search(agent):
        return False
    user = getattr(request, "user", None)
    return user is None or not _is_staff(user)


def tag(article_id: int) -> str:
    """The page cache tag of an article's kept copies (backoffice.page_cache.tag)."""
    return f"{TAG_PREFIX}{article_id}"


_pending: Counter = Counter()  # {(article id, day): reads} not written yet
_lock = threading.Lock()
_last_flush = time.monotonic()


def count_read(request, article_id: int) -> bool:
    """Count one read of the article today if the request is one; True when counted. It is
    written with the others at the next flush (see the module); a failure to write (the database
    busy or read-only) is logged, keeps the reads for the next flush and never fails the page."""
    global _last_flush
    if not is_countable(request):
        return False
    with _lock:
        _pending[(article_id, timezone.localdate())] += 1
        due = time.monotonic() - _last_flush >= settings.ARTICLE_READS_FLUSH_SECONDS
    if due:
        flush()
    return True


def flush() -> int:
    """Write the reads this process added up; returns how many were written."""
    global _last_flush
    with _lock:
        counts = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not counts:
        return 0
    try:
        return add_reads(counts)
    except DatabaseError:
        logger.warning("%d article reads not written yet", sum(counts.values()), exc_info=True)
        with _lock:
            _pending.update(counts)
        return 0


def _flush_at_exit() -> None:
    try:
        flush()
    except Exception:  # noqa: BLE001 - the process ends either way
        logger.warning("Article reads lost at exit", exc_info=True)


def _copy_served(sender, request, tags, **kwargs) -> None:
    """backoffice.page_cache.copy_served: a kept copy of an article page was given."""
    for name in tags:
        if name.startswith(TAG_PREFIX) and name[len(TAG_PREFIX) :].isdigit():
            count_read(request, int(name[len(TAG_PREFIX) :]))


def connect() -> None:
    from backoffice.page_cache import copy_served

    copy_served.connect(_copy_served, dispatch_uid="knowledge-article-reads")
    atexit.register(_flush_at_exit)
    from django.db.models.signals import post_delete

    from knowledge.models import ArticlePage

    # A deleted article takes its reads with it (CASCADE): the summaries change.
    post_delete.connect(
        _article_deleted, sender=ArticlePage, dispatch_uid="knowledge-article-reads-delete"
    )


def _article_deleted(sender, instance=None, **kwargs) -> None:
    if instance is not None:
        with _lock:
            for key in [key for key in _pending if key[0] == instance.pk]:
                del _pending[key]
    changed()


def add_reads(counts: Mapping[tuple[int, date], int], batch_size: int = 300) -> int:
    """Add reads: {(article id, day): reads}. One upsert statement per batch (SQLite 3.24+ and
    PostgreSQL share the syntax): a day's row is made by its first read, and two web processes
    counting at once both count. Returns the reads added."""
    from knowledge.models import ArticleRead

    items = [(key, n) for key, n in counts.items() if n > 0]
    if not items:
        return 0
    quote = connection.ops.quote_name
    table = quote(ArticleRead._meta.db_table)
    article, day, n = quote("article_id"), quote("day"), quote("reads")
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        params: list = []
        for (article_id, read_day), reads in batch:
            params.extend((article_id, read_day, reads))
        # Only names from the model and placeholders are put in the text; values are parameters.
        sql = (
            f"INSERT INTO {table} ({article}, {day}, {n}) "  # noqa: S608
            f"VALUES {', '.join(['(%s, %s, %s)'] * len(batch))} "
            f"ON CONFLICT ({day}, {article}) DO UPDATE SET {n} = {table}.{n} + excluded.{n}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    changed()
    return sum(reads for _key, reads in items)


# --- The summaries kept between writes ---------------------------------------------------------
#
# The dashboard's reads summary groups a period's article-days by article (19,000 rows for 30
# days at 100,000 questions: 15-40 ms) although the reads change only when a flush writes them.
# Every write (`add_reads`, the one way reads are stored) and every deleted article gives the
# reads a new generation (a random token, never used twice) in the store all processes share
# (settings.SHARED_STATE_CACHE: Redis, or the database) when it is committed; each process
# keeps the summaries it computed under the generation it read, and computes again as soon as
# the generation is another. So no summary older than the last committed write is shown.
# Inside a transaction nothing is kept or taken from what is kept: the transaction may see
# reads of its own that are not committed (or will be rolled back); and the token is set after
# the commit only, so the flush stays one statement inside a transaction. When the store has no
# token (emptied, evicted), one is made: summaries kept before are not used again.

GENERATION_KEY = "knowledge-reads-generation"
_kept: dict[tuple, Summary] = {}
_KEEP_AT_MOST = 64


def _shared():
    from django.core.cache import caches

    return caches[settings.SHARED_STATE_CACHE]


def generation() -> str | None:
    """The reads' present generation (None: the store does not answer)."""
    store = _shared()
    token = store.get(GENERATION_KEY)
    if token is None:
        store.add(GENERATION_KEY, uuid.uuid4().hex, None)  # unless a writer set one meanwhile
        token = store.get(GENERATION_KEY)
    return token


def _new_generation() -> None:
    _shared().set(GENERATION_KEY, uuid.uuid4().hex, None)


def changed() -> None:
    """The reads changed: summaries computed before are not shown again once it is committed
    (at once outside a transaction)."""
    transaction.on_commit(_new_generation)


# --- What the figures read ---------------------------------------------------------------------


def _in_period(start: date, end: date):
    from knowledge.models import ArticleRead

    return ArticleRead.objects.filter(day__gte=start, day__lte=end).order_by()


def per_article(start: date, end: date) -> dict[int, int]:
    """{article id: reads} from `start` to `end` (days, both included): one query that reads
    the (day, article, reads) index alone."""
    return dict(_in_period(start, end).values_list("article").annotate(n=Sum("reads")))


def total(start: date, end: date) -> int:
    """Reads of all articles from `start` to `end` (days, both included)."""
    return _in_period(start, end).aggregate(n=Sum("reads"))["n"] or 0


@dataclass
class Summary:
    total: int
    per_language: list[tuple[str, int]]  # (language code, reads), most read first
    most_read: list[tuple[object, int]]  # (article, reads), most read first


def summary(start: date, end: date, limit: int = 15) -> Summary:
    """The reads of a period for the dashboard: kept per process until the reads change (see
    "The summaries kept between writes"); the most read articles themselves are read each time
    (their titles may have been edited)."""
    from knowledge.models import ArticlePage

    token = None if connection.in_atomic_block else generation()
    if token is None:
        kept = _summary(start, end, limit)
    else:
        key = (token, start, end, limit)
        kept = _kept.get(key)
        if kept is None:
            kept = _summary(start, end, limit)
            if len(_kept) >= _KEEP_AT_MOST:
                _kept.clear()
            _kept[key] = kept
    top_ids = [pk for pk, _n in kept.most_read]
    articles = (
        ArticlePage.objects.select_related("locale")
        .only("title", "locale__language_code")
        .in_bulk(top_ids)
    )
    return Summary(
        total=kept.total,
        per_language=kept.per_language,
        most_read=[(articles[pk], n) for pk, n in kept.most_read if pk in articles],
    )


def _summary(start: date, end: date, limit: int) -> Summary:
    """The figures of `summary` with article ids for articles, in two queries: the reads per
    article, then the language of the articles read."""
    from wagtail.models import Page

    counts = per_article(start, end)
    # The page's own row holds its locale: no need to join the article's table.
    language_of = dict(
        Page.objects.filter(pk__in=list(counts)).values_list("pk", "locale__language_code")
    )
    languages: dict[str, int] = {}
    for article_id, n in counts.items():
        code = language_of.get(article_id)
        if code is not None:
            languages[code] = languages.get(code, 0) + n
    top_ids = sorted(counts, key=lambda pk: (-counts[pk], pk))[:limit]
    return Summary(
        total=sum(counts.values()),
        per_language=sorted(languages.items(), key=lambda item: (-item[1], item[0])),
        most_read=[(pk, counts[pk]) for pk in top_ids],
    )


def most_read(start: date, end: date, limit: int = 15) -> list[tuple[object, int]]:
    """[(article, reads)] of the most read articles (each language version apart)."""
    return summary(start, end, limit=limit).most_read


def read_but_not_helpful(start: date, end: date, limit: int = 8, among: int = 50) -> list[dict]:
    """Of the `among` most read articles from `start` to `end`, those that readers found helpful
    less often than not (or never) in that time, most read first: what editors should look at.
    [{"article", "reads", "helpful", "not_helpful"}]"""
    from datetime import datetime, time, timedelta

    from knowledge import votes

    zone = timezone.get_current_timezone()
    begin = datetime.combine(start, time.min, tzinfo=zone)
    stop = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    top = most_read(start, end, limit=among)
    tallies = votes.tallies([article.pk for article, _n in top], begin, stop)
    found = []
    for article, n in top:
        tally = tallies.get(article.pk, {"helpful": 0, "not_helpful": 0})
        if tally["helpful"] == 0 or tally["helpful"] < tally["not_helpful"]:
            found.append({"article": article, "reads": n, **tally})
    return found[:limit]
