"""Where the machine's CPU goes while one endpoint is measured: milliseconds of CPU per completed
request, split by who spent it (the web workers, the database server, the task worker, the
search node, the load tool itself).

Under bench/run's load (clients without think time on a 2-core machine) the cores are nearly
always busy, so a page's p95 follows the CPU that every request costs *all together*: what the
page costs in gunicorn is only part of it. This split says which part to make cheaper, and
whether a miss comes from the page or from work beside it (a scheduled job in the task worker, a
checkpoint in the database server).

Read from /proc (Linux): a process's user + system time. Processes are grouped by their session
(gunicorn and the qcluster are started in sessions of their own), PostgreSQL's by the database
their title names (other databases on the same server are left out; its background writers are
counted, since the measured load makes their work), the search node by its command; the load
tool by the runner's own children's usage (locust is a child it waits for).
"""

import os
import resource
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")

# PostgreSQL's own processes, whose work the measured load causes (WAL, dirty pages).
POSTGRES_SERVER_PROCESSES = ("walwriter", "checkpointer", "background writer", "autovacuum")


def _processes():
    """(pid, parent pid, session id, cpu seconds, command line) of every process readable."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # Fields after the command name, which is in parentheses and may contain spaces.
        fields = stat[stat.rindex(")") + 2 :].split()
        parent, session = int(fields[1]), int(fields[3])
        # Its own user + system time, and that of its children it has reaped: a gunicorn
        # worker replaced during a window (max_requests) still counts, in its master.
        cpu = sum(int(value) for value in fields[11:15]) / TICKS
        yield int(entry.name), parent, session, cpu, cmdline


def _group(session: int, cmdline: str, sessions: dict[int, str], database: str | None) -> str:
    if session in sessions:
        return sessions[session]
    if cmdline.startswith("postgres:"):
        if database and f" {database} " in cmdline:
            return "database"
        if any(name in cmdline for name in POSTGRES_SERVER_PROCESSES):
            return "database"
        return ""
    if "org.elasticsearch" in cmdline:
        return "search node"
    return ""


class CpuMeter:
    """`start()` before an endpoint's load, `stop(requests)` after it: CPU ms per request by
    group, and the share of the machine's cores that was busy."""

    def __init__(self, sessions: dict[int, str], database: str | None):
        self.sessions = sessions  # session id → group name ("web", "task worker")
        self.database = database

    def _sample(self) -> dict[tuple[int, str], tuple[float, int]]:
        sample = {}
        for pid, parent, session, cpu, cmdline in _processes():
            group = _group(session, cmdline, self.sessions, self.database)
            if group:
                sample[(pid, group)] = (cpu, parent)
        return sample

    def _children(self) -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def start(self) -> None:
        self._before = self._sample()
        self._children_before = self._children()
        self._wall_before = os.times().elapsed

    def stop(self, requests: int) -> dict:
        after = self._sample()
        alive = {pid for pid, _group in after}
        spent: dict[str, float] = {}
        for key, (cpu, _parent) in after.items():
            # A process born during the window counts from zero.
            before = self._before.get(key, (0.0, 0))[0]
            spent[key[1]] = spent.get(key[1], 0.0) + cpu - before
        for (pid, group), (before, parent) in self._before.items():
            # One that ended was reaped by its parent, whose children's time now holds its
            # whole life (a gunicorn worker replaced after max_requests): less what it had
            # spent before the window. Without its parent here (short database backends: the
            # web workers keep their connections) its time in the window is lost.
            if pid not in alive and parent in alive:
                spent[group] = spent.get(group, 0.0) - before
        spent["load tool"] = self._children() - self._children_before
        wall = os.times().elapsed - self._wall_before
        per_request = {
            group: round(seconds * 1000 / requests, 1) if requests else None
            for group, seconds in spent.items()
        }
        busy = sum(spent.values()) / (wall * (os.cpu_count() or 1)) if wall else 0.0
        return {"ms_per_request": per_request, "cores_busy": round(busy, 2)}


def describe(cpu: dict) -> str:
    parts = ", ".join(
        f"{group} {ms:.1f}" for group, ms in sorted(cpu["ms_per_request"].items()) if ms is not None
    )
    total = sum(ms for ms in cpu["ms_per_request"].values() if ms is not None)
    return f"CPU ms per request {total:.0f} ({parts}); cores busy {cpu['cores_busy']:.0%}"
