"""Database backend: search.SearchDocument, one row per indexed object.

Ranked kinds (articles, the public search): per-language postings written by us
(search.backends.ranked, search.analysis: stemming for nl/fr/en/ar/uk) and ranked by
search.ranking, identically on SQLite and PostgreSQL. Other kinds (questions, for staff):
Wagtail's search framework (modelsearch), as follows.

SQLite: FTS5 with BM25 ranking, no stemming. PostgreSQL: full text search with ts_rank and the
configured text search configuration (modelsearch's default, 'simple' unless
WAGTAILSEARCH_BACKENDS sets SEARCH_CONFIG: one configuration for all languages). Accents are
folded by us before indexing and querying, so both behave the same way for é/è/ë.

Permission filters, facet filters and facet counts are ordinary SQL on the queryset that
modelsearch returns, in the same query as the match (nothing is dropped afterwards).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import CharField, Count, Exists, F, Func, IntegerField, OuterRef, Q
from django.db.models.functions import Cast
from modelsearch.backends import get_search_backend

from search import registry
from search.analysis import LANGUAGES
from search.backends.base import RawHit, RawResults
from search.backends.matches import QuerysetMatches, SQLiteMatches
from search.backends.ranked import (
    RankedSearch,
    bump_generation,
    field_lengths,
    postings,
    remembered,
)
from search.models import SearchDocument, SearchFacet, SearchPosting
from search.registry import Entry, Visibility
from search.text import facet_word, facet_words, terms


def _index():
    return get_search_backend("default")


class DatabaseBackend:
    name = "database"

    @property
    def stemmed_languages(self) -> set[str]:
        """Languages whose word forms the ranked kinds (articles) match by stem, on SQLite and
        PostgreSQL alike (search.analysis). Other kinds (questions) match whole folded words."""
        return set(LANGUAGES)

    # --- writing

    def index(self, kind: str, object_id: str, entry: Entry) -> None:
        """Write one object's document: one upsert of its row (no lookup, no savepoints), its
        facets replaced only when they changed, its index entry written by modelsearch."""
        fields = self._fields(kind, entry)
        with transaction.atomic():
            (document,) = SearchDocument.objects.bulk_create(
                [SearchDocument(kind=kind, object_id=str(object_id), **fields)],
                update_conflicts=True,
                unique_fields=["kind", "object_id"],
                update_fields=[*fields, "indexed_at"],
            )
            if document.pk is None:  # a database that returns no ids from an upsert
                document = SearchDocument.objects.get(kind=kind, object_id=str(object_id))
            self._replace_facets(document, entry)
            if registry.is_ranked(kind):
                document.postings.all().delete()
                SearchPosting.objects.bulk_create(postings(kind, document, entry))
            _index().add(document)
        if registry.is_ranked(kind):
            # Only ranked kinds keep figures computed from their documents (search.backends.
            # ranked: vocabularies, statistics, judgements) under their generation; a question
            # indexed costs no write to the shared store.
            bump_generation(kind)

    def _replace_facets(self, document, entry: Entry) -> None:
        """The facet rows of a document as `entry` gives them: those that changed are deleted
        or added (none on a new document, or when a reply leaves its facets as they were)."""
        rows = {(row.name, row.value): row for row in self._facet_rows(document, entry)}
        stale = []
        for pk, name, value in SearchFacet.objects.filter(document=document).values_list(
            "pk", "name", "value"
        ):
            if rows.pop((name, value), None) is None:
                stale.append(pk)
        if stale:
            SearchFacet.objects.filter(pk__in=stale).delete()
        if rows:
            SearchFacet.objects.bulk_create(rows.values())

    def index_many(self, kind: str, items: list[tuple[str, Entry]]) -> None:
        """Bulk form of `index` for rebuilds (existing rows of these objects are replaced)."""
        with transaction.atomic():
            self._delete(kind, [str(object_id) for object_id, _entry in items])
            documents = SearchDocument.objects.bulk_create(
                [
                    SearchDocument(kind=kind, object_id=str(object_id), **self._fields(kind, entry))
                    for object_id, entry in items
                ]
            )
            if documents and documents[0].pk is None:  # backends without RETURNING
                documents = list(
                    SearchDocument.objects.filter(
                        kind=kind, object_id__in=[str(object_id) for object_id, _e in items]
                    )
                )
            by_id = {document.object_id: document for document in documents}
            rows = []
            for object_id, entry in items:
                rows.extend(self._facet_rows(by_id[str(object_id)], entry))
            SearchFacet.objects.bulk_create(rows, batch_size=2000)
            if registry.is_ranked(kind):
                terms_rows = []
                for object_id, entry in items:
                    terms_rows.extend(postings(kind, by_id[str(object_id)], entry))
                SearchPosting.objects.bulk_create(terms_rows, batch_size=2000)
            _index().add_bulk(SearchDocument, documents)
        bump_generation(kind)

    def remove(self, kind: str, object_id: str) -> None:
        with transaction.atomic():
            self._delete(kind, [str(object_id)])
        bump_generation(kind)

    def reset(self, kind: str) -> None:
        with transaction.atomic():
            self._delete(kind, None)
        bump_generation(kind)

    @staticmethod
    def _fields(kind: str, entry: Entry) -> dict:
        fields = {
            "language": entry.language or "",
            "display_title": entry.title[:300],
            "text": entry.text,
            "url": entry.url[:500],
            "date": entry.date,
            "group": (entry.group or "")[:64],
            "facet_terms": facet_words(entry.facets),
        }
        if registry.is_ranked(kind):
            fields.update(field_lengths(entry))
        return fields

    def count(self, kind: str) -> int:
        return SearchDocument.objects.filter(kind=kind).count()

    @staticmethod
    def _facet_rows(document, entry: Entry) -> list[SearchFacet]:
        facets = {**entry.facets, "language": [entry.language or ""]}
        return [
            SearchFacet(document=document, name=name, value=str(value)[:100])
            for name, values in facets.items()
            for value in dict.fromkeys(values)
            if value not in (None, "")
        ]

    @staticmethod
    def _delete(kind: str, object_ids: list[str] | None) -> None:
        from modelsearch.conf import get_app_config

        IndexEntry = get_app_config().get_model("IndexEntry")  # noqa: N806
        documents = SearchDocument.objects.filter(kind=kind)
        if object_ids is not None:
            documents = documents.filter(object_id__in=object_ids)
        IndexEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(SearchDocument),
            object_id__in=documents.annotate(_id=Cast("pk", CharField())).values("_id"),
        ).delete()
        documents.delete()

    # --- reading

    @staticmethod
    def visible_q(visibilities: dict[str, Visibility]) -> Q:
        """Documents of the given kinds that the user may read, as one condition."""
        condition = None
        for kind, visibility in visibilities.items():
            if visibility.nothing:
                continue
            part = Q(kind=kind)
            if visibility.queryset is not None:
                ids = (
                    visibility.queryset.order_by()
                    .annotate(_search_id=Cast("pk", CharField()))
                    .values("_search_id")
                )
                part &= Q(object_id__in=ids)
            elif visibility.terms is not None:
                for name, values in visibility.terms.items():
                    part &= Q(
                        Exists(
                            SearchFacet.objects.filter(
                                document=OuterRef("pk"), name=name, value__in=list(values)
                            )
                        )
                    )
            condition = part if condition is None else condition | part
        return condition if condition is not None else Q(pk__in=[])

    @staticmethod
    def filters_q(filters: dict[str, list[str]] | None) -> Q:
        condition = Q()
        for name, values in (filters or {}).items():
            values = [str(value) for value in values if value not in (None, "")]
            if values:
                condition &= Q(
                    Exists(
                        SearchFacet.objects.filter(
                            document=OuterRef("pk"), name=name, value__in=values
                        )
                    )
                )
        return condition

    def _matches(self, words, documents, operator: str, autocomplete=False):
        """The documents of `documents` (already restricted) that match `words`, best first."""
        if not words:
            return QuerysetMatches(documents.order_by("-date", "-pk"))
        backend = _index()
        method = backend.autocomplete if autocomplete else backend.search
        if connection.vendor == "sqlite":
            # The compiler is built on the unrestricted model: modelsearch only accepts filters
            # on declared filter fields; SQLiteMatches applies the restriction itself.
            compiler = method(" ".join(words), SearchDocument, operator=operator).query_compiler
            return SQLiteMatches(compiler, documents)
        matched = method(" ".join(words), SearchDocument.objects.all(), operator=operator)
        return QuerysetMatches(
            matched.get_queryset().filter(pk__in=documents.order_by().values("pk"))
        )

    def _documents(self, language, visibilities, filters):
        documents = SearchDocument.objects.all()
        if language:
            documents = documents.filter(language=language)
        return documents.filter(self.visible_q(visibilities)).filter(self.filters_q(filters))

    def search(
        self,
        query,
        visibilities,
        filters=None,
        language=None,
        offset=0,
        limit=10,
        facets=True,
        fallback_or=True,
        synonyms=(),
        fallback_language=None,
    ) -> RawResults:
        if self._ranked(visibilities) and terms(query):
            return self._ranked_search(
                query,
                visibilities,
                filters,
                language,
                offset,
                limit,
                facets,
                require_all=not fallback_or,
                synonyms=synonyms,
                fallback_language=fallback_language,
            )
        # Stop words ("hoe", "ik", "le", "the") would make every-word queries fail and
        # any-word queries match everything; they are dropped unless nothing else is left.
        words = terms(query, drop_stopwords=True) or terms(query)
        documents = self._documents(language, visibilities, filters)
        matches = self._matches(words, documents, "and")
        total = matches.count()
        if total == 0 and len(words) > 1 and fallback_or:
            # No document has every word: rank those that have some of them.
            matches = self._matches(words, documents, "or")
            total = matches.count()
        hits = [self._hit(document) for document in matches.page(offset, limit)]
        return RawResults(
            hits,
            total,
            self._facets(matches.pks()) if facets and total else {},
            answered=bool(total),
        )

    # --- ranked kinds (articles): search.backends.ranked

    @staticmethod
    def _ranked(visibilities) -> bool:
        return bool(visibilities) and all(registry.is_ranked(kind) for kind in visibilities)

    @staticmethod
    def _cache_key(visibilities):
        parts = []
        for kind, visibility in sorted(visibilities.items()):
            if visibility.queryset is not None:
                return None
            terms_ = visibility.terms or {}
            parts.append(
                (
                    kind,
                    visibility.nothing,
                    tuple(sorted((k, tuple(sorted(v))) for k, v in terms_.items())),
                )
            )
        return tuple(parts)

    def _ranked_documents(self, language, fallback_language, visibilities, filters):
        visible = SearchDocument.objects.filter(self.visible_q(visibilities))
        documents = visible.filter(self.filters_q(filters))
        if language:
            own = documents.filter(language=language)
            if fallback_language and fallback_language != language:
                translated = visible.filter(language=language).exclude(group="").values("group")
                originals = (
                    documents.filter(language=fallback_language)
                    .exclude(group="")
                    .exclude(group__in=translated)
                )
                documents = own | originals
            else:
                documents = own
        return documents, visible

    def _ranked_run(self, query, visibilities, filters, language, fallback_language, **options):
        made = {}

        def querysets():
            if not made:
                made["documents"], made["visible"] = self._ranked_documents(
                    language, fallback_language, visibilities, filters
                )
            return made

        filters_key = tuple(
            sorted((name, tuple(sorted(values))) for name, values in (filters or {}).items())
        )
        searcher = RankedSearch(
            visibilities,
            lambda: querysets()["documents"],
            lambda: querysets()["visible"],
            self._cache_key(visibilities),
            documents_key=(language, fallback_language, filters_key),
        )
        return searcher.run(query, language, fallback_language, **options)

    def _ranked_search(
        self,
        query,
        visibilities,
        filters,
        language,
        offset,
        limit,
        facets,
        require_all=False,
        synonyms=(),
        fallback_language=None,
    ) -> RawResults:
        result = self._ranked_run(
            query,
            visibilities,
            filters,
            language,
            fallback_language,
            synonyms=synonyms,
            require_all=require_all,
        )
        hits = self._load(result.hits[offset : offset + limit])
        total = len(result.hits)
        return RawResults(
            hits,
            total,
            self._facets([hit.pk for hit in result.hits]) if facets and total else {},
            answered=result.answered,
            suggestion=result.suggestion,
        )

    def judge(
        self, query, visibilities, filters, language, fallback_language, synonyms, hits
    ) -> tuple[bool, str]:
        """The answer rule (search.ranking) for another backend's `hits` of a ranked query:
        marks each hit `weak` unless it answers, drops weak originals, and returns whether the
        query is answered and its typo correction ("did you mean"). Computed from the postings
        this backend always keeps (search.service.index_id writes them for every backend)."""
        if not (self._ranked(visibilities) and terms(query)):
            return bool(hits), ""
        answering, answered, suggestion = self._judgement(
            query, visibilities, filters, language, fallback_language, synonyms
        )
        pks = {
            (kind, str(object_id)): pk
            for pk, kind, object_id in SearchDocument.objects.filter(
                kind__in=list(visibilities),
                object_id__in=[hit.object_id for hit in hits],
            ).values_list("pk", "kind", "object_id")
        }
        kept = []
        for hit in hits:
            hit.weak = pks.get((hit.kind, str(hit.object_id))) not in answering
            if not (hit.original and hit.weak):
                kept.append(hit)
        hits[:] = kept
        return answered, suggestion

    def _judgement(self, query, visibilities, filters, language, fallback_language, synonyms):
        """(ids of the documents that answer, answered, "did you mean") of a ranked query: the
        full ranking, kept in this process's memory while the index is unchanged (the generation
        of the kinds, bumped by every write) when the visibility can be cached. A search on
        Elasticsearch asks it with every page: a repeated query costs no ranking."""

        def judgement():
            result = self._ranked_run(
                query, visibilities, filters, language, fallback_language, synonyms=synonyms
            )
            answering = frozenset(hit.pk for hit in result.hits if not hit.weak)
            return answering, result.answered, result.suggestion

        cache_key = self._cache_key(visibilities)
        if cache_key is None:
            return judgement()
        filters_key = tuple(
            sorted((name, tuple(sorted(values))) for name, values in (filters or {}).items())
        )
        synonyms_key = tuple(tuple(group) for group in synonyms or ())
        key = ("judge", cache_key, query, language, fallback_language, filters_key, synonyms_key)
        return remembered(key, visibilities, judgement)

    @staticmethod
    def _facets(pks) -> dict[str, dict[str, int]]:
        rows = (
            SearchFacet.objects.filter(document_id__in=pks)
            .values("name", "value")
            .annotate(count=Count("id"))
            .order_by("name", "-count", "value")
        )
        facets: dict[str, dict[str, int]] = {}
        for row in rows:
            facets.setdefault(row["name"], {})[row["value"]] = row["count"]
        return facets

    def suggest(
        self, text, language, visibilities, limit=5, synonyms=(), fallback_language=None
    ) -> list[RawHit]:
        words = terms(text, drop_stopwords=True)
        if not words:
            return []
        if self._ranked(visibilities):
            # What answers first; weak matches after (the visitor is typing a whole question).
            result = self._ranked_run(
                text,
                visibilities,
                None,
                language,
                fallback_language,
                synonyms=synonyms,
                complete_last=True,
            )
            ranked = sorted(result.hits, key=lambda hit: hit.weak)
            return self._load(ranked[:limit])
        documents = self._documents(language, visibilities, None)
        hits = self._matches(words, documents, "or").page(0, limit)
        if not hits and len(words) <= 2:
            # Still typing the last word: complete it.
            hits = self._matches(words, documents, "and", autocomplete=True).page(0, limit)
        return [self._hit(document) for document in hits]

    def similar(self, kind, object_id, entry: Entry, words, visibilities, limit=5) -> list[RawHit]:
        if not words:
            return []
        if self._ranked(visibilities):
            # The object's key words, analysed in each article's language, best first.
            documents = SearchDocument.objects.filter(self.visible_q(visibilities)).exclude(
                kind=kind, object_id=str(object_id)
            )
            searcher = RankedSearch(visibilities, documents, documents, None)
            result = searcher.run(" ".join(words), None, correct=False)
            ranked = sorted(result.hits, key=lambda hit: (hit.weak,))  # stable: best first
            return self._load(ranked[:limit])
        documents = self._documents(None, visibilities, None).exclude(
            kind=kind, object_id=str(object_id)
        )
        return [
            self._hit(document) for document in self._matches(words, documents, "or").page(0, limit)
        ]

    def matching_ids(self, query, kind, visibility, limit=1000) -> list[str]:
        words = terms(query)
        documents = self._documents(None, {kind: visibility}, None)
        return self._matches(words, documents, "and").object_ids(limit)

    def matching_q(self, query, kind, visibility) -> Q:
        """Every object of `kind` that has every word of `query`, within `visibility`, as a
        condition on the kind's primary key: for a listing that keeps its own order, count and
        pages (the staff queue's search box). No score, no list of ids leaves the database.

        The scope's facet values (`visibility.terms`: regions, legal domains) are words of the
        full-text match itself (SearchDocument.facet_terms), so FTS5 or PostgreSQL's GIN index
        intersects the word and the scope, and only the scope's matches go further: there the
        owner's rule is checked on each of them, so an index that lags behind a change of region
        never shows more than the rule allows. The rule as a condition on the listing's rows
        (`visibility.condition`) when the owner gives one, else as a sub-query on its queryset."""
        if visibility.nothing:
            return Q(pk__in=[])
        scope = visibility.terms or {}
        if any(not values for values in scope.values()):
            return Q(pk__in=[])
        model = registry.get(kind).model
        words = terms(query)
        if words or scope:
            documents = SearchDocument.objects.filter(
                pk__in=self._matched_document_pks(words, scope)
            )
            if connection.vendor == "sqlite":
                # "+kind": SQLite would otherwise walk the (kind, object_id) index over every
                # document of the kind instead of looking up the few matched ones by key.
                documents = documents.alias(
                    _kind=Func(F("kind"), template="+%(expressions)s", output_field=CharField())
                ).filter(_kind=kind)
            else:
                documents = documents.filter(kind=kind)
        else:
            documents = SearchDocument.objects.filter(kind=kind)
        matched = documents.values(_object_pk=Cast("object_id", model._meta.pk))
        if visibility.condition is not None:
            # The owner's rule on the listing's own rows: no second join of every match.
            return Q(pk__in=matched) & visibility.condition
        if visibility.queryset is None:
            return Q(pk__in=matched)
        return Q(pk__in=visibility.queryset.filter(pk__in=matched).order_by().values("pk"))

    @staticmethod
    def _matched_document_pks(words, scope):
        """The primary keys of the SearchDocuments that have every word and, for each facet of
        `scope`, one of its values, as a sub-query on modelsearch's index (the query modelsearch
        compiles, without its score)."""
        from modelsearch.conf import get_app_config
        from modelsearch.query import And, Or, PlainText

        parts = [PlainText(" ".join(words), operator="and")] if words else []
        for name, values in sorted(scope.items()):
            parts.append(Or([PlainText(facet_word(name, value)) for value in sorted(values)]))
        query = parts[0] if len(parts) == 1 else And(parts)
        backend = _index()
        compiler = backend.search(query, SearchDocument, operator="and").query_compiler
        content_type = ContentType.objects.get_for_model(SearchDocument).pk
        if connection.vendor == "sqlite":
            from modelsearch.backends.database.sqlite.query import MatchExpression, normalize

            fts_entry = get_app_config().get_model("SQLiteFTSIndexEntry")
            search_query = compiler.build_search_query(normalize(compiler.query), config=None)
            match = MatchExpression(compiler.fields or compiler.FTS_TABLE_FIELDS, search_query)
            return (
                fts_entry.objects.filter(match)
                .filter(index_entry__content_type_id=content_type)
                .values(_document_pk=Cast("index_entry__object_id", IntegerField()))
            )
        if connection.vendor == "postgresql":
            # `title || body`: the expression that migration 0003 indexes with GIN.
            index_entry = get_app_config().get_model("IndexEntry")
            config = compiler.get_config(backend)
            return (
                index_entry.objects.filter(content_type_id=content_type)
                .annotate(_vector=F("title")._combine(F("body"), "||", False))
                .filter(_vector=compiler.build_tsquery(compiler.query, config=config))
                .values(_document_pk=Cast("object_id", IntegerField()))
            )
        # Other databases (modelsearch's fallback backend): its own queryset.
        matched = backend.search(query, SearchDocument.objects.all(), operator="and")
        return matched.get_queryset().order_by().values("pk")

    def _load(self, ranked) -> list[RawHit]:
        documents = SearchDocument.objects.in_bulk([hit.pk for hit in ranked])
        hits = []
        for item in ranked:
            document = documents.get(item.pk)
            if document is not None:
                document._score = item.score
                hit = self._hit(document)
                hit.original, hit.weak = item.original, item.weak
                hits.append(hit)
        return hits

    @staticmethod
    def _hit(document) -> RawHit:
        return RawHit(
            kind=document.kind,
            object_id=document.object_id,
            title=document.display_title,
            text=document.text,
            url=document.url,
            language=document.language,
            date=document.date,
            score=getattr(document, "_score", None),
        )
