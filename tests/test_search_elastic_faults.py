"""Faults against the real Elasticsearch node (TEST_ELASTICSEARCH_URL or ELASTICSEARCH_URL, and
the pid file that `.ci/elasticsearch` writes: var/elasticsearch/node/pid, or ES_PID_FILE).

The node is frozen with SIGSTOP in the middle of intakes and searches (it accepts connections
and answers nothing: the nastier fault) and woken with SIGCONT: intakes are saved, searches are
answered by the database, /health/ says degraded, and the queued index updates are replayed once
the node is back, so the index catches up with what was asked while it was away.
"""

import os
import signal
import uuid
from pathlib import Path

import pytest
from django_q.models import Schedule

from search import service
from search.health import check_search_backend
from tests.elastic_node import ES_URL, SKIP_REASON
from tests.search_corpus import fake_articles, make_questions
from tickets import lifecycle
from tickets.models import Question

PID_FILE = Path(
    os.environ.get("ES_PID_FILE")
    or Path(__file__).resolve().parent.parent / "var" / "elasticsearch" / "node" / "pid"
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not ES_URL, reason=SKIP_REASON),
]


def node_pid() -> int:
    if not PID_FILE.exists():
        pytest.skip(f"no pid file of a node started by .ci/elasticsearch at {PID_FILE}")
    return int(PID_FILE.read_text().strip())


@pytest.fixture
def elastic(settings):
    from elasticsearch import Elasticsearch

    settings.ELASTICSEARCH_URL = ES_URL
    settings.ELASTICSEARCH_INDEX_PREFIX = f"wegwijs-test-{uuid.uuid4().hex[:8]}"
    settings.ELASTICSEARCH_TIMEOUT = 1.5
    yield
    Elasticsearch(ES_URL, request_timeout=30).options(ignore_status=404).indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*"
    )


class frozen_node:  # noqa: N801 - used like a function
    """SIGSTOP the node for the block; SIGCONT it whatever happens."""

    def __enter__(self):
        self.pid = node_pid()
        os.kill(self.pid, signal.SIGSTOP)
        return self

    def __exit__(self, *exc):
        os.kill(self.pid, signal.SIGCONT)


def intake(subject, body, municipality):
    from backoffice.models import LegalDomain

    return lifecycle.create_question(
        legal_domain=LegalDomain.objects.get(slug="residence"),
        subject=subject,
        body=body,
        contact_language="nl",
        processing_consent=True,
        municipality=municipality,
    ).question


def replay_queued_index_updates() -> int:
    """What django-q2's scheduler does when the retries fall due: run each queued index task."""
    from search import tasks

    done = 0
    for schedule in Schedule.objects.filter(func__startswith="search.tasks."):
        function = getattr(tasks, schedule.func.rsplit(".", 1)[1])
        result = function(*eval(schedule.args))  # noqa: S307 - repr() of our own tuple
        schedule.delete()
        done += result in ("indexed", "removed")
    return done


def wait_until_healthy():
    from elasticsearch import Elasticsearch

    Elasticsearch(ES_URL, request_timeout=60).cluster.health(
        wait_for_status="yellow", timeout="50s"
    )


def test_node_frozen_during_intakes_and_searches(
    elastic, client, django_capture_on_commit_callbacks
):
    with fake_articles():
        questions, users, _regions = make_questions()
        service.rebuild("question")
        service.rebuild("article")
        superuser = users["superuser"]
        place = questions["reunion"].municipality
        primary = service.primary()
        primary.refresh("question")
        assert (
            service.search("gezinshereniging", ["question"], superuser).backend == "elasticsearch"
        )

        before = Question.objects.count()
        with frozen_node():
            # Intakes while the node answers nothing: saved, and queued for the index.
            with django_capture_on_commit_callbacks(execute=True):
                first = intake(
                    "Werkvergunning na asiel", "Mag ik werken met een oranje kaart?", place
                )
            with django_capture_on_commit_callbacks(execute=True):
                second = intake("Huurwaarborg ocmw", "Wie betaalt mijn huurwaarborg?", place)
            assert Question.objects.count() == before + 2
            # Searches: the database answers, with what was just asked.
            found = service.search("werkvergunning", ["question"], superuser)
            assert found.backend == "database"
            assert str(first.pk) in {hit.object_id for hit in found.hits}
            assert service.suggest("gezinshereniging", "nl")  # the intake form's suggestions
            assert check_search_backend()["status"] == "degraded"
            response = client.get("/health/")
            assert response.status_code == 503 and response.json()["status"] == "degraded"
            queued = Schedule.objects.filter(func="search.tasks.index_object").count()
            assert queued >= 2

        # The node is back: searches go to it again, and the queued updates catch it up.
        wait_until_healthy()
        assert replay_queued_index_updates() >= 2
        assert not Schedule.objects.filter(func__startswith="search.tasks.").exists()
        primary.refresh("question")
        for question, word in ((first, "werkvergunning"), (second, "huurwaarborg")):
            found = service.search(word, ["question"], superuser)
            assert found.backend == "elasticsearch"
            assert str(question.pk) in {hit.object_id for hit in found.hits}
        # Nothing lost: every question is in both indexes.
        assert primary.count("question") == Question.objects.count() == before + 2
        assert service.database().count("question") == before + 2
