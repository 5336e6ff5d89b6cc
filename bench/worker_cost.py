"""What the task worker spends on one new question: the outbox rows that one intake queues
(lifecycle.create_question, as bench/run's intake submits it) run one after the other as the
worker runs them (backoffice.outbox.run), timed and their SQL statements counted, per handler.
The database server's CPU for them is read from /proc (its backend process; PostgreSQL on this
machine only).

    bench/worker_cost.py --db postgres --size 100000 --runs 20
    bench/worker_cost.py --db postgres --size 100000 --compare base=/tmp/base,new=.

Each run stores a new question in the data set (as an intake does) and runs its rows at once:
use a copy of the data set (bench/run measures on a copy of its own). Mails go to the console
backend, as under bench/run, written to /dev/null. django-q2's own part (reading the task from
its broker) is not counted.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def outer(args) -> None:
    import runner

    var_dir = runner.BENCH_DIR / f"{args.db}-{args.size}"
    env = runner.environment(runner.database_url(args.db, args.size, fresh=False), var_dir)
    env["SECRET_KEY"] = (var_dir / "secret_key").read_text()
    env["BENCH_VAR_DIR"] = str(var_dir)
    trees = (
        [item.split("=", 1) for item in args.compare.split(",")]
        if args.compare
        else [("this", str(runner.ROOT))]
    )
    collected = {label: [] for label, _tree in trees}
    for _round in range(args.rounds):
        for label, tree in trees:
            tree = str(Path(tree).resolve())
            command = [str(runner.BIN / "python"), str(HERE / "worker_cost.py"), "--inner"]
            command += [f"--runs={args.runs}", f"--queries={args.queries}"]
            command += [f"--cprofile={args.cprofile}"]
            out = subprocess.run(
                command,
                cwd=tree,
                env=dict(env, PYTHONPATH=tree),
                check=True,
                capture_output=True,
                text=True,
            )
            sys.stderr.write(out.stderr)
            collected[label].extend(json.loads(out.stdout.strip().splitlines()[-1]))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(
        f"\n{args.db}, {args.size:,} questions, worker's work per new question, "
        f"{args.rounds} round(s) of {args.runs}; medians; load average {load}"
    )
    first = trees[0][0]
    base = None
    for label, _tree in trees:
        samples = collected[label]
        handlers = sorted({name for sample in samples for name in sample["handlers"]})
        total = statistics.median(s["ms"] for s in samples)
        statements = statistics.median(s["statements"] for s in samples)
        db_cpu = sum(s["db_cpu_ms"] for s in samples) / len(samples)
        own_cpu = statistics.median(s["cpu_ms"] for s in samples)
        base = base or (total, own_cpu, db_cpu)
        ratio = (
            f"  (× {first}: wall {total / base[0]:.2f}, worker CPU {own_cpu / base[1]:.2f}, "
            f"database CPU {db_cpu / base[2]:.2f})"
            if label != first and all(base)
            else ""
        )
        print(
            f"{label:<8} total {total:6.1f} ms wall, {own_cpu:6.1f} ms worker CPU, "
            f"{db_cpu:5.1f} ms database CPU (mean), {statements:4.0f} statements{ratio}"
        )
        for name in handlers:
            ms = statistics.median(s["handlers"][name]["ms"] for s in samples)
            sql = statistics.median(s["handlers"][name]["sql_ms"] for s in samples)
            count = statistics.median(s["handlers"][name]["statements"] for s in samples)
            print(f"    {name:<52} {ms:6.1f} ms ({sql:5.1f} in SQL) {count:4.0f} statements")


def inner(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import translation

    from backoffice import outbox
    from backoffice.models import LegalDomain, Municipality, OutboxTask
    from tickets import lifecycle

    var_dir = Path(os.environ["BENCH_VAR_DIR"])
    form = json.loads((var_dir / "manifest.json").read_text())["form"]
    domain = LegalDomain.objects.get(pk=form["legal_domain"])
    municipality = Municipality.objects.select_related("region").get(pk=form["municipality"])
    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]

    def backend_cpu() -> float:
        if backend_pid is None:
            return 0.0
        try:
            stat = Path(f"/proc/{backend_pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") * 1000

    statements = []

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, sql))

    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
    samples = []
    devnull = open(os.devnull, "w")  # noqa: SIM115 - the console mail backend writes here
    for number in range(args.runs + 2):
        last = OutboxTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with translation.override("nl"):
            lifecycle.create_question(
                legal_domain=domain,
                subject="Verlenging van mijn verblijfskaart",
                body="Mijn kaart verloopt over drie weken. Wat moet ik doen?",
                contact_language="nl",
                processing_consent=True,
                municipality=municipality,
            )
        rows = list(
            OutboxTask.objects.filter(pk__gt=last, done_at=None)
            .order_by("pk")
            .values_list("pk", "handler")
        )
        sample = {"handlers": {}, "ms": 0.0, "cpu_ms": 0.0, "statements": 0}
        db_before = backend_cpu()
        for pk, handler in rows:
            statements.clear()
            stdout, sys.stdout = sys.stdout, devnull
            cpu, started = time.process_time(), time.perf_counter()
            try:
                with connection.execute_wrapper(count):
                    if profiler is not None and number >= 2:
                        result = profiler.runcall(outbox.run, pk)
                    else:
                        result = outbox.run(pk)
            finally:
                sys.stdout = stdout
            ms = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu) * 1000
            if result != "done":
                raise RuntimeError(f"{handler} {pk}: {result}")
            name = handler.rpartition(".")[0].rpartition(".")[2] + "." + handler.rpartition(".")[2]
            sql_ms = sum(seconds for seconds, _sql in statements) * 1000
            sample["handlers"][name] = {"ms": ms, "statements": len(statements), "sql_ms": sql_ms}
            sample["ms"] += ms
            sample["cpu_ms"] += cpu
            sample["statements"] += len(statements)
            if args.queries and number == args.runs + 1:
                print(f"--- {name}: {len(statements)} statements", file=sys.stderr)
                for seconds, sql in statements:
                    print(f"  {seconds * 1000:6.2f}  {sql[:150]}", file=sys.stderr)
        sample["db_cpu_ms"] = backend_cpu() - db_before
        if number >= 2:  # the first two warm the caches
            samples.append(sample)
    if profiler is not None:
        import io
        import pstats

        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
        stats.print_stats(args.cprofile)
        stats.sort_stats("tottime").print_stats(args.cprofile)
        print(text.getvalue(), file=sys.stderr)
    print(json.dumps(samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="postgres")
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--queries", type=int, default=0, help="print the last run's SQL")
    parser.add_argument("--cprofile", type=int, default=0, help="print the N costliest calls")
    parser.add_argument("--compare", default="", help="label=tree,label=tree, interleaved")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    inner(args) if args.inner else outer(args)


if __name__ == "__main__":
    main()
