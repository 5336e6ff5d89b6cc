"""The outbox (backoffice.outbox): side effects written with the change, once per transaction,
run after the commit, swept until done, and mails that a replay never sends twice."""

import socket
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from backoffice import outbox, roles
from backoffice.models import OutboxTask, SentMail
from search.models import SearchDocument
from tests import factories
from tests.conftest import make_user
from tickets import lifecycle, notifications
from tickets.models import Question

INDEX = "search.tasks.index_object"
SIGN_IN = outbox.path_of(notifications.send_sign_in_link)
STAFF = outbox.path_of(notifications.notify_staff_of_new_question)


@pytest.fixture
def region(db):
    return factories.region("gent")


def _ask(region, email="amal@example.org", **extra):
    return factories.question(
        domain="housing",
        subject="Huurwaarborg",
        body="Mijn verhuurder houdt de waarborg.",
        municipality=region.municipalities.first(),
        email=email,
        **extra,
    )


def _rows(after=0, **filters):
    return OutboxTask.objects.filter(pk__gt=after, **filters)


def _last_pk():
    return OutboxTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.django_db
def test_a_new_question_writes_its_mails_and_its_index_update_in_its_transaction(region):
    """The service, not the view, queues the requester's link, the staff notice and the index
    update: each one row, in the question's transaction, nothing dispatched before the commit."""
    before = _last_pk()
    with transaction.atomic():
        question = _ask(region)
        rows = list(_rows(before).values_list("handler", "args"))
    assert sorted(rows) == sorted([
        (SIGN_IN, [question.pk, "new"]),
        (STAFF, [question.pk]),
        (INDEX, ["question", str(question.pk)]),
    ])  # fmt: skip
    assert not _rows(before, done_at__isnull=False).exists()

    class Failed(Exception):
        pass

    with pytest.raises(Failed), transaction.atomic():
        _ask(region)
        raise Failed  # a failed service call leaves no side effect
    assert _rows(before).count() == 3


@pytest.mark.django_db
def test_with_the_database_broker_the_tasks_are_queued_in_the_changes_transaction(
    region, monkeypatch, django_capture_on_commit_callbacks
):
    """With the database broker (no TASKS_SYNC, as production without Redis runs) the task of
    each row is written in the question's own transaction: queued once, before the commit
    and not again after it, gone with a rollback. django-q2 is asked to keep no result."""
    from django_q.conf import Conf
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    monkeypatch.setattr(Conf, "SYNC", False)
    OrmQ.objects.all().delete()
    before = _last_pk()

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        _ask(region)
        assert OrmQ.objects.count() == 3  # written with the rows, inside the transaction
        raise Refused
    assert not OrmQ.objects.exists() and not _rows(before).exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _ask(region)
        queued_before_commit = OrmQ.objects.count()
    rows = _rows(before)
    tasks = [SignedPackage.loads(task.payload) for task in OrmQ.objects.all()]
    assert queued_before_commit == 3 and callbacks  # the callbacks ran and queued nothing more
    assert sorted(task["args"][0] for task in tasks) == sorted(rows.values_list("pk", flat=True))
    assert {task["func"] for task in tasks} == {outbox.RUNNER}
    assert all(task["save"] is False for task in tasks)
    # The worker's run of one of them: the row is done, django-q2 keeps no result of it.
    ran = outbox.run(tasks[0]["args"][0])
    assert ran == "done" and OutboxTask.objects.get(pk=tasks[0]["args"][0]).done_at


@pytest.mark.django_db
def test_one_staff_reply_queues_one_index_update_and_one_mail(
    region, django_capture_on_commit_callbacks
):
    specialist = make_user(roles.SPECIALIST, "sam", regions=[region])
    with django_capture_on_commit_callbacks(execute=True):  # its own, committed transaction
        question = _ask(region)
    before = _last_pk()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # Saves the message, the question (first response, assignee) and its status: three
        # index signals, one row.
        message = lifecycle.add_message(
            question, body="Antwoord", author_kind="staff", author=specialist
        )
    rows = _rows(before)
    assert list(rows.filter(handler=INDEX).values_list("args", flat=True)) == [
        ["question", str(question.pk)]
    ]
    assert list(rows.filter(handler=SIGN_IN).values_list("args", flat=True)) == [
        [question.pk, "answer", message.pk]
    ]
    assert rows.count() == 2 and not rows.filter(done_at=None).exists()
    assert [m.to for m in mail.outbox] == [["amal@example.org"]]
    # A second reply is a second occasion: a second mail, indexed again.
    before = _last_pk()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.add_message(question, body="Nog iets", author_kind="staff", author=specialist)
    assert _rows(before).count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_effect_added_again_after_a_rolled_back_savepoint_is_kept(region):
    question = _ask(region)
    added = []
    with transaction.atomic():
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            added.append(outbox.add(notifications.send_sign_in_link, question.pk, "answer", 1))
            raise ZeroDivisionError
        again = outbox.add(notifications.send_sign_in_link, question.pk, "answer", 1)
        twice = outbox.add(notifications.send_sign_in_link, question.pk, "answer", 1)
    assert added[0] is not None and again is not None and twice is None
    assert list(_rows(handler=SIGN_IN, args=[question.pk, "answer", 1])) == [again]


@pytest.mark.django_db
def test_the_mails_of_one_occasion_are_claimed_together_and_marked_as_they_leave(region):
    """A new question's notice to a region's specialists: claimed in one statement (not one
    transaction per specialist), each marked sent as it left; a mail that fails is unclaimed and
    reported while the others go, and the next run sends that one only."""
    from django.core.mail import EmailMessage
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key = "question:1:staff:new"
    addresses = [f"specialist-{n}@example.org" for n in range(6)]
    broken = "broken\n@example.org"  # a header that cannot be written: this mail fails
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        sent, failure = outbox.send_each_once(
            key, [EmailMessage("Nieuw", "Link", None, [to]) for to in [*addresses, broken]]
        )
    writes = [
        q["sql"].split()[0]
        for q in queries
        if "backoffice_sentmail" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    # The claims, each "sent", the failed one's claim.
    assert writes == ["INSERT", *["UPDATE"] * len(addresses), "DELETE"]
    assert sent == 6 and failure is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(addresses)
    assert SentMail.objects.filter(key=key, sent_at__isnull=False).count() == 6
    assert SentMail.objects.filter(key=key).count() == 6  # the failed one is not claimed
    # A replay (the run failed, the sweep runs it again) sends nothing that left.
    mail.outbox.clear()
    again = [EmailMessage("Nieuw", "Link", None, [to]) for to in [*addresses, "late@example.org"]]
    assert outbox.send_each_once(key, again) == (1, None)
    assert [m.to for m in mail.outbox] == [["late@example.org"]]
    assert outbox.send_each_once(key, []) == (0, None)


@pytest.mark.django_db
def test_a_worker_killed_in_a_batch_sends_again_only_the_mail_in_flight(region):
    """A killed worker runs no `finally`: what it had not written is lost. So each mail is known
    as sent before the next one leaves, and a replay after the claims ran out repeats at most
    the one that was in flight."""
    from django.core.mail import EmailMessage

    key = "question:2:staff:new"
    marked_before_each_send = []

    class Watched(EmailMessage):
        def send(self, fail_silently=False):
            marked = SentMail.objects.filter(key=key, sent_at__isnull=False).count()
            marked_before_each_send.append(marked)
            return super().send(fail_silently)

    addresses = [f"specialist-{n}@example.org" for n in range(4)]
    mail.outbox.clear()
    outbox.send_each_once(key, [Watched("Nieuw", "Link", None, [to]) for to in addresses])
    assert len(mail.outbox) == 4
    assert marked_before_each_send == [0, 1, 2, 3]


@pytest.mark.django_db
def test_a_replay_sends_nothing_twice(region, django_capture_on_commit_callbacks):
    make_user(roles.SPECIALIST, "sam", regions=[region])
    make_user(roles.SPECIALIST, "noor", regions=[region])
    with django_capture_on_commit_callbacks(execute=True):
        question = _ask(region)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "amal@example.org",
        "noor@example.org",
        "sam@example.org",
    ]
    rows = list(_rows(handler__in=[SIGN_IN, STAFF]))
    assert all(row.done_at for row in rows)
    # The worker died after sending, before marking the rows done: the sweep runs them again.
    OutboxTask.objects.filter(pk__in=[r.pk for r in rows]).update(
        done_at=None, due_at=timezone.now() - timedelta(seconds=1)
    )
    assert outbox.sweep() == 2
    assert len(mail.outbox) == 3
    assert not _rows(handler__in=[SIGN_IN, STAFF], done_at=None).exists()
    # The same mail asked for by another row (another transaction) is not sent either.
    with django_capture_on_commit_callbacks(execute=True):
        outbox.add(notifications.send_sign_in_link, question.pk, "new")
    assert len(mail.outbox) == 3
    assert SentMail.objects.filter(key=f"question:{question.pk}:new:").count() == 1
    assert "amal" not in SentMail.objects.get(key=f"question:{question.pk}:new:").recipient


@pytest.mark.django_db
def test_a_mail_claimed_by_a_run_that_died_is_sent_after_the_claim_ran_out(region, settings):
    question = _ask(region)
    key = f"question:{question.pk}:answer:5"
    message = lambda: mail.EmailMessage("s", "b", None, ["amal@example.org"])  # noqa: E731
    # A run claimed the mail and died in the mail server's conversation.
    SentMail.objects.create(
        key=key,
        recipient=outbox._recipient_digest("amal@example.org"),
        claimed_at=timezone.now(),
    )
    with pytest.raises(outbox.MailBusy):  # it may still be sending: not now
        outbox.send_once(key, message())
    assert not mail.outbox
    SentMail.objects.filter(key=key).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.OUTBOX_MAIL_CLAIM_SECONDS + 1)
    )
    assert outbox.send_once(key, message()) == "sent"
    assert outbox.send_once(key, message()) == "already sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_hands_over_rows_that_were_lost_and_not_rows_being_run(region):
    before = _last_pk()
    question = _ask(region)  # in the test's transaction: never dispatched, as if lost
    rows = _rows(before)
    assert rows.count() == 3 and not rows.filter(done_at__isnull=False).exists()
    from backoffice.models import WorkerHeartbeat

    WorkerHeartbeat.objects.all().delete()
    assert outbox.sweep() == 0  # not due yet: the worker may simply be behind
    assert WorkerHeartbeat.objects.exists()  # the sweep runs in the worker: a sign of life
    now = timezone.now()
    staff_row = rows.get(handler=STAFF)
    # One row is being run by a worker whose claim has not run out.
    OutboxTask.objects.filter(pk=staff_row.pk).update(claimed_until=now + timedelta(minutes=1))
    rows.update(due_at=now - timedelta(seconds=1))
    assert outbox.sweep() == 2
    assert set(rows.filter(done_at__isnull=False).values_list("handler", flat=True)) == {
        SIGN_IN,
        INDEX,
    }
    assert SearchDocument.objects.filter(kind="question", object_id=str(question.pk)).exists()
    # The worker holding it was killed: once its claim ran out, the row comes back.
    OutboxTask.objects.filter(pk=staff_row.pk).update(
        claimed_until=now - timedelta(seconds=1), due_at=now - timedelta(seconds=1)
    )
    assert outbox.sweep() == 1
    staff_row.refresh_from_db()
    assert staff_row.done_at is not None and staff_row.dispatches == 1


@pytest.mark.django_db
def test_a_failing_handler_is_tried_again_later_and_given_up_in_the_end(region, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = OutboxTask.objects.create(
        handler=SIGN_IN, args=[10**9, "new"], due_at=timezone.now()
    )  # an unknown question: "no address", done
    assert outbox.run(row.pk) == "done"
    question = _ask(region)
    failing = OutboxTask.objects.create(  # a reason without a text: KeyError in the handler
        handler=SIGN_IN, args=[question.pk, "no-such-reason"], due_at=timezone.now()
    )
    assert outbox.run(failing.pk) == "failed"
    failing.refresh_from_db()
    assert failing.due_at > timezone.now() and "KeyError" in failing.last_error
    OutboxTask.objects.filter(pk=failing.pk).update(due_at=timezone.now())
    assert outbox.run(failing.pk) == "gave up"
    failing.refresh_from_db()
    assert failing.given_up_at is not None
    assert outbox.run(failing.pk) == "already done"


@pytest.mark.django_db
def test_only_registered_handlers_run():
    import os

    with pytest.raises(LookupError):
        outbox.add(os.getcwd)
    row = OutboxTask.objects.create(handler="os.getcwd", args=[], due_at=timezone.now())
    assert outbox.run(row.pk) == "unknown handler"
    row.refresh_from_db()
    assert row.given_up_at is not None and row.done_at is None


# --- /health/ ------------------------------------------------------------------------------


@pytest.fixture
def monitor(client, settings):
    settings.HEALTH_TOKEN = "monitor-token"
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer monitor-token"
    return client


def _alive():
    from backoffice.models import WorkerHeartbeat

    WorkerHeartbeat.objects.all().delete()
    WorkerHeartbeat.objects.create(cluster="wegwijs", last_seen=timezone.now())


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_health_names_a_dead_worker(monitor, settings):
    from backoffice.models import WorkerHeartbeat

    assert settings.WORKER_HEARTBEAT_MAX_AGE == 90
    _alive()
    assert monitor.get("/health/").json()["status"] == "ok"
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(seconds=100))
    body = monitor.get("/health/").json()
    assert body["status"] == "degraded"
    assert body["reasons"] == ["worker: no heartbeat for 100 s (limit 90 s)"]


class _SmtpGreeter(threading.Thread):
    """The smallest mail server that answers a probe: a greeting, EHLO and QUIT."""

    def __init__(self):
        super().__init__(daemon=True)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.ehlo = 0

    def run(self):
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            with connection, connection.makefile("rwb") as stream:
                stream.write(b"220 test ESMTP\r\n")
                stream.flush()
                for line in stream:
                    if line.upper().startswith(b"EHLO"):
                        self.ehlo += 1
                        stream.write(b"250 test\r\n")
                    elif line.upper().startswith(b"QUIT"):
                        stream.write(b"221 bye\r\n")
                        stream.flush()
                        break
                    else:
                        stream.write(b"250 ok\r\n")
                    stream.flush()


@pytest.mark.django_db
def test_health_probes_the_mail_server_and_keeps_the_answer_briefly(monitor, settings):
    from backoffice import health

    _alive()
    server = _SmtpGreeter()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_SSL = (
        "127.0.0.1",
        server.port,
        False,
    )
    health._smtp_probes.clear()
    try:
        assert monitor.get("/health/").json()["checks"]["mail"] == {
            "status": "ok",
            "backend": "smtp",
        }
        monitor.get("/health/")
        assert server.ehlo == 1  # the second answer came from the process's memory
        port = _free_port()  # nothing listens there: the mail server is down
        settings.EMAIL_PORT = port
        body = monitor.get("/health/").json()
        assert body["status"] == "degraded"
        assert body["reasons"] == [
            f"mail: mail server 127.0.0.1:{port} unreachable (ConnectionRefusedError)"
        ]
    finally:
        server.server.close()
        health._smtp_probes.clear()


@pytest.mark.django_db
def test_health_names_an_outbox_backlog_and_given_up_effects(monitor, region):
    _alive()
    OutboxTask.objects.update(done_at=timezone.now())
    _ask(region)
    assert monitor.get("/health/").json()["checks"]["outbox"]["waiting"] == 3
    OutboxTask.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    body = monitor.get("/health/").json()
    assert body["status"] == "degraded"
    assert body["reasons"] == ["outbox: 3 side effects waiting, the oldest for 600 s (limit 300 s)"]
    OutboxTask.objects.update(done_at=timezone.now())
    OutboxTask.objects.filter(handler=STAFF).update(given_up_at=timezone.now(), done_at=None)
    body = monitor.get("/health/").json()
    assert body["reasons"] == ["outbox: 1 side effects given up in the last day"]
    # Anyone else learns only the state.
    del monitor.defaults["HTTP_AUTHORIZATION"]
    assert monitor.get("/health/").json() == {"status": "degraded"}


@pytest.mark.django_db
def test_health_answers_json_when_the_cache_and_the_broker_are_down(monitor, settings):
    _alive()
    dead = f"redis://127.0.0.1:{_free_port()}/0"
    settings.REDIS_URL = dead
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead},
    }
    response = monitor.get("/health/")
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response.json()["reasons"] == [
        "cache: cache unreachable: shared",
        "broker: broker unreachable",
    ]


# --- seed_demo ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_indexes_at_once_queues_no_task_and_mails_nobody(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    """A worker started with another SECRET_KEY drops signed tasks (BadSignature): seed_demo
    queues none, and the demo questions are in the search index when it ends."""
    from django_q.conf import Conf
    from django_q.models import OrmQ

    from demo import knowledge_base as knowledge_demo
    from tests.test_knowledge import DATA

    monkeypatch.setattr(Conf, "SYNC", False)  # a real queue, as under `make run`
    monkeypatch.setattr(knowledge_demo, "CONTENT_DIR", DATA)  # four articles are enough
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    assert OrmQ.objects.count() == 0
    assert not mail.outbox
    assert Question.objects.count() > 10
    indexed = set(
        SearchDocument.objects.filter(kind="question").values_list("object_id", flat=True)
    )
    assert indexed == {str(pk) for pk in Question.objects.values_list("pk", flat=True)}
    assert SearchDocument.objects.filter(kind="article").count() >= 4
    assert OutboxTask.objects.exists()
    assert not OutboxTask.objects.filter(done_at=None).exists()


# --- The technical admin --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_superuser_sees_side_effects_and_hands_a_given_up_one_over_again(
    client, region, django_capture_on_commit_callbacks
):
    question = _ask(region)
    row = _rows(handler=SIGN_IN).get()
    OutboxTask.objects.filter(pk=row.pk).update(
        given_up_at=timezone.now(), attempts=10, last_error="SMTPServerDisconnected: gone"
    )
    url = "/django-admin/backoffice/outboxtask/"
    client.force_login(make_user(roles.SPECIALIST, "sam", regions=[region]))
    assert client.get(url).status_code == 302  # the technical admin is for superusers only
    client.force_login(make_user("superuser", "root"))
    listing = client.get(url + "?state=given_up")
    assert list(listing.context["cl"].result_list) == [row]
    assert "SMTPServerDisconnected" not in listing.content.decode()  # the list, not the detail
    assert "SMTPServerDisconnected" in client.get(f"{url}{row.pk}/change/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "hand_over_again", "_selected_action": [row.pk]}, follow=True
        )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.given_up_at is None and row.done_at is not None
    assert [m.to for m in mail.outbox] == [["amal@example.org"]]
    assert SentMail.objects.filter(key=f"question:{question.pk}:new:").exists()
    assert client.post(url + "add/").status_code == 403  # read-only


@pytest.mark.django_db
def test_a_new_questions_rows_are_written_in_one_statement_and_each_queued_once(
    region, monkeypatch, django_capture_on_commit_callbacks
):
    """lifecycle.create_question writes its side effects together (outbox.batched): one
    INSERT for the rows, their tasks (one per row) under one savepoint, all in its
    transaction; nothing is queued again after the commit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_q.conf import Conf
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    monkeypatch.setattr(Conf, "SYNC", False)
    OrmQ.objects.all().delete()
    before = _last_pk()
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        question = _ask(region)
    inserts = [
        q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "backoffice_outboxtask"')
    ]
    assert len(inserts) == 1
    rows = _rows(before)
    assert sorted(rows.values_list("handler", flat=True)) == sorted([SIGN_IN, STAFF, INDEX])
    assert all(row.due_at and row.args for row in rows)
    assert ["question", str(question.pk)] in [row.args for row in rows]
    tasks = [SignedPackage.loads(task.payload) for task in OrmQ.objects.all()]
    assert sorted(task["args"][0] for task in tasks) == sorted(rows.values_list("pk", flat=True))
    assert {task["func"] for task in tasks} == {outbox.RUNNER}


@pytest.mark.django_db
def test_a_batch_writes_what_its_transaction_keeps_and_nothing_after_an_error(region):
    question = _ask(region)
    before = _last_pk()
    with transaction.atomic(), outbox.batched():
        kept = outbox.add(notifications.send_sign_in_link, question.pk, "answer", 1)
        assert outbox.add(notifications.send_sign_in_link, question.pk, "answer", 1) is None
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            outbox.add(notifications.send_sign_in_link, question.pk, "answer", 2)
            raise ZeroDivisionError
        with transaction.atomic():  # a savepoint that is released: its row is kept
            inner = outbox.add(notifications.send_sign_in_link, question.pk, "answer", 3)
        assert kept.pk is None and not _rows(before).exists()  # written when the block ends
    assert kept.pk is not None and inner.pk is not None
    assert sorted(_rows(before).values_list("args", flat=True)) == [
        [question.pk, "answer", 1],
        [question.pk, "answer", 3],
    ]

    class Failed(Exception):
        pass

    before = _last_pk()
    with pytest.raises(Failed), transaction.atomic(), outbox.batched():
        outbox.add(notifications.send_sign_in_link, question.pk, "answer", 4)
        raise Failed
    assert not _rows(before).exists()


def test_the_sent_marks_of_a_batch_commit_at_once_without_waiting_for_the_disk(
    django_db_setup, django_db_blocker
):
    """On PostgreSQL the marks of a batch commit without waiting for the disk (a killed worker
    still loses none that returned: each is committed and seen by every session before the
    next mail leaves); the setting is reset after the batch. SQLite: nothing changes. Run
    outside a test transaction, as the worker runs (its rows are removed after)."""
    from django.core.mail import EmailMessage
    from django.db import connection

    from backoffice.db import relaxed_commits

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    seen = []

    class Watched(EmailMessage):
        def send(self, fail_silently=False):
            if connection.vendor == "postgresql":
                seen.append(setting())
            return super().send(fail_silently)

    key = f"question:0:staff:relaxed-{timezone.now().timestamp()}"
    addresses = [f"specialist-{n}@example.org" for n in range(3)]
    mail.outbox.clear()
    with django_db_blocker.unblock():
        try:
            messages = [Watched("Nieuw", "Link", None, [address]) for address in addresses]
            assert outbox.send_each_once(key, messages) == (3, None)
            assert SentMail.objects.filter(key=key, sent_at__isnull=False).count() == 3
            if connection.vendor == "postgresql":
                assert seen == ["off", "off", "off"] and setting() == "on"
                with transaction.atomic(), relaxed_commits():  # a transaction decides itself
                    assert setting() == "on"
        finally:
            SentMail.objects.filter(key=key).delete()
