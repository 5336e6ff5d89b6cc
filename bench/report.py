"""Print the Markdown table of the last bench/run results (var/bench/results-<db>-<size>.json):
p95 per endpoint for each database and size, the growth between the sizes and each target.

Run: `.venv/bin/python bench/report.py` (after `bench/run --db sqlite,postgres --sizes
10000,100000`); it is the table in README.md and docs/benchmarks.md.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from endpoints import ENDPOINTS, GROWTH_LIMIT, INTAKE_MIN_RPS  # noqa: E402

NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def load() -> dict:
    results = {}
    for path in sorted((ROOT / "var" / "bench").glob("results-*-*.json")):
        report = json.loads(path.read_text())
        results[(report["db"], report["size"])] = report
    return results


def p95(report, key):
    row = report["endpoints"].get(key, {})
    return row.get("p95_ms")


def cell(value) -> str:
    return "–" if value is None else f"{value:g}"


def main() -> None:
    results = load()
    databases = [db for db in NAMES if any(key[0] == db for key in results)]
    sizes = sorted({size for _db, size in results})
    header = ["endpoint", "target p95"]
    for db in databases:
        header += [f"{NAMES[db]} {size:,}" for size in sizes]
        if len(sizes) == 2:
            header.append(f"{NAMES[db]} growth")
    header.append(f"met at {sizes[-1]:,}")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for endpoint in ENDPOINTS:
        row = [endpoint.label, f"≤ {endpoint.target_p95_ms} ms" if endpoint.target_p95_ms else ""]
        verdicts = []
        for db in databases:
            values = [p95(results[(db, size)], endpoint.key) if (db, size) in results else None
                      for size in sizes]  # fmt: skip
            row += [cell(value) for value in values]
            if len(sizes) == 2:
                grown = values[1] / values[0] if None not in values and values[0] else None
                row.append("–" if grown is None else f"×{grown:.2f}")
                if grown is not None and grown > GROWTH_LIMIT:
                    verdicts.append(f"{NAMES[db]} growth > ×{GROWTH_LIMIT}")
            largest = values[-1]
            if endpoint.target_p95_ms and largest is not None and largest > endpoint.target_p95_ms:
                verdicts.append(f"{NAMES[db]} p95")
            if endpoint.key == "intake" and (db, sizes[-1]) in results:
                rps = results[(db, sizes[-1])]["endpoints"]["intake"].get("rps", 0)
                if rps < INTAKE_MIN_RPS:
                    verdicts.append(f"{NAMES[db]} {rps:g}/s < {INTAKE_MIN_RPS}/s")
        if endpoint.target_p95_ms:
            row.append("met" if not verdicts else "missed: " + ", ".join(verdicts))
        else:
            row.append("(no target)" + ("; " + ", ".join(verdicts) if verdicts else ""))
        lines.append("| " + " | ".join(row) + " |")
    print("\n".join(lines))
    print()
    for (db, size), report in sorted(results.items()):
        memory = report.get("memory", {})
        intake = report["endpoints"].get("intake", {})
        workers = "/".join(f"{mib:.0f}" for mib in memory.get("gunicorn_workers_rss_mib", []))
        tasks = "/".join(f"{mib:.0f}" for mib in memory.get("qcluster_processes_rss_mib", []))
        print(
            f"- {NAMES[db]} {size:,}: run ended {report['machine']['time']}, load average "
            f"{' '.join(report['machine']['loadavg_at_end'])}; intake {intake.get('rps')}/s, "
            f"{intake.get('stored')} stored, {intake.get('lost')} lost; resident memory: web "
            f"workers {workers} MiB, django-q2 {memory.get('qcluster_main_rss_mib', 0):.0f} MiB "
            f"+ {tasks} MiB"
        )


if __name__ == "__main__":
    main()
