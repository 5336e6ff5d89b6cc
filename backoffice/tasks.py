"""Background tasks of the platform, run by the django-q2 worker."""

from django.conf import settings
from django.utils import timezone

from backoffice.models import WorkerHeartbeat

HEARTBEAT_FUNC = "backoffice.tasks.record_heartbeat"
STATISTICS_FUNC = "backoffice.tasks.refresh_query_statistics"


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


def ensure_schedules() -> None:
    """Create the recurring tasks every installation needs (idempotent)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="worker heartbeat",
        defaults={
            "func": HEARTBEAT_FUNC,
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
    Schedule.objects.update_or_create(
        name="database statistics",
        defaults={
            "func": STATISTICS_FUNC,
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
        },
    )
