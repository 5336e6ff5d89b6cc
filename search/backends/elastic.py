"""Elasticsearch backend, written with elasticsearch-dsl.

One index per kind behind an alias (`<prefix>-<kind>`); a rebuild fills a new index
(`<prefix>-<kind>-<timestamp>`) and swaps the alias in one atomic call, so searches never see a
half-built index.

**Analysis follows what the cluster offers** (`detect_analysis`, recorded in the index's `_meta`
and shown by `manage.py search_index status`):

- `builtin`: the node has the `analysis-common` module (the full distribution, managed clusters):
  Dutch, French, English and Arabic analysers with stemmer, elision, Arabic normalisation;
- `hunspell`: no `analysis-common` (the lean integ-test distribution), but hunspell dictionaries
  in the node's `config/hunspell/<locale>/`: a hunspell stemmer per language that has one
  (nl_NL, fr_FR, en_US, ar, uk_UA), which also gives Ukrainian stems;
- `standard`: neither: folded words only.

Whatever the mode, every document also carries its text folded in Python (`search.text.fold`:
case and accents; apostrophes split) in `title_fold`/`text_fold` with the core's `standard`
tokenizer and `lowercase` filter, which serve every language and cross-language queries; and
its text as written in `title`/`text` (shown and highlighted). Stop words are dropped from the
query in Python (`search.analysis.is_stopword`, colloquial ones included), not from the index.
Suggestions use a folded title with `index_prefixes` and `match_bool_prefix` (core features;
`search_as_you_type` needs the mapper-extras module). Facet values sit in `facets.<name>`
keyword fields: terms aggregations count them and permission filters (`Visibility.terms`)
match them inside the query.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from elasticsearch_dsl import Q, Search, connections

from search.analysis import APOSTROPHES, TOKEN, is_stopword, normalise_word
from search.backends.base import BackendUnavailable, RawHit, RawResults
from search.registry import FACETS, Entry, Visibility
from search.text import fold

logger = logging.getLogger(__name__)

LANGUAGES = ("nl", "fr", "en", "ar", "uk")
# Hunspell dictionary folder (locale) per language, as `.ci/elasticsearch` lays them out.
HUNSPELL_LOCALES = {"nl": "nl_NL", "fr": "fr_FR", "en": "en_US", "ar": "ar", "uk": "uk_UA"}
OUTDATED = "mapping outdated: rebuild"
MAPPING_VERSION = 3  # 3: offsets in the highlighted fields
REBUILD_TIMEOUT = 120  # seconds per bulk request of a rebuild
REBUILD_CHUNK = 500  # documents per bulk request (about 1.3 MB of questions)
REBUILD_IN_FLIGHT = 2  # bulk requests sent while the next chunk is built
MERGE_TIMEOUT = 600  # seconds for a rebuilt index's merge into one segment (100,000: ~1 minute)

_APOSTROPHE = re.compile(f"[{re.escape(APOSTROPHES)}]")


# --- analysis


@dataclass(frozen=True)
class Analysis:
    """Which analysis the indexes use: `mode` (builtin, hunspell, standard) and, per stemmed
    language, how ("builtin" or a hunspell locale)."""

    mode: str
    languages: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        if not self.languages:
            return f"{self.mode} (folded words, no stemming)"
        parts = ", ".join(f"{code} {how}" for code, how in sorted(self.languages.items()))
        return f"{self.mode} ({parts})"

    def as_meta(self) -> dict:
        return {"mode": self.mode, "languages": dict(self.languages)}

    @classmethod
    def from_meta(cls, meta: dict | None) -> Analysis | None:
        if not meta or "mode" not in meta:
            return None
        return cls(meta["mode"], dict(meta.get("languages") or {}))


BUILTIN = {
    "nl": {
        "tokenizer": "standard",
        "filter": ["lowercase", "wegwijs_nl_stem", "asciifolding"],
    },
    "fr": {
        "tokenizer": "standard",
        "filter": ["wegwijs_fr_elision", "lowercase", "wegwijs_fr_stem", "asciifolding"],
    },
    "en": {
        "tokenizer": "standard",
        "filter": ["wegwijs_en_possessive", "lowercase", "wegwijs_en_stem"],
    },
    "ar": {
        "tokenizer": "standard",
        "filter": ["lowercase", "decimal_digit", "arabic_normalization", "wegwijs_ar_stem"],
    },
}
BUILTIN_FILTERS = {
    "wegwijs_nl_stem": {"type": "stemmer", "language": "dutch"},
    "wegwijs_fr_elision": {
        "type": "elision",
        "articles_case": True,
        "articles": ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "lorsqu"],
    },
    "wegwijs_fr_stem": {"type": "stemmer", "language": "light_french"},
    "wegwijs_en_possessive": {"type": "stemmer", "language": "possessive_english"},
    "wegwijs_en_stem": {"type": "stemmer", "language": "english"},
    "wegwijs_ar_stem": {"type": "stemmer", "language": "arabic"},
}

_detected: dict[str, Analysis] = {}
_detect_lock = threading.Lock()


def detect_analysis(client, url: str = "") -> Analysis:
    """What this cluster can analyse with, asked once per process and URL."""
    key = url or str(id(client))
    with _detect_lock:
        if key in _detected:
            return _detected[key]
        info = client.nodes.info(metric="plugins").body
        module_sets = [
            {module["name"] for module in node.get("modules", [])}
            | {plugin["name"] for plugin in node.get("plugins", [])}
            for node in info.get("nodes", {}).values()
        ]
        common = bool(module_sets) and all("analysis-common" in names for names in module_sets)
        languages = {}
        if common:
            languages = dict.fromkeys(BUILTIN, "builtin")
        for code, locale in HUNSPELL_LOCALES.items():
            if code in languages:
                continue
            if _hunspell_available(client, locale):
                languages[code] = f"hunspell {locale}"
        if common:
            mode = "builtin"
        elif languages:
            mode = "hunspell"
        else:
            mode = "standard"
        analysis = Analysis(mode, languages)
        _detected[key] = analysis
        logger.info("Elasticsearch analysis: %s", analysis.describe())
        return analysis


def _hunspell_available(client, locale: str) -> bool:
    from elasticsearch import ApiError

    try:
        # The first use loads the dictionary (seconds for the Ukrainian one).
        client.options(request_timeout=60).indices.analyze(
            tokenizer="standard",
            filter=["lowercase", {"type": "hunspell", "locale": locale}],
            text="a",
        )
    except ApiError:
        return False
    return True


def analysis_settings(analysis: Analysis) -> dict:
    analyzers = {
        "wegwijs_plain": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]}
    }
    filters = {}
    for code, how in analysis.languages.items():
        if how == "builtin":
            analyzers[f"wegwijs_{code}"] = {"type": "custom", **BUILTIN[code]}
            for name in BUILTIN[code]["filter"]:
                if name in BUILTIN_FILTERS:
                    filters[name] = BUILTIN_FILTERS[name]
        else:
            locale = how.split(" ", 1)[1]
            filters[f"wegwijs_{code}_hunspell"] = {
                "type": "hunspell",
                "locale": locale,
                "dedup": True,
            }
            analyzers[f"wegwijs_{code}"] = {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", f"wegwijs_{code}_hunspell"],
            }
    return {"analyzer": analyzers, "filter": filters}


def index_body(analysis: Analysis) -> dict:
    plain = {"type": "text", "analyzer": "wegwijs_plain"}
    # The highlighted fields keep their words' offsets in the index: the highlighter reads them
    # instead of analysing each shown text again (hunspell, per hit and field).
    shown = {**plain, "index_options": "offsets"}
    properties = {
        "kind": {"type": "keyword"},
        "object_id": {"type": "keyword"},
        "language": {"type": "keyword"},
        "group": {"type": "keyword"},
        "url": {"type": "keyword", "index": False},
        "date": {"type": "date"},
        "title": shown,
        "text": shown,
        "title_fold": {**plain, "copy_to": "all_fold"},
        "text_fold": {**plain, "copy_to": "all_fold"},
        "all_fold": plain,
        "suggest": {**plain, "index_prefixes": {"min_chars": 2, "max_chars": 12}},
        "facets": {"type": "object", "dynamic": True},
    }
    for code in analysis.languages:
        for name in ("title", "text"):
            properties[f"{name}_{code}"] = {
                "type": "text",
                "analyzer": f"wegwijs_{code}",
                "index_options": "offsets",
            }
    return {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": replicas(),
            "analysis": analysis_settings(analysis),
        },
        "mappings": {
            "_meta": {"wegwijs": {"analysis": analysis.as_meta(), "version": MAPPING_VERSION}},
            "dynamic_templates": [
                # Every facet value is a keyword: exact filters and terms aggregations.
                {"facets": {"path_match": "facets.*", "mapping": {"type": "keyword"}}}
            ],
            "properties": properties,
        },
    }


def fold_text(text: str) -> str:
    """Case and accents folded, apostrophes split (l'ambassade -> l ambassade)."""
    return _APOSTROPHE.sub(" ", fold(text or ""))


def query_forms(query: str, language: str | None) -> tuple[str, str]:
    """The query without its stop words (unless only they remain): as written (for the
    language fields) and folded (for the folded fields)."""
    code = (language or "").split("-")[0]
    tokens = []
    for token in TOKEN.findall(query or ""):
        tokens.extend([token] if code == "uk" else [p for p in _APOSTROPHE.split(token) if p])
    kept = [
        token
        for token in tokens
        if (len(token) > 1 or token.isdigit())
        and not is_stopword(normalise_word(token, code), code)
    ] or tokens
    written = " ".join(kept)
    return written, fold_text(written)


# --- names


def alias_name(kind: str) -> str:
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{kind}"


def new_index_name(kind: str) -> str:
    return f"{alias_name(kind)}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"


def replicas() -> int:
    """Replicas of each index (settings.ELASTICSEARCH_REPLICAS: 0 on one node, 1 or more on a
    cluster); a rebuild fills its index without them and adds them before the swap."""
    return int(getattr(settings, "ELASTICSEARCH_REPLICAS", 0))


# --- documents


def to_source(kind: str, object_id: str, entry: Entry, analysis: Analysis) -> dict:
    source = {
        "kind": kind,
        "object_id": str(object_id),
        "language": entry.language or "",
        "group": entry.group or "",
        "url": entry.url,
        "date": entry.date.isoformat() if entry.date else None,
        "title": entry.title,
        "text": _body(entry),
        "title_fold": fold_text(entry.title),
        "text_fold": fold_text(_body(entry)),
        "suggest": fold_text(entry.title),
        "facets": {
            **{name: [str(value) for value in values] for name, values in entry.facets.items()},
            "language": [entry.language or ""],
        },
    }
    code = (entry.language or "").split("-")[0]
    if code in analysis.languages:
        source[f"title_{code}"] = entry.title
        source[f"text_{code}"] = _body(entry)
    return source


def _send_bulk(client, index, kind, items, analysis, on_progress=None) -> int:
    """Index `items` into `index` in bulk requests sent by threads; raise on the first refused
    document (BulkIndexError) or failed request. Returns how many were indexed."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    from elasticsearch.helpers import BulkIndexError

    def send(operations):
        response = client.bulk(operations=operations, index=index)
        if response["errors"]:
            failed = [
                item["index"] for item in response["items"] if "error" in item.get("index", {})
            ]
            raise BulkIndexError(f"{len(failed)} document(s) refused by {index}", failed[:5])
        return len(response["items"])

    count = 0
    pending = set()
    with ThreadPoolExecutor(max_workers=REBUILD_IN_FLIGHT, thread_name_prefix="bulk") as pool:

        def collect(until: int):
            nonlocal count, pending
            while len(pending) > until:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    count += future.result()

        chunk = []
        for object_id, entry in items:
            if on_progress:
                on_progress()
            chunk.append({"index": {"_id": str(object_id)}})
            chunk.append(to_source(kind, object_id, entry, analysis))
            if len(chunk) >= 2 * REBUILD_CHUNK:
                collect(REBUILD_IN_FLIGHT - 1)
                pending.add(pool.submit(send, chunk))
                chunk = []
        if chunk:
            pending.add(pool.submit(send, chunk))
        collect(0)
    return count


def _body(entry: Entry) -> str:
    return f"{entry.summary}\n{entry.text}" if entry.summary else entry.text


# --- queries


def language_fields(language: str | None, analysis: Analysis) -> list[str]:
    codes = [language] if language else list(analysis.languages)
    codes = [code for code in codes if code in analysis.languages]
    return [f"title_{code}^3" for code in codes] + [f"text_{code}" for code in codes]


def text_query(query: str, language: str | None, analysis: Analysis, msm="2<75%", fuzzy=True):
    """The words of the query in the fields of its language (stemmed) and in the folded
    fields, each set taken as one field (a word in the title, another in the body); the best
    of them counts, the others a little."""
    written, folded = query_forms(query, language)
    queries = []
    fields = language_fields(language, analysis)
    if fields:
        queries.append(
            Q(
                "multi_match",
                query=written,
                fields=fields,
                type="cross_fields",
                operator="or",
                minimum_should_match=msm,
            )
        )
    queries.append(
        Q(
            "multi_match",
            query=folded,
            fields=["title_fold^3", "text_fold"],
            type="cross_fields",
            operator="or",
            minimum_should_match=msm,
        )
    )
    if fuzzy:
        # Typos: one or two edits (by length), the first letter as typed; below exact words.
        queries.append(
            Q(
                "match",
                all_fold={
                    "query": folded,
                    "fuzziness": "AUTO:5,9",
                    "prefix_length": 1,
                    "minimum_should_match": msm,
                    "boost": 0.3,
                },
            )
        )
    return Q("dis_max", queries=queries, tie_breaker=0.3)


def synonym_matches(synonyms, language, analysis) -> list:
    phrases = dict.fromkeys(phrase for group in synonyms for phrase in group)
    return [text_query(phrase, language, analysis, msm="100%", fuzzy=False) for phrase in phrases]


def _uncovered(query: str, synonyms, language) -> str:
    """The words of the query that no phrase of the synonym groups has."""
    covered = {
        word
        for group in synonyms
        for phrase in group
        for word in query_forms(phrase, language)[1].split()
    }
    return " ".join(w for w in query_forms(query, language)[1].split() if w not in covered)


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


HIGHLIGHT_FIELDS = (
    "title",
    "text",
    *(f"{f}_{code}" for f in ("title", "text") for code in LANGUAGES),
)
# What a hit shows or the service reads (the folded and per-language copies stay on the node).
SOURCE_FIELDS = ["kind", "object_id", "title", "text", "url", "language", "date", "group"]


def highlight_fields(language, analysis: Analysis) -> list[str]:
    """The fields marked: as written, and stemmed in the query's language (every stemmed
    language without one)."""
    codes = [language] if language else list(analysis.languages)
    codes = [code for code in codes if code in analysis.languages]
    return ["title", "text", *(f"{f}_{code}" for f in ("title", "text") for code in codes)]


def highlight_query(query, synonyms, language, analysis: Analysis) -> Q:
    """What the highlighter marks: the query's words and its synonyms' phrases, as written and
    stemmed, without the scoring query's typo (fuzzy) clause, whose expansion against every
    shown field cost the node most of a page's time; a typo's correction is marked by the
    service (it highlights the hits without a marked fragment itself)."""
    phrases = [query_forms(query, language)[0]]
    phrases += [query_forms(phrase, language)[0] for group in synonyms for phrase in group]
    text = " ".join(dict.fromkeys(phrase for phrase in phrases if phrase))
    queries = [Q("multi_match", query=text, fields=["title", "text"])]
    stemmed = [name for name in highlight_fields(language, analysis) if "_" in name]
    if stemmed:
        queries.append(Q("multi_match", query=text, fields=stemmed))
    return Q("bool", should=queries)


def build_search(
    query,
    visibilities,
    filters=None,
    language=None,
    offset=0,
    limit=10,
    synonyms=(),
    analysis: Analysis | None = None,
    facets=True,
    extra_filters=(),
    msm="2<75%",
    highlight=True,
) -> Search:
    analysis = analysis or Analysis("standard")
    search = Search(index=[alias_name(kind) for kind in visibilities])
    conditions = [visibility_filter(visibilities), *facet_filters(filters), *extra_filters]
    if language:
        conditions.append(Q("term", language=language))
    if query.strip():
        match = text_query(query, language, analysis, msm=msm)
        if synonyms:
            # The editors' synonym groups that the service found in the query: a phrase of a
            # group stands for the words of the query that the group covers; the rest of the
            # query is asked as usual.
            rest = _uncovered(query, synonyms, language)
            alternative = [Q("bool", should=synonym_matches(synonyms, language, analysis))]
            if rest:
                alternative.append(text_query(rest, language, analysis, msm=msm))
            match = Q(
                "bool",
                should=[match, Q("bool", must=alternative)],
                minimum_should_match=1,
            )
        search = search.query(Q("bool", must=[match], filter=conditions))
        search = search.sort("_score", {"kind": "asc"}, {"object_id": "asc"})
    else:
        search = search.query(Q("bool", filter=conditions)).sort(
            {"date": {"order": "desc", "missing": "_last"}}, {"object_id": "asc"}
        )
    if highlight and query.strip():
        search = search.highlight_options(
            encoder="html",
            pre_tags=["<mark>"],
            post_tags=["</mark>"],
            number_of_fragments=1,
            fragment_size=220,
            require_field_match=False,
            highlight_query=highlight_query(query, synonyms, language, analysis).to_dict(),
        )
        for name in highlight_fields(language, analysis):
            # A title whole (it is short), a body's best fragment.
            search = search.highlight(
                name, **({"number_of_fragments": 0} if "title" in name else {})
            )
    if facets:
        for name in FACETS:
            search.aggs.bucket(name, "terms", field=f"facets.{name}", size=50)
    search = search.source(SOURCE_FIELDS)
    return search.extra(track_total_hits=True)[offset : offset + limit]


def build_suggest(text, language, visibilities, limit=5, synonyms=(), analysis=None) -> Search:
    analysis = analysis or Analysis("standard")
    conditions = [visibility_filter(visibilities)]
    if language:
        conditions.append(Q("term", language=language))
    _written, folded = query_forms(text, language)
    # While typing: the last word completes a title word (index_prefixes); a longer question
    # is matched word by word against titles and bodies.
    prefix = Q("match_bool_prefix", suggest={"query": folded})
    should = [
        prefix,
        text_query(text, language, analysis, msm="1"),
        *synonym_matches(synonyms, language, analysis),
    ]
    search = Search(index=[alias_name(kind) for kind in visibilities]).query(
        Q("bool", should=should, minimum_should_match=1, filter=conditions)
    )
    search = search.sort("_score", {"object_id": "asc"})
    return search.source(["kind", "object_id", "title", "url", "language", "date"])[:limit]


def build_similar(
    kind, object_id, like_text, visibilities, limit=5, analysis=None, language=None
) -> Search:
    """more_like_this on the object's own text (it need not be indexed yet), itself left out.
    With the object's `language` (stemmed here): its text in the folded fields and that
    language's stemmed ones only; another language's analyser makes no sense of it (and each
    field analyses the whole text and adds its terms to the query: a quarter of the node's time
    on a long thread)."""
    analysis = analysis or Analysis("standard")
    code = (language or "").split("-")[0]
    codes = [code] if code in analysis.languages else list(analysis.languages)
    fields = [
        "title_fold",
        "text_fold",
        *[f"{f}_{code}" for f in ("title", "text") for code in codes],
    ]
    like = Q(
        "more_like_this",
        fields=fields,
        like=[like_text, fold_text(like_text)],
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
    return search.source(SOURCE_FIELDS)[:limit]


# --- the backend


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str):
        self.url = url

    @property
    def client(self):
        timeout = getattr(settings, "ELASTICSEARCH_TIMEOUT", 5)
        alias = f"wegwijs:{self.url}:{timeout}"
        try:
            return connections.get_connection(alias)
        except KeyError:
            return connections.create_connection(
                alias=alias, hosts=[self.url], request_timeout=timeout, max_retries=1
            )

    def _run(self, action):
        from elasticsearch import ApiError, TransportError

        try:
            return action()
        except (TransportError, ApiError) as error:
            raise BackendUnavailable(str(error)) from error

    @property
    def analysis(self) -> Analysis:
        return self._run(lambda: detect_analysis(self.client, self.url))

    @property
    def stemmed_languages(self) -> set[str]:
        try:
            return set(self.analysis.languages)
        except BackendUnavailable:
            return set()

    # --- writing

    def _create_index(self, kind: str, building: bool = False) -> str:
        name = new_index_name(kind)
        body = index_body(self.analysis)
        if building:
            body["settings"] |= {"refresh_interval": "-1", "number_of_replicas": 0}
        # A new index loads its analysers (hunspell dictionaries: seconds on a busy node).
        self.client.options(request_timeout=REBUILD_TIMEOUT).indices.create(index=name, **body)
        return name

    def ensure_index(self, kind: str) -> None:
        client = self.client
        if not client.indices.exists_alias(name=alias_name(kind)):
            name = self._create_index(kind)
            client.indices.put_alias(index=name, name=alias_name(kind))

    def index(self, kind, object_id, entry: Entry) -> None:
        def action():
            self.ensure_index(kind)
            self.client.index(
                index=alias_name(kind),
                id=str(object_id),
                document=to_source(kind, object_id, entry, self.index_analysis(kind)),
            )

        self._run(action)

    def remove(self, kind, object_id) -> None:
        def action():
            if self.client.indices.exists_alias(name=alias_name(kind)):
                self.client.options(ignore_status=404).delete(
                    index=alias_name(kind), id=str(object_id)
                )

        self._run(action)

    def rebuild(self, kind, items, on_progress=None) -> int:
        """Fill a fresh index from `items` ((object_id, entry) pairs), then swap the alias.

        Built for speed: no refresh and no replica while it fills (both restored before the
        swap, after a merge into one segment), bulk requests of REBUILD_CHUNK documents, and
        REBUILD_IN_FLIGHT of them sent by threads while this thread builds the next chunk
        (the items are read here, in the caller's thread and database connection). Searches
        use the old index until the swap; a build that fails deletes its half-filled index and
        leaves the alias as it was."""

        def action():
            # Bulk requests analyse hundreds of texts (hunspell on one core: seconds).
            client = self.client.options(request_timeout=REBUILD_TIMEOUT)
            analysis = self.analysis
            name = self._create_index(kind, building=True)
            try:
                count = _send_bulk(client, name, kind, items, analysis, on_progress)
                # One segment: searches read one instead of the ten or so the bulk requests
                # left (the staff search's ids and more_like_this at 100,000 questions: half
                # to a third of the node's time), and the node is not left merging in the
                # background while it answers. Before the replicas: merged once, then copied.
                client.options(request_timeout=MERGE_TIMEOUT).indices.forcemerge(
                    index=name, max_num_segments=1
                )
                client.indices.put_settings(
                    index=name,
                    settings={
                        "index": {
                            "refresh_interval": None,  # back to the default
                            "number_of_replicas": replicas(),
                        }
                    },
                )
                client.indices.refresh(index=name)
            except BaseException:
                client.options(ignore_status=404).indices.delete(index=name)
                raise
            alias = alias_name(kind)
            found = client.options(ignore_status=404).indices.get_alias(name=alias).body
            old = [index for index in found if index not in ("error", "status")]
            client.indices.update_aliases(
                actions=[{"remove": {"index": index, "alias": alias}} for index in old]
                + [{"add": {"index": name, "alias": alias}}]
            )
            for index in old:
                client.options(ignore_status=404).indices.delete(index=index)
            return count

        return self._run(action)

    def cluster_status(self) -> str | None:
        """The cluster's health (green, yellow, red), or None when it does not answer within
        two seconds. Asked of `_cluster/health`, which every distribution serves (the lean
        integ-test one answers `HEAD /`, what `ping()` asks, with 405)."""
        try:
            health = self.client.options(request_timeout=2, max_retries=0).cluster.health()
        except Exception:  # noqa: BLE001 - any failure means the same: not now
            return None
        return health.get("status")

    def reachable(self) -> bool:
        """Whether the node answers now and its indexes can be written (not red)."""
        return self.cluster_status() not in (None, "red")

    def index_analysis(self, kind) -> Analysis:
        """The analysis the kind's current index was built with (its fields follow it)."""
        meta = self.index_meta(kind)
        return Analysis.from_meta(meta.get("analysis")) or self.analysis

    def index_meta(self, kind) -> dict:
        mapping = (
            self.client.options(ignore_status=404).indices.get_mapping(index=alias_name(kind)).body
        )
        for body in mapping.values():
            if isinstance(body, dict) and "mappings" in body:
                return (body["mappings"].get("_meta") or {}).get("wegwijs") or {}
        return {}

    def count(self, kind) -> int:
        def action():
            if not self.client.indices.exists_alias(name=alias_name(kind)):
                return 0
            return self.client.count(index=alias_name(kind))["count"]

        return self._run(action)

    def describe(self, kind) -> str:
        """The analysis of the kind's index, as recorded in its metadata."""

        def action():
            if not self.client.indices.exists_alias(name=alias_name(kind)):
                return "no index"
            meta = self.index_meta(kind)
            analysis = Analysis.from_meta(meta.get("analysis"))
            described = (
                analysis.describe() if analysis else "unknown (built before it was recorded)"
            )
            version = meta.get("version")
            if version != MAPPING_VERSION:
                # It answers, more slowly or with fewer features: `search_index rebuild` updates it.
                described += f"; {OUTDATED} (version {version}, this code writes {MAPPING_VERSION})"
            return described

        return self._run(action)

    def refresh(self, kind) -> None:
        self._run(lambda: self.client.indices.refresh(index=alias_name(kind)))

    # --- reading

    # Every search asks the node's shard request cache to keep its query phase (hits, totals,
    # facet counts) until the index next changes: a repeated query (a popular question, the
    # next visitor's same words) skips scoring; the fetch phase (source, highlights) still runs.
    # Without the parameter the node caches only searches without hits (size 0).
    PARAMS = {"ignore_unavailable": True, "request_cache": True}

    def _execute(self, search):
        return self._run(lambda: search.using(self.client).params(**self.PARAMS).execute())

    def _execute_all(self, searches):
        """Several searches in one round trip (msearch), their responses in the same order."""
        from elasticsearch_dsl import MultiSearch

        multi = MultiSearch()
        for search in searches:
            multi = multi.add(search.params(**self.PARAMS))
        return self._run(lambda: multi.using(self.client).execute())

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
        """One round trip for a page: the query, and with `fallback_language` the two searches
        of the untranslated originals (see `_originals_searches`) in the same msearch."""
        analysis = self.analysis
        search = build_search(
            query, visibilities, filters, language, offset, limit, synonyms, analysis, facets
        )
        originals = []
        if fallback_language and language and fallback_language != language and query.strip():
            originals = self._originals_searches(
                query, visibilities, filters, language, fallback_language, synonyms, analysis
            )
        response, *answers = self._execute_all([search, *originals])
        if query.strip() and not response.hits.total.value:
            # Nothing has (most of) the words: any of them, as the database backend does.
            search = build_search(
                query,
                visibilities,
                filters,
                language,
                offset,
                limit,
                synonyms,
                analysis,
                facets,
                msm="1",
            )
            response = self._execute(search)
        counts = {}
        if facets:
            for name in FACETS:
                buckets = getattr(response.aggregations, name, None)
                if buckets is not None:
                    counts[name] = {b.key: b.doc_count for b in buckets.buckets if b.key}
        total = response.hits.total.value
        hits = [self._hit(hit) for hit in response]
        if originals:
            found = self._originals_from(answers, originals[1])
            if len(hits) < limit and offset == 0:
                hits += found[: limit - len(hits)]
            total += len(found)
        return RawResults(hits, total, counts, answered=bool(hits))

    # The untranslated originals: the ten best documents in the original language whose
    # translation group has no document in the asked language. Asked together with the page's
    # query: the groups present in the language (a terms aggregation), and the best
    # ORIGINALS + ORIGINALS_SPARE originals of any group, of which those of translated groups
    # are dropped here. Only when that leaves fewer than ORIGINALS while more originals matched
    # is the exact search (translated groups excluded in the query) asked as well: the same
    # ten either way, in the same order (the exclusion is a filter, it changes no score).
    ORIGINALS = 10
    ORIGINALS_SPARE = 20

    def _originals_searches(
        self, query, visibilities, filters, language, fallback, synonyms, analysis
    ) -> list:
        from search import registry

        ranked = {kind: v for kind, v in visibilities.items() if registry.is_ranked(kind)}
        if not ranked:
            return []
        groups = Search(index=[alias_name(kind) for kind in ranked]).query(
            Q("bool", filter=[visibility_filter(ranked), Q("term", language=language)])
        )
        groups.aggs.bucket("groups", "terms", field="group", size=10000)
        candidates = build_search(
            query,
            ranked,
            filters,
            fallback,
            0,
            self.ORIGINALS + self.ORIGINALS_SPARE,
            synonyms,
            analysis,
            facets=False,
        )
        return [groups.extra(size=0), candidates]

    def _originals_from(self, answers, candidates_search) -> list[RawHit]:
        groups, candidates = answers
        translated = {b.key for b in groups.aggregations.groups.buckets if b.key}
        kept = [hit for hit in candidates if getattr(hit, "group", "") not in translated]
        if len(kept) < self.ORIGINALS and candidates.hits.total.value > len(candidates.hits):
            exact = candidates_search.filter(~Q("terms", group=sorted(translated)))
            kept = list(self._execute(exact[: self.ORIGINALS]))
        hits = [self._hit(hit) for hit in kept[: self.ORIGINALS]]
        for hit in hits:
            hit.original = True
        return hits

    def _originals(self, query, visibilities, filters, language, fallback, synonyms, analysis):
        """Documents in the original language whose translation group has none in `language`
        (ranked kinds: the articles), marked `original`."""
        searches = self._originals_searches(
            query, visibilities, filters, language, fallback, synonyms, analysis
        )
        if not searches:
            return []
        return self._originals_from(self._execute_all(searches), searches[1])

    def suggest(
        self, text, language, visibilities, limit=5, synonyms=(), fallback_language=None
    ) -> list[RawHit]:
        if not text.strip():
            return []
        search = build_suggest(text, language, visibilities, limit, synonyms, self.analysis)
        hits = [self._hit(hit) for hit in self._execute(search)]
        if fallback_language and language and fallback_language != language and len(hits) < limit:
            originals = self._originals(
                text, visibilities, None, language, fallback_language, synonyms, self.analysis
            )
            hits += originals[: limit - len(hits)]
        return hits

    def similar(self, kind, object_id, entry, words, visibilities, limit=5) -> list[RawHit]:
        search = build_similar(
            kind,
            object_id,
            f"{entry.title}\n{entry.text}",
            visibilities,
            limit,
            self.analysis,
            language=entry.language,
        )
        return [
            self._hit(hit)
            for hit in self._execute(search)
            if not (hit.kind == kind and str(hit.object_id) == str(object_id))
        ]

    def matching_ids(self, query, kind, visibility, limit=1000) -> list[str]:
        """Only the ids (each document's `_id` is its object id): no highlight, no source, no
        facet counts, no total, and the answer cut to the ids on the node (filter_path)."""
        body = (
            build_search(
                query,
                {kind: visibility},
                limit=limit,
                analysis=self.analysis,
                facets=False,
                highlight=False,
            )
            .source(False)
            .extra(track_total_hits=False)
            .to_dict()
        )
        response = self._run(
            lambda: self.client.search(
                index=alias_name(kind),
                body=body,
                filter_path=["took", "hits.hits._id"],
                **self.PARAMS,
            )
        )
        return [hit["_id"] for hit in response.body.get("hits", {}).get("hits", [])]

    @staticmethod
    def _hit(hit) -> RawHit:
        highlight = getattr(hit.meta, "highlight", None)
        title_html = snippet_html = None
        if highlight is not None:
            # A fragment with a mark; none: the service highlights the text itself (folded).
            fields = highlight.to_dict()
            for name in HIGHLIGHT_FIELDS:
                fragments = [f for f in fields.get(name, []) if "<mark>" in f]
                if not fragments:
                    continue
                if name.startswith("title") and title_html is None:
                    title_html = fragments[0]
                elif name.startswith("text") and snippet_html is None:
                    snippet_html = fragments[0]
        return RawHit(
            kind=hit.kind,
            object_id=str(hit.object_id),
            title=getattr(hit, "title", ""),
            text=getattr(hit, "text", ""),
            url=getattr(hit, "url", ""),
            language=getattr(hit, "language", ""),
            date=_date(getattr(hit, "date", None)),
            score=hit.meta.score,
            title_html=title_html,
            snippet_html=snippet_html,
        )


def _date(value):
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
