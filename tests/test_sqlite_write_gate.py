"""The SQLite write gate (backoffice/db/sqlite3/base.py): a transaction, and a write outside
one, hold the gate's lock file until they end, so writers of other processes wait their turn
there (woken at the commit) rather than in SQLite's busy handler; reads never wait."""

import fcntl
import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection, transaction

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the gate belongs to the SQLite backend"
)

PROBE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    print("held")
else:
    print("free")
"""


@pytest.fixture
def unwrapped(django_db_setup, django_db_blocker):
    """The test database without a transaction around the test (which would hold the gate
    throughout); the regions a test makes are deleted after it."""
    from backoffice.models import Region

    with django_db_blocker.unblock():
        yield
        Region.objects.filter(slug__in=["gate", "first", "second", "read"]).delete()


def gate_state(path) -> str:
    """Whether another process could take the gate now."""
    probe = subprocess.run([sys.executable, "-c", PROBE, path], capture_output=True, text=True)
    return probe.stdout.strip()


def test_a_transaction_holds_the_gate_until_its_commit(unwrapped):
    from backoffice.models import Region

    assert connection.settings_dict["ENGINE"] == "backoffice.db.sqlite3"
    path = f"{connection.settings_dict['NAME']}.write-gate"
    connection.ensure_connection()
    assert gate_state(path) == "free"
    with transaction.atomic():
        Region.objects.create(name="Gate", slug="gate")
        assert gate_state(path) == "held"
    assert gate_state(path) == "free"
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            Region.objects.filter(slug="gate").update(name="Gated")
            assert gate_state(path) == "held"
            raise RuntimeError
    assert gate_state(path) == "free"  # a rollback lets go too
    assert Region.objects.get(slug="gate").name == "Gate"


def test_writers_of_other_threads_wait_for_the_commit_and_nothing_is_lost(unwrapped):
    from django.db import connections

    from backoffice.models import Region

    order = []
    with transaction.atomic():
        Region.objects.create(name="First", slug="first")

        def other_writer():
            try:
                Region.objects.create(name="Second", slug="second")  # outside a transaction
                order.append("second written")
            finally:
                connections.close_all()

        thread = threading.Thread(target=other_writer)
        thread.start()
        time.sleep(0.3)
        order.append("first committing")
    thread.join(timeout=20)
    assert order == ["first committing", "second written"]
    assert set(Region.objects.values_list("slug", flat=True)) >= {"first", "second"}


def test_reads_do_not_wait_for_the_gate(unwrapped):
    from backoffice.models import Region

    Region.objects.create(name="Read", slug="read")
    path = f"{connection.settings_dict['NAME']}.write-gate"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another writer holds the gate
        started = time.monotonic()
        assert Region.objects.filter(slug="read").exists()
        assert time.monotonic() - started < 5
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
