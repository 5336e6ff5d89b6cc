"""bench/run: build a data set, serve it as production would, measure every page of
bench/endpoints.py with locust, print a table and write var/bench/results-<db>-<size>.json.

See docs/benchmarks.md. Everything it starts (gunicorn, qcluster, locust) is stopped at the end.
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import cpu  # noqa: E402
from endpoints import ENDPOINTS, GROWTH_LIMIT, INTAKE_MIN_RPS, SEARCH_ENDPOINTS  # noqa: E402

BIN = Path(sys.executable).parent
BENCH_DIR = ROOT / "var" / "bench"
PASSWORD = "bench-" + "password-of-generated-accounts"
# Pages that read the search index (the public pages show suggestions and related articles).
SEARCHING_ENDPOINTS = {"home", "article", "public_search", "staff_search", "workspace", "intake"}


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(kind: str, size: int, fresh: bool = True) -> str:
    """The run's database (emptied when `fresh`); never the one DATABASE_URL names itself."""
    if kind == "sqlite":
        path = BENCH_DIR / f"bench-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm") if fresh else ():
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--db postgres needs DATABASE_URL=postgres://user:pass@host:5432/name")
    import psycopg

    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'wegwijs'}_bench_{size}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    if not fresh:
        return urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def working_copy(env):
    """Serve a copy of the data set for one measuring run, dropped afterwards.

    Every run writes: its intakes store questions dated today, the public pages log searches
    and article reads, the staff pages sessions. Measured on the data set itself, each reused
    run would see the last run's writes (the dashboard's 30-day window grew ×2.4 after two
    runs); measured on a copy, every run starts from the data set as generated.
    """
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        source = Path(url.removeprefix("sqlite:///"))
        with sqlite3.connect(source) as connection:  # the copy must hold what the WAL holds
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy = source.with_name(f"run-{source.name}")
        for suffix in ("-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, copy)
        try:
            yield dict(env, DATABASE_URL=f"sqlite:///{copy}")
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    copy = f"{name}_run"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    try:
        yield dict(env, DATABASE_URL=urlunsplit(parts._replace(path=f"/{copy}")))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def environment(db_url: str, var_dir: Path) -> dict:
    env = dict(os.environ)
    # The database backend unless a run asks for Elasticsearch (--search).
    env.pop("ELASTICSEARCH_URL", None)
    env.update(
        {
            "DATABASE_URL": db_url,
            "VAR_DIR": str(var_dir),
            "STATIC_ROOT": str(BENCH_DIR / "static"),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEMO_PASSWORD": PASSWORD,
            # Every simulated client comes from 127.0.0.1: the per-connection limits of the
            # public forms would stop the benchmark, not an abuser.
            "INTAKE_LIMIT_PER_HOUR": "100000000",
            "FOLLOW_UP_ATTEMPTS_PER_15_MIN": "100000000",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(env, *args, **kwargs):
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs
    )


def count_questions(env) -> int:
    out = manage(
        env,
        "shell",
        "-c",
        "from tickets.models import Question; print(Question.objects.count())",
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                todo.append(child)
    return found


def wait_for(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own loopback server)
            return
        except urllib.error.HTTPError:
            return  # it answers (503 = worker not yet seen)
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def totp(secret: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for a base32 secret (RFC 6238, 30 s)."""
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def sign_in(host: str, username: str, secrets_file: Path | None = None) -> str:
    """The session cookie of `username`, signed in through the login form and, as staff must,
    the second step (MFA): enrolled with a new authenticator the first time (its secret kept in
    `secrets_file` for the next runs), verified with a code after that. Without it every staff
    page would answer with the MFA page instead of the page measured."""
    import re

    import requests

    proxy = {"X-Forwarded-Proto": "https", "Origin": host.replace("http://", "https://")}
    # The cookies are Secure (the proxy in front speaks HTTPS): sent by hand over loopback.
    jar: dict[str, str] = {}

    def call(method, url, **kwargs):
        cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
        headers = {**proxy, **kwargs.pop("headers", {}), "Cookie": cookie}
        response = requests.request(method, url, headers=headers, timeout=60, **kwargs)
        jar.update(response.cookies.get_dict())
        return response

    form = call("GET", f"{host}/nl/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = call(
        "POST",
        f"{host}/nl/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )
    if response.status_code != 302 or not jar.get("sessionid"):
        raise SystemExit(f"sign-in of {username} failed: {response.status_code}")
    secrets = json.loads(secrets_file.read_text()) if secrets_file and secrets_file.exists() else {}
    for attempt in range(3):
        page = call("GET", f"{host}/admin/", allow_redirects=False)
        location = page.headers.get("Location", "")
        if page.status_code == 200 or not location.startswith("/admin/security/mfa/"):
            return jar["sessionid"]  # no second step needed (or done)
        page = call("GET", f"{host}{location}", allow_redirects=False)
        shown = re.search(r"data-mfa-secret[^>]*>([A-Z2-7]+)<", page.text)
        if shown:  # first sign-in: enrol
            secrets[username] = shown.group(1)
            if secrets_file:
                secrets_file.write_text(json.dumps(secrets))
        if username not in secrets:
            raise SystemExit(f"{username} has an authenticator whose secret bench/ never saw")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        if attempt:  # a code is accepted once: the next one comes with the next 30 s step
            time.sleep(30 - time.time() % 30 + 1)
        call(
            "POST",
            f"{host}{location}",
            data={"code": totp(secrets[username]), "csrfmiddlewaretoken": token},
            headers={"Referer": f"{proxy['Origin']}{location}"},
            allow_redirects=False,
        )
    raise SystemExit(f"the second sign-in step of {username} failed")


def run_locust(env, host, endpoint, manifest_path, users, seconds, out_prefix) -> dict:
    status_file = Path(f"{out_prefix}.status.json")
    status_file.unlink(missing_ok=True)
    locust_env = dict(
        env,
        BENCH_ENDPOINT=endpoint.key,
        BENCH_MANIFEST=str(manifest_path),
        BENCH_STATUS_FILE=str(status_file),
        BENCH_PASSWORD=PASSWORD,
    )
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(out_prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "5",
        ],
        cwd=ROOT,
        env=locust_env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{out_prefix}.log", "w"),
    )
    if status_file.exists():
        return json.loads(status_file.read_text())
    rows = list(csv.DictReader(open(f"{out_prefix}_stats.csv")))
    row = next((r for r in rows if r["Name"] == endpoint.key), None)
    if row is None or not int(row["Request Count"]):
        return {"skipped": f"no request completed (see {out_prefix}.log)"}

    def number(key):
        value = row.get(key, "N/A")
        return None if value in ("N/A", "") else float(value)

    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "p50_ms": number("50%"),
        "p95_ms": number("95%"),
        "p99_ms": number("99%"),
        "rps": round(number("Requests/s") or 0, 1),
    }


def vacuum(env) -> None:
    """PostgreSQL: the visibility map and planner statistics that autovacuum keeps on a database
    in use. After a bulk load, a trim or a new index the kept set has neither, and the queue's
    index-only scans visit the table for every key (page 50 of the archive: 13.7 ms of SQL
    instead of 4.6)."""
    manage(
        env,
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('VACUUM (ANALYZE)')",
    )


def bench_one(db: str, size: int, args) -> list[dict]:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    var_dir = BENCH_DIR / f"{db}-{size}"
    manifest_path = var_dir / "manifest.json"
    reuse = args.reuse and manifest_path.exists()
    if reuse:
        db_url = database_url(db, size, fresh=False)
        log(f"{db} {size:,}: reusing the data set in {db_url}")
        env = environment(db_url, var_dir)
        env["SECRET_KEY"] = (var_dir / "secret_key").read_text()
        manage(env, "migrate", "--noinput", "-v0", stdout=subprocess.DEVNULL)
        manage(
            env,
            "shell",
            "-c",
            "from backoffice.tasks import refresh_query_statistics; refresh_query_statistics()",
        )
        # Tasks an earlier run's intakes left in the broker (mails to generated addresses, index
        # updates of its questions; queued before a code change, some under module paths that no
        # longer exist) would run during this run's measurements and hold SQLite's write lock:
        # a run starts with the broker empty, as a worker that kept up would leave it.
        manage(
            env,
            "shell",
            "-c",
            "from django_q.models import OrmQ; "
            "print('[bench] broker tasks left by an earlier run, dropped:', "
            "OrmQ.objects.all().delete()[0])",
        )
        if db == "postgres":
            vacuum(env)
        # Side effects an earlier run (or a trim of its questions) left waiting in the outbox
        # would be handed to the worker by its sweep, 500 a minute, during the measurements.
        # They are run now, as a worker that kept up would have (mails go to the console).
        manage(
            env,
            "shell",
            "-c",
            "import collections, sys; from backoffice.models import OutboxTask; "
            "from backoffice.outbox import run; "
            "waiting = OutboxTask.objects.filter(done_at=None, given_up_at=None); "
            "done = collections.Counter(run(pk) for pk in waiting.values_list('pk', flat=True)); "
            "print('[bench] side effects left waiting in the outbox, run now:', "
            "dict(done) or 0, file=sys.stderr)",
            stdout=subprocess.DEVNULL,
        )
    else:
        shutil.rmtree(var_dir, ignore_errors=True)
        var_dir.mkdir(parents=True)
        db_url = database_url(db, size)
        env = environment(db_url, var_dir)
        # The access code hashes are keyed with SECRET_KEY: the server must use the same one.
        (var_dir / "secret_key").write_text(env["SECRET_KEY"])
        log(f"{db} {size:,}: migrate")
        manage(env, "migrate", "--noinput", "-v0", stdout=subprocess.DEVNULL)
        log(f"{db} {size:,}: generate_data --questions {size}")
        started = time.monotonic()
        manage(
            env,
            "generate_data",
            "--questions",
            str(size),
            "--seed",
            str(args.seed),
            "--password",
            PASSWORD,
            "--manifest",
            str(manifest_path),
        )
        log(f"generated in {time.monotonic() - started:.0f} s")
        # generate_data bulk-creates rows (no save signals): build the search index once;
        # not for a run of pages that never search (e.g. --only dashboard,queue at 100,000,
        # where the rebuild takes longer than the measurements).
        if args.only is None or args.only & SEARCHING_ENDPOINTS:
            log(f"{db} {size:,}: search_index rebuild")
            started = time.monotonic()
            manage(env, "search_index", "rebuild", stdout=subprocess.DEVNULL)
            log(f"search index built in {time.monotonic() - started:.0f} s")
        else:
            log(f"{db} {size:,}: no search index (none of {sorted(args.only)} searches)")
        if db == "postgres":
            vacuum(env)
    if not (BENCH_DIR / "static" / "staticfiles.json").exists():
        log("collectstatic")
        manage(env, "collectstatic", "--noinput", "-v0")
    manifest = json.loads(manifest_path.read_text())
    reports = []
    for search in args.search:
        run_env, only = dict(env), args.only
        if search == "elasticsearch":
            # The same data, indexed in Elasticsearch too; only the search pages are measured.
            run_env["ELASTICSEARCH_URL"] = elasticsearch_url()
            run_env["ELASTICSEARCH_INDEX_PREFIX"] = f"bench-{db}-{size}"
            only = set(SEARCH_ENDPOINTS) & (args.only or set(SEARCH_ENDPOINTS))
            if reuse and elasticsearch_current(run_env):
                log(f"{db} {size:,}: the Elasticsearch index holds every document: kept")
            else:
                # The database's index is current (built above or kept with the data set):
                # only Elasticsearch's is built, its progress and rate shown.
                log(f"{db} {size:,}: search_index rebuild --only elasticsearch")
                started = time.monotonic()
                manage(run_env, "search_index", "rebuild", "--only", "elasticsearch")
                log(f"Elasticsearch index built in {time.monotonic() - started:.0f} s")
        log(f"{db} {size:,}: measuring on a copy of the data set (dropped afterwards)")
        with working_copy(run_env) as copy_env:
            results, memory = measure(copy_env, manifest, manifest_path, var_dir, args, only)
        reports.append(
            {
                "db": db,
                "search": search,
                "size": size,
                "users": args.users,
                "duration_s": args.duration,
                "machine": machine(),
                "data": {
                    k: manifest.get(k) for k in ("questions", "messages", "attachments", "articles")
                },
                "generate_seconds": manifest.get("seconds_questions"),
                "endpoints": results,
                "memory": memory,
            }
        )
    return reports


def elasticsearch_current(env) -> bool:
    """Whether every kind has as many documents in Elasticsearch as in the database's index,
    in an index of the mapping this code writes."""
    out = manage(env, "search_index", "status", capture_output=True, text=True).stdout
    if "mapping outdated" in out:  # search.backends.elastic.OUTDATED
        return False
    counts = [line for line in out.splitlines() if ": objects " in line]
    if not counts:
        return False
    for line in counts:
        values = dict(part.strip().rsplit(" ", 1) for part in line.split(":", 1)[1].split(","))
        if values.get("elasticsearch") in (None, "None", "0") or (
            values["elasticsearch"] != values["database"]
        ):
            return False
    return True


def elasticsearch_url() -> str:
    """ELASTICSEARCH_URL when set, else the node of .ci/elasticsearch (started if need be)."""
    url = os.environ.get("ELASTICSEARCH_URL")
    if url:
        return url
    return subprocess.run(
        [str(ROOT / ".ci" / "elasticsearch"), "start"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def measure(env, manifest, manifest_path, var_dir, args, only) -> tuple[dict, dict]:
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    logs = var_dir / "logs"
    logs.mkdir(exist_ok=True)
    server = worker = None
    try:
        worker = subprocess.Popen(
            [str(BIN / "python"), "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=open(logs / "qcluster.log", "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                # Production's settings (timeouts, worker replacement, gc.freeze after loading).
                "-c",
                "python:backoffice.gunicorn_conf",
                "backoffice.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--forwarded-allow-ips",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=open(logs / "gunicorn.log", "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(f"{host}/health/")
        # One sign-in for all staff clients, before the clock runs: a password check costs a
        # few seconds of CPU here (PBKDF2) and would eat most of a short measuring window.
        thread = (manifest.get("long_threads") or [{}])[0]
        specialist = manifest.get("specialist_by_region", {}).get(thread.get("region"))
        if specialist:
            env = dict(env, BENCH_STAFF_SESSION=sign_in(host, specialist, var_dir / "mfa.json"))
        coordinators = manifest.get("accounts", {}).get("coordinator") or []
        if coordinators and (not only or "dashboard" in only):
            session = sign_in(host, coordinators[0], var_dir / "mfa.json")
            env = dict(env, BENCH_COORDINATOR_SESSION=session)
        log(f"warm-up ({args.warmup} s per endpoint)")
        meter = cpu.CpuMeter({server.pid: "web", worker.pid: "task worker"}, postgres_database(env))
        results = {}
        for endpoint in ENDPOINTS:
            if only and endpoint.key not in only:
                continue
            prefix = logs / f"{endpoint.key}"
            if args.warmup:
                run_locust(env, host, endpoint, manifest_path, 1, args.warmup, f"{prefix}-warm")
            before = count_questions(env) if endpoint.session == "intake" else 0
            meter.start()
            result = run_locust(
                env, host, endpoint, manifest_path, args.users, args.duration, prefix
            )
            if "skipped" not in result:
                result["cpu"] = meter.stop(result["requests"])
            if endpoint.session == "intake" and "skipped" not in result:
                stored = count_questions(env) - before
                succeeded = result["requests"] - result["failures"]
                result["stored"] = stored
                result["lost"] = max(0, succeeded - stored)
            result["label"] = endpoint.label
            result["target_p95_ms"] = endpoint.target_p95_ms
            results[endpoint.key] = result
            shown = result.get("skipped") or (
                f"p95 {result['p95_ms']} ms, {result['rps']} req/s; {cpu.describe(result['cpu'])}"
            )
            log(f"  {endpoint.label}: {shown}")
        memory = {
            "gunicorn_workers_rss_mib": [
                round(rss_kib(pid) / 1024, 1) for pid in descendants(server.pid)
            ],
            "gunicorn_master_rss_mib": round(rss_kib(server.pid) / 1024, 1),
            "qcluster_processes_rss_mib": [
                round(rss_kib(pid) / 1024, 1) for pid in descendants(worker.pid)
            ],
            "qcluster_main_rss_mib": round(rss_kib(worker.pid) / 1024, 1),
        }
    finally:
        stop(server)
        stop(worker)
    return results, memory


def postgres_database(env) -> str | None:
    """The name of the PostgreSQL database served, for counting its backends' CPU."""
    parts = urlsplit(env.get("DATABASE_URL", ""))
    if not parts.scheme.startswith("postg"):
        return None
    return parts.path.lstrip("/") or None


def machine() -> dict:
    load = Path("/proc/loadavg").read_text().split()[:3]
    return {"cores": os.cpu_count(), "loadavg_at_end": load, "time": time.strftime("%F %T %Z")}


def table(report: dict) -> str:
    load = " ".join(report["machine"]["loadavg_at_end"])
    lines = [
        f"\n{report['db']}, search {report.get('search', 'database')}, "
        f"{report['size']:,} questions, {report['users']} clients, "
        f"{report['duration_s']} s per endpoint, load average {load}",
        f"{'endpoint':<26}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'req/s':>8}"
        f"{'fail':>6}  target p95",
    ]
    for result in report["endpoints"].values():
        if "skipped" in result:
            lines.append(f"{result['label']:<26}  skipped: {result['skipped']}")
            continue
        target = result["target_p95_ms"]
        verdict = ""
        if target:
            verdict = f"≤ {target} ms " + ("met" if result["p95_ms"] <= target else "MISSED")
        if "lost" in result:
            verdict += f"; {result['stored']} stored, {result['lost']} lost"
            verdict += f"; {'≥' if result['rps'] >= INTAKE_MIN_RPS else '<'} {INTAKE_MIN_RPS}/s"
        lines.append(
            f"{result['label']:<26}{result['p50_ms']:>8.0f}{result['p95_ms']:>8.0f}"
            f"{result['p99_ms']:>8.0f}{result['rps']:>8.1f}{result['failures']:>6}  {verdict}"
        )
    lines.append("where the CPU went (bench/cpu.py):")
    for result in report["endpoints"].values():
        if "cpu" in result:
            lines.append(f"  {result['label']:<24}{cpu.describe(result['cpu'])}")
    memory = report["memory"]
    lines.append(
        f"RSS after the run: gunicorn workers {memory['gunicorn_workers_rss_mib']} MiB, "
        f"qcluster {memory['qcluster_main_rss_mib']} MiB + processes "
        f"{memory['qcluster_processes_rss_mib']} MiB"
    )
    return "\n".join(lines)


def side_by_side(reports: list[dict]) -> str:
    """The search pages on both backends, one row per page, for each database and size that
    ran both."""
    lines = []
    by = {(r["db"], r["size"], r.get("search", "database")): r for r in reports}
    for db, size, search in sorted(by):
        if search != "database" or (db, size, "elasticsearch") not in by:
            continue
        database, elastic = by[(db, size, "database")], by[(db, size, "elasticsearch")]
        lines += [
            f"\n{db}, {size:,} questions: database beside Elasticsearch "
            f"({elastic['users']} clients, {elastic['duration_s']} s per endpoint)",
            f"{'endpoint':<26}{'target':>7}{'db p50':>8}{'db p95':>8}{'es p50':>8}{'es p95':>8}"
            f"{'db req/s':>9}{'es req/s':>9}",
        ]
        for key, result in elastic["endpoints"].items():
            other = database["endpoints"].get(key, {})
            if "p95_ms" not in result or "p95_ms" not in other:
                continue
            lines.append(
                f"{result['label']:<26}{result['target_p95_ms'] or '':>7}"
                f"{other['p50_ms']:>8.0f}{other['p95_ms']:>8.0f}"
                f"{result['p50_ms']:>8.0f}{result['p95_ms']:>8.0f}"
                f"{other['rps']:>9.1f}{result['rps']:>9.1f}"
            )
    return "\n".join(lines)


def growth(reports: list[dict]) -> str:
    lines = []
    by = {(r["db"] + "/" + r.get("search", "database"), r["size"]): r for r in reports}
    for db in sorted({d for d, _size in by}):
        sizes = sorted(size for d, size in by if d == db)
        if len(sizes) < 2:
            continue
        small, large = by[(db, sizes[0])], by[(db, sizes[-1])]
        lines.append(f"\ngrowth of p95, {db}, {sizes[0]:,} → {sizes[-1]:,} (limit ×{GROWTH_LIMIT})")
        for key, result in large["endpoints"].items():
            before = small["endpoints"].get(key, {})
            if "p95_ms" not in result or not before.get("p95_ms"):
                continue
            factor = result["p95_ms"] / before["p95_ms"]
            verdict = "met" if factor <= GROWTH_LIMIT else "MISSED"
            lines.append(f"{result['label']:<26}×{factor:.2f} {verdict}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or both: sqlite,postgres")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated question counts")
    parser.add_argument("--users", type=int, default=4, help="concurrent clients")
    parser.add_argument("--duration", type=int, default=20, help="seconds per endpoint")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per endpoint")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--search",
        default="database",
        help="database, elasticsearch or both: database,elasticsearch (Elasticsearch: "
        "ELASTICSEARCH_URL, else the node of .ci/elasticsearch; search pages only)",
    )
    parser.add_argument("--only", help="comma-separated endpoint keys (default: all)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the data set an earlier run built (its manifest and database)",
    )
    args = parser.parse_args()
    args.only = set(args.only.split(",")) if args.only else None
    args.search = args.search.split(",")
    reports = []
    for db in args.db.split(","):
        for size in (int(s.replace("_", "")) for s in args.sizes.split(",")):
            for report in bench_one(db, size, args):
                suffix = "" if report["search"] == "database" else f"-{report['search']}"
                path = BENCH_DIR / f"results-{db}-{size}{suffix}.json"
                path.write_text(json.dumps(report, indent=2))
                print(table(report), flush=True)
                log(f"written {path}")
                reports.append(report)
    print(side_by_side(reports))
    print(growth(reports))


if __name__ == "__main__":
    main()
