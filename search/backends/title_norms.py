"""modelsearch's database backend (the one Wagtail's "database" backend picks for SQLite or
PostgreSQL), with a cheaper refresh of title norms after each write.

After every indexed object modelsearch averages the title length of *every* index entry and then
updates every entry whose norm is still 1.0: two scans of the whole index per write. At
100,000 questions that is about 100 ms of worker time per indexed question, so the worker fell
behind a steady intake and took the CPU the web workers needed (bench/run). Here the average is
kept for TITLE_AVERAGE_SECONDS and only the entries just written get their norm; a full refresh
(`search_index rebuild`) still recomputes every norm.
"""

from django.core.cache import cache
from django.db.models import Avg, F
from django.db.models.functions import Length
from modelsearch.backends.database import SearchBackend as database_backend
from modelsearch.utils import get_content_type_pk

TITLE_AVERAGE_SECONDS = 600
_AVERAGE_KEY = "search:index-title-average"


class QuickTitleNorms:
    _written: tuple[int, list[str]] | None = None  # (content type, object ids) being written

    def add_items(self, model, objs):
        self._written = (get_content_type_pk(model), [str(obj.pk) for obj in objs])
        try:
            super().add_items(model, objs)
        finally:
            self._written = None

    def _refresh_title_norms(self, full=False):
        if full or not self._written:
            cache.delete(_AVERAGE_KEY)
            return super()._refresh_title_norms(full=full)
        average = cache.get(_AVERAGE_KEY)
        if average is None:
            average = (
                self.entries.annotate(title_length=Length("title"))
                .filter(title_length__gt=0)
                .aggregate(Avg("title_length"))["title_length__avg"]
            )
            cache.set(_AVERAGE_KEY, average, TITLE_AVERAGE_SECONDS)
        if average is None:
            return
        content_type, object_ids = self._written
        self.entries.filter(
            content_type_id=content_type, object_id__in=object_ids, title_norm=1.0
        ).annotate(title_length=Length("title")).filter(title_length__gt=0).update(
            title_norm=average / F("title_length")
        )


def SearchBackend(params):  # noqa: N802 - the name modelsearch looks up in a backend module
    backend = database_backend(params)
    index_class = type(backend).index_class
    if hasattr(index_class, "_refresh_title_norms"):
        backend.index_class = type(index_class.__name__, (QuickTitleNorms, index_class), {})
    return backend
