"""Index work run by the django-q2 worker.

The database copy is written first. When Elasticsearch cannot be reached the task schedules
itself again (a one-off django-q2 Schedule, 1, 2, 4, ... minutes later, at most MAX_ATTEMPTS
times), the same way tickets.notifications retries mail: django-q2 itself does not re-run a
task that raised.
"""

import logging
from datetime import timedelta

from django.utils import timezone

from search import service
from search.backends.base import BackendUnavailable

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def _retry_later(function: str, kind: str, object_id: str, attempt: int, error) -> str:
    from django_q.models import Schedule

    if attempt >= MAX_ATTEMPTS:
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
        next_run=timezone.now() + timedelta(minutes=2 ** (attempt - 1)),
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
