"""Elasticsearch backend, written with elasticsearch-dsl.

One index per kind behind an alias (`<prefix>-<kind>`); a rebuild fills a new index
(`<prefix>-<kind>-<timestamp>`) and swaps the alias in one atomic call, so searches never see a
half-built index. Every document carries its text twice: in the field of its own language
(Dutch, French, English and Arabic analysers with stemming and stop words) and in a folded
standard field that serves every other language (Ukrainian, Tigrinya, ...) and cross-language
queries. Facet values sit in `facets.<name>` keyword fields: terms aggregations count them and
permission filters (`Visibility.terms`) match them inside the query.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.conf import settings
from elasticsearch.helpers import bulk
from elasticsearch_dsl import (
    Date,
    Document,
    Index,
    Keyword,
    MetaField,
    Object,
    Q,
    Search,
    SearchAsYouType,
    Text,
    analyzer,
    connections,
    token_filter,
)

from search.backends.base import BackendUnavailable, RawHit, RawResults
from search.registry import FACETS, Entry, Visibility
from search.text import fold

logger = logging.getLogger(__name__)

CONNECTION = "wegwijs"

folded = analyzer("wegwijs_folded", tokenizer="standard", filter=["lowercase", "asciifolding"])
ANALYZERS = {
    "nl": analyzer(
        "wegwijs_nl",
        tokenizer="standard",
        filter=[
            "lowercase",
            token_filter("wegwijs_nl_stop", type="stop", stopwords="_dutch_"),
            token_filter("wegwijs_nl_stem", type="stemmer", language="dutch"),
            "asciifolding",
        ],
    ),
    "fr": analyzer(
        "wegwijs_fr",
        tokenizer="standard",
        filter=[
            token_filter(
                "wegwijs_fr_elision",
                type="elision",
                articles_case=True,
                articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "lorsqu"],
            ),
            "lowercase",
            token_filter("wegwijs_fr_stop", type="stop", stopwords="_french_"),
            token_filter("wegwijs_fr_stem", type="stemmer", language="light_french"),
            "asciifolding",
        ],
    ),
    "en": analyzer(
        "wegwijs_en",
        tokenizer="standard",
        filter=[
            token_filter("wegwijs_en_possessive", type="stemmer", language="possessive_english"),
            "lowercase",
            token_filter("wegwijs_en_stop", type="stop", stopwords="_english_"),
            token_filter("wegwijs_en_stem", type="stemmer", language="english"),
        ],
    ),
    "ar": analyzer(
        "wegwijs_ar",
        tokenizer="standard",
        filter=[
            "lowercase",
            "decimal_digit",
            token_filter("wegwijs_ar_stop", type="stop", stopwords="_arabic_"),
            "arabic_normalization",
            token_filter("wegwijs_ar_stem", type="stemmer", language="arabic"),
        ],
    ),
}
LANGUAGES = tuple(ANALYZERS)


def _document_class():
    attributes = {
        "kind": Keyword(),
        "object_id": Keyword(),
        "language": Keyword(),
        "url": Keyword(index=False),
        "date": Date(),
        "title": Text(analyzer=folded),
        "text": Text(analyzer=folded),
        "suggest": SearchAsYouType(analyzer=folded),
        "facets": Object(dynamic=True),
        "__module__": __name__,
    }
    for language, language_analyzer in ANALYZERS.items():
        attributes[f"title_{language}"] = Text(analyzer=language_analyzer)
        attributes[f"text_{language}"] = Text(analyzer=language_analyzer)

    class Meta:
        # Every facet value is a keyword: exact filters and terms aggregations.
        dynamic_templates = MetaField(
            [{"facets": {"path_match": "facets.*", "mapping": {"type": "keyword"}}}]
        )

    attributes["Meta"] = Meta
    return type("SearchEntry", (Document,), attributes)


SearchEntry = _document_class()


def alias_name(kind: str) -> str:
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{kind}"


def new_index(kind: str, suffix: str | None = None) -> Index:
    suffix = suffix or datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    index = Index(f"{alias_name(kind)}-{suffix}")
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(SearchEntry)
    return index


def to_document(kind: str, object_id: str, entry: Entry) -> SearchEntry:
    fields = {
        "kind": kind,
        "object_id": str(object_id),
        "language": entry.language or "",
        "url": entry.url,
        "date": entry.date,
        "title": entry.title,
        "text": entry.text,
        "suggest": entry.title,
        "facets": {
            **{name: [str(value) for value in values] for name, values in entry.facets.items()},
            "language": [entry.language or ""],
        },
    }
    if entry.language in ANALYZERS:
        fields[f"title_{entry.language}"] = entry.title
        fields[f"text_{entry.language}"] = entry.text
    return SearchEntry(meta={"id": str(object_id)}, **fields)


def text_fields(language: str | None) -> list[str]:
    if language in ANALYZERS:
        return [f"title_{language}^3", f"text_{language}", "title^2", "text"]
    if language:
        return ["title^3", "text"]
    return (
        [f"title_{code}^3" for code in LANGUAGES]
        + [f"text_{code}" for code in LANGUAGES]
        + [
            "title^2",
            "text",
        ]
    )


def visibility_filter(visibilities: dict[str, Visibility]) -> Q:
    """One filter for all kinds: (kind A and A's rule) or (kind B and B's rule). A kind that
    gives only a database rule (a queryset, no terms) matches nothing here: fail closed."""
    allowed = []
    for kind, visibility in visibilities.items():
        if visibility.nothing:
            continue
        if visibility.terms is None and visibility.queryset is not None:
            logger.error("Search kind %s gives no terms for Elasticsearch; hidden.", kind)
            continue
        conditions = [Q("term", kind=kind)]
        for name, values in (visibility.terms or {}).items():
            conditions.append(Q("terms", **{f"facets.{name}": [str(v) for v in values]}))
        allowed.append(Q("bool", filter=conditions))
    if not allowed:
        return Q("bool", must_not=[Q("match_all")])
    return Q("bool", should=allowed, minimum_should_match=1)


def facet_filters(filters: dict[str, list[str]] | None) -> list[Q]:
    return [
        Q("terms", **{f"facets.{name}": [str(value) for value in values]})
        for name, values in (filters or {}).items()
        if values
    ]


def build_search(
    query, visibilities, filters=None, language=None, offset=0, limit=10, synonyms=()
) -> Search:
    search = Search(index=[alias_name(kind) for kind in visibilities])
    conditions = [visibility_filter(visibilities), *facet_filters(filters)]
    if language:
        conditions.append(Q("term", language=language))
    if query.strip():
        match = Q(
            "multi_match",
            query=query,
            fields=text_fields(language),
            type="best_fields",
            minimum_should_match="2<75%",
        )
        if synonyms:
            # The editors' synonym groups that the service found in the query: any phrase of
            # them matches too.
            match = Q(
                "bool",
                should=[match, *synonym_matches(synonyms, language)],
                minimum_should_match=1,
            )
        search = search.query(Q("bool", must=[match], filter=conditions))
    else:
        search = search.query(Q("bool", filter=conditions)).sort("-date")
    search = search.highlight_options(
        encoder="html",
        pre_tags=["<mark>"],
        post_tags=["</mark>"],
        number_of_fragments=1,
        fragment_size=220,
        no_match_size=220,
    ).highlight("title*", "text*", require_field_match=False)
    for name in FACETS:
        search.aggs.bucket(name, "terms", field=f"facets.{name}", size=50)
    return search.extra(track_total_hits=True)[offset : offset + limit]


def synonym_matches(synonyms, language) -> list:
    phrases = dict.fromkeys(phrase for group in synonyms for phrase in group)
    return [
        Q("multi_match", query=phrase, fields=text_fields(language), operator="and")
        for phrase in phrases
    ]


def build_suggest(text, language, visibilities, limit=5, synonyms=()) -> Search:
    conditions = [visibility_filter(visibilities)]
    if language:
        conditions.append(Q("term", language=language))
    match = Q(
        "multi_match",
        query=fold(text),
        type="bool_prefix",
        fields=["suggest", "suggest._2gram", "suggest._3gram"],
    )
    should = [
        Q("multi_match", query=text, fields=text_fields(language)),
        *synonym_matches(synonyms, language),
    ]
    search = Search(index=[alias_name(kind) for kind in visibilities]).query(
        Q("bool", must=[match], should=should, filter=conditions)
    )
    return search.source(["kind", "object_id", "title", "url", "language", "date"])[:limit]


def build_similar(kind, object_id, like_text, visibilities, limit=5) -> Search:
    """more_like_this on the object's own text (it need not be indexed yet), itself left out."""
    like = Q(
        "more_like_this",
        fields=["title", "text", *[f"{f}_{code}" for f in ("title", "text") for code in LANGUAGES]],
        like=[like_text],
        min_term_freq=1,
        min_doc_freq=1,
        max_query_terms=25,
        minimum_should_match="20%",
    )
    search = Search(index=[alias_name(name) for name in visibilities]).query(
        Q(
            "bool",
            must=[like],
            filter=[visibility_filter(visibilities)],
            must_not=[
                Q("bool", filter=[Q("term", kind=kind), Q("term", object_id=str(object_id))])
            ],
        )
    )
    return search[:limit]


class ElasticsearchBackend:
    name = "elasticsearch"
    stemmed_languages = {"nl", "fr", "en", "ar"}

    def __init__(self, url: str):
        self.url = url

    @property
    def client(self):
        try:
            return connections.get_connection(CONNECTION)
        except KeyError:
            return connections.create_connection(
                alias=CONNECTION, hosts=[self.url], request_timeout=5, max_retries=1
            )

    def _run(self, action):
        from elasticsearch import ApiError, TransportError

        try:
            return action()
        except (TransportError, ApiError) as error:
            raise BackendUnavailable(str(error)) from error

    # --- writing

    def ensure_index(self, kind: str) -> None:
        client = self.client
        if not client.indices.exists_alias(name=alias_name(kind)):
            index = new_index(kind)
            index.create(using=client)
            client.indices.put_alias(index=index._name, name=alias_name(kind))

    def index(self, kind, object_id, entry: Entry) -> None:
        def action():
            self.ensure_index(kind)
            to_document(kind, object_id, entry).save(using=self.client, index=alias_name(kind))

        self._run(action)

    def remove(self, kind, object_id) -> None:
        def action():
            self.client.options(ignore_status=404).delete(index=alias_name(kind), id=str(object_id))

        self._run(action)

    def rebuild(self, kind, items, on_progress=None) -> None:
        """Fill a fresh index from `items` ((object_id, entry) pairs), then swap the alias."""

        def action():
            client = self.client
            index = new_index(kind)
            index.create(using=client)

            def actions():
                for object_id, entry in items:
                    document = to_document(kind, object_id, entry).to_dict(include_meta=True)
                    document["_index"] = index._name
                    if on_progress:
                        on_progress()
                    yield document

            bulk(client, actions(), chunk_size=1000)
            client.indices.refresh(index=index._name)
            alias = alias_name(kind)
            found = client.options(ignore_status=404).indices.get_alias(name=alias).body
            old = [name for name in found if name not in ("error", "status")]
            client.indices.update_aliases(
                actions=[{"remove": {"index": name, "alias": alias}} for name in old]
                + [{"add": {"index": index._name, "alias": alias}}]
            )
            for name in old:
                client.options(ignore_status=404).indices.delete(index=name)

        self._run(action)

    def count(self, kind) -> int:
        def action():
            if not self.client.indices.exists_alias(name=alias_name(kind)):
                return 0
            return self.client.count(index=alias_name(kind))["count"]

        return self._run(action)

    def refresh(self, kind) -> None:
        self._run(lambda: self.client.indices.refresh(index=alias_name(kind)))

    # --- reading

    def search(
        self,
        query,
        visibilities,
        filters=None,
        language=None,
        offset=0,
        limit=10,
        facets=True,
        synonyms=(),
        fallback_language=None,
    ) -> RawResults:
        # Untranslated originals (fallback_language) are a database-backend feature for now.
        search = build_search(query, visibilities, filters, language, offset, limit, synonyms)
        response = self._run(
            lambda: search.using(self.client).params(ignore_unavailable=True).execute()
        )
        counts = {}
        if facets:
            for name in FACETS:
                buckets = getattr(response.aggregations, name, None)
                if buckets is not None:
                    counts[name] = {b.key: b.doc_count for b in buckets.buckets if b.key}
        total = response.hits.total.value
        return RawResults([self._hit(hit) for hit in response], total, counts, answered=bool(total))

    def suggest(
        self, text, language, visibilities, limit=5, synonyms=(), fallback_language=None
    ) -> list[RawHit]:
        if not text.strip():
            return []
        search = build_suggest(text, language, visibilities, limit, synonyms)
        response = self._run(
            lambda: search.using(self.client).params(ignore_unavailable=True).execute()
        )
        return [self._hit(hit) for hit in response]

    def similar(self, kind, object_id, entry, words, visibilities, limit=5) -> list[RawHit]:
        search = build_similar(kind, object_id, f"{entry.title}\n{entry.text}", visibilities, limit)
        response = self._run(
            lambda: search.using(self.client).params(ignore_unavailable=True).execute()
        )
        return [
            self._hit(hit)
            for hit in response
            if not (hit.kind == kind and str(hit.object_id) == str(object_id))
        ]

    def matching_ids(self, query, kind, visibility, limit=1000) -> list[str]:
        search = build_search(query, {kind: visibility}, limit=limit).source(["object_id"])
        search.aggs._params.pop("aggs", None)
        response = self._run(lambda: search.using(self.client).execute())
        return [str(hit.object_id) for hit in response]

    @staticmethod
    def _hit(hit) -> RawHit:
        highlight = getattr(hit.meta, "highlight", None)
        title_html = snippet_html = None
        if highlight is not None:
            for name in highlight:
                fragments = list(highlight[name])
                if name.startswith("title") and title_html is None and fragments:
                    title_html = fragments[0]
                elif name.startswith("text") and snippet_html is None and fragments:
                    snippet_html = fragments[0]
        return RawHit(
            kind=hit.kind,
            object_id=str(hit.object_id),
            title=getattr(hit, "title", ""),
            text=getattr(hit, "text", ""),
            url=getattr(hit, "url", ""),
            language=getattr(hit, "language", ""),
            date=getattr(hit, "date", None),
            score=hit.meta.score,
            title_html=title_html,
            snippet_html=snippet_html,
        )
