"""Background tasks of the platform, run by the django-q2 worker."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from backoffice.models import WorkerHeartbeat

HEARTBEAT_FUNC = "backoffice.tasks.record_heartbeat"
STATISTICS_FUNC = "backoffice.tasks.refresh_query_statistics"
OUTBOX_SWEEP_FUNC = "backoffice.outbox.sweep"
SEARCH_CATCH_UP_FUNC = "search.tasks.catch_up"


def record_heartbeat(cluster: str | None = None) -> str:
    """Mark the worker cluster as alive; scheduled every minute and run at worker start."""
    name = cluster or settings.Q_CLUSTER["name"]
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(cluster=name, defaults={"last_seen": now})
    return now.isoformat()


def refresh_query_statistics() -> str:
    """Give SQLite's query planner fresh statistics (ANALYZE). Without them it picks a poor
    index for the question queue and sorts every question of a region on each page (measured by
    bench/run). PostgreSQL's autovacuum keeps its own statistics, so nothing is done there."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return "not needed"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return "analysed"


def ensure_schedule(name: str, func: str, schedule_type: str, *, first_run=None, **fields):
    """Create or update one recurring django-q2 task (idempotent; run after migrate): every
    app makes its schedules through this one helper. `first_run` sets only when a new schedule
    first runs; an existing one keeps its rhythm."""
    from django_q.models import Schedule

    defaults = {"func": func, "schedule_type": schedule_type, "repeats": -1, **fields}
    schedule, created = Schedule.objects.update_or_create(name=name, defaults=defaults)
    if created and first_run is not None:
        Schedule.objects.filter(pk=schedule.pk).update(next_run=first_run)
    return schedule


def ensure_schedules() -> None:
    """Create the recurring tasks every installation needs (idempotent)."""
    from django_q.models import Schedule

    ensure_schedule("worker heartbeat", HEARTBEAT_FUNC, Schedule.MINUTES, minutes=1)
    ensure_schedule("database statistics", STATISTICS_FUNC, Schedule.DAILY)
    # Every minute, half a minute after the heartbeat: the sweep records a heartbeat too, so a
    # live worker's last sign is never much older than half a minute (WORKER_HEARTBEAT_MAX_AGE).
    ensure_schedule(
        "outbox sweep",
        OUTBOX_SWEEP_FUNC,
        Schedule.MINUTES,
        minutes=settings.OUTBOX_SWEEP_MINUTES,
        first_run=timezone.now() + timedelta(seconds=30),
    )
    # Index updates that waited for Elasticsearch run within a minute of its return.
    ensure_schedule("search catch-up", SEARCH_CATCH_UP_FUNC, Schedule.MINUTES, minutes=1)
