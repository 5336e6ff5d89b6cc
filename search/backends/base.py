"""What every backend offers the service (search.service), in neutral terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RawHit:
    kind: str
    object_id: str
    title: str
    text: str
    url: str
    language: str
    date: datetime | None = None
    score: float | None = None
    # Highlighted HTML made by the backend itself (Elasticsearch); the service makes it otherwise.
    title_html: str | None = None
    snippet_html: str | None = None
    # In the original language because the asked language has no translation (ranked kinds).
    original: bool = False
    # Below the bar of an answer: shown, if at all, as a weak match.
    weak: bool = False


@dataclass
class RawResults:
    hits: list[RawHit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # Whether something answers the query well enough (search.ranking.ANSWER_COVERAGE).
    answered: bool = True
    # The query with its typos corrected ("did you mean"), or "".
    suggestion: str = ""


class BackendUnavailable(Exception):
    """The backend cannot answer now (e.g. Elasticsearch is unreachable)."""
