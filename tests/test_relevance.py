"""The judged relevance set (bench/relevance/queries-*.json) on the public search page.

Imports the demo articles (knowledge/content/), rebuilds the search index, asks every judged
query on /<language>/search/?q= as an anonymous visitor in the query's language, and asserts the
quality targets of issue 15 (latency is measured by `bench/relevance.py`, never here):
recall@5 >= 0.95, MRR over the first page >= 0.85, answerable queries with zero results <= 2%,
no-answer queries shown the ask-first page (data-search-outcome="no-answer") >= 90%.
A failure prints the table per language and per query kind, and the worst queries.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import relevance_suite as suite  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_index(db):
    from demo import knowledge_base as demo
    from search import service

    demo.seed_demo()
    return service.rebuild("article")


def test_the_judged_set_is_well_formed():
    """Every query has its fields, a known public slug (or none when it has no answer)."""
    sys.path.insert(0, str(suite.QUERY_DIR))
    import check_articles

    public = {
        path.stem
        for path in (suite.ROOT / "knowledge" / "content" / "nl").glob("*.md")
        if "\naudience: public\n" in path.read_text(encoding="utf-8")
    }
    assert len(public) >= 20
    assert not check_articles.check_queries(suite.ROOT, public)


def test_parse_page_reads_the_contract_and_the_current_list():
    slugs = {"leefloon-aanvragen", "huurwaarborg-via-ocmw"}
    contract = (
        '<a href="/nl/kennisbank/">nav</a><section data-search-outcome="answers">'
        '<p><a href="?q=leefloon">did you mean</a></p><section><ol>'
        '<li><a href="/nl/kennisbank/social-law/huurwaarborg-via-ocmw/">x</a>'
        '<a href="/nl/kennisbank/social-law/huurwaarborg-via-ocmw/">again</a></li>'
        '<li><a href="https://x.test/nl/kennisbank/social-law/leefloon-aanvragen/">y</a></li>'
        '</ol></section></section><a href="/nl/kennisbank/social-law/leefloon-aanvragen/">out</a>'
    )
    assert suite.parse_page(contract, slugs) == (
        "answers",
        ["huurwaarborg-via-ocmw", "leefloon-aanvragen"],
    )
    empty = '<div data-search-outcome="no-answer"><a href="/nl/ask/?subject=x">Ask</a></div>'
    assert suite.parse_page(empty, slugs) == ("no-answer", [])
    current = '<ol class="search-results"><li><a href="/fr/k/leefloon-aanvragen/">z</a></li></ol>'
    assert suite.parse_page(current, slugs) == (None, ["leefloon-aanvragen"])


def test_relevance_targets_on_the_public_page(demo_index, client):
    """The whole judged set, anonymous, in each query's language."""
    queries = suite.load_queries()
    outcomes = suite.run(queries, client=client)
    assert all(o.status == 200 for o in outcomes)
    groups = suite.grouped(outcomes)
    missed = suite.missed_targets(groups)
    report = "\n".join(
        [
            f"{demo_index} articles indexed, {len(queries)} queries; missed: " + "; ".join(missed),
            "",
            suite.table(groups, latency=False),
            suite.contract_note(outcomes),
            "worst queries:",
            *("  " + line for line in suite.worst(outcomes, limit=40)),
        ]
    )
    assert not missed, report
