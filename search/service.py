"""The search service: the one interface the rest of the code calls.

    search(query, kinds, user, filters, language, page) -> Results (hits with highlighted
        snippets, facet counts, total)
    suggest(text, language, user) -> up to 5 hits of suggestible kinds (articles)
    similar(obj, kinds, user) -> hits like this object
    index(obj), remove(obj), rebuild(kind)

Backends: the database (always kept up to date: it is also the fallback) and Elasticsearch
when ELASTICSEARCH_URL is set. Who may read what comes from each kind's `visibility(user)` and
is applied inside the backend's query.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from search import registry, synonyms
from search.backends.base import BackendUnavailable, RawHit
from search.backends.database import DatabaseBackend
from search.backends.ranked import bump_generation
from search.registry import FACETS, Visibility
from search.text import highlight, key_terms, terms

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
SUGGESTIONS = 5
DEGRADED_KEY = "search:degraded-since"
DEGRADED_SECONDS = 300


@dataclass
class Hit:
    kind: str
    object_id: str
    title: str
    url: str
    language: str
    date: datetime | None
    title_html: SafeString
    snippet_html: SafeString
    score: float | None = None
    # In the original language: the visitor's language has no translation of it.
    original: bool = False
    # Shown below "no answer" as a weak match.
    weak: bool = False


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    backend: str = "database"
    # Whether something answers the query well enough; when not, the page says so and offers
    # to ask the question first.
    answered: bool = True
    # The query with its typos corrected ("did you mean"), or "".
    suggestion: str = ""

    @property
    def outcome(self) -> str:
        return "answers" if self.answered and self.total else "no-answer"


# --- backends


def database() -> DatabaseBackend:
    return DatabaseBackend()


def primary():
    """The backend that answers queries: Elasticsearch when configured, else the database."""
    url = settings.ELASTICSEARCH_URL
    if url:
        from search.backends.elastic import ElasticsearchBackend

        return ElasticsearchBackend(url)
    return database()


def _read(call):
    """Ask the primary backend; if Elasticsearch cannot answer, the database does."""
    backend = primary()
    if backend.name != "database":
        try:
            return call(backend), backend.name
        except BackendUnavailable as error:
            logger.warning(
                "Search: Elasticsearch unavailable, answering from the database: %s", error
            )
            cache.set(DEGRADED_KEY, datetime.now().isoformat(), DEGRADED_SECONDS)
    return call(database()), "database"


def degraded_since() -> str | None:
    """When a query last had to fall back to the database (within the last few minutes)."""
    return cache.get(DEGRADED_KEY)


# --- reading


def _visibilities(kinds, user) -> dict[str, Visibility]:
    names = list(kinds) if kinds else list(registry.kinds())
    return {name: registry.get(name).visibility(user) for name in names}


def _hit(raw: RawHit, words: list[str], user) -> Hit:
    kind = registry.get(raw.kind)
    return Hit(
        kind=raw.kind,
        object_id=raw.object_id,
        title=raw.title,
        url=kind.url_for(raw.object_id, user) or raw.url,
        language=raw.language,
        date=raw.date,
        title_html=mark_safe(raw.title_html)  # noqa: S308 - encoder=html escaped it
        if raw.title_html
        else highlight(raw.title, words, length=300),
        snippet_html=mark_safe(raw.snippet_html)  # noqa: S308 - encoder=html escaped it
        if raw.snippet_html
        else highlight(raw.text, words),
        score=raw.score,
        original=raw.original,
        weak=raw.weak,
    )


def original_language() -> str:
    """The language articles are written in first; translations follow it."""
    return settings.LANGUAGE_CODE


def _synonyms(query, language, fallback_language):
    languages = (
        [language, fallback_language] if language else [code for code, _ in settings.LANGUAGES]
    )
    return synonyms.groups_for(query, languages)


def search(
    query="",
    kinds=None,
    user=None,
    filters=None,
    language=None,
    page=1,
    originals=False,
) -> Results:
    """Ranked results of the query, within what the user may read. `originals`: when
    `language` is given, also the original-language documents that have no translation in it
    (ranked kinds; below the ones in `language`, marked `original`)."""
    query = (query or "").strip()[:200]
    visibilities = _visibilities(kinds, user)
    page = max(1, int(page or 1))
    filters = {name: list(values) for name, values in (filters or {}).items() if name in FACETS}
    fallback = original_language() if originals and language else None
    groups = _synonyms(query, language, fallback)
    raw, backend_name = _read(
        lambda backend: backend.search(
            query,
            visibilities,
            filters=filters,
            language=language,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
            synonyms=groups,
            fallback_language=fallback,
        )
    )
    if backend_name != "database":
        _judge(raw, query, visibilities, filters, language, fallback, groups)
    if raw.suggestion and raw.suggestion != query and not raw.answered:
        # Typos that left the query unanswered: the corrected query is asked as if typed (with
        # its synonyms); the page offers the correction as "did you mean" either way.
        corrected_groups = _synonyms(raw.suggestion, language, fallback)
        again, backend_name = _read(
            lambda backend: backend.search(
                raw.suggestion,
                visibilities,
                filters=filters,
                language=language,
                offset=(page - 1) * PAGE_SIZE,
                limit=PAGE_SIZE,
                synonyms=corrected_groups,
                fallback_language=fallback,
            )
        )
        if backend_name != "database":
            _judge(
                again, raw.suggestion, visibilities, filters, language, fallback, corrected_groups
            )
        if again.answered and again.total:
            again.suggestion = raw.suggestion
            raw, groups = again, corrected_groups
    words = _highlight_words(query, groups, raw.suggestion)
    facets = {}
    for name in FACETS:
        counts = raw.facets.get(name, {})
        selected = set(filters.get(name, []))
        facets[name] = [
            FacetValue(value, _facet_label(visibilities, name, value), count, value in selected)
            for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
    return Results(
        query=query,
        hits=[_hit(hit, words, user) for hit in raw.hits],
        total=raw.total,
        page=page,
        pages=max(1, math.ceil(raw.total / PAGE_SIZE)),
        facets=facets,
        backend=backend_name,
        answered=raw.answered,
        suggestion=raw.suggestion,
    )


def _judge(raw, query, visibilities, filters, language, fallback, groups) -> None:
    """The answer rule and "did you mean" for results of a backend other than the database:
    one rule for every backend (search.ranking), applied to the hits it returned."""
    shown = len(raw.hits)
    answered, suggestion = database().judge(
        query, visibilities, filters, language, fallback, groups, raw.hits
    )
    raw.total = max(len(raw.hits), raw.total - (shown - len(raw.hits)))  # weak originals dropped
    raw.answered = answered and bool(raw.hits)
    raw.suggestion = raw.suggestion or suggestion


def _highlight_words(query, groups, suggestion="") -> list[str]:
    """The folded words to mark in titles and snippets: the query's, its synonyms', and the
    corrected words."""
    words = terms(query)
    for phrases in groups:
        for phrase in phrases:
            words.extend(word for word in terms(phrase) if word not in words)
    words.extend(word for word in terms(suggestion) if word not in words)
    return words


def _facet_label(visibilities, name, value) -> str:
    if name == "language":
        from django.utils.translation import get_language_info

        try:
            return get_language_info(value)["name_local"]
        except KeyError:
            return value
    for kind in visibilities:
        label = registry.get(kind).facet_label(name, value)
        if label != value:
            return label
    return value


def suggestible_kinds() -> list[str]:
    return [name for name, kind in registry.kinds().items() if kind.suggestible]


def public_kinds() -> list[str]:
    return [name for name, kind in registry.kinds().items() if kind.public]


def suggest(text, language=None, user=None, limit=SUGGESTIONS) -> list[Hit]:
    kinds = suggestible_kinds()
    if not kinds or not (text or "").strip():
        return []
    visibilities = _visibilities(kinds, user)
    text = text[:1000]
    fallback = original_language() if language else None
    groups = _synonyms(text, language, fallback)
    raw, _backend = _read(
        lambda backend: backend.suggest(
            text, language, visibilities, limit, synonyms=groups, fallback_language=fallback
        )
    )
    words = _highlight_words(text, groups)
    return [_hit(hit, words, user) for hit in raw[:limit]]


def similar(obj, kinds=None, user=None, limit=5) -> list[Hit]:
    kind = registry.kind_for(obj)
    if kind is None:
        return []
    entry = kind.entry(obj)
    words = key_terms(entry.title, entry.text)
    visibilities = _visibilities(kinds, user)
    raw, _backend = _read(
        lambda backend: backend.similar(kind.name, obj.pk, entry, words, visibilities, limit)
    )
    return [_hit(hit, words, user) for hit in raw[:limit]]


def matching_ids(query, kind, user, limit=1000) -> list[str]:
    """Ids of the objects of one kind that match, within what the user may read (e.g. to
    filter an admin listing)."""
    visibility = registry.get(kind).visibility(user)
    ids, _backend = _read(lambda backend: backend.matching_ids(query, kind, visibility, limit))
    return ids


def matching_q(query, kind, user) -> Q:
    """The objects of one kind that match, within what the user may read, as a condition on
    the kind's primary key, for a listing that keeps its own order, count and pages (the
    staff queue's search box). On the database backend a sub-query of the full-text index
    (every match, no ranking); on Elasticsearch the ids of its best `matching_ids`."""
    declaration = registry.get(kind)
    visibility = declaration.visibility(user)
    backend = primary()
    if backend.name == "database":
        return backend.matching_q(query, kind, visibility)
    return _keys_in(declaration.model, matching_ids(query, kind, user))


INTEGER_KEYS = {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField"}


def _keys_in(model, ids: list[str]) -> Q:
    """`pk IN (…)` for up to 1,000 keys, bound as one parameter (an array on PostgreSQL, a JSON
    list on SQLite): as a list Django prepares each key again on every compile of the listing's
    queries, about 14 ms of a staff search's 60 at 100,000 questions."""
    if not ids or model._meta.pk.get_internal_type() not in INTEGER_KEYS:
        return Q(pk__in=ids)
    keys = [int(key) for key in ids]
    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (keys,)))
    if connection.vendor == "sqlite":
        return Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", (json.dumps(keys),)))
    return Q(pk__in=keys)


# --- writing


def index(obj) -> None:
    """Index (or, when it should no longer be found, remove) one object, now."""
    kind = registry.kind_for(obj)
    if kind is None:
        raise LookupError(f"{type(obj).__name__} is not a registered search kind.")
    index_id(kind.name, obj.pk, obj=obj)


def index_id(kind_name: str, object_id, obj=None) -> None:
    kind = registry.get(kind_name)
    obj = obj if obj is not None else kind.get(object_id)
    if obj is None or not kind.should_index(obj):
        remove_id(kind_name, object_id)
        return
    entry = kind.entry(obj)
    database().index(kind_name, str(object_id), entry)
    backend = primary()
    if backend.name != "database":
        backend.index(kind_name, str(object_id), entry)  # raises: the task is retried


def remove(obj) -> None:
    kind = registry.kind_for(obj)
    if kind is not None:
        remove_id(kind.name, obj.pk)


def remove_id(kind_name: str, object_id) -> None:
    database().remove(kind_name, str(object_id))
    backend = primary()
    if backend.name != "database":
        backend.remove(kind_name, str(object_id))


def remove_from_database(kind_name: str, object_ids) -> None:
    """Remove many objects of one kind from the database backend in a few statements, in the
    caller's transaction (tickets.privacy.anonymisation; Elasticsearch is told by remove tasks)."""
    from django.db import transaction

    with transaction.atomic():
        database()._delete(kind_name, [str(object_id) for object_id in object_ids])
    # Kept judgements and statistics of this kind count the removed documents: stale now, and
    # again once the caller's transaction commits (a reader meanwhile may have cached the rows).
    bump_generation(kind_name)
    transaction.on_commit(lambda: bump_generation(kind_name))


def _entries(kind, on_progress=None, batch=500):
    queryset = kind.get_queryset()
    objects = queryset.iterator(chunk_size=batch) if hasattr(queryset, "iterator") else queryset
    for obj in objects:
        if on_progress:
            on_progress()
        if kind.should_index(obj):
            yield str(obj.pk), kind.entry(obj)


TARGETS = ("database", "elasticsearch")


def rebuild(kind_name: str, on_progress=None, batch=500, targets=TARGETS) -> int:
    """Rebuild one kind in the database backend (in one transaction: readers see the old rows
    until it commits) and, when configured, in Elasticsearch (a new index, then the alias).
    `targets`: which of the two (e.g. only "elasticsearch" when the database copy is current).
    `on_progress(target)` is called for each object read by each of them."""
    from django.db import transaction

    kind = registry.get(kind_name)
    db = database()
    count = 0

    def progress(target):
        return (lambda: on_progress(target)) if on_progress else None

    if "database" in targets:
        with transaction.atomic():
            db.reset(kind_name)
            chunk = []
            for item in _entries(kind, progress("database")):
                chunk.append(item)
                if len(chunk) >= batch:
                    db.index_many(kind_name, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                db.index_many(kind_name, chunk)
                count += len(chunk)
    backend = primary()
    if backend.name != "database" and "elasticsearch" in targets:
        count = backend.rebuild(kind_name, _entries(kind, progress("elasticsearch")))
    return count


def status() -> dict:
    backend = primary()
    counts = {}
    for name in registry.kinds():
        source = registry.get(name).get_queryset()
        counts[name] = {
            "objects": len(source) if isinstance(source, list | tuple) else source.count(),
            "database": database().count(name),
        }
        if backend.name != "database":
            try:
                counts[name]["elasticsearch"] = backend.count(name)
            except BackendUnavailable:
                counts[name]["elasticsearch"] = None
    state = {"backend": backend.name, "kinds": counts}
    if backend.name != "database":
        # How the indexes analyse text (recorded in each index's metadata when it was built).
        analysis = {}
        for name in registry.kinds():
            try:
                analysis[name] = backend.describe(name)
            except BackendUnavailable:
                analysis[name] = None
        state["analysis"] = analysis
    return state
