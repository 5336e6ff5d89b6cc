"""Production's gunicorn settings (backoffice/gunicorn_conf.py) freeze what loading the app
made in each worker: the garbage collector's full collections then walk only what requests
make, not the ~200,000 objects of modules, URL patterns and catalogues (about 100 ms each)."""

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.test_rate_limits_workers import GUNICORN, _free_port, _stop

REPO = Path(__file__).resolve().parent.parent
FROZEN = re.compile(r"(\d+) objects of the loaded app frozen")


def test_every_worker_freezes_the_loaded_app(tmp_path):
    if not Path(GUNICORN).exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[test]' installs it)")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_SYNC", "REDIS_URL", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="backoffice.settings",
        DEBUG="true",
        SECRET_KEY="gunicorn-workers-test-key",
        VAR_DIR=str(tmp_path),
        GUNICORN_BIND=f"127.0.0.1:{_free_port()}",
        WEB_CONCURRENCY="2",
    )
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [GUNICORN, "-c", "python:backoffice.gunicorn_conf", "backoffice.wsgi:application"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(FROZEN.findall(log.read_text())) < 2:
            assert process.poll() is None, log.read_text()[-2000:]
            time.sleep(0.3)
        frozen = [int(count) for count in FROZEN.findall(log.read_text())]
    finally:
        _stop(process)
    assert len(frozen) == 2, log.read_text()[-2000:]  # one line per worker
    assert min(frozen) > 50_000  # the app's modules and catalogues, not a handful
