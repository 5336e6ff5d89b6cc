"""Django's SQLite backend with a write gate: writers of every process take turns through a
lock file before SQLite's own write lock, instead of SQLite's busy handler.

SQLite has one writer at a time. A writer that finds the database locked is put to sleep by
SQLite's busy handler for 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms… and tries again:
it does not learn when the lock is released. With two web workers and the task worker
writing at once (an intake writes its rate-limit counter, the question, its tasks and the
session), the waits added up to the intake's tail (p95 three times its median; see
docs/benchmarks.md, "Intake tail"). Here a transaction (`BEGIN IMMEDIATE`, the mode the
settings choose) and a write statement outside a transaction first take an exclusive lock on
`<database>.write-gate` (flock), held until the commit or rollback. The kernel wakes a waiting
writer as soon as the previous one commits (bench/sqlite_writers.py: with three processes
writing at once, p99 per transaction 13-17 ms instead of 69-94 ms, max 15-41 instead of
199-447 ms, a third more transactions per second).

The gate only orders writers; it protects nothing by itself: SQLite's lock still does. A
writer waits for the gate as long as its holder's transaction lasts (a stuck process is
stopped by gunicorn's or the worker's timeout, which lets the gate go); a thread already
holding the gate through another connection goes on without it. Reading (WAL) never waits
for the gate. In-memory databases have no gate. SQLITE_WRITE_GATE=false switches it off.
"""

import fcntl
import os
import threading

from django.db.backends.sqlite3 import base

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


# (lock file, thread) pairs holding a gate: a thread that holds the gate through one connection
# and writes through another (a second alias) must not wait for itself.
_HELD: set = set()


class WriteGate:
    """One connection's handle on the lock file of a database."""

    def __init__(self, path: str):
        self.path = path
        self.fd = None
        self.held = False

    def acquire(self) -> None:
        if self.held:
            return
        owner = (self.path, threading.get_ident())
        if owner in _HELD:
            return  # SQLite's own lock and busy handler decide, as without the gate
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        # Blocking: the kernel wakes a waiter as soon as the holder lets go. A holder keeps
        # the gate only for one transaction or statement; a process that dies lets go with it.
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        self.held = True
        _HELD.add(owner)

    def release(self) -> None:
        if self.held:
            self.held = False
            _HELD.discard((self.path, threading.get_ident()))
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.release()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class GatedCursor(base.SQLiteCursorWrapper):
    """A write statement outside a transaction is a transaction of its own: it takes the
    gate for its duration."""

    gate = None
    wrapper = None

    def execute(self, query, params=None):
        if self.gate is None or not self._autocommit_write(query):
            return super().execute(query, params)
        self.gate.acquire()
        try:
            return super().execute(query, params)
        finally:
            self.gate.release()

    def executemany(self, query, param_list):
        if self.gate is None or not self._autocommit_write(query):
            return super().executemany(query, param_list)
        self.gate.acquire()
        try:
            return super().executemany(query, param_list)
        finally:
            self.gate.release()

    def _autocommit_write(self, query) -> bool:
        return (
            self.wrapper.autocommit
            and not self.gate.held
            and query.lstrip()[:7].upper().startswith(WRITES)
        )


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._write_gate = None

    def _gate(self):
        if self._write_gate is None and not self.is_in_memory_db():
            self._write_gate = WriteGate(f"{self.settings_dict['NAME']}.write-gate")
        return self._write_gate

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=GatedCursor)
        cursor.gate, cursor.wrapper = self._gate(), self
        return cursor

    def _start_transaction_under_autocommit(self):
        gate = self._gate()
        if gate is not None:
            gate.acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            if gate is not None:
                gate.release()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_gate()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_gate()

    def _close(self):
        try:
            return super()._close()
        finally:
            if self._write_gate is not None:
                self._write_gate.close()
                self._write_gate = None  # the next connection may be to another file (tests)

    def _release_gate(self):
        if self._write_gate is not None:
            self._write_gate.release()
