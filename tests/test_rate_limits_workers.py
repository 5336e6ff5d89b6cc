"""Finding 5: the follow-up code limit holds across worker processes.

Two gunicorn workers serve the app, as in production, and each worker process is replaced
after a few requests (--max-requests), so a count kept in process memory would start again
many times. With the limits in the shared store (the database cache here), the 11th wrong code
within the window is refused whichever process answers it.
"""

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parent.parent
GUNICORN = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict  # the test database, once django_db_setup has run
    if db["ENGINE"].endswith(".sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = urllib.parse.quote(db["USER"] or "")
    password = urllib.parse.quote(db["PASSWORD"] or "")
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{user}:{password}@{host}/{db['NAME']}"


@pytest.fixture
def two_workers(django_db_setup, django_db_blocker, tmp_path):
    """gunicorn on the test database. Not `transactional_db`: its flush would empty what the
    migrations made (groups, domains, home pages) for the browser tests that run later; this
    test only adds rate-limit counters, which every test using the database starts without."""
    if not Path(GUNICORN).exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[test]' installs it)")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_SYNC", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="backoffice.settings",
        DEBUG="true",
        SECRET_KEY="two-workers-test-key",
        DATABASE_URL=_database_url(),
        VAR_DIR=str(tmp_path),
        FOLLOW_UP_ATTEMPTS_PER_15_MIN="10",
        LOG_LEVEL="WARNING",
    )
    log = tmp_path / "access.log"
    process = subprocess.Popen(
        [
            GUNICORN,
            "backoffice.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--max-requests",
            "6",
            "--timeout",
            "120",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(s)s",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
        start_new_session=True,  # its own process group: stopped whole, workers included
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{base}/nl/follow-up/", timeout=60)  # noqa: S310
                break
            except OSError:  # not listening yet
                if process.poll() is not None:
                    log_text = (tmp_path / "gunicorn.log").read_text()[-2000:]
                    pytest.fail(f"gunicorn stopped: {log_text}")
                time.sleep(0.3)
        yield base, log
    finally:
        _stop(process)


def _stop(process) -> None:
    """Stop gunicorn and its workers, and let their database sessions end."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    deadline = time.time() + 30
    while time.time() < deadline:  # the workers of the group, too
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    time.sleep(1)  # PostgreSQL ends a closed connection's backend a moment later


def test_follow_up_code_limit_holds_across_two_gunicorn_workers(two_workers):
    base, log = two_workers
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = opener.open(f"{base}/nl/follow-up/", timeout=10).read().decode()  # noqa: S310
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    statuses = []
    for _ in range(20):
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "reference": "WW-2026-000001", "code": "AAAA-AAAA"}
        ).encode()
        request = urllib.request.Request(  # noqa: S310
            f"{base}/nl/follow-up/", data=data, headers={"Referer": f"{base}/nl/follow-up/"}
        )
        try:
            statuses.append(opener.open(request, timeout=120).status)  # noqa: S310
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    assert statuses[:10] == [400] * 10  # wrong code, counted
    assert statuses[10:] == [429] * 10  # the limit, whichever process answered
    served_by = {line.split()[0] for line in log.read_text().splitlines() if line.strip()}
    assert len(served_by) >= 3, served_by  # several processes (2 workers, replaced)
    assert settings.RATE_LIMIT_CACHE
