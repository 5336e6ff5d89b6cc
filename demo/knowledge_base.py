"""Demo knowledge base: the page tree in every language, the articles of knowledge/content/, and
some weeks of reads of them (counted as the pages count them: knowledge.reads)."""

import itertools
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

import knowledge
from knowledge import reads, tree
from knowledge.importing import import_directory

CONTENT_DIR = Path(knowledge.__file__).resolve().parent / "content"

# Who reads in which language (the public site's languages; others get the smallest share).
LANGUAGE_SHARE = {"nl": 0.45, "fr": 0.2, "en": 0.15, "ar": 0.12, "uk": 0.08}


def simulated_reads(
    pages, first: date, last: date, per_day: int, rng: random.Random
) -> dict[tuple[int, date], int]:
    """{(page id, day): reads} for `pages` [(page id, translation key, language code)] from
    `first` to `last`: popularity falls with an article's rank as 1/rank (a few articles are
    read far more than the rest; all language versions of one article share its rank, each
    language its share of readers), fewer reads at weekends and in July and August, and the
    volume varies from day to day."""
    if not pages or per_day <= 0:
        return {}
    keys = sorted({str(key) for _pk, key, _code in pages})
    rng.shuffle(keys)
    rank = {key: index + 1 for index, key in enumerate(keys)}
    ids = [pk for pk, _key, _code in pages]
    cumulative = list(
        itertools.accumulate(
            LANGUAGE_SHARE.get(code, 0.04) / rank[str(key)] ** 1.1 for _pk, key, code in pages
        )
    )
    counts: dict[tuple[int, date], int] = {}
    day = first
    while day <= last:
        factor = (0.55 if day.weekday() >= 5 else 1.0) * (0.7 if day.month in (7, 8) else 1.0)
        volume = max(0, round(per_day * factor * rng.uniform(0.8, 1.2)))
        for pk, n in Counter(rng.choices(ids, cum_weights=cumulative, k=volume)).items():
            counts[(pk, day)] = n
        day += timedelta(days=1)
    return counts


def seed_reads(days: int = 60, per_day: int = 40, seed: int = 18) -> int:
    """Reads of the live public and professionals' articles over the last `days` days, once
    (a second run adds nothing). Returns the reads added."""
    from knowledge.models import ArticlePage, ArticleRead, Audience

    pages = list(
        ArticlePage.objects.live()
        .exclude(audience=Audience.INTERNAL)  # read by staff only, who are not counted
        .values_list("pk", "translation_key", "locale__language_code")
    )
    if not pages or ArticleRead.objects.filter(article__in=[pk for pk, *_ in pages]).exists():
        return 0
    today = timezone.localdate()
    counts = simulated_reads(
        pages, today - timedelta(days=days - 1), today, per_day, random.Random(seed)
    )
    return reads.add_reads(counts)


def seed_demo(password: str | None = None) -> str:
    tree.ensure_tree()
    if not CONTENT_DIR.is_dir():
        return "knowledge base pages; no demo articles (knowledge/content/ is empty)"
    report = import_directory(CONTENT_DIR)
    for error in report.errors:
        print(error)
    return f"knowledge base articles: {report}; article reads: {seed_reads()}"
