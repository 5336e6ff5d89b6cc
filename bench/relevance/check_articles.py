"""Check knowledge/content/<lang>/<slug>.md files against docs/article-format.md.

Usage: python bench/relevance/check_articles.py [ROOT]   (exit code 1 on any problem)
Also checks bench/relevance/queries-*.json: expected slugs must exist.
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


def main(root):
    content = root / "knowledge" / "content"
    slugs, failed = {}, False
    for path in sorted(content.glob("*/*.md")):
        meta, body = parse(path)
        lang = path.parent.name
        slugs.setdefault(lang, set()).add(path.stem)
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
    for qfile in sorted((root / "bench" / "relevance").glob("queries-*.json")):
        queries = json.loads(qfile.read_text(encoding="utf-8"))
        for q in queries:
            known = slugs.get("nl", set()) | slugs.get(q["language"], set())
            missing = [s for s in q["expected"] if s not in known]
            if missing or q["language"] not in LANGS:
                failed = True
                print(f"FAIL {qfile.name}: {q['query']!r} expects unknown {missing}")
        print(f"{qfile.name}: {len(queries)} queries checked")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
