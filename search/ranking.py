"""Ranking of the ranked kinds (articles): what a query asks for, and how well a document answers.

A query becomes *slots*, one per meaningful word (stop words dropped, search.analysis). A slot
is matched by a document that has one of its *alternatives*: the word's own term, a synonym
(a phrase of a synonym group that the query contains: "sociaal huis" and "OCMW" are one slot),
a correction of a typo, or, while typing, a completion. Every slot is optional:

- score: BM25F, the title weighing 3, summary and tags 2, the body 1 (length-normalised per
  field against the language's average), each slot counting with its best alternative;
- coverage: the share of the query's meaning that a document has, each slot weighing its
  rarity (IDF), so that "wat nu" counts less than "verblijfskaart";
- order: documents with every slot first, then by score × coverage², then a fixed tie-breaker
  (language order, object id), so that a rebuild with the same content gives the same list.

A query is *answered* when a document carries enough of its meaning where an article says what it
is about (title, summary, tags: `Scored.answers`); otherwise the page says so, offers to ask the
question first and lists the partial matches below (search.views).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from search.analysis import analyse, phrase_terms

K1 = 1.2
FIELDS = (("title", 3.0, 0.5), ("meta", 2.0, 0.75), ("body", 1.0, 0.75))
SYNONYM_WEIGHT = 0.9
TYPO_WEIGHT = 0.8
COMPLETION_WEIGHT = 0.7
# A document answers when its title, summary or tags carry ANSWER_STRONG of the query's meaning,
# or it has ANSWER_COVERAGE of it with at least ANSWER_SOME in those fields (measured on the judged
# set of bench/relevance: see docs/search.md).
ANSWER_STRONG = 0.4
ANSWER_COVERAGE = 0.55
ANSWER_SOME = 0.1
# A word that no document of the language has (after stemming, synonyms and typo correction,
# e.g. a country's name) is weak evidence that nothing answers: for the answer decision it weighs
# ABSENT_WEIGHT of its rarity. A document that answers through its title, summary or tags must
# also have PRESENT_COVERAGE of the meaning of the words the collection does have (the key words
# found only in different articles are a question without an answer).
ABSENT_WEIGHT = 0.25
PRESENT_COVERAGE = 0.55
ABSENT_TOPICAL = 0.5


@dataclass
class Alternative:
    terms: tuple[str, ...]
    weight: float = 1.0
    kind: str = "word"  # word, synonym, typo, completion


@dataclass
class Slot:
    word: str  # as typed (normalised), for "did you mean"
    alternatives: list[Alternative]
    positions: tuple[int, ...] = ()

    def terms(self) -> set[str]:
        return {term for alternative in self.alternatives for term in alternative.terms}


def build_slots(query: str, language: str, synonym_groups=()) -> list[Slot]:
    """The query's slots in one language. `synonym_groups`: lists of phrases (strings)."""
    pairs = analyse(query, language, query=True)
    slots = [
        Slot(word, [Alternative((term,))], (position,))
        for position, (term, word) in enumerate(pairs)
    ]
    query_terms = [term for term, _word in pairs]
    for group in synonym_groups:
        phrases = [terms for terms in (phrase_terms(p, language) for p in group) if terms]
        for phrase in sorted(phrases, key=len, reverse=True):
            start = _find(query_terms, phrase)
            if start is None:
                continue
            covered = set(range(start, start + len(phrase)))
            merged = [slot for slot in slots if covered & set(slot.positions)]
            if any(not set(slot.positions) <= covered for slot in merged):
                continue  # a part of a phrase already matched ("kinder" in "kindergeld x")
            rest = [slot for slot in slots if not covered & set(slot.positions)]
            positions = tuple(sorted({p for slot in merged for p in slot.positions} | covered))
            alternatives = [Alternative(phrase)]
            for slot in merged:
                for alternative in slot.alternatives:
                    if alternative.terms != phrase and len(merged) == 1:
                        alternatives.append(alternative)
            known = {alternative.terms for alternative in alternatives}
            for other in phrases:
                if other not in known:
                    known.add(other)
                    alternatives.append(Alternative(other, SYNONYM_WEIGHT, "synonym"))
            word = " ".join(slot.word for slot in sorted(merged, key=lambda s: s.positions))
            slots = sorted([*rest, Slot(word, alternatives, positions)], key=lambda s: s.positions)
            break
    return slots


def _find(sequence, phrase):
    size = len(phrase)
    for start in range(len(sequence) - size + 1):
        if tuple(sequence[start : start + size]) == phrase:
            return start
    return None


@dataclass
class Stats:
    count: int
    averages: dict[str, float]


@dataclass
class Scored:
    document_id: int
    language: str
    score: float
    coverage: float
    complete: bool
    tie: str = ""
    matched_titles: int = 0

    @property
    def answers(self) -> bool:
        # Absent words weigh less only for a document whose title, summary or tags have a
        # specific word of the query (not merely a common one such as "betalen").
        # and while the words the collection has outnumber the absent ones.
        discount = self.topical >= ABSENT_TOPICAL and self.mostly_present
        strong = self.strong_present if discount else self.strong
        return (strong >= ANSWER_STRONG and self.coverage_present >= PRESENT_COVERAGE) or (
            self.coverage >= ANSWER_COVERAGE and self.strong >= ANSWER_SOME
        )

    # The share of the query's meaning found in the title, summary or tags.
    strong: float = 0.0
    # How specific the rarest word found in the title, summary or tags is (1: in one document).
    topical: float = 0.0
    # `strong` with the words absent from the collection weighing ABSENT_WEIGHT, and the share
    # of the meaning of the words present in the collection that the document has.
    strong_present: float = 0.0
    coverage_present: float = 0.0
    mostly_present: bool = False


@dataclass
class Posting:
    document_id: int
    language: str
    term: str
    tf: dict[str, int]
    lengths: dict[str, int]


@dataclass
class Ranking:
    hits: list[Scored] = field(default_factory=list)
    answered: bool = False


def idf(count: int, df: int) -> float:
    return math.log(1 + (count - df + 0.5) / (df + 0.5))


def rank(
    slots_by_language: dict[str, list[Slot]],
    postings: list[Posting],
    stats: dict[str, Stats],
    ties: dict[int, str],
    language_order: dict[str, int] | None = None,
) -> Ranking:
    """Score and order the documents that have at least one slot."""
    language_order = language_order or {}
    df: dict[tuple[str, str], int] = {}
    by_document: dict[int, dict[str, Posting]] = {}
    languages: dict[int, str] = {}
    for posting in postings:
        df[(posting.language, posting.term)] = df.get((posting.language, posting.term), 0) + 1
        by_document.setdefault(posting.document_id, {})[posting.term] = posting
        languages[posting.document_id] = posting.language

    def term_score(language, posting: Posting) -> float:
        stat = stats[language]
        weighted = 0.0
        for name, weight, b in FIELDS:
            tf = posting.tf[name]
            if tf:
                average = stat.averages.get(name) or 1.0
                weighted += weight * tf / (1 - b + b * posting.lengths[name] / average)
        return idf(stat.count, df[(language, posting.term)]) * weighted * (K1 + 1) / (K1 + weighted)

    importance: dict[str, list[float]] = {}
    absent: dict[str, list[bool]] = {}
    for language, slots in slots_by_language.items():
        stat = stats.get(language)
        count = stat.count if stat else 1
        importance[language] = []
        absent[language] = []
        for slot in slots:
            known = [df[(language, t)] for t in slot.terms() if (language, t) in df]
            # A word that no document has is as rare as a word can be.
            importance[language].append(idf(count, min(known)) if known else idf(count, 0))
            absent[language].append(not known)

    # A slot's specificity: its IDF against the IDF of a word found in one document only.
    specificity = {}
    for language, values in importance.items():
        stat = stats.get(language)
        top = idf(stat.count if stat else 1, 1) or 1.0
        specificity[language] = [min(1.0, value / top) for value in values]

    scored = []
    for document_id, terms in by_document.items():
        language = languages[document_id]
        slots = slots_by_language.get(language, [])
        total = sum(importance[language]) or 1.0
        present = (
            sum(
                v
                for v, gone in zip(importance[language], absent[language], strict=True)
                if not gone
            )
            or 1.0
        )
        weighed = present + ABSENT_WEIGHT * sum(
            v for v, gone in zip(importance[language], absent[language], strict=True) if gone
        )
        score = coverage = strong = topical = 0.0
        matched = titles = 0
        for index, slot in enumerate(slots):
            best = 0.0
            in_title = in_meta = False
            for alternative in slot.alternatives:
                if all(term in terms for term in alternative.terms):
                    # A phrase counts as much as its words on average: two common words
                    # found apart are no stronger evidence than one rare word.
                    value = (
                        alternative.weight
                        * sum(term_score(language, terms[term]) for term in alternative.terms)
                        / len(alternative.terms)
                    )
                    best = max(best, value)
                    in_title = in_title or all(terms[t].tf["title"] for t in alternative.terms)
                    in_meta = in_meta or all(
                        terms[t].tf["title"] or terms[t].tf["meta"] for t in alternative.terms
                    )
            if best > 0:
                matched += 1
                titles += in_title
                score += best
                coverage += importance[language][index]
                if in_meta:
                    strong += importance[language][index]
                    topical = max(topical, specificity[language][index])
        if not matched:
            continue
        scored.append(
            Scored(
                document_id=document_id,
                language=language,
                score=score,
                coverage=coverage / total,
                complete=matched == len(slots),
                tie=ties.get(document_id, str(document_id)),
                matched_titles=titles,
                strong=strong / total,
                topical=topical,
                strong_present=strong / weighed,
                coverage_present=coverage / present,
                mostly_present=absent[language].count(False) > absent[language].count(True),
            )
        )
    scored.sort(
        key=lambda hit: (
            not hit.complete,
            -round(hit.score * hit.coverage**2, 9),
            language_order.get(hit.language, 99),
            hit.tie,
        )
    )
    answered = any(hit.answers for hit in scored)
    return Ranking(scored, answered)
