"""Ranked full-text matches (on SQLite without modelsearch's per-row score subquery).

modelsearch (SQLite) orders by a score taken from a correlated subquery that runs the FTS5 MATCH
once more for every candidate row: a many-word query over 10,000 documents took 40 s. Here the
MATCH runs once, joined to the restricted documents, and bm25 is read in the same pass (the
same score expression modelsearch builds, so the ranking is unchanged). Only the page's
documents are then loaded.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from modelsearch.conf import get_app_config

from search.models import SearchDocument


class SQLiteMatches:
    """The documents of `documents` (a restricted SearchDocument queryset) that match the
    compiled modelsearch query, best first."""

    def __init__(self, compiler, documents: QuerySet):
        # Importable on SQLite only: the module looks up the FTS5 model when it is loaded.
        from modelsearch.backends.database.sqlite.query import MatchExpression, normalize

        fts_entry = get_app_config().get_model("SQLiteFTSIndexEntry")
        search_query = compiler.build_search_query(normalize(compiler.query), config=None)
        match = MatchExpression(compiler.fields or compiler.FTS_TABLE_FIELDS, search_query)
        allowed = documents.order_by().annotate(_search_pk=Cast("pk", CharField()))
        self.entries = (
            fts_entry.objects.filter(match)
            .filter(
                index_entry__content_type_id=ContentType.objects.get_for_model(SearchDocument).pk,
                index_entry__object_id__in=allowed.values("_search_pk"),
            )
            .annotate(score=compiler._build_rank_expression(compiler.get_search_vectors(), None))
        )

    # A result page needs the count, the page and the facet counts: up to this many matches are
    # read once, in rank order, and all three come from that one MATCH (it is the costly part).
    READ_ALL_UP_TO = 5000

    def _ranked(self) -> list[tuple[int, float]] | None:
        """Every match as (document pk, score), best first; None when there are too many."""
        if not hasattr(self, "_all"):
            rows = list(
                self.entries.order_by("score", "-index_entry__object_id").values_list(
                    "index_entry__object_id", "score"
                )[: self.READ_ALL_UP_TO + 1]
            )
            ranked = [(int(pk), score) for pk, score in rows]
            self._all = ranked if len(ranked) <= self.READ_ALL_UP_TO else None
        return self._all

    def count(self) -> int:
        ranked = self._ranked()
        return len(ranked) if ranked is not None else self.entries.count()

    def pks(self):
        """The matching documents' primary keys (for facet counts)."""
        ranked = self._ranked()
        if ranked is not None:
            return [pk for pk, _score in ranked]
        return self.entries.order_by().values("index_entry__object_id")

    def page(self, offset: int, limit: int) -> list[SearchDocument]:
        ranked = getattr(self, "_all", None)
        if ranked is not None:
            rows = ranked[offset : offset + limit]
        else:  # only the page: "similar" reads five of thousands of matches
            rows = [
                (int(pk), score)
                for pk, score in self.entries.order_by(
                    "score", "-index_entry__object_id"
                ).values_list("index_entry__object_id", "score")[offset : offset + limit]
            ]
        documents = SearchDocument.objects.in_bulk([pk for pk, _score in rows])
        page = []
        for pk, score in rows:
            document = documents.get(pk)
            if document is not None:
                document._score = score
                page.append(document)
        return page

    def object_ids(self, limit: int) -> list[str]:
        """The best `limit` matches' object ids (the kind's own primary keys)."""
        pks = [
            int(pk)
            for pk in self.entries.order_by("score", "-index_entry__object_id").values_list(
                "index_entry__object_id", flat=True
            )[:limit]
        ]
        return list(SearchDocument.objects.filter(pk__in=pks).values_list("object_id", flat=True))


class QuerysetMatches:
    """The same interface over a queryset that already holds its ranking (modelsearch on
    PostgreSQL annotates ts_rank in the query itself)."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def pks(self) -> QuerySet:
        return self.queryset.order_by().values("pk")

    def page(self, offset: int, limit: int) -> list[SearchDocument]:
        return list(self.queryset[offset : offset + limit])

    def object_ids(self, limit: int) -> list[str]:
        return list(self.queryset.values_list("object_id", flat=True)[:limit])
