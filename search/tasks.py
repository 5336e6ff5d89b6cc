"""Index work run by the django-q2 worker. A task that cannot reach Elasticsearch raises, so
django-q2 retries it (Q_CLUSTER retry/max_attempts); the database copy is written first."""

from search import service


def index_object(kind: str, object_id: str) -> None:
    service.index_id(kind, object_id)


def remove_object(kind: str, object_id: str) -> None:
    service.remove_id(kind, object_id)
