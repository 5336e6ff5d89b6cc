"""The judged relevance set, run through the public search page as an anonymous visitor.

Shared by `bench/relevance.py` (the command, with latency and a 2,000-article mode) and
`tests/test_relevance.py` (CI, quality targets only). Nothing here knows how the search works:
each query is a GET of `/<language>/search/?q=<query>` with Django's test client (no user, no
cookies), and the answer is read from the HTML as a visitor's browser gets it:

- the results wrapper is the element with `data-search-outcome` ("answers" or "no-answer");
  until the page has that contract, the `<ol class="search-results">` list;
- a result is an `<a>` inside the wrapper whose href's last path segment is the slug of an
  article (same slug in every language; a link seen twice counts once, at its first place).

Metrics, over the answerable queries unless said otherwise: recall@5 (share of the relevant
articles among the first five results), MRR over the first page (1 / rank of the first relevant
result, 0 when none is on the page), the share with zero results (no result link, or the page
says it has no answer: `data-search-outcome="no-answer"`), and for the no-answer queries the
share shown the ask-first page (`data-search-outcome="no-answer"`). Latency is the time of
the GET (view, search, template), the median of `repeat` runs per query; "cpu ms" is the CPU
time of this process for it (everything on SQLite, all but the database server's work on
PostgreSQL): a figure less disturbed by other processes on a shared machine.
"""

import json
import statistics
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
QUERY_DIR = ROOT / "bench" / "relevance"
LANGUAGES = ("nl", "fr", "en", "ar", "uk")
K = 5
TARGETS = {
    "recall@5": (">=", 0.95),
    "MRR": (">=", 0.85),
    "zero results": ("<=", 0.02),
    "ask-first": (">=", 0.90),
}
LATENCY_TARGET_MS = {"demo": 30.0, "large": 100.0}


def load_queries(paths=None) -> list[dict]:
    """The judged queries of bench/relevance/queries-*.json (or of the given files)."""
    files = [Path(p) for p in paths] if paths else sorted(QUERY_DIR.glob("queries-*.json"))
    queries = []
    for path in files:
        for entry in json.loads(path.read_text(encoding="utf-8")):
            queries.append({**entry, "file": path.name})
    return queries


class _ResultLinks(HTMLParser):
    """The outcome attribute and the hrefs of the links inside the results wrapper, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.outcome = None  # None: the page has no data-search-outcome attribute
        self.hrefs = []
        self._wrapper = None  # tag name of the wrapper we are in
        self._depth = 0
        self._contract = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._wrapper is None:
            if "data-search-outcome" in attrs and not self._contract:
                self._contract = True
                self.outcome = (attrs["data-search-outcome"] or "").strip()
                self.hrefs = []  # the contract wins over a list seen before it
                self._wrapper, self._depth = tag, 1
            elif (
                not self._contract
                and tag == "ol"
                and "search-results" in (attrs.get("class") or "").split()
            ):
                self._wrapper, self._depth = tag, 1
            return
        if tag == self._wrapper:
            self._depth += 1
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])

    def handle_endtag(self, tag):
        if self._wrapper is not None and tag == self._wrapper:
            self._depth -= 1
            if self._depth == 0:
                self._wrapper = None


def parse_page(html: str, article_slugs) -> tuple[str | None, list[str]]:
    """(outcome, ranked article slugs) of a search page. outcome is the page's
    data-search-outcome, or None when the page does not have the attribute."""
    parser = _ResultLinks()
    parser.feed(html)
    slugs = []
    for href in parser.hrefs:
        if href.startswith(("?", "#")):
            continue  # "did you mean", facets, pagination
        path = unquote(urlparse(href).path).rstrip("/")  # generated slugs may be Unicode
        slug = path.rsplit("/", 1)[-1] if path else ""
        if slug in article_slugs and slug not in slugs:
            slugs.append(slug)
    return parser.outcome, slugs


@dataclass
class Outcome:
    query: dict
    outcome: str | None
    slugs: list[str]
    millis: float
    status: int
    cpu_millis: float = 0.0
    recall: float = 0.0
    reciprocal: float = 0.0
    answerable: bool = field(init=False)

    def __post_init__(self):
        relevant = self.query["relevant"]
        self.answerable = bool(relevant)
        if relevant:
            top = self.slugs[:K]
            self.recall = sum(1 for slug in relevant if slug in top) / len(relevant)
            ranks = [self.slugs.index(slug) + 1 for slug in relevant if slug in self.slugs]
            self.reciprocal = 1 / min(ranks) if ranks else 0.0

    @property
    def ask_first(self) -> bool:
        return self.outcome == "no-answer"

    @property
    def unanswered(self) -> bool:
        """No result, or the page says it has no answer (its weak matches under "only partly
        about this" still count for recall and MRR: the visitor sees them)."""
        return not self.slugs or self.ask_first


def article_slugs() -> set[str]:
    """Slugs of every live article (any language, any audience): what a result link names."""
    from knowledge.models import ArticlePage

    return set(ArticlePage.objects.live().values_list("slug", flat=True))


def run(queries, client=None, repeat=1, slugs=None) -> list[Outcome]:
    """Ask every query on the public page as an anonymous visitor in the query's language."""
    from django.test import Client

    client = client or Client(HTTP_HOST="localhost")
    client.logout()
    slugs = slugs if slugs is not None else article_slugs()
    for language in LANGUAGES:  # first-request costs (URL resolver, templates, catalogues)
        client.get(f"/{language}/search/?q=warm-up")
    outcomes = []
    for entry in queries:
        url = f"/{entry['language']}/search/?q={quote(entry['q'])}"
        times, cpu = [], []
        for _ in range(max(1, repeat)):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        html = response.content.decode(response.charset or "utf-8")
        outcome, ranked = parse_page(html, slugs)
        outcomes.append(
            Outcome(
                entry,
                outcome,
                ranked,
                statistics.median(times),
                response.status_code,
                statistics.median(cpu),
            )
        )
    return outcomes


def _percentile(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def metrics(outcomes: list[Outcome]) -> dict:
    answerable = [o for o in outcomes if o.answerable]
    no_answer = [o for o in outcomes if not o.answerable]
    times = [o.millis for o in outcomes]

    def mean(values):
        return sum(values) / len(values) if values else None

    return {
        "queries": len(outcomes),
        "answerable": len(answerable),
        "no-answer queries": len(no_answer),
        "recall@5": mean([o.recall for o in answerable]),
        "MRR": mean([o.reciprocal for o in answerable]),
        "zero results": mean([1.0 if o.unanswered else 0.0 for o in answerable]),
        "ask-first": mean([1.0 if o.ask_first else 0.0 for o in no_answer]),
        "p50 ms": statistics.median(times) if times else 0.0,
        "p95 ms": _percentile(times, 0.95),
        "p95 cpu ms": _percentile([o.cpu_millis for o in outcomes], 0.95),
    }


def grouped(outcomes: list[Outcome]) -> dict:
    """{"language": {code: metrics}, "kind": {kind: metrics}, "all": metrics}"""
    by_language = {
        lang: metrics([o for o in outcomes if o.query["language"] == lang])
        for lang in LANGUAGES
        if any(o.query["language"] == lang for o in outcomes)
    }
    kinds = sorted({kind for o in outcomes for kind in o.query["kinds"]})
    by_kind = {kind: metrics([o for o in outcomes if kind in o.query["kinds"]]) for kind in kinds}
    return {"language": by_language, "kind": by_kind, "all": metrics(outcomes)}


COLUMNS = [
    ("queries", "{:>7}", "queries"),
    ("answerable", "{:>5}", "ans."),
    ("recall@5", "{:>8}", "recall@5"),
    ("MRR", "{:>6}", "MRR"),
    ("zero results", "{:>6}", "zero"),
    ("no-answer queries", "{:>5}", "no-ans."),
    ("ask-first", "{:>9}", "ask-first"),
    ("p50 ms", "{:>7}", "p50 ms"),
    ("p95 ms", "{:>7}", "p95 ms"),
    ("p95 cpu ms", "{:>7}", "p95 cpu ms"),
]


def _cell(name, value):
    if value is None:
        return "–"
    if name in ("zero results", "ask-first"):
        return f"{value:.0%}"
    if name in ("recall@5", "MRR"):
        return f"{value:.3f}"
    if name.endswith("ms"):
        return f"{value:.1f}"
    return str(value)


def table(groups: dict, latency=True) -> str:
    """Markdown tables per language and per query kind, with the overall row in each."""
    columns = [c for c in COLUMNS if latency or not c[0].endswith("ms")]
    lines = []
    for title, rows in (("language", groups["language"]), ("kind", groups["kind"])):
        header = [title] + [label for _name, _fmt, label in columns]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(["---"] + ["--:"] * len(columns)) + "|")
        for name, values in [*rows.items(), ("**all**", groups["all"])]:
            cells = [name] + [_cell(key, values.get(key)) for key, _fmt, _label in columns]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def missed_targets(groups: dict, latency_ms: float | None = None, quality=True) -> list[str]:
    """The overall targets that are not met (latency only when a limit is given)."""
    overall = groups["all"]
    missed = []
    for name, (op, limit) in TARGETS.items() if quality else ():
        value = overall[name]
        if value is None:
            continue
        ok = value >= limit if op == ">=" else value <= limit
        if not ok:
            shown = f"{value:.0%}" if name in ("zero results", "ask-first") else f"{value:.3f}"
            wanted = f"{limit:.0%}" if name in ("zero results", "ask-first") else f"{limit}"
            missed.append(f"{name} {shown} (target {op} {wanted})")
    if latency_ms is not None and overall["p95 ms"] > latency_ms:
        missed.append(f"p95 {overall['p95 ms']:.1f} ms (target <= {latency_ms:.0f} ms)")
    return missed


def worst(outcomes: list[Outcome], limit=25) -> list[str]:
    """The failing queries, worst first: answerable ones with the lowest reciprocal rank and
    recall, then no-answer queries that did not get the ask-first page."""
    failing = [o for o in outcomes if o.answerable and (o.recall < 1 or o.reciprocal < 1)]
    failing.sort(key=lambda o: (o.reciprocal, o.recall, o.query["language"]))
    lines = []
    for o in failing[:limit]:
        lines.append(
            f"[{o.query['language']}] {o.query['q']!r} ({', '.join(o.query['kinds'])}): "
            f"expected {o.query['relevant']}, got {o.slugs[:K] or 'nothing'}"
            f" (outcome {o.outcome or 'not marked'})"
        )
    for o in [o for o in outcomes if not o.answerable and not o.ask_first]:
        lines.append(
            f"[{o.query['language']}] {o.query['q']!r} (no-answer): outcome "
            f"{o.outcome or 'not marked'}, got {o.slugs[:K] or 'nothing'}"
        )
    return lines


def contract_note(outcomes: list[Outcome]) -> str:
    """A line saying when the pages lack the data-search-outcome contract."""
    unmarked = sum(1 for o in outcomes if o.outcome is None)
    if not unmarked:
        return ""
    return (
        f"note: {unmarked} of {len(outcomes)} pages have no data-search-outcome attribute "
        "(results read from <ol class=search-results>; no page counts as ask-first)"
    )
