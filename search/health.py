"""State of the search backend, for /health/. Knows no domain model."""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def check_search_backend() -> dict:
    """The database backend is healthy when the database is; Elasticsearch must answer a ping,
    no query may have fallen back to the database in the last minutes, and no index update may
    be waiting for it (search.tasks.catch_up runs them within a minute of its return)."""
    url = settings.ELASTICSEARCH_URL
    if not url:
        return {"status": "ok", "backend": "database"}
    from elasticsearch import Elasticsearch

    from search.service import degraded_since
    from search.tasks import waiting_updates

    try:
        client = Elasticsearch(url, request_timeout=2, max_retries=0)
        reachable = bool(client.ping())
    except Exception as error:
        logger.warning("Health: Elasticsearch check failed: %s", error.__class__.__name__)
        reachable = False
    waiting = waiting_updates()
    if not reachable:
        # Queries fall back to the database backend, so the site works, but slower and poorer.
        return {
            "status": "degraded",
            "backend": "elasticsearch",
            "fallback": "database",
            "waiting_updates": waiting,
            "reason": "Elasticsearch unreachable: searches answered by the database",
        }
    fallback = degraded_since()
    if fallback or waiting:
        reasons = []
        if fallback:
            reasons.append(f"a search fell back from Elasticsearch to the database at {fallback}")
        if waiting:
            reasons.append(f"{waiting} index updates waiting for Elasticsearch")
        return {
            "status": "degraded",
            "backend": "elasticsearch",
            "fallback": "database",
            "last_fallback": fallback,
            "waiting_updates": waiting,
            "reason": "; ".join(reasons),
        }
    return {"status": "ok", "backend": "elasticsearch"}
