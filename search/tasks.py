"""Index work run by the django-q2 worker.

The database copy is written first. When Elasticsearch cannot be reached the task schedules
itself again (a one-off django-q2 Schedule, 1, 2, 4, ... minutes later, at most an hour apart),
the same way tickets.notifications retries mail: django-q2 itself does not re-run a task that
raised. While the node is unreachable the retries never give up (nothing is lost however long
the outage); an update that Elasticsearch refuses (it answered with an error) is given up after
MAX_ATTEMPTS tries.

`catch_up` (a schedule, every minute) does not wait for those retries to fall due: as soon as
the node answers again it runs every waiting update at once, one per object, so the index
catches up with what changed while the node was away within a minute of its return.
"""

import logging
from datetime import timedelta

from django.utils import timezone

from search import service
from search.backends.base import BackendUnavailable

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_DELAY_MINUTES = 60
CATCH_UP_FUNC = "search.tasks.catch_up"
RETRIED = ("search.tasks.index_object", "search.tasks.remove_object")


def _unreachable(error: BackendUnavailable) -> bool:
    """The node did not answer (refused, timed out, reset), as opposed to an answer that
    refused the request."""
    from elastic_transport import ConnectionError as TransportConnectionError
    from elastic_transport import ConnectionTimeout
    from elasticsearch import ApiError

    cause = error.__cause__
    if isinstance(cause, ApiError):  # answered, but not ready (starting, overloaded)
        return cause.meta.status in (429, 502, 503, 504)
    return isinstance(cause, TransportConnectionError | ConnectionTimeout)


def _retry_later(function: str, kind: str, object_id: str, attempt: int, error) -> str:
    from django_q.models import Schedule

    if attempt >= MAX_ATTEMPTS and not _unreachable(error):
        logger.error(
            "Search: giving up %s %s:%s after %d attempts: %s",
            function,
            kind,
            object_id,
            attempt,
            error,
        )
        return "gave up"
    logger.warning("Search: %s %s:%s retried later: %s", function, kind, object_id, error)
    Schedule.objects.create(
        func=f"search.tasks.{function}",
        args=repr((kind, object_id, attempt + 1)),
        schedule_type=Schedule.ONCE,
        next_run=timezone.now() + timedelta(minutes=min(2 ** (attempt - 1), MAX_DELAY_MINUTES)),
    )
    return "retry"


def index_object(kind: str, object_id: str, attempt: int = 1) -> str:
    try:
        service.index_id(kind, object_id)
    except BackendUnavailable as error:
        return _retry_later("index_object", kind, object_id, attempt, error)
    return "indexed"


def remove_object(kind: str, object_id: str, attempt: int = 1) -> str:
    try:
        service.remove_id(kind, object_id)
    except BackendUnavailable as error:
        return _retry_later("remove_object", kind, object_id, attempt, error)
    return "removed"


def rebuild_kind(kind: str) -> int:
    return service.rebuild(kind)


def waiting_updates() -> int:
    """Index updates waiting for Elasticsearch (retries not yet run)."""
    from django_q.models import Schedule

    return Schedule.objects.filter(func__in=RETRIED, schedule_type=Schedule.ONCE).count()


def catch_up(limit: int = 2000) -> str:
    """Run the index updates that wait for Elasticsearch now, if it answers again (scheduled
    every minute). Each object is indexed (or removed) once, from what the database holds now,
    however often it changed during the outage; one that fails again is retried as before."""
    import ast

    from django.conf import settings
    from django_q.models import Schedule

    if not settings.ELASTICSEARCH_URL:
        return "no elasticsearch"
    waiting = list(
        Schedule.objects.filter(func__in=RETRIED, schedule_type=Schedule.ONCE)
        .order_by("pk")
        .values_list("pk", "func", "args")[:limit]
    )
    if not waiting:
        return "nothing waiting"
    if not service.primary().reachable():
        return f"{len(waiting)} waiting, elasticsearch unreachable"
    latest: dict[tuple[str, str], tuple[str, int]] = {}
    for _pk, func, args in waiting:
        kind, object_id, attempt = ast.literal_eval(args)
        # The last change of an object decides (indexed, or removed).
        latest.pop((kind, object_id), None)
        latest[(kind, object_id)] = (func.rsplit(".", 1)[1], attempt)
    # Taken off the schedule first: the scheduler must not run them a second time meanwhile.
    Schedule.objects.filter(pk__in=[pk for pk, _func, _args in waiting]).delete()
    done = 0
    for (kind, object_id), (function, attempt) in latest.items():
        result = globals()[function](kind, object_id, attempt)
        done += result in ("indexed", "removed")
    logger.info("Search: caught up %d of %d waiting index updates", done, len(latest))
    return f"caught up {done} of {len(latest)}"
