"""The judged relevance set (bench/relevance/queries-*.json) on the public search page, answered
by Elasticsearch (a real node: TEST_ELASTICSEARCH_URL or ELASTICSEARCH_URL; skipped without).

Same corpus and the same page as tests/test_relevance.py; the targets asserted here are the
same targets as on the database (bench/relevance_suite.TARGETS): recall@5 >= 0.95, MRR >= 0.85,
answerable queries with zero results <= 2%, and no-answer queries shown the ask-first page >= 90%
(the answer rule of search.ranking is applied to Elasticsearch's hits by search.service).
"""

import sys
import uuid
from pathlib import Path

import pytest

from tests.elastic_node import ES_URL, SKIP_REASON

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import relevance_suite as suite  # noqa: E402

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not ES_URL, reason=SKIP_REASON)]


@pytest.fixture
def elastic_demo_index(db, settings):
    from elasticsearch import Elasticsearch

    from demo import knowledge_base as demo
    from search import service

    settings.ELASTICSEARCH_URL = ES_URL
    settings.ELASTICSEARCH_INDEX_PREFIX = f"wegwijs-test-{uuid.uuid4().hex[:8]}"
    demo.seed_demo()
    count = service.rebuild("article")
    service.primary().refresh("article")
    yield count
    Elasticsearch(ES_URL).options(ignore_status=404).indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*"
    )


def test_relevance_targets_on_elasticsearch(elastic_demo_index, client):
    from search import service

    assert service.primary().count("article") == elastic_demo_index
    queries = suite.load_queries()
    outcomes = suite.run(queries, client=client)
    assert all(o.status == 200 for o in outcomes)
    groups = suite.grouped(outcomes)
    missed = suite.missed_targets(groups)
    report = "\n".join(
        [
            f"{elastic_demo_index} articles on Elasticsearch "
            f"({service.primary().analysis.describe()}), {len(queries)} queries; missed: "
            + "; ".join(missed),
            "",
            suite.table(groups, latency=False),
            "worst queries:",
            *("  " + line for line in suite.worst(outcomes, limit=40)),
        ]
    )
    print(report)
    assert not missed, report
