"""Where one request's time goes: per staff page, the share of template rendering, SQL and the
rest of Python, measured in one process with Django's test client against the data set an
earlier `bench/run` built, in the environment bench/run serves it with (`DEBUG=false`, same
settings), through the whole middleware stack, signed in as bench/run signs in (password and
the MFA step).

    bench/profile_pages.py --size 10000 --runs 20
    bench/profile_pages.py --size 10000 --pages queue --cprofile 25   # the 25 costliest calls
    bench/profile_pages.py --tree /tmp/base                           # another checkout's code

Templates: time inside Django template rendering (outermost render only), less the SQL run
from inside it; SQL: time in the database cursor; Python: the rest of the request. One
request at a time, so the figures are a single request's, not a loaded server's.
See docs/benchmarks.md ("Staff pages faster").
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# key: (label, path, who). Paths formatted with the manifest as bench/endpoints.py does.
PAGES = {
    "queue": ("staff queue", "/admin/questions/", "staff"),
    "queue_filtered": (
        "staff queue, filtered",
        "/admin/questions/?status=open&legal_domain={domain_pk}",
        "staff",
    ),
    "queue_page_50": ("staff queue, page 50", "/admin/questions/?status=closed&p=50", "staff"),
    "staff_search": ("staff search", "/admin/questions/?q=gezinshereniging", "staff"),
    "public_search": ("public search", "/nl/search/?q=verblijfskaart", None),
    "intake_suggestions": (
        "intake suggestions",
        "/nl/search/suggestions/?q=mijn+verblijfskaart+verlengen",
        None,
    ),
    "workspace": ("specialist workspace", "/admin/questions/{long_thread_pk}/workspace/", "staff"),
    "follow_up": ("follow-up page", "/nl/follow-up/{reference}/", "follow_up"),
    "dashboard": ("coordinator dashboard", "/admin/dashboard/", "coordinator"),
    "intake": ("intake POST", "/nl/ask/", "intake"),
    # Wagtail's icon sprite: a view that does next to nothing, behind the whole middleware stack
    # for a signed-in specialist (session, authentication, OTP, session policy, MFA, messages).
    "trivial": ("trivial view (signed in)", "/admin/sprite/", "staff"),
    "trivial_anonymous": ("trivial view (anonymous)", "/admin/sprite/", None),
}
DEFAULT_PAGES = "queue,queue_filtered,staff_search,follow_up,intake,trivial,trivial_anonymous"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def outer(args) -> None:
    import runner

    var_dir = runner.BENCH_DIR / f"{args.db}-{args.size}"
    env = runner.environment(runner.database_url(args.db, args.size, fresh=False), var_dir)
    env["SECRET_KEY"] = (var_dir / "secret_key").read_text()
    env["BENCH_VAR_DIR"] = str(var_dir)
    if args.search == "elasticsearch":
        # As bench/run serves it: the node of ELASTICSEARCH_URL (else .ci/elasticsearch's) and
        # the index its run built for this data set.
        env["ELASTICSEARCH_URL"] = runner.elasticsearch_url()
        # (ELASTICSEARCH_INDEX_PREFIX when set: e.g. an index another checkout built)
        env.setdefault("ELASTICSEARCH_INDEX_PREFIX", f"bench-{args.db}-{args.size}")
    if args.compare:
        compare(args, env)
        return
    tree = Path(args.tree).resolve() if args.tree else runner.ROOT
    env["PYTHONPATH"] = str(tree)
    command = [str(runner.BIN / "python"), str(HERE / "profile_pages.py"), "--inner", *sys.argv[1:]]
    sys.exit(subprocess.run(command, cwd=tree, env=env).returncode)


def compare(args, env) -> None:
    """Each tree (label=path) in turn, `--rounds` times, so the machine's load weighs on every
    tree alike; medians over all rounds and the ratio of each tree to the first."""
    import runner

    trees = [item.split("=", 1) for item in args.compare.split(",")]
    collected = {label: {} for label, _path in trees}
    out = runner.BENCH_DIR / "profile-compare"
    out.mkdir(exist_ok=True)
    for round_number in range(args.rounds):
        for label, tree in trees:
            runner.log(f"round {round_number + 1}: {label} ({tree})")
            result = out / f"{label}-{round_number}.json"
            command = [
                str(runner.BIN / "python"),
                str(HERE / "profile_pages.py"),
                "--inner",
                *(f"--{name}={value}" for name, value in
                  (("db", args.db), ("size", args.size), ("pages", args.pages),
                   ("runs", args.runs), ("warmup", args.warmup), ("samples", result),
                   ("search", args.search))),
            ]  # fmt: skip
            tree_env = dict(env, PYTHONPATH=str(Path(tree).resolve()))
            subprocess.run(command, cwd=tree, env=tree_env, check=True, stdout=subprocess.DEVNULL)
            for key, samples in json.loads(result.read_text()).items():
                collected[label].setdefault(key, []).extend(samples)
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    first = trees[0][0]
    print(
        f"\n{args.db}, {args.size:,} questions, in-process, {args.rounds} interleaved rounds of "
        f"{args.runs} requests per page and tree; medians (ms); load average {load}"
    )
    header = "".join(f"{label:>22}" for label, _ in trees)
    ratios = "".join(f"{label + '/' + first:>14}" for label, _ in trees[1:])
    print(f"{'page':<28}{header}{ratios}")
    for key in args.pages.split(","):
        medians = {}
        cells = []
        for label, _ in trees:
            samples = collected[label][key]
            medians[label] = {
                name: statistics.median(s[name] for s in samples) for name in samples[0]
            }
            m = medians[label]
            cells.append(f"{m['total']:7.1f} (t{m['template']:5.1f})")
        ratio = "".join(
            f"{medians[label]['total'] / medians[first]['total']:>14.2f}" for label, _ in trees[1:]
        )
        print(f"{PAGES[key][0]:<28}{''.join(f'{c:>22}' for c in cells)}{ratio}")
    for label, _ in trees:
        print(f"\n{label}: where one request's time goes (medians)")
        print_shares({key: collected[label][key] for key in args.pages.split(",")})
    (out / "summary.json").write_text(json.dumps(collected))


class Meter:
    """Time in SQL and in (outermost) template rendering during one request."""

    def __init__(self):
        self.sql = 0.0
        self.queries = 0
        self.template = 0.0
        self.sql_in_template = 0.0
        self.depth = 0
        self.log = []
        self.by_template = {}  # name: inclusive seconds, for --templates
        self.open_names = []
        self.es = self.took = 0.0  # Elasticsearch: round trips (client side) and node's `took`
        self.es_requests = 0
        self.gc = 0.0  # the collector may run before the first reset()
        self.gc_full = 0

    def reset(self):
        self.sql = self.template = self.sql_in_template = 0.0
        self.es = self.took = 0.0
        self.queries = self.es_requests = 0
        self.gc = 0.0
        self.gc_full = 0
        self.log = []  # (seconds, SQL) of this request only, for --queries

    def install_gc(self):
        """Time in Python's cyclic garbage collector (counted in whatever part it interrupts)."""
        import gc

        meter = self
        started = []

        def callback(phase, info):
            if phase == "start":
                started.append(time.perf_counter())
            elif started:
                meter.gc += time.perf_counter() - started.pop()
                meter.gc_full += info.get("generation") == 2

        gc.callbacks.append(callback)

    def execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.sql += elapsed
            self.queries += 1
            self.log.append((elapsed, sql))

    def install(self):
        from django.template import base

        meter = self
        render = base.Template.render

        def timed_render(template, context):
            name = template.name or "<string>"
            if name not in meter.open_names:
                meter.open_names.append(name)
                started = time.perf_counter()
                try:
                    return timed_outer(template, context)
                finally:
                    meter.by_template[name] = meter.by_template.get(name, 0.0) + (
                        time.perf_counter() - started
                    )
                    meter.open_names.remove(name)
            return timed_outer(template, context)

        def timed_outer(template, context):
            if meter.depth:
                return render(template, context)
            meter.depth += 1
            sql_before = meter.sql
            started = time.perf_counter()
            try:
                return render(template, context)
            finally:
                meter.template += time.perf_counter() - started
                meter.sql_in_template += meter.sql - sql_before
                meter.depth -= 1

        base.Template.render = timed_render

    def install_elasticsearch(self):
        """Time in the Elasticsearch client (request sent, answer read and decoded) and the
        node's own `took` (for an msearch: the sum of its searches' `took`)."""
        from elastic_transport import Transport

        meter = self
        perform = Transport.perform_request

        def timed_perform(transport, *args, **kwargs):
            started = time.perf_counter()
            try:
                response = perform(transport, *args, **kwargs)
            finally:
                meter.es += time.perf_counter() - started
                meter.es_requests += 1
            body = getattr(response, "body", None)
            if isinstance(body, dict):
                if "responses" in body:
                    meter.took += sum(r.get("took", 0) for r in body["responses"]) / 1000
                else:
                    meter.took += body.get("took", 0) / 1000
            return response

        Transport.perform_request = timed_perform


def inner(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    import django

    django.setup()
    import runner
    from django.db import connection
    from django.test import Client

    var_dir = Path(os.environ["BENCH_VAR_DIR"])
    manifest = json.loads((var_dir / "manifest.json").read_text())
    thread = manifest["long_threads"][0]
    code = manifest["known_codes"][0]
    values = {
        "long_thread_pk": thread["pk"],
        "domain_pk": next(iter(manifest["form"]["domains"].values())),
        "reference": code["reference"],
    }
    origin = "https://127.0.0.1"
    defaults = {"HTTP_HOST": "127.0.0.1", "HTTP_ORIGIN": origin, "HTTP_REFERER": origin + "/"}

    def client():
        return Client(enforce_csrf_checks=True, **defaults)

    def token(c, path):
        page = c.get(path, secure=True)
        found = CSRF_INPUT.search(page.content.decode())
        return found.group(1) if found else c.cookies["csrftoken"].value

    def sign_in(username):
        c = client()
        response = c.post(
            "/nl/login/",
            {
                "username": username,
                "password": runner.PASSWORD,
                "csrfmiddlewaretoken": token(c, "/nl/login/"),
            },
            secure=True,
        )
        assert response.status_code == 302, f"sign-in of {username}: {response.status_code}"
        secrets_file = var_dir / "mfa.json"
        secrets = json.loads(secrets_file.read_text()) if secrets_file.exists() else {}
        for attempt in range(3):
            page = c.get("/admin/", secure=True)
            location = page.headers.get("Location", "")
            if page.status_code == 200 or not location.startswith("/admin/security/mfa/"):
                return c
            page = c.get(location, secure=True)
            shown = re.search(r"data-mfa-secret[^>]*>([A-Z2-7]+)<", page.content.decode())
            if shown:
                secrets[username] = shown.group(1)
                secrets_file.write_text(json.dumps(secrets))
            if attempt:
                time.sleep(30 - time.time() % 30 + 1)
            c.post(
                location,
                {
                    "code": runner.totp(secrets[username]),
                    "csrfmiddlewaretoken": CSRF_INPUT.search(page.content.decode()).group(1),
                },
                secure=True,
            )
        raise SystemExit(f"the MFA step of {username} failed")

    def staff_client():
        """The specialist's session of an earlier run while it is still valid (a TOTP code is
        accepted once: runs in turn would each wait for the next 30-second step), else a
        new sign-in, kept for the next run."""
        kept = var_dir / "profile-session.json"
        if kept.exists():
            c = client()
            c.cookies["sessionid"] = json.loads(kept.read_text())["sessionid"]
            if c.get("/admin/questions/", secure=True).status_code == 200:
                return c
        c = sign_in(manifest["specialist_by_region"][thread["region"]])
        kept.write_text(json.dumps({"sessionid": c.cookies["sessionid"].value}))
        return c

    def follow_up():
        c = client()
        response = c.post(
            "/nl/follow-up/",
            {
                "reference": code["reference"],
                "code": code["code"],
                "csrfmiddlewaretoken": token(c, "/nl/follow-up/"),
            },
            secure=True,
        )
        assert response.status_code == 302, f"opening {code['reference']}: {response.status_code}"
        return c

    clients = {}

    def client_for(who):
        if who not in clients:
            if who == "staff":
                clients[who] = staff_client()
            elif who == "follow_up":
                clients[who] = follow_up()
            elif who == "coordinator":
                clients[who] = sign_in(manifest["accounts"]["coordinator"][0])
            else:
                clients[who] = client()
        return clients[who]

    form = manifest["form"]

    def request(key):
        _label, path, who = PAGES[key]
        c = client_for(who)
        path = path.format(**values)
        if key != "intake":
            return c.get(path, secure=True), 200
        data = {
            "csrfmiddlewaretoken": c.cookies["csrftoken"].value
            if "csrftoken" in c.cookies
            else token(c, path),
            "legal_domain": form["legal_domain"],
            "subject": "Verlenging van mijn verblijfskaart",
            "body": "Mijn kaart verloopt over drie weken. Wat moet ik doen?",
            "municipality": form["municipality"],
            "contact_language": "nl",
            "submission_token": str(uuid.uuid4()),
            "processing_consent": "on",
            "website": "",
            "files": _pdf(),
        }
        return c.post(path, data, secure=True), 302

    meter = Meter()
    meter.install()
    meter.install_gc()
    if os.environ.get("ELASTICSEARCH_URL"):
        meter.install_elasticsearch()
    pages = args.pages.split(",")
    rows = {}
    with connection.execute_wrapper(meter.execute):
        for key in pages:
            if key == "intake":
                client_for("intake")
                token(clients["intake"], "/nl/ask/")
            samples = []
            profiler = None
            for index in range(args.warmup + args.runs):
                measured = index >= args.warmup
                if measured and args.cprofile and profiler is None:
                    import cProfile

                    profiler = cProfile.Profile()
                meter.reset()
                if index == args.warmup:
                    meter.by_template = {}
                started = time.perf_counter()
                if profiler and measured:
                    profiler.enable()
                response, expected = request(key)
                if profiler and measured:
                    profiler.disable()
                total = time.perf_counter() - started
                if response.status_code != expected:
                    raise SystemExit(f"{key}: {response.status_code} {response.get('Location')}")
                if measured:
                    template = meter.template - meter.sql_in_template
                    samples.append(
                        {
                            "total": total * 1000,
                            "sql": meter.sql * 1000,
                            "template": template * 1000,
                            "python": (total - meter.sql - template - meter.es) * 1000,
                            "queries": meter.queries,
                            "es": meter.es * 1000,
                            "took": meter.took * 1000,
                            "es_requests": meter.es_requests,
                            "gc": meter.gc * 1000,
                            "gc_full": meter.gc_full,
                        }
                    )
            rows[key] = samples
            if args.templates:
                ranked = sorted(meter.by_template.items(), key=lambda item: -item[1])
                print(
                    f"\n--- {PAGES[key][0]}: templates, inclusive ms per request", file=sys.stderr
                )
                for name, seconds in ranked[: args.templates]:
                    print(f"{1000 * seconds / args.runs:8.2f}  {name}", file=sys.stderr)
            meter.by_template = {}
            if args.queries:
                print(f"\n--- {PAGES[key][0]}: queries of the last request", file=sys.stderr)
                for seconds, sql in sorted(meter.log, key=lambda item: -item[0])[: args.queries]:
                    print(f"{1000 * seconds:8.2f}  {sql[:300]}", file=sys.stderr)
            if profiler:
                import pstats

                print(f"\n--- {PAGES[key][0]}: {args.runs} requests", file=sys.stderr)
                stats = pstats.Stats(profiler, stream=sys.stderr)
                stats.sort_stats("cumulative").print_stats(args.cprofile)
                stats.sort_stats("tottime").print_stats(args.cprofile)
                if os.environ.get("BENCH_CALLEES"):
                    stats.print_callees(os.environ["BENCH_CALLEES"])
    print_table(rows, args)


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")


def print_shares(rows) -> dict:
    """Medians per page. With Elasticsearch: `ES` is the time in its client (round trips,
    decoding), `took` the node's own part of it; Python excludes both."""
    es = any(s.get("es_requests") for samples in rows.values() for s in samples)
    extra = f"{'ES':>11}{'took':>7}{'calls':>6}" if es else ""
    print(
        f"{'page':<28}{'total ms':>9}{'templates':>11}{'SQL':>11}{'Python':>11}{'queries':>9}"
        + extra
    )
    out = {}
    for key, samples in rows.items():
        median = {name: statistics.median(s.get(name, 0) for s in samples) for name in samples[0]}
        total = median["total"]
        parts = [
            f"{median[name]:5.1f} {100 * median[name] / total:3.0f}%"
            for name in ("template", "sql", "python", "es")
        ]
        print(
            f"{PAGES[key][0]:<28}{total:9.1f}{parts[0]:>11}{parts[1]:>11}{parts[2]:>11}"
            f"{median['queries']:9.0f}"
            + (f"{parts[3]:>11}{median['took']:7.1f}{median['es_requests']:6.0f}" if es else "")
        )
        out[key] = median
    return out


def print_table(rows, args) -> None:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(
        f"\n{args.db}, {args.size:,} questions, one request at a time in-process, "
        f"{args.runs} runs after {args.warmup}; medians; load average {load}"
    )
    out = print_shares(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    if args.samples:
        Path(args.samples).write_text(json.dumps(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--pages", default=DEFAULT_PAGES)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--cprofile", type=int, default=0, help="print the N costliest calls")
    parser.add_argument("--templates", type=int, default=0, help="print the N costliest templates")
    parser.add_argument("--queries", type=int, default=0, help="print the N slowest queries")
    parser.add_argument("--tree", default="", help="profile the code of another checkout")
    parser.add_argument("--json", default="", help="also write the medians to this file")
    parser.add_argument(
        "--compare",
        default="",
        help="label=path,label=path: checkouts to compare, interleaved (ratios to the first)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--search",
        default="database",
        choices=("database", "elasticsearch"),
        help="the search backend: elasticsearch uses ELASTICSEARCH_URL (else the node of "
        ".ci/elasticsearch) and the index `bench/run --search elasticsearch` built",
    )
    parser.add_argument("--samples", default="", help=argparse.SUPPRESS)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args)
    else:
        outer(args)


if __name__ == "__main__":
    main()
