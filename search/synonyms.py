"""Synonyms that editors keep (search.SynonymGroup), applied when a query is made.

The service (search.service) hands every backend the groups that apply to a query, so the
database backend and Elasticsearch expand the same way. A group applies when the query holds
one of its phrases, compared after analysis ("mijn kindergeld" holds "kindergeld",
"allocation familiale" holds "allocations familiales"). Saving or deleting a group, in the
admin or through `save_group`, makes the cached list stale at once (signals in search.apps).
"""

from __future__ import annotations

from functools import lru_cache

from django.core.cache import cache

from search.analysis import phrase_terms
from search.models import SynonymGroup, split_phrases

CACHE_KEY = "search:synonyms"
CACHE_SECONDS = 600


def _all_groups() -> list[tuple[str, list[str]]]:
    groups = cache.get(CACHE_KEY)
    if groups is None:
        groups = [
            (language, split_phrases(terms))
            for language, terms in SynonymGroup.objects.order_by("language", "pk").values_list(
                "language", "terms"
            )
        ]
        cache.set(CACHE_KEY, groups, CACHE_SECONDS)
    return groups


def forget() -> None:
    """The cached groups are out of date (a group was saved or deleted)."""
    cache.delete(CACHE_KEY)


def groups_for(query: str, languages) -> list[list[str]]:
    """The groups, in these languages, that the query holds a phrase of. Each group is checked
    in each of the languages (a French visitor's "allocations familiales" also finds a Dutch
    original through a French group that names "groeipakket")."""
    languages = [language for language in dict.fromkeys(languages) if language]
    if not (query or "").strip() or not languages:
        return []
    found = []
    for group_language, phrases in _all_groups():
        if group_language not in languages:
            continue
        for language in languages:
            query_terms = phrase_terms(query, language)
            if any(_holds(query_terms, _phrase(phrase, language)) for phrase in phrases):
                found.append(phrases)
                break
    return found


@lru_cache(maxsize=20_000)
def _phrase(phrase: str, language: str) -> tuple[str, ...]:
    """A synonym phrase analysed in a language (the same every time: kept)."""
    return tuple(phrase_terms(phrase, language))


def _holds(sequence, phrase) -> bool:
    size = len(phrase)
    return bool(size) and any(
        tuple(sequence[start : start + size]) == phrase for start in range(len(sequence) - size + 1)
    )


def save_group(language: str, terms: str, group: SynonymGroup | None = None) -> SynonymGroup:
    """Create or change a group (the admin and the demo loader call this)."""
    group = group or SynonymGroup()
    group.language = language
    group.terms = ", ".join(split_phrases(terms))
    group.full_clean()
    group.save()
    return group
