"""Background tasks of the platform, run by the django-q2 worker."""

from django.conf import settings
from django.utils import timezone

from backoffice.models import WorkerHeartbeat

HEARTBEAT_FUNC = "backoffice.tasks.record_heartbeat"


def record_heartbeat(cluster: str | None = None) -> str:
    """Mark the worker cluster as alive; scheduled every minute and run at worker start."""
    name = cluster or settings.Q_CLUSTER["name"]
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(cluster=name, defaults={"last_seen": now})
    return now.isoformat()


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
