"""The database backend's ranked search (articles): postings written at index time, read in one
query with the permission and facet conditions inside it, ranked by search.ranking.

The postings are the same rows on SQLite and on PostgreSQL (terms made by search.analysis in
Python), so the two databases give the same list for the same query.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db.models import Avg, Count, Q

from search.analysis import analyse, normalise_word
from search.models import SearchPosting
from search.ranking import (
    COMPLETION_WEIGHT,
    TYPO_WEIGHT,
    Alternative,
    Posting,
    Stats,
    build_slots,
    rank,
)

MAX_TERM = 64
# Words this long or longer that no document has are corrected (one edit up to five letters).
TYPO_MIN_LENGTH = 4
# Words this long or longer that only one document has may be misspellings of a frequent word.
RARE_TYPO_LENGTH = 6
VOCABULARY_SECONDS = 600
_memo: dict = {}


# --- writing


def field_lengths(entry) -> dict[str, int]:
    language = entry.language or ""
    return {
        "title_length": len(analyse(entry.title, language)),
        "meta_length": len(analyse(entry.summary, language)),
        "body_length": len(analyse(entry.text, language)),
    }


def postings(kind: str, document, entry) -> list[SearchPosting]:
    language = entry.language or ""
    counts: dict[str, dict[str, int]] = {}
    words: dict[str, Counter] = {}
    for name, text in (("title", entry.title), ("meta", entry.summary), ("body", entry.text)):
        for term, word in analyse(text, language):
            term = term[:MAX_TERM]
            counts.setdefault(term, {"title": 0, "meta": 0, "body": 0})[name] += 1
            words.setdefault(term, Counter())[word[:MAX_TERM]] += 1
    return [
        SearchPosting(
            document=document,
            kind=kind,
            language=language,
            term=term,
            word=sorted(words[term].items(), key=lambda item: (-item[1], item[0]))[0][0],
            title_tf=min(tf["title"], 32767),
            meta_tf=min(tf["meta"], 32767),
            body_tf=min(tf["body"], 32767),
        )
        for term, tf in counts.items()
    ]


def _generation_key(kind):
    return f"search:generation:{kind}"


def _fresh_generation() -> int:
    # Never a value used before, even when the cache was emptied (a counter would start again
    # at a value whose cached figures belong to other content).
    return time.time_ns() // 1000 + random.randrange(1000)  # noqa: S311 - not a secret


def _shared():
    # Not the default cache: without Redis that is each process's memory, and the worker that
    # indexes would never tell the web processes (backoffice.settings.SHARED_STATE_CACHE).
    return caches[settings.SHARED_STATE_CACHE]


def bump_generation(kind: str) -> None:
    """Cached vocabularies, statistics and document ids of this kind are out of date (read by
    every process)."""
    cache = _shared()
    key = _generation_key(kind)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, _fresh_generation(), None)


def _generation(kinds) -> tuple:
    cache = _shared()
    values = []
    for kind in sorted(kinds):
        key = _generation_key(kind)
        value = cache.get(key)
        if value is None:
            cache.add(key, _fresh_generation(), None)
            value = cache.get(key)
        values.append(value)
    return tuple(values)


# --- reading


def _remember(key, value):
    if len(_memo) > 256:
        _memo.clear()
    _memo[key] = (time.monotonic() + VOCABULARY_SECONDS, value)


def remembered(key, kinds, make):
    """`make()`, kept in this process's memory under `key` while the index of `kinds` is
    unchanged (their generation) and for at most VOCABULARY_SECONDS."""
    key = (*key, tuple(sorted(kinds)), _generation(kinds))
    found = _memo.get(key)
    if found and found[0] > time.monotonic():
        return found[1]
    value = make()
    _remember(key, value)
    return value


@dataclass
class RankedHit:
    pk: int
    language: str
    score: float
    coverage: float
    original: bool  # in the fallback (original) language, shown because no translation exists
    weak: bool


@dataclass
class RankedResult:
    hits: list[RankedHit]
    answered: bool
    suggestion: str = ""


class RankedSearch:
    """One ranked query over `documents` (SearchDocument rows already restricted to what the user
    may read and to the chosen facets)."""

    def __init__(self, kinds, documents, visible, cache_key=None, documents_key=None):
        """`documents` and `visible` may be callables making the querysets (made only when the
        cached statistics, vocabulary and document ids do not answer). `documents_key`: what
        identifies `documents` (visibility, language, facet filters) to keep its ids in memory
        while the index is unchanged; None: they are read with each query."""
        self.kinds = list(kinds)
        self._documents = documents
        self._visible = visible  # the readable documents without facet filters (vocabulary)
        self.cache_key = cache_key  # None: the visibility cannot be cached (per-user querysets)
        self.documents_key = documents_key if cache_key is not None else None

    @property
    def documents(self):
        if callable(self._documents):
            self._documents = self._documents()
        return self._documents

    @property
    def visible(self):
        if callable(self._visible):
            self._visible = self._visible()
        return self._visible

    def _document_ids(self) -> set[int] | None:
        """The ids of `documents`, kept in memory while the index is unchanged (None: not
        cacheable, the postings query restricts itself)."""
        if self.documents_key is None:
            return None
        key = (
            "ids",
            tuple(self.kinds),
            self.cache_key,
            self.documents_key,
            _generation(self.kinds),
        )
        found = _memo.get(key)
        if found and found[0] > time.monotonic():
            return found[1]
        ids = set(self.documents.order_by().values_list("pk", flat=True))
        _remember(key, ids)
        return ids

    def _stats(self, languages=None) -> dict[str, Stats]:
        """Documents and average field lengths per language, of the readable documents (facet
        filters left out: the collection's statistics, kept while the index is unchanged)."""
        key = stats = None
        if self.cache_key is not None:
            key = ("stats", tuple(self.kinds), self.cache_key, _generation(self.kinds))
            found = _memo.get(key)
            if found and found[0] > time.monotonic():
                stats = found[1]
        if stats is None:
            rows = (
                self.visible.order_by()
                .values("language")
                .annotate(
                    n=Count("pk"),
                    title=Avg("title_length"),
                    meta=Avg("meta_length"),
                    body=Avg("body_length"),
                )
            )
            stats = {
                row["language"]: Stats(
                    row["n"], {"title": row["title"], "meta": row["meta"], "body": row["body"]}
                )
                for row in rows
            }
            if key is not None:
                _remember(key, stats)
        return {name: stat for name, stat in stats.items() if not languages or name in languages}

    def _postings(self, terms_by_language) -> list[tuple[Posting, str]]:
        condition = Q()
        for language, terms in terms_by_language.items():
            if terms:
                condition |= Q(language=language, term__in=sorted(terms))
        if not condition:
            return []
        ids = self._document_ids()
        rows = SearchPosting.objects.filter(kind__in=self.kinds).filter(condition)
        if ids is None:
            rows = rows.filter(document_id__in=self.documents.order_by().values("pk"))
        rows = rows.values_list(
            "document_id",
            "language",
            "term",
            "title_tf",
            "meta_tf",
            "body_tf",
            "document__title_length",
            "document__meta_length",
            "document__body_length",
            "document__kind",
            "document__object_id",
        )
        return [
            (
                Posting(
                    document_id,
                    language,
                    term,
                    {"title": title_tf, "meta": meta_tf, "body": body_tf},
                    {"title": title_length, "meta": meta_length, "body": body_length},
                ),
                f"{kind}:{object_id:>20}",
            )
            for (
                document_id,
                language,
                term,
                title_tf,
                meta_tf,
                body_tf,
                title_length,
                meta_length,
                body_length,
                kind,
                object_id,
            ) in rows
            if ids is None or document_id in ids
        ]

    def vocabulary(self, language) -> list[tuple[str, str, int]]:
        """(word, term, document frequency) of the readable documents in one language, most
        frequent first."""
        key = None
        if self.cache_key is not None:
            key = (tuple(self.kinds), language, self.cache_key, _generation(self.kinds))
            found = _memo.get(key)
            if found and found[0] > time.monotonic():
                return found[1]
        rows = (
            SearchPosting.objects.filter(kind__in=self.kinds, language=language)
            .filter(document_id__in=self.visible.order_by().values("pk"))
            .values("word", "term")
            .annotate(df=Count("id"))
            .values_list("word", "term", "df")
        )
        vocabulary = sorted(rows, key=lambda row: (-row[2], row[0]))
        if key is not None:
            _remember(key, vocabulary)
        return vocabulary

    def run(
        self,
        query: str,
        language: str | None,
        fallback_language: str | None = None,
        synonyms=(),
        complete_last: bool = False,
        require_all: bool = False,
        correct: bool = True,
    ) -> RankedResult:
        stats = self._stats()
        if language:
            stats = {
                name: stat for name, stat in stats.items() if name in (language, fallback_language)
            }
        slots = {name: build_slots(query, name, synonyms) for name in stats}
        rows = self._postings({name: self._terms(slots[name]) for name in slots})
        suggestion = ""
        if language in slots and (correct or complete_last):
            found = {posting.term for posting, _tie in rows if posting.language == language}
            added, suggestion = self._widen(
                query, language, slots[language], found, correct, complete_last
            )
            if added:
                rows += self._postings({language: added - found})
        ranking = rank(
            slots,
            [posting for posting, _tie in rows],
            stats,
            {posting.document_id: tie for posting, tie in rows},
            {language: 0} if language else None,
        )
        hits = []
        for scored in ranking.hits:
            if require_all and not scored.complete:
                continue
            original = bool(language) and scored.language != language
            weak = not scored.answers
            if original and weak:
                continue  # an untranslated article is offered only when it answers
            hits.append(
                RankedHit(
                    scored.document_id,
                    scored.language,
                    scored.score,
                    scored.coverage,
                    original,
                    weak,
                )
            )
        if language:  # the visitor's language first, originals below
            hits.sort(key=lambda hit: hit.original)
        answered = any(not hit.weak for hit in hits)
        return RankedResult(hits, answered, suggestion if suggestion != query else "")

    @staticmethod
    def _terms(slots) -> set[str]:
        return {term for slot in slots for term in slot.terms()}

    def _widen(self, query, language, slots, found, correct, complete_last):
        """Typo corrections for the words no document has, and completions of the last word
        while typing. Returns the new terms and the corrected query ("did you mean")."""
        missing = [slot for slot in slots if not (slot.terms() & found)]
        vocabulary = self.vocabulary(language)
        if not vocabulary:
            return set(), ""
        frequency: dict[str, int] = {}
        for _word, term, df in vocabulary:
            frequency[term] = max(frequency.get(term, 0), df)
        rare = [
            slot
            for slot in slots
            if slot not in missing
            and correct
            and len(slot.alternatives) == 1
            and len(slot.word) >= RARE_TYPO_LENGTH
            and not slot.word.isdigit()
            and max(frequency.get(term, 0) for term in slot.terms()) <= 1
        ]
        if not missing and not rare:
            return set(), ""
        added: set[str] = set()
        replacements = {}
        for slot in missing:
            if len(slot.alternatives) != 1 or " " in slot.word or slot.word.isdigit():
                continue
            if complete_last and slot is slots[-1] and len(slot.word) >= 3:
                completions = [
                    (word, term) for word, term, _df in vocabulary if word.startswith(slot.word)
                ][:3]
                for _word, term in completions:
                    slot.alternatives.append(Alternative((term,), COMPLETION_WEIGHT, "completion"))
                    added.add(term)
                if completions:
                    continue
            if correct and len(slot.word) >= TYPO_MIN_LENGTH:
                # With other words of the query found, a short word is corrected by one edit
                # only (not "cliënt" into "dient").
                match = closest(slot.word, vocabulary, strict=len(missing) < len(slots))
                if match:
                    word, term = match
                    slot.alternatives.append(Alternative((term,), TYPO_WEIGHT, "typo"))
                    added.add(term)
                    replacements[slot.word] = word
        for slot in rare:
            # A word only one document has (a misspelling in a body, "apostile") also stands
            # for a more frequent word one or two edits away ("apostille").
            (own,) = slot.terms()
            common = [row for row in vocabulary if row[2] > 1 and row[1] != own]
            match = closest(slot.word, common)
            if match:
                word, term = match
                slot.alternatives.append(Alternative((term,), TYPO_WEIGHT, "typo"))
                added.add(term)
        suggestion = ""
        if replacements:
            suggestion = re.sub(
                r"[\w'’ʼ`]+",
                lambda m: replacements.get(normalise_word(m.group(0), language), m.group(0)),
                query,
            )
        return added, suggestion


def closest(word: str, vocabulary, strict: bool = False) -> tuple[str, str] | None:
    """The vocabulary word nearest to `word` (one edit for short words, two for long ones;
    `strict`: one edit up to six letters; a swap of two letters is one edit), the most frequent
    on a tie."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    limit = 1 if len(word) <= (6 if strict else 5) else 2
    words = [row[0] for row in vocabulary]
    matches = process.extract(word, words, scorer=OSA.distance, score_cutoff=limit, limit=10)
    if not matches:
        return None
    # extract keeps the vocabulary's order (most frequent first) among equal distances.
    _word, _distance, index = min(matches, key=lambda match: (match[1], match[2]))
    return vocabulary[index][0], vocabulary[index][1]
