"""Production's gunicorn settings (backoffice/gunicorn_conf.py) freeze what loading the app
made in each worker: the garbage collector's full collections then walk only what requests
make, not the ~200,000 objects of modules, URL patterns and catalogues (about 100 ms each)."""

import contextlib
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.test_rate_limits_workers import GUNICORN, _free_port, _stop

REPO = Path(__file__).resolve().parent.parent
FROZEN = re.compile(r"(\d+) objects of the loaded app frozen")
PRELOADED = "app preloaded in the master"


def _gunicorn(tmp_path, **settings):
    if not Path(GUNICORN).exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[test]' installs it)")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_SYNC", "REDIS_URL", "DATABASE_URL"}
    }
    port = _free_port()
    env.update(
        DJANGO_SETTINGS_MODULE="backoffice.settings",
        DEBUG="true",
        SECRET_KEY="gunicorn-workers-test-key",
        VAR_DIR=str(tmp_path),
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    env.update({"WEB_CONCURRENCY": "2", **settings})
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [GUNICORN, "-c", "python:backoffice.gunicorn_conf", "backoffice.wsgi:application"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    return process, log, f"http://127.0.0.1:{port}"


def _wait_for_workers(process, log, count: int) -> list[str]:
    deadline = time.time() + 120
    while time.time() < deadline and len(FROZEN.findall(log.read_text())) < count:
        assert process.poll() is None, log.read_text()[-2000:]
        time.sleep(0.3)
    return [line for line in log.read_text().splitlines() if FROZEN.search(line)]


def test_every_worker_freezes_the_loaded_app(tmp_path):
    process, log, _url = _gunicorn(tmp_path)
    try:
        lines = _wait_for_workers(process, log, 2)
    finally:
        _stop(process)
    frozen = [int(FROZEN.search(line).group(1)) for line in lines]
    assert len(frozen) == 2, log.read_text()[-2000:]  # one line per worker
    assert min(frozen) > 50_000  # the app's modules and catalogues, not a handful


def test_a_replaced_worker_is_a_fork_of_the_loaded_app(tmp_path):
    """Workers are replaced after max_requests; each new one must serve at once, not load
    Django and Wagtail again (seconds, seen as a stall in the busiest minute's slowest
    requests): the app is loaded in the master and each worker is a fork of it."""
    process, log, url = _gunicorn(
        tmp_path, WEB_CONCURRENCY="1", GUNICORN_MAX_REQUESTS="2", GUNICORN_MAX_REQUESTS_JITTER="0"
    )
    try:
        _wait_for_workers(process, log, 1)
        for _request in range(7):
            with contextlib.suppress(urllib.error.HTTPError):  # the database is not migrated
                urllib.request.urlopen(f"{url}/nl/", timeout=30).close()  # noqa: S310 - http://
        lines = _wait_for_workers(process, log, 4)
    finally:
        _stop(process)
    assert len(lines) >= 4, log.read_text()[-3000:]  # the first worker and its replacements
    assert all(PRELOADED in line for line in lines), lines
