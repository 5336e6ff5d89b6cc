"""Health checks behind /health/. Each check returns a dict with at least `status`."""

import hmac
import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

OK = "ok"
DEGRADED = "degraded"
DOWN = "down"


def overall_status(checks: dict) -> str:
    """Down without a database (nothing works), degraded when another part is not ok."""
    if checks.get("database", {}).get("status", OK) != OK:
        return DOWN
    return OK if all(check["status"] == OK for check in checks.values()) else DEGRADED


def may_see_details(request) -> bool:
    """The details (vendor, backend, heartbeat) help an attacker more than a passer-by: they are
    for signed-in staff and for a monitor presenting settings.HEALTH_TOKEN."""
    user = request.user
    if user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin"):
        return True
    expected = settings.HEALTH_TOKEN
    if not expected:
        return False
    header = request.headers.get("Authorization", "")
    given = header[len("Bearer ") :] if header.startswith("Bearer ") else request.GET.get("token")
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means the same thing to the operator
        logger.warning("Health: database unreachable: %s", error.__class__.__name__)
        return {"status": DEGRADED, "vendor": connection.vendor, "error": "unreachable"}
    return {"status": OK, "vendor": connection.vendor}


def check_worker() -> dict:
    from backoffice.models import WorkerHeartbeat

    try:
        heartbeat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    except Exception:
        return {"status": DEGRADED, "error": "unknown"}
    if heartbeat is None:
        return {"status": DEGRADED, "last_heartbeat": None}
    age = timezone.now() - heartbeat.last_seen
    healthy = age <= timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    return {
        "status": OK if healthy else DEGRADED,
        "last_heartbeat": heartbeat.last_seen.isoformat(),
        "age_seconds": int(age.total_seconds()),
    }
