"""Health checks behind /health/. Each check returns a dict with at least `status`."""

import hmac
import logging
import time
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

    heartbeat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    if heartbeat is None:
        return {"status": DEGRADED, "last_heartbeat": None, "reason": "no worker ever reported"}
    age = timezone.now() - heartbeat.last_seen
    limit = settings.WORKER_HEARTBEAT_MAX_AGE
    healthy = age <= timedelta(seconds=limit)
    result = {
        "status": OK if healthy else DEGRADED,
        "last_heartbeat": heartbeat.last_seen.isoformat(),
        "age_seconds": int(age.total_seconds()),
    }
    if not healthy:
        result["reason"] = f"no heartbeat for {int(age.total_seconds())} s (limit {limit} s)"
    return result


def check_cache() -> dict:
    """Every cache alias must take and give back a value (Redis, or the database table of the
    limits). A cache that fails is degraded, not down: the site keeps working without it."""
    from django.core.cache import caches

    failing = []
    for alias in settings.CACHES:
        try:
            cache = caches[alias]
            cache.set("health-probe", "1", 30)
            if cache.get("health-probe") != "1":
                failing.append(alias)
        except Exception as error:
            logger.warning("Health: cache %s failed: %s", alias, error.__class__.__name__)
            failing.append(alias)
    if failing:
        return {"status": DEGRADED, "reason": "cache unreachable: " + ", ".join(failing)}
    return {"status": OK}


def check_broker() -> dict:
    """Redis must answer a ping (a short timeout of its own); the database broker is the
    database. The number of tasks waiting is shown."""
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            client.ping()
            queued = client.llen(settings.Q_CLUSTER["name"])
        except Exception as error:
            logger.warning("Health: Redis broker failed: %s", error.__class__.__name__)
            return {"status": DEGRADED, "broker": "redis", "reason": "broker unreachable"}
        finally:
            client.close()
        return {"status": OK, "broker": "redis", "queued": queued}
    from django_q.models import OrmQ

    return {"status": OK, "broker": "database", "queued": OrmQ.objects.count()}


_smtp_probes: dict = {}


def _probe_smtp(host: str, port: int, use_ssl: bool) -> str:
    """Connect and say EHLO (no mail, no login): "" when the server answered, else why not."""
    import smtplib

    try:
        server = (smtplib.SMTP_SSL if use_ssl else smtplib.SMTP)(host, port, timeout=2)
        try:
            code, _message = server.ehlo()
        finally:
            try:
                server.quit()
            except Exception:
                server.close()
    except (OSError, smtplib.SMTPException) as error:
        return f"mail server {host}:{port} unreachable ({error.__class__.__name__})"
    return "" if 200 <= code < 300 else f"mail server {host}:{port} answered {code}"


def check_mail() -> dict:
    """An SMTP server is probed at most every SMTP_PROBE_SECONDS per process; other backends
    (console, locmem, files) have nothing to reach."""
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend != "smtp":
        return {"status": OK, "backend": backend}
    target = (settings.EMAIL_HOST, int(settings.EMAIL_PORT), bool(settings.EMAIL_USE_SSL))
    checked_at, reason = _smtp_probes.get(target, (None, ""))
    if checked_at is None or time.monotonic() - checked_at > settings.SMTP_PROBE_SECONDS:
        reason = _probe_smtp(*target)
        _smtp_probes[target] = (time.monotonic(), reason)
    if reason:
        return {"status": DEGRADED, "backend": backend, "reason": reason}
    return {"status": OK, "backend": backend}


def check_outbox() -> dict:
    """Side effects waiting too long (the worker is behind, or stopped) or given up."""
    from backoffice import outbox

    state = outbox.backlog()
    reasons = []
    if state["oldest_age_seconds"] > settings.OUTBOX_BACKLOG_MAX_AGE:
        reasons.append(
            f"{state['waiting']} side effects waiting, the oldest for "
            f"{state['oldest_age_seconds']} s (limit {settings.OUTBOX_BACKLOG_MAX_AGE} s)"
        )
    if state["given_up_last_day"]:
        reasons.append(f"{state['given_up_last_day']} side effects given up in the last day")
    if reasons:
        return {"status": DEGRADED, **state, "reason": "; ".join(reasons)}
    return {"status": OK, **state}


def run_checks() -> dict:
    """Every check of settings.HEALTH_CHECKS; one that fails (a cache down, a broken import)
    is reported degraded with the reason, never raised."""
    from django.utils.module_loading import import_string

    checks = {}
    for name, path in settings.HEALTH_CHECKS.items():
        try:
            checks[name] = import_string(path)()
        except Exception as error:
            logger.warning("Health: check %s failed", name, exc_info=True)
            checks[name] = {
                "status": DEGRADED,
                "reason": f"check failed: {error.__class__.__name__}",
            }
    return checks


def reasons(checks: dict) -> list[str]:
    found = []
    for name, check in checks.items():
        if check.get("status", OK) != OK:
            found.append(f"{name}: {check.get('reason') or check.get('error') or check['status']}")
    return found
