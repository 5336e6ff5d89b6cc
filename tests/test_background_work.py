"""Background work: Wagtail's django-tasks go through django-q2, and a real worker runs tasks."""

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django_q.models import Success
from django_q.signals import pre_execute
from wagtail.models import Page

from backoffice import outbox
from backoffice.models import HomePage, OutboxTask
from backoffice.task_bridge import RUNNER


@pytest.mark.django_db
def test_wagtail_tasks_run_through_django_q(django_capture_on_commit_callbacks):
    """Through the outbox (backoffice.outbox): a row per task, run by django-q2, marked done.
    The row keeps the run's result; django-q2 keeps none (no pruning of its table per run)."""
    Success.objects.all().delete()
    ran = []

    def seen(sender, func, task, **kwargs):
        ran.append(task)

    pre_execute.connect(seen, dispatch_uid="test-wagtail-tasks")
    home = HomePage.objects.get(locale__language_code="nl")
    before = OutboxTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with django_capture_on_commit_callbacks(execute=True):
            home.lead = "Een nieuwe inleiding."
            home.save_revision().publish()
    finally:
        pre_execute.disconnect(dispatch_uid="test-wagtail-tasks")
    rows = OutboxTask.objects.filter(pk__gt=before, handler=RUNNER)
    assert rows.exists() and not rows.filter(done_at=None).exists()
    assert any("wagtail" in row.args[0] or "modelsearch" in row.args[0] for row in rows)
    runs = [task for task in ran if task["func"] == outbox.RUNNER]
    assert {task["args"][0] for task in runs} >= set(rows.values_list("pk", flat=True))
    assert not Success.objects.filter(func=outbox.RUNNER).exists()


@pytest.mark.django_db
def test_a_task_is_queued_only_when_the_change_commits(django_capture_on_commit_callbacks):
    Success.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Page.objects.get(depth=2, locale__language_code="nl").specific.save_revision().publish()
    assert callbacks, "the bridge must wait for the commit"
    assert not Success.objects.exists()


def _manage(args, env, timeout=180):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def redis_url(tmp_path):
    """A private Redis server for one test, or a skip that names what is missing."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("Redis is not installed (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=["orm", "redis"])
def broker_env(request):
    """Environment for a worker on each broker: the database (default) and Redis."""
    return {"REDIS_URL": request.getfixturevalue("redis_url")} if request.param == "redis" else {}


def _clusters(database) -> str:
    """The clusters that reported themselves, read from the worker's database file itself
    (cheaper than a `manage.py shell` per look)."""
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as db:
        rows = db.execute("SELECT cluster FROM backoffice_workerheartbeat").fetchall()
    return str(sorted(cluster for (cluster,) in rows))


def test_a_real_worker_process_runs_a_queued_task(tmp_path, broker_env, migrated_sqlite):
    """A fresh installation (migrated once for the session: tests/conftest.py), a task queued
    by one process, run by `qcluster`.

    It uses its own database file so that the worker never shares the test database.
    """
    database = tmp_path / "wegwijs.sqlite3"
    shutil.copy(migrated_sqlite, database)
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_SYNC", "DATABASE_URL"}
        },
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        "DEBUG": "true",
        "VAR_DIR": str(tmp_path),
        "TASKS_SYNC": "false",
        **broker_env,
    }
    enqueue = _manage(
        [
            "shell",
            "-c",
            "from django_q.tasks import async_task; "
            "async_task('backoffice.tasks.record_heartbeat', 'probe')",
        ],
        env,
    )
    assert enqueue.returncode == 0, enqueue.stderr
    assert "probe" not in _clusters(database)

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        clusters = ""
        while time.monotonic() < deadline and "probe" not in clusters:
            time.sleep(0.5)
            clusters = _clusters(database)
        assert "'probe'" in clusters, "the worker never ran the queued task"
        # The worker also reports itself alive when it starts (read by /health/).
        assert f"'{settings.Q_CLUSTER['name']}'" in clusters
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
