"""Relevance of the public search page, measured as an anonymous visitor sees it.

    .venv/bin/python bench/relevance.py [--db sqlite|postgres] [--articles 2000]
                                        [--repeat 3] [--verbose] [--json FILE] [FILES...]
    make relevance                       (RELEVANCE_ARGS="--db postgres --articles 2000")

Builds a throw-away database (Django's test-database machinery: a new SQLite file in a temporary
folder, or `<name>_relevance` next to the DATABASE_URL database on PostgreSQL), migrates it,
imports knowledge/content/ (`demo.knowledge_base.seed_demo`), with --articles N adds N generated
articles (`demo.datagen_articles.generate_articles`, the benchmark's generator), rebuilds the
search index, then asks every judged query of bench/relevance/queries-*.json on
`/<language>/search/?q=` with Django's test client as an anonymous visitor
(`bench/relevance_suite.py` says how the page is read and what each figure means).

Prints a table per language and per query kind, the failing queries, and exits 1 when a target
is missed: recall@5 >= 0.95, MRR >= 0.85, zero results for answerable queries <= 2%, no-answer
queries shown the ask-first page >= 90%, p95 <= 30 ms; with --articles only p95 <= 100 ms (the
quality figures are printed for information: generated articles reuse the demo titles).
The database is dropped afterwards. The anonymous page cache is off
(PUBLIC_PAGE_CACHE_SECONDS=0), so every run of a query is searched and rendered.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import relevance_suite as suite  # noqa: E402


def configure(db: str):
    os.environ.setdefault("DEBUG", "true")
    os.environ["TASKS_SYNC"] = "false"  # the index is rebuilt once, after the import
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Each query's own work is timed, not a copy from the anonymous page cache (tests do the same).
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    folder = tempfile.mkdtemp(prefix="wegwijs-relevance-")
    os.environ["VAR_DIR"] = folder
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/relevance.sqlite3"
    elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("--db postgres needs DATABASE_URL=postgres://user:password@host:port/name")
    import django
    from django.conf import settings

    database = settings.DATABASES["default"]
    if db == "sqlite":
        database["TEST"] = {"NAME": f"{folder}/relevance-test.sqlite3"}
    else:
        database["TEST"] = {"NAME": f"{database['NAME']}_relevance"}
    django.setup()


def build(articles: int) -> dict:
    from django.test.utils import setup_databases

    started = time.perf_counter()
    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    from demo import knowledge_base as demo
    from search import service

    print(demo.seed_demo(), file=sys.stderr)
    generated = 0
    if articles:
        from demo.datagen_articles import generate_articles

        generated = generate_articles(articles, progress=False).get("articles", 0)
    indexed = service.rebuild("article")
    return {
        "config": config,
        "indexed": indexed,
        "generated": generated,
        "seconds": time.perf_counter() - started,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="query files (default: all of bench/relevance)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--articles", type=int, default=0, help="generated articles to add")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query (median time)")
    parser.add_argument("--verbose", action="store_true", help="list every query's results")
    parser.add_argument("--json", help="write the figures and every query's results here")
    arguments = parser.parse_args(argv)
    queries = suite.load_queries(arguments.files)
    if not queries:
        print("No queries found under bench/relevance/queries-*.json")
        return 1
    configure(arguments.db)
    built = build(arguments.articles)
    try:
        outcomes = suite.run(queries, repeat=arguments.repeat)
    finally:
        from django.test.utils import teardown_databases

        teardown_databases(built["config"], verbosity=0)
        shutil.rmtree(os.environ["VAR_DIR"], ignore_errors=True)
    groups = suite.grouped(outcomes)
    size = "large" if arguments.articles else "demo"
    limit = suite.LATENCY_TARGET_MS[size]
    # The quality targets are set on the demo knowledge base; with --articles the generated
    # articles reuse the demo titles (near-duplicates that are not judged relevant), so there
    # only latency is a target and the quality figures are shown for information.
    missed = suite.missed_targets(groups, latency_ms=limit, quality=not arguments.articles)

    from django.db import connection

    print(
        f"\nRelevance on the public search page, anonymous visitor: {connection.vendor}, "
        f"{built['indexed']} articles indexed ({built['generated']} generated), "
        f"{len(queries)} queries, median of {arguments.repeat} runs per query "
        f"(set-up {built['seconds']:.0f} s)\n"
    )
    print(suite.table(groups))
    note = suite.contract_note(outcomes)
    if note:
        print(note)
    failing = suite.worst(outcomes, limit=len(outcomes))
    if failing:
        print(f"\nfailing queries ({len(failing)}), worst first:")
        for line in failing:
            print("  " + line)
    if arguments.verbose:
        print("\nevery query:")
        for o in outcomes:
            print(
                f"  [{o.query['language']}] {o.query['q']!r}: {o.outcome or '-'} "
                f"{o.slugs[: suite.K]} ({o.millis:.1f} ms)"
            )
    if arguments.json:
        Path(arguments.json).write_text(
            json.dumps(
                {
                    "database": connection.vendor,
                    "articles_indexed": built["indexed"],
                    "generated": built["generated"],
                    "figures": groups,
                    "missed": missed,
                    "queries": [
                        {**o.query, "outcome": o.outcome, "got": o.slugs, "ms": round(o.millis, 2)}
                        for o in outcomes
                    ],
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    if missed:
        print("\nTARGETS MISSED: " + "; ".join(missed))
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
