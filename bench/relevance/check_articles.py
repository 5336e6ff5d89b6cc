"""Check knowledge/content/<lang>/<slug>.md files against docs/article-format.md.

Usage: python bench/relevance/check_articles.py [ROOT]   (exit code 1 on any problem)
Also checks the judged query set bench/relevance/queries-*.json (see check_queries).
"""

import datetime
import json
import re
import sys
from pathlib import Path

KEYS = [
    "title", "slug", "language", "domains", "audience", "situations", "tags", "summary",
    "review_date", "reviewer", "review_interval_months", "translation_of", "demo",
]  # fmt: skip
LANGS = {"nl", "fr", "en", "ar", "uk"}
DOMAINS = {
    "residence", "nationality", "social-law", "family-ipr", "work", "housing", "education",
    "civic-integration",
}  # fmt: skip
SITUATIONS = {
    "arrival", "residence-papers", "family", "moving", "money", "health", "work", "school",
    "housing", "nationality",
}  # fmt: skip
AUDIENCES = {"public", "professionals", "internal"}
BLOCKS = {"checklist", "steps", "legal", "warning", "where"}
FIELDS = {"checklist": 2, "legal": 3, "where": 3}


def parse(path):
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    head, body = text[4:].split("\n---\n", 1)
    meta = {}
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"bad front matter line: {line!r}")
        meta[key.strip()] = value.strip()
    return meta, body


def check_body(body):
    problems, words, open_block = [], 0, None
    for n, line in enumerate(body.splitlines(), 1):
        if line.startswith(":::"):
            name = line[3:].strip()
            if name and open_block:
                problems.append(f"line {n}: block {name} opened inside {open_block}")
            elif name and name not in BLOCKS:
                problems.append(f"line {n}: unknown block {name}")
            elif not name and not open_block:
                problems.append(f"line {n}: closing ::: without an open block")
            open_block = name or None
            continue
        if open_block in FIELDS and line.strip():
            want = FIELDS[open_block]
            item = line[2:] if open_block == "checklist" else line
            if open_block == "checklist" and not line.startswith("- "):
                problems.append(f"line {n}: checklist item must start with '- '")
            fields = item.split(" | ")
            # a legal reference may leave out its url (the importer pads missing fields)
            ok = len(fields) == want or (open_block == "legal" and len(fields) == 2)
            if not ok or any("|" in f or not f.strip() for f in fields):
                problems.append(f"line {n}: {open_block} needs {want} fields: {line!r}")
        if open_block == "steps" and line.strip() and not re.match(r"\d+\. ", line):
            problems.append(f"line {n}: step must be numbered")
        words += len(re.findall(r"\w+", line))
    if open_block:
        problems.append(f"block {open_block} not closed")
    return problems, words


KINDS = {"colloquial", "synonym", "typo", "legal-term", "question", "no-answer"}
MINIMUM = {"total": 170, "per_language": 25, "no_answer": 12}
SHARE = {"colloquial or synonym": 0.30, "typo": 0.15}


def load_queries(root):
    """Every judged query of bench/relevance/queries-*.json, with the file it came from."""
    queries = []
    for qfile in sorted((root / "bench" / "relevance").glob("queries-*.json")):
        for entry in json.loads(qfile.read_text(encoding="utf-8")):
            queries.append({**entry, "file": qfile.name})
    return queries


def query_problems(q, public):
    """What is wrong with one judged query ({"q", "language", "relevant", "kinds"})."""
    problems = [f"missing field {k}" for k in ("q", "language", "relevant", "kinds") if k not in q]
    if problems:
        return problems
    text, relevant, kinds = q["q"], q["relevant"], q["kinds"]
    if not isinstance(text, str) or not text.strip():
        problems.append("empty query")
    elif not 1 <= len(text.split()) <= 10:
        problems.append(f"{len(text.split())} words (want 1-10)")
    if q["language"] not in LANGS:
        problems.append(f"unknown language {q['language']!r}")
    if not isinstance(kinds, list) or not kinds or set(kinds) - KINDS:
        problems.append(f"kinds must be a non-empty list of {sorted(KINDS)}: {kinds!r}")
    if not isinstance(relevant, list):
        problems.append("relevant must be a list of slugs")
        return problems
    unknown = [slug for slug in relevant if slug not in public]
    if unknown:
        problems.append(f"relevant slugs that are not public Dutch articles: {unknown}")
    if len(set(relevant)) != len(relevant):
        problems.append("a slug is listed twice in relevant")
    no_answer = "no-answer" in (kinds or [])
    if no_answer and relevant:
        problems.append("a no-answer query lists relevant articles")
    if not no_answer and not relevant:
        problems.append("no relevant article: judge one or mark the query no-answer")
    return problems


def check_queries(root, public):
    """The judged set: fields, slugs among the public Dutch articles, and the minimum counts."""
    queries, failed, seen = load_queries(root), False, set()
    for q in queries:
        problems = query_problems(q, public)
        key = (q.get("language"), " ".join(str(q.get("q", "")).lower().split()))
        if key in seen:
            problems.append("duplicate query in this language")
        seen.add(key)
        if problems:
            failed = True
            print(f"FAIL {q['file']}: {q.get('q')!r}")
            for p in problems:
                print(f"     - {p}")
    total = len(queries) or 1
    per_language = dict.fromkeys(sorted(LANGS), 0)
    per_kind = dict.fromkeys(sorted(KINDS), 0)
    for q in queries:
        if q.get("language") in per_language:
            per_language[q["language"]] += 1
        for kind in q.get("kinds") or []:
            if kind in per_kind:
                per_kind[kind] += 1
    shares = {
        "colloquial or synonym": sum(
            1 for q in queries if {"colloquial", "synonym"} & set(q.get("kinds") or [])
        )
        / total,
        "typo": per_kind["typo"] / total,
    }
    languages = ", ".join(f"{k} {v}" for k, v in per_language.items())
    print(f"judged queries: {len(queries)} ({languages})")
    print("kinds: " + ", ".join(f"{k} {v}" for k, v in per_kind.items()))
    counts = [
        (len(queries) >= MINIMUM["total"], f"{len(queries)} queries (want >= {MINIMUM['total']})"),
        (
            per_kind["no-answer"] >= MINIMUM["no_answer"],
            f"{per_kind['no-answer']} no-answer queries (want >= {MINIMUM['no_answer']})",
        ),
    ]
    counts += [
        (n >= MINIMUM["per_language"], f"{lang}: {n} queries (want >= {MINIMUM['per_language']})")
        for lang, n in per_language.items()
    ]
    counts += [
        (shares[name] >= share, f"{name}: {shares[name]:.0%} of the queries (want >= {share:.0%})")
        for name, share in SHARE.items()
    ]
    for ok, message in counts:
        print(f"{'ok' if ok else 'FAIL':4} {message}")
        failed |= not ok
    return failed


def main(root):
    content = root / "knowledge" / "content"
    slugs, public, failed = {}, set(), False
    for path in sorted(content.glob("*/*.md")):
        meta, body = parse(path)
        lang = path.parent.name
        slugs.setdefault(lang, set()).add(path.stem)
        if lang == "nl" and meta.get("audience") == "public":
            public.add(path.stem)
        problems, words = check_body(body)
        problems += [f"missing key {k}" for k in KEYS if k not in meta]
        problems += [f"empty {k}" for k in KEYS if k != "translation_of" and not meta.get(k)]
        if meta.get("slug") != path.stem:
            problems.append("slug differs from file name")
        if meta.get("language") != lang or lang not in LANGS:
            problems.append(f"language {meta.get('language')} in folder {lang}")
        doms = [d.strip() for d in meta.get("domains", "").split(",")]
        problems += [f"unknown domain {d}" for d in doms if d not in DOMAINS]
        sits = [s.strip() for s in meta.get("situations", "").split(",")]
        problems += [f"unknown situation {s}" for s in sits if s not in SITUATIONS]
        if meta.get("audience") not in AUDIENCES:
            problems.append(f"bad audience {meta.get('audience')}")
        review = datetime.date.fromisoformat(meta.get("review_date", "1900-01-01"))
        if not datetime.date(2026, 5, 1) <= review <= datetime.date(2026, 11, 20):
            problems.append(f"review_date {review} out of range")
        if meta.get("review_interval_months") not in {"6", "12"}:
            problems.append("review_interval_months must be 6 or 12")
        if meta.get("demo") != "true":
            problems.append("demo must be true")
        source = meta.get("translation_of", "")
        if lang == "nl" and source:
            problems.append("a Dutch source has translation_of")
        if lang != "nl" and (source != path.stem or not (content / "nl" / f"{source}.md").exists()):
            problems.append(f"translation_of {source!r} has no Dutch source with this slug")
        if lang == "nl" and not 400 <= words <= 900:
            problems.append(f"{words} words (want 400-900)")
        status = "FAIL" if problems else "ok"
        failed |= bool(problems)
        print(f"{status:4} {lang}/{path.stem} ({words} words, {meta.get('audience')})")
        for p in problems:
            print(f"     - {p}")
    failed |= check_queries(root, public)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
