"""Recurring questions without an answer: groups of similar recent documents of one kind (e.g.
questions of the last 90 days) that no document of the answering kind (published articles)
covers, largest first.

Method (term overlap, no model to train): each document is reduced to its key terms (subject
words count double, stop words and numbers dropped, at most 8 terms). Two documents are linked
when they share at least two key terms and those make up at least 40% of the smaller set
(overlap coefficient); groups are the connected components of those links. Terms that occur in
more than a fifth of all documents (and in more than 50) link nothing (they say nothing). A
group counts as answered when one indexed answer document contains all of its (up to three)
most shared terms.
Candidate pairs come from an inverted index, so the work grows with shared terms, not with the
square of the number of documents. (Below 250 documents the cut-off is 50 documents, so
that a question which recurs often in a small corpus is still grouped.)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from search import registry
from search.backends.database import DatabaseBackend
from search.models import SearchDocument, SearchFacet
from search.registry import Visibility
from search.text import key_terms

THRESHOLD = 0.4
MIN_SHARED = 2
MIN_GROUP = 2
COMMON_FLOOR = 50


@dataclass
class Group:
    size: int
    terms: list[str]
    object_ids: list[str]
    # facet name -> [(value, count)], most frequent first (plain lists: a template must not
    # look into a Counter, whose missing keys read as 0).
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    first: object = None
    last: object = None
    # The members this user may open: (object_id, title, url).
    visible: list[tuple[str, str, str]] = field(default_factory=list)


def _find(parent, item):
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def cluster(documents: list[tuple[str, list[str]]]) -> list[list[int]]:
    """Group (id, terms) pairs; returns groups as lists of indexes into `documents`."""
    sets = [set(found) for _id, found in documents]
    postings: dict[str, list[int]] = defaultdict(list)
    for position, words in enumerate(sets):
        for word in words:
            postings[word].append(position)
    # A word shared by a fifth of a large corpus says nothing; in a small one (a region's last
    # 90 days) a fifth may be just the question that keeps coming back, so there is a floor.
    too_common = max(COMMON_FLOOR, len(documents) // 5)
    parent = list(range(len(documents)))
    checked = set()
    for members in postings.values():
        if len(members) > too_common:
            continue
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                if (first, second) in checked:
                    continue
                checked.add((first, second))
                shared = len(sets[first] & sets[second])
                smaller = min(len(sets[first]), len(sets[second]))
                if shared >= MIN_SHARED and shared / smaller >= THRESHOLD:
                    parent[_find(parent, first)] = _find(parent, second)
    groups: dict[int, list[int]] = defaultdict(list)
    for position in range(len(documents)):
        groups[_find(parent, position)].append(position)
    return [members for members in groups.values() if len(members) >= MIN_GROUP]


def recurring_without_answer(kind_name: str, user=None, days: int = 90, limit: int = 50):
    kind = registry.get(kind_name)
    since = timezone.now() - timedelta(days=days)
    rows = list(
        SearchDocument.objects.filter(kind=kind_name, date__gte=since)
        .order_by("date")
        .values_list("pk", "object_id", "display_title", "text", "date", "url")
    )
    # Anonymised questions have blank texts: they count for nothing and link nothing.
    documents = [
        (object_id, key_terms(title or "", (text or "").split("\n", 1)[0], limit=8))
        for _pk, object_id, title, text, _date, _url in rows
    ]
    backend = DatabaseBackend()
    answer_kind = kind.answered_by
    visible_ids = set()
    if user is not None:
        visible = backend.visible_q({kind_name: kind.visibility(user)})
        visible_ids = set(
            SearchDocument.objects.filter(visible, kind=kind_name, date__gte=since).values_list(
                "object_id", flat=True
            )
        )
    groups = []
    for members in cluster(documents):
        counts = Counter(word for index in members for word in set(documents[index][1]))
        shared = [word for word, count in counts.most_common(6) if count > 1]
        if answer_kind and answer_kind in registry.kinds() and shared:
            answered = backend.search(
                " ".join(shared[:3]),
                {answer_kind: Visibility.everything()},
                limit=1,
                facets=False,
                fallback_or=False,
            ).total
            if answered:
                continue
        member_rows = [rows[index] for index in members]
        group = Group(
            size=len(members),
            terms=shared,
            object_ids=[row[1] for row in member_rows],
            first=member_rows[0][4],
            last=member_rows[-1][4],
        )
        counted: dict[str, Counter] = {}
        for name, value in SearchFacet.objects.filter(
            document_id__in=[row[0] for row in member_rows], name__in=["legal_domain", "language"]
        ).values_list("name", "value"):
            counted.setdefault(name, Counter())[value] += 1
        group.facets = {
            name: sorted(counter.items(), key=lambda item: (-item[1], item[0]))
            for name, counter in counted.items()
        }
        group.visible = [
            (row[1], row[2], kind.url_for(row[1], user) or row[5])
            for row in member_rows
            if row[1] in visible_ids
        ]
        groups.append(group)
    groups.sort(key=lambda group: (-group.size, str(group.last)))
    return groups[:limit]
