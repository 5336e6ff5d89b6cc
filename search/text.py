"""Language-neutral text helpers: accent folding, terms, highlighting.

The database backend indexes folded text (accents removed, case folded) and folds the query the
same way, so "reunification" finds "réunification" on SQLite and on PostgreSQL alike. Highlights
are made here: the text is escaped first, then the matched words are wrapped in <mark>.
"""

import hashlib
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"\w+", re.UNICODE)

# Words too common to say anything about a question (used only for OR queries: suggestions,
# similar items and clustering; the main search keeps every word the user typed).
STOPWORDS = set(
    """
    de het een en of in op aan van voor met bij als dat die dit deze is zijn was wordt worden
    ik je jij u we wij ze zij hij mijn mij me ons onze uw hun hoe wat wie waar wanneer waarom
    niet geen ook nog al maar om te tot naar over uit door kan kunnen moet moeten wil willen
    heb hebt heeft hebben ben bent er hier daar dan nu zo wel
    le la les un une des du et ou en dans sur pour avec par au aux ce cet cette ces est sont
    je tu il elle nous vous ils elles mon ma mes ton ta tes son sa ses notre votre leur comment
    que qui quoi quand pourquoi pas ne plus peut puis dois doit veux faire
    the a an and or in on at of for with by to from is are was be been i you he she we they my
    your our their how what who where when why not can could should would do does have has
    """.split()
)


def _combining_class() -> re.Pattern:
    """Every combining character (what unicodedata.combining() reports), as ranges."""
    ranges, start, previous = [], None, None
    for code in range(0x300, 0x20000):
        if unicodedata.combining(chr(code)):
            if start is None:
                start = code
            elif code != previous + 1:
                ranges.append((start, previous))
                start = code
            previous = code
    if start is not None:
        ranges.append((start, previous))
    return re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]+")


_COMBINING = _combining_class()


def fold(text: str) -> str:
    """Lower case without accents: 'Réunification' -> 'reunification'."""
    text = text or ""
    if text.isascii():
        return text.casefold()
    stripped = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFC", stripped).casefold()


def terms(text: str, drop_stopwords: bool = False) -> list[str]:
    """The folded words of a text, in order, without repeats."""
    seen = []
    for word in WORD.findall(fold(text)):
        if len(word) < 2 or (drop_stopwords and (word in STOPWORDS or len(word) < 3)):
            continue
        if word not in seen:
            seen.append(word)
    return seen


def key_terms(title: str, text: str, limit: int = 12) -> list[str]:
    """The words that characterise a text: frequent, not stopwords, title words count double."""
    counts = Counter()
    for word in WORD.findall(fold(title)):
        if len(word) > 2 and word not in STOPWORDS and not word.isdigit():
            counts[word] += 2
    for word in WORD.findall(fold(text)):
        if len(word) > 2 and word not in STOPWORDS and not word.isdigit():
            counts[word] += 1
    return [word for word, _count in counts.most_common(limit)]


# Each character seen, folded on its own (str.translate table), and those that do not fold to
# exactly one character (ß, marks that are dropped): texts without them keep their positions.
_FOLDED: dict[int, str] = {}
_UNEVEN: set[str] = set()
_SEEN: set[str] = set()


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    if text.isascii():
        return text.casefold(), range(len(text))
    chars = set(text)
    new = chars - _SEEN
    if new:
        if len(_SEEN) > 50_000:  # a flood of rare characters: start again
            _SEEN.clear(), _FOLDED.clear(), _UNEVEN.clear()
        for char in new:
            folded_char = fold(char)
            _FOLDED[ord(char)] = folded_char
            if len(folded_char) != 1:
                _UNEVEN.add(char)
        _SEEN.update(new)
    folded = text.translate(_FOLDED)
    uneven = chars & _UNEVEN
    if not uneven:
        return folded, range(len(text))
    # Positions run on one by one, except at the characters that fold to none or several.
    positions: list[int] = []
    last = 0
    for match in re.finditer("[" + re.escape("".join(uneven)) + "]", text):
        index = match.start()
        positions.extend(range(last, index))
        positions.extend([index] * len(_FOLDED[ord(text[index])]))
        last = index + 1
    positions.extend(range(last, len(text)))
    return folded, positions


@lru_cache(maxsize=512)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.UNICODE)


def match_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Spans of `text` where a word starts with one of `words` (accent- and case-blind)."""
    if not words or not text:
        return []
    folded, positions = _folded_with_map(text)
    pattern = _words_pattern(tuple(words))
    spans = []
    for match in pattern.finditer(folded):
        if match.end() > match.start():
            spans.append((positions[match.start()], positions[match.end() - 1] + 1))
    return spans


CHUNK = 2000


def _first_match(text: str, words: list[str]) -> int | None:
    """Where the first match starts, reading the text a chunk at a time (cut at spaces), so that
    a long body is folded only as far as its first match."""
    start = 0
    while start < len(text):
        end = start + CHUNK
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        else:
            end = len(text)
        spans = match_spans(text[start:end], words)
        if spans:
            return start + spans[0][0]
        start = end
    return None


def highlight(text: str, words: list[str], length: int = 240) -> SafeString:
    """An escaped excerpt of about `length` characters around the first match, with the
    matching words in <mark>. Without a match, the start of the text."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        spans = match_spans(text, words)
        start, end = 0, len(text)
    else:
        centre = (_first_match(text, words) if words else None) or 0
        start = max(0, centre - length // 3)
        end = min(len(text), start + length)
        start = max(0, min(start, end - length))
        # Do not cut words in half.
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < start + 20 else start
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > end - 20 else end
        # Only the excerpt is marked (it starts after a space or at the start of the text).
        spans = [(a + start, b + start) for a, b in match_spans(text[start:end], words)]
    parts = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text was escaped above


_DIGITS_AS_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def facet_word(name: str, value) -> str:
    """One facet value (e.g. region 3, legal domain "residence") as a word of the full-text
    index: the database backend stores these words with every document, so that a scope
    ("regions 3 and 5") is part of the full-text match itself and the index narrows both at
    once. Letters only (a-p after the prefix), so that every tokenizer and text search
    configuration keeps it as one word; nobody types it."""
    digest = hashlib.sha256(f"{name}={value}".encode()).hexdigest()[:16]
    return "zzfacet" + digest.translate(_DIGITS_AS_LETTERS)


def facet_words(facets: dict) -> str:
    """The facet words of an entry's facets (search.registry.Entry.facets), space-separated."""
    return " ".join(
        facet_word(name, value)
        for name, values in sorted(facets.items())
        for value in dict.fromkeys(values)
        if value not in (None, "")
    )
