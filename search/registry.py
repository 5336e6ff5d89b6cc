"""What the search service indexes, declared by the apps that own the data.

`search` imports no app of ours. An app describes one kind of searchable thing with a `Kind`
subclass in its own module (e.g. `tickets/search_index.py`) and calls `register()` from its
AppConfig.ready(). The kind turns an object into a neutral `Entry` (title, text, language, facet
values) and states who may read what as a `Visibility`, which every backend applies inside its
query: the database backend as a sub-query on the owner's queryset (the owner's own rule), or as
the owner's condition on the rows of a listing that filters itself (`matching_q`), the
Elasticsearch backend as terms filters on facet values the owner computes from the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from django.db.models import Q, QuerySet

FACETS = ("legal_domain", "status", "region", "audience", "language")


@dataclass
class Entry:
    """One searchable object in neutral words."""

    title: str
    text: str
    language: str
    url: str = ""
    date: datetime | None = None
    # facet name -> values, e.g. {"legal_domain": ["residence"], "region": ["3"]}
    facets: dict[str, list[str]] = field(default_factory=dict)
    # Summary and tags (weighted between the title and the body by ranked kinds).
    summary: str = ""
    # The same object in other languages shares this (e.g. Wagtail's translation key).
    group: str = ""


@dataclass
class Visibility:
    """Who may read which entries of a kind.

    `queryset`: the objects the user may read, by the owner's rule (None: all of them).
    `terms`: the same rule as facet values, for backends outside the database
    (None: no restriction; {"region": []} matches nothing).
    `nothing`: the user may read none.
    `condition`: the same rule as a condition on the kind's own rows (a Q of its model), when
    the owner can say it without a sub-query (e.g. "region in (3, 5)"): a listing of the kind
    filtered by `search.service.matching_q` then tests it on the rows it reads anyway, instead
    of joining every match to the owner's queryset once more. None: the queryset is used.
    """

    queryset: QuerySet | None = None
    terms: dict[str, list[str]] | None = None
    nothing: bool = False
    condition: Q | None = None

    @classmethod
    def everything(cls) -> Visibility:
        return cls()

    @classmethod
    def none(cls) -> Visibility:
        return cls(nothing=True)


class Kind:
    """Base class of a declaration. Subclasses set `name` and `model` and implement the rest."""

    name: ClassVar[str] = ""
    model: ClassVar[type] = None
    # Models whose changes re-index an object of this kind: {Model: callable(instance) -> obj}.
    dependents: ClassVar[dict] = {}
    # The kind whose documents answer this one (e.g. articles answer questions), for the
    # "recurring without an answer" listing; None when not applicable.
    answered_by: ClassVar[str | None] = None
    # Shown on the public search page and offered as live suggestions (articles).
    public: ClassVar[bool] = False
    suggestible: ClassVar[bool] = False
    # Ranked per language (search.ranking: stemming, synonyms, typos, BM25 over title, summary
    # and body). None: the public kinds are.
    ranked: ClassVar[bool | None] = None

    def get_queryset(self):
        """Everything to index on a rebuild (objects for which `should_index` may still say no)."""
        return self.model._default_manager.all()

    def get(self, pk) -> Any | None:
        return self.get_queryset().filter(pk=pk).first()

    def should_index(self, obj) -> bool:
        return True

    def entry(self, obj) -> Entry:
        raise NotImplementedError

    def visibility(self, user) -> Visibility:
        raise NotImplementedError

    def facet_label(self, facet: str, value: str) -> str:
        return value

    def url_for(self, object_id: str, user) -> str:
        """Where a hit leads this user (the indexed URL by default)."""
        return ""


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if not kind.name:
        raise ValueError("A search kind needs a name.")
    _kinds[kind.name] = kind
    from search import signals

    signals.connect(kind)
    return kind


def unregister(name: str) -> None:
    kind = _kinds.pop(name, None)
    if kind is not None:
        from search import signals

        signals.disconnect(kind)


def get(name: str) -> Kind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No search kind {name!r} is registered.") from None


def kinds() -> dict[str, Kind]:
    return dict(_kinds)


def is_ranked(name: str) -> bool:
    kind = _kinds.get(name)
    if kind is None:
        return False
    return kind.ranked if kind.ranked is not None else kind.public


def kind_for(obj) -> Kind | None:
    for kind in _kinds.values():
        if kind.model is not None and isinstance(obj, kind.model):
            return kind
    return None
