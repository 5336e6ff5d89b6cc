"""One request alone: each staff page requested by one client, one request at a time, against
gunicorn started as bench/run starts it (same environment, no load tool, no worker running), on
the data set an earlier `bench/run` built. Prints the median and p90 of the server's own time
(gunicorn's access log) and of the client's, per page and per setting compared.

    bench/alone.py --sizes 10000 --runs 30 --compare CONN_MAX_AGE=0,CONN_MAX_AGE=60
    bench/alone.py --pages queue,staff_search --compare TREE=/tmp/before,TREE=.

`--compare` starts the server once per setting, in turn, `--rounds` times (interleaved, so that
the machine's load weighs on every setting alike); without it, the defaults of bench/run.
See docs/benchmarks.md ("One request alone").
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import runner  # noqa: E402
from endpoints import BY_KEY  # noqa: E402

DEFAULT_PAGES = "queue,staff_search,workspace"


def serve(env, logs: Path, port: int) -> subprocess.Popen:
    # TREE=<path> in a compared setting serves another checkout's code (e.g. a `git archive`
    # of an earlier commit): before/after, interleaved, against the same data set.
    tree = Path(env["TREE"]).resolve() if env.get("TREE") else runner.ROOT
    if env.get("TREE"):
        env = dict(env, PYTHONPATH=str(tree))
    return subprocess.Popen(
        [
            str(runner.BIN / "gunicorn"),
            "backoffice.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--forwarded-allow-ips",
            "127.0.0.1",
            "--access-logfile",
            str(logs / "access.log"),
            # Path and the server's time for the request in milliseconds.
            "--access-logformat",
            "%(U)s %(M)s",
        ],
        cwd=tree,
        env=env,
        stdout=open(logs / "gunicorn.log", "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def measure(host, session, path, runs, warmup) -> list[float]:
    import requests

    headers = {"X-Forwarded-Proto": "https"}
    times = []
    for index in range(warmup + runs):
        started = time.perf_counter()
        response = requests.get(
            f"{host}{path}",
            headers=headers,
            cookies={"sessionid": session},
            allow_redirects=False,
            timeout=60,
        )
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:  # a redirect (to sign in, to MFA) is not the page
            raise SystemExit(f"{path}: {response.status_code} {response.headers.get('Location')}")
        if index >= warmup:
            times.append(elapsed)
    return times


def server_times(log: Path, path: str, runs: int) -> list[float]:
    rows = [line.split() for line in log.read_text().splitlines()]
    return [float(ms) for url, ms in rows if url == path.split("?")[0]][-runs:]


def one_setting(size, db, setting: dict, pages, runs, warmup) -> dict:
    var_dir = runner.BENCH_DIR / f"{db}-{size}"
    manifest = json.loads((var_dir / "manifest.json").read_text())
    env = runner.environment(runner.database_url(db, size, fresh=False), var_dir)
    env["SECRET_KEY"] = (var_dir / "secret_key").read_text()
    env.update(setting)
    logs = var_dir / "logs-alone"
    logs.mkdir(exist_ok=True)
    (logs / "access.log").unlink(missing_ok=True)
    thread = manifest["long_threads"][0]
    values = {
        "long_thread_pk": thread["pk"],
        "domain_pk": next(iter(manifest["form"]["domains"].values())),
    }
    port = runner.free_port()
    host = f"http://127.0.0.1:{port}"
    server = serve(env, logs, port)
    results = {}
    try:
        runner.wait_for(f"{host}/health/")
        specialist = manifest["specialist_by_region"][thread["region"]]
        session = runner.sign_in(host, specialist, var_dir / "mfa.json")
        for key in pages:
            path = BY_KEY[key].path.format(**values)
            client = measure(host, session, path, runs, warmup)
            # Several paths share /admin/questions/: one page at a time, so the last lines are it.
            served = server_times(logs / "access.log", path, runs)
            results[key] = {"client_ms": client, "server_ms": served}
    finally:
        runner.stop(server)
    return results


def summary(values: list[float]) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"{statistics.median(ordered):7.1f} {p90:7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--pages", default=DEFAULT_PAGES)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--compare",
        default="",
        help="settings to compare, e.g. CONN_MAX_AGE=0,CONN_MAX_AGE=60 (NAME=VALUE;NAME=VALUE,…)",
    )
    args = parser.parse_args()
    pages = args.pages.split(",")
    settings = [
        dict(item.split("=", 1) for item in choice.split(";") if item)
        for choice in (args.compare.split(",") if args.compare else [""])
    ]
    for size in (int(s) for s in args.sizes.split(",")):
        collected = {
            i: {key: {"client_ms": [], "server_ms": []} for key in pages}
            for i in range(len(settings))
        }
        for _round in range(args.rounds):
            for index, setting in enumerate(settings):
                runner.log(f"{args.db} {size:,}: {setting or 'bench/run defaults'}")
                found = one_setting(size, args.db, setting, pages, args.runs, args.warmup)
                for key, times in found.items():
                    for kind, values in times.items():
                        collected[index][key][kind].extend(values)
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        print(f"\n{args.db}, {size:,} questions, one request at a time, load average {load}")
        print(f"{'page':<26}{'setting':<22}{'server p50 p90':>16}{'client p50 p90':>16}")
        for key in pages:
            for index, setting in enumerate(settings):
                label = ";".join(f"{k}={v}" for k, v in setting.items()) or "defaults"
                row = collected[index][key]
                print(
                    f"{BY_KEY[key].label:<26}{label:<22}"
                    f"{summary(row['server_ms']):>16}{summary(row['client_ms']):>16}"
                )
        out = runner.BENCH_DIR / f"alone-{args.db}-{size}.json"
        out.write_text(json.dumps({"settings": settings, "results": collected}, indent=1))
        runner.log(f"written {out}")


if __name__ == "__main__":
    main()
