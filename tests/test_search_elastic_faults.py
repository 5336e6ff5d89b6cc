"""Faults against a real Elasticsearch node (TEST_ELASTICSEARCH_URL or ELASTICSEARCH_URL, and
the pid file that `.ci/elasticsearch` writes: var/elasticsearch/node/pid, or ES_PID_FILE).

- Frozen: the node is stopped with SIGSTOP in the middle of intakes and searches (it accepts
  connections and answers nothing) and woken with SIGCONT.
- Killed and restarted: a node of the test's own (`.ci/elasticsearch start` with its own folder
  and port, so that the shared node stays up) is killed with SIGKILL in the middle of a run of
  intakes and searches, then started again on the same data.

Either way: intakes are saved, the public and the staff search answer from the database,
/health/ says degraded and names Elasticsearch, and once the node is back the index catches up
by itself: the catch-up schedule (search.tasks.catch_up) runs the index updates that waited.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django_q.models import Schedule

from search import service, tasks
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


def run_catch_up_schedule() -> str:
    """What the worker does every minute: run the "search catch-up" schedule's function."""
    from django.utils.module_loading import import_string

    from backoffice.tasks import ensure_schedules

    ensure_schedules()  # as after migrate
    schedule = Schedule.objects.get(name="search catch-up")
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 1
    return import_string(schedule.func)()


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
        assert run_catch_up_schedule().startswith("caught up 2 of 2")
        assert tasks.waiting_updates() == 0
        primary.refresh("question")
        for question, word in ((first, "werkvergunning"), (second, "huurwaarborg")):
            found = service.search(word, ["question"], superuser)
            assert found.backend == "elasticsearch"
            assert str(question.pk) in {hit.object_id for hit in found.hits}
        # Nothing lost: every question is in both indexes.
        assert primary.count("question") == Question.objects.count() == before + 2
        assert service.database().count("question") == before + 2


# --- A node of the test's own, killed and started again

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "elasticsearch"


def _script_default(name: str) -> str:
    for line in SCRIPT.read_text().splitlines():
        if line.startswith(f"{name}=${{{name}:-"):
            return line.split(":-", 1)[1].rstrip("}")
    raise LookupError(name)


def own_node_missing() -> str:
    """Why this machine cannot start a node of the test's own ("" when it can)."""
    version = os.environ.get("ES_VERSION") or _script_default("ES_VERSION")
    home = Path(os.environ.get("ES_HOME_DIR") or ROOT / "var" / "elasticsearch")
    unpacked = (home / f"elasticsearch-{version}" / "bin" / "elasticsearch").exists()
    cached = (
        Path.home()
        / ".m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch"
        / version
    ).is_dir()
    java = shutil.which("java") or os.environ.get("ES_JAVA_HOME") or os.environ.get("JAVA_HOME")
    if not java:
        return "Elasticsearch: no Java runtime to start a node of the test's own"
    if not unpacked and not (cached and shutil.which("mvn")):
        return (
            f"Elasticsearch: {version} is neither unpacked under {home} nor in Maven's cache "
            "(run `.ci/elasticsearch fetch` once)"
        )
    return ""


@dataclass
class Node:
    url: str
    folder: Path
    env: dict

    @property
    def pid(self) -> int:
        return int((self.folder / "pid").read_text().strip())

    def kill(self) -> None:
        pid = self.pid
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        raise AssertionError(f"node {pid} still runs after SIGKILL")

    def restart(self) -> str:
        return self._script("restart")

    def _script(self, action: str) -> str:
        done = subprocess.run(
            [str(SCRIPT), action],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def own_node():
    """A node started for this module (its own folder under var/elasticsearch, a free port),
    stopped and removed afterwards."""
    missing = own_node_missing()
    if missing:
        pytest.skip(missing)
    folder = ROOT / "var" / "elasticsearch" / f"restart-test-{os.getpid()}"
    env = {**os.environ, "ES_NODE_DIR": str(folder), "ES_PORT": str(_free_port())}
    node = Node("", folder, env)
    node.url = node._script("start")
    try:
        yield node
    finally:
        node._script("stop")
        shutil.rmtree(folder, ignore_errors=True)


# Intakes of the run: (subject, body, a word the staff search finds it by).
RUN = [
    ("Werkvergunning na asiel", "Mag ik werken met een oranje kaart?", "werkvergunning"),
    ("Huurwaarborg ocmw", "Wie betaalt mijn huurwaarborg?", "huurwaarborg"),
    ("Rijbewijs omwisselen", "Mijn Marokkaans rijbewijs omwisselen.", "rijbewijs"),
    ("Kinderbijslag groeipakket", "Krijg ik groeipakket voor mijn dochter?", "groeipakket"),
    ("Inburgering attest", "Waar haal ik mijn attest inburgering?", "inburgering"),
    ("Ziekenfonds aansluiten", "Hoe sluit ik aan bij een ziekenfonds?", "ziekenfonds"),
]
KILLED_AT, RESTARTED_AT = 2, 5  # the node dies before intake 2 and returns before intake 5


def test_node_killed_and_restarted_during_intakes_and_searches(
    own_node, settings, client, django_capture_on_commit_callbacks
):
    from elasticsearch import Elasticsearch

    settings.ELASTICSEARCH_URL = own_node.url
    settings.ELASTICSEARCH_INDEX_PREFIX = f"wegwijs-restart-{uuid.uuid4().hex[:8]}"
    # A killed node refuses connections at once: the production timeout serves.
    settings.ELASTICSEARCH_TIMEOUT = 5
    with fake_articles():
        questions, users, _regions = make_questions()
        service.rebuild("question")
        service.rebuild("article")
        primary = service.primary()
        primary.refresh("question")
        superuser = users["superuser"]
        client.force_login(superuser)
        place = questions["reunion"].municipality
        before = Question.objects.count()
        asked, during_outage = [], []
        down = False
        for number, (subject, body, word) in enumerate(RUN):
            if number == KILLED_AT:
                own_node.kill()
                down = True
            if number == RESTARTED_AT:
                assert own_node.restart() == own_node.url  # same port, same data
                down = False
                # Nothing is replayed by hand: the catch-up schedule finds the node back.
                assert tasks.waiting_updates() >= len(during_outage)
                assert run_catch_up_schedule().startswith(
                    f"caught up {len(during_outage)} of {len(during_outage)}"
                )
                assert tasks.waiting_updates() == 0
            with django_capture_on_commit_callbacks(execute=True):
                question = intake(subject, body, place)
            asked.append((question, word))
            if down:
                during_outage.append(question)
            else:
                primary.refresh("question")
            backend = "database" if down else "elasticsearch"

            # The public search: answered, with the article, by the database while down.
            page = client.get("/nl/search/", {"q": "gezinshereniging"})
            assert page.status_code == 200
            assert page.context["results"].backend == backend
            shown = page.context["results"].hits
            assert ("article", "1") in {(hit.kind, hit.object_id) for hit in shown}
            assert shown[0].url in page.content.decode()
            # The staff search finds every question asked so far, this one too.
            for earlier, earlier_word in asked:
                staff = client.get("/admin/questions/", {"q": earlier_word})
                assert staff.status_code == 200
                assert earlier.reference in staff.content.decode(), (earlier_word, backend)
            assert service.search(word, ["question"], superuser).backend == backend

            health = client.get("/health/")
            search_check = health.json()["checks"]["search"]
            if down:
                assert health.status_code == 503
                assert health.json()["status"] == "degraded"
                assert search_check["status"] == "degraded"
                assert "Elasticsearch unreachable" in search_check["reason"]
                assert search_check["waiting_updates"] == len(during_outage)
            else:
                assert "unreachable" not in search_check.get("reason", ""), (number, health.json())
                assert not search_check.get("waiting_updates")

        # Nothing lost: every question is stored, in the database's index and in
        # Elasticsearch's, which answers for the ones asked while it was away.
        assert Question.objects.count() == before + len(RUN)
        assert len(during_outage) == RESTARTED_AT - KILLED_AT
        assert service.database().count("question") == before + len(RUN)
        primary.refresh("question")
        assert primary.count("question") == before + len(RUN)
        for question, word in asked:
            found = service.search(word, ["question"], superuser)
            assert found.backend == "elasticsearch"
            assert str(question.pk) in {hit.object_id for hit in found.hits}, word
        Elasticsearch(own_node.url).options(ignore_status=404).indices.delete(
            index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*"
        )
