"""How long SQLite writers wait for each other, with and without the write gate
(backoffice/db/sqlite3/base.py): a few processes each run short write transactions (BEGIN
IMMEDIATE, an insert, a little Python work as a request does between its statements, commit)
on one database file, as two web workers and the task worker do during an intake burst.

    bench/sqlite_writers.py --processes 3 --transactions 200 --work-ms 2

Prints per-transaction latency (p50, p95, p99, max) and the rate, for each backend, and
checks that every row arrived.
"""

import argparse
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

ENGINES = {
    "django": "django.db.backends.sqlite3",
    "gated": "backoffice.db.sqlite3",
}


def setup(engine: str, path: str) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DATABASES={
            "default": {
                "ENGINE": engine,
                "NAME": path,
                "OPTIONS": {
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                },
            }
        },
        USE_TZ=True,
    )
    django.setup()


def writer(engine, path, transactions, work_ms, start, queue):
    setup(engine, path)
    from django.db import connection, transaction

    connection.ensure_connection()
    start.wait()
    latencies = []
    for number in range(transactions):
        begun = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO row (note) VALUES (%s)", [f"{number}"])
            # The Python of a request between its statements; slept rather than spun so that
            # on a shared machine the figures show the waits for the lock, not for a core.
            time.sleep(work_ms / 1000)
            with connection.cursor() as cursor:
                cursor.execute("UPDATE row SET note = note || '.' WHERE id = last_insert_rowid()")
        latencies.append(time.perf_counter() - begun)
        time.sleep(work_ms / 1000)  # the rest of the request, outside the transaction
    queue.put(latencies)


def run(label, engine, args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "writers.sqlite3")
        import sqlite3

        with sqlite3.connect(path) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE row (id INTEGER PRIMARY KEY, note TEXT)")
        context = multiprocessing.get_context("spawn")
        start, queue = context.Event(), context.Queue()
        workers = [
            context.Process(
                target=writer, args=(engine, path, args.transactions, args.work_ms, start, queue)
            )
            for _ in range(args.processes)
        ]
        for worker in workers:
            worker.start()
        time.sleep(2)  # every process connected
        began = time.perf_counter()
        start.set()
        latencies = []
        for _ in workers:
            latencies.extend(queue.get())
        elapsed = time.perf_counter() - began
        for worker in workers:
            worker.join()
        with sqlite3.connect(path) as db:
            (count,) = db.execute("SELECT COUNT(*) FROM row").fetchone()
        assert count == args.processes * args.transactions, count
        ms = sorted(value * 1000 for value in latencies)
        q = statistics.quantiles(ms, n=100)
        print(
            f"{label:<8} p50 {q[49]:6.1f}  p95 {q[94]:6.1f}  p99 {q[98]:6.1f}  max {ms[-1]:6.1f} ms"
            f"   {len(ms) / elapsed:6.0f} transactions/s, {count} rows, none lost"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--transactions", type=int, default=200)
    parser.add_argument("--work-ms", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    for _ in range(args.rounds):
        for label, engine in ENGINES.items():
            run(label, engine, args)


if __name__ == "__main__":
    main()
