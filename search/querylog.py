"""Searches with no result: which public searches found nothing (the next articles to write).

Recorded per day, language and normalised query text with a counter: no time of day, no IP
address, no user, no session. Queries that look like personal data (long numbers such as a
national register number, e-mail addresses) are not recorded at all.

The public search view calls `record` once per first results page; dashboards read
`top_without_result`. The search app knows no domain model: this is search data.
"""

import re
import unicodedata
from datetime import date, timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PERSONAL = re.compile(r"\d{5,}|\S+@\S+|\d[\d .\-/]{7,}\d")


class SearchQuery(models.Model):
    day = models.DateField(_("day"), db_index=True)
    language = models.CharField(_("language"), max_length=12)
    query = models.CharField(_("search"), max_length=200)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    results = models.PositiveIntegerField(_("results (last search)"), default=0)

    class Meta:
        app_label = "search"
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "language", "query"], name="one_query_row_per_day_language"
            )
        ]
        indexes = [models.Index(fields=["results", "day"], name="searchquery_no_result_idx")]

    def __str__(self):
        return f"{self.day} {self.language} {self.query}"


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").casefold()
    return " ".join(text.split())[:200]


def record(query: str, language: str, results: int) -> bool:
    """Count one public search; False when nothing was recorded (empty or personal-looking)."""
    text = normalise(query)
    if not text or PERSONAL.search(text):
        return False
    day = timezone.localdate()
    language = (language or "")[:12]
    for _attempt in range(2):
        updated = SearchQuery.objects.filter(day=day, language=language, query=text).update(
            searches=F("searches") + 1, results=results
        )
        if updated:
            return True
        try:
            with transaction.atomic():
                SearchQuery.objects.create(
                    day=day, language=language, query=text, searches=1, results=results
                )
            return True
        except IntegrityError:  # created by a simultaneous search: count it there
            continue
    return False


def top_without_result(
    start: date | None = None, end: date | None = None, language: str = "", limit: int = 10
) -> list[tuple[str, str, int]]:
    """(query, language, searches) of the searches whose last run found nothing, most
    searched first; the last 30 days by default."""
    end = end or timezone.localdate()
    start = start or end - timedelta(days=29)
    rows = SearchQuery.objects.filter(results=0, day__gte=start, day__lte=end)
    if language:
        rows = rows.filter(language=language)
    return [
        (row["query"], row["language"], row["total"])
        for row in rows.values("query", "language")
        .annotate(total=Sum("searches"))
        .order_by("-total", "query")[:limit]
    ]
