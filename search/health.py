"""State of the search backend, for /health/. Knows no domain model."""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def check_search_backend() -> dict:
    """The database backend is healthy when the database is. Elasticsearch must answer (its
    cluster health, not red), no query may have fallen back to the database in the last
    minutes, and no index update may wait for it (search.tasks.catch_up runs them within a
    minute of its return)."""
    url = settings.ELASTICSEARCH_URL
    if not url:
        return {"status": "ok", "backend": "database"}
    from search.backends.elastic import ElasticsearchBackend
    from search.service import degraded_since
    from search.tasks import waiting_updates

    cluster = ElasticsearchBackend(url).cluster_status()
    waiting = waiting_updates()
    if cluster is None:
        logger.warning("Health: Elasticsearch did not answer")
        # Queries fall back to the database backend, so the site works, but slower and poorer.
        return {
            "status": "degraded",
            "backend": "elasticsearch",
            "fallback": "database",
            "waiting_updates": waiting,
            "reason": "Elasticsearch unreachable: searches answered by the database",
        }
    fallback = degraded_since()
    if fallback or waiting or cluster == "red":
        reasons = []
        if cluster == "red":
            reasons.append("Elasticsearch cluster red: an index is unavailable")
        if fallback:
            reasons.append(f"a search fell back from Elasticsearch to the database at {fallback}")
        if waiting:
            reasons.append(f"{waiting} index updates waiting for Elasticsearch")
        return {
            "status": "degraded",
            "backend": "elasticsearch",
            "fallback": "database",
            "cluster": cluster,
            "last_fallback": fallback,
            "waiting_updates": waiting,
            "reason": "; ".join(reasons),
        }
    return {"status": "ok", "backend": "elasticsearch", "cluster": cluster}
