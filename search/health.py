"""State of the search backend, for /health/. Knows no domain model."""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def check_search_backend() -> dict:
    """The database backend is healthy when the database is; Elasticsearch must answer a ping,
    and no query may have fallen back to the database in the last minutes."""
    url = settings.ELASTICSEARCH_URL
    if not url:
        return {"status": "ok", "backend": "database"}
    from elasticsearch import Elasticsearch

    from search.service import degraded_since

    try:
        client = Elasticsearch(url, request_timeout=2, max_retries=0)
        reachable = bool(client.ping())
    except Exception as error:
        logger.warning("Health: Elasticsearch check failed: %s", error.__class__.__name__)
        reachable = False
    if not reachable:
        # Queries fall back to the database backend, so the site works, but slower and poorer.
        return {"status": "degraded", "backend": "elasticsearch", "fallback": "database"}
    fallback = degraded_since()
    if fallback:
        return {
            "status": "degraded",
            "backend": "elasticsearch",
            "fallback": "database",
            "last_fallback": fallback,
        }
    return {"status": "ok", "backend": "elasticsearch"}
