"""Relevance of the database search backend on the demo articles: recall@5 and MRR.

    .venv/bin/python bench/relevance.py [--current-db] [--verbose] [FILES...]

Reads every bench/relevance/*.json (written by the content branches:
[{"query", "language", "expected": [slugs]}]) unless files are given. By default it builds a
throw-away SQLite database in a temporary folder (migrate, import knowledge/content/, rebuild
the index), so it never touches var/; --current-db uses the configured database as it is.

Each query is asked as the public search page asks it: articles of the query's language first;
when those are fewer than five, the other languages fill up the list (an expected article that
has no translation in that language still counts when it comes from another language). A hit
is matched to an expected slug by the last part of its URL. The reader is a staff member, so
professionals and internal articles count too.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
K = 5


def load_queries(files):
    paths = [Path(name) for name in files] or sorted((ROOT / "bench" / "relevance").glob("*.json"))
    queries = []
    for path in paths:
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"skipped {path}: {error}", file=sys.stderr)
            continue
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and entry.get("query") and entry.get("expected"):
                queries.append(
                    {
                        "query": entry["query"],
                        "language": entry.get("language") or "nl",
                        "expected": list(entry["expected"]),
                        "file": path.name,
                    }
                )
    return queries


def setup(current_db: bool):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "true")
    if not current_db:
        folder = tempfile.mkdtemp(prefix="wegwijs-relevance-")
        os.environ["VAR_DIR"] = folder
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/relevance.sqlite3"
        os.environ["TASKS_SYNC"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    if not current_db:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from knowledge import demo

        print(demo.seed_demo(), file=sys.stderr)


def slug_of(hit) -> str:
    return hit.url.rstrip("/").rsplit("/", 1)[-1]


def ranked_slugs(service, user, query, language):
    slugs = []
    for lang in (language, None):
        results = service.search(query, kinds=["article"], user=user, language=lang)
        for hit in results.hits:
            slug = slug_of(hit)
            if slug not in slugs:
                slugs.append(slug)
        if len(slugs) >= K:
            break
    return slugs[:K]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--current-db", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    arguments = parser.parse_args()
    queries = load_queries(arguments.files)
    if not queries:
        print("No queries found under bench/relevance/*.json")
        return 0
    setup(arguments.current_db)
    from django.contrib.auth import get_user_model

    from search import registry, service

    if "article" not in registry.kinds():
        print("No 'article' search kind is registered (the knowledge base is not installed).")
        return 1
    count = service.rebuild("article")
    user = get_user_model()(username="relevance", is_superuser=True, is_active=True)
    per_language = {}
    recall_sum = reciprocal_sum = 0.0
    misses = []
    for entry in queries:
        slugs = ranked_slugs(service, user, entry["query"], entry["language"])
        expected = entry["expected"]
        found = [slug for slug in expected if slug in slugs]
        recall = len(found) / len(expected)
        ranks = [slugs.index(slug) + 1 for slug in found]
        reciprocal = 1 / min(ranks) if ranks else 0.0
        recall_sum += recall
        reciprocal_sum += reciprocal
        stats = per_language.setdefault(entry["language"], [0, 0.0, 0.0])
        stats[0] += 1
        stats[1] += recall
        stats[2] += reciprocal
        if recall < 1 or arguments.verbose:
            misses.append((entry, slugs))
    total = len(queries)
    print(f"database backend, {count} articles indexed, {total} queries")
    print(f"recall@{K}: {recall_sum / total:.3f}   MRR: {reciprocal_sum / total:.3f}")
    for language, (n, recall, reciprocal) in sorted(per_language.items()):
        print(f"  {language}: {n} queries, recall@{K} {recall / n:.3f}, MRR {reciprocal / n:.3f}")
    if misses:
        print("\nqueries whose expected article is not in the first five:")
        for entry, slugs in misses:
            language, query = entry["language"], entry["query"]
            print(f"  [{language}] {query!r}: expected {entry['expected']}, got {slugs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
