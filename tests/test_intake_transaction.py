"""The intake's transaction holds only the inserts (tickets.lifecycle.create_question): the
uploads are stored before it, and deleted again when it fails, so nothing is left behind and
nothing is lost."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.test_tickets_model import PDF_BYTES
from tickets.attachments import private_storage
from tickets.models import Attachment, Question


def stored_files() -> set:
    return set(private_storage.listdir("")[1]) if private_storage.exists("") else set()


def pdf():
    return SimpleUploadedFile("brief.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.mark.django_db
def test_a_failed_creation_leaves_no_file_and_a_good_one_keeps_its_file():
    token = uuid.uuid4()
    before = stored_files()
    created = factories.new_question(files=[pdf()], submission_token=token)
    kept = stored_files() - before
    assert kept == {created.question.attachments.get().stored_name}
    with pytest.raises(IntegrityError):  # the same form sent twice: the transaction fails
        factories.new_question(files=[pdf()], submission_token=token)
    assert stored_files() - before == kept  # the second file was deleted again
    assert Question.objects.count() == 1 and Attachment.objects.count() == 1


@pytest.mark.django_db
def test_the_reference_is_taken_inside_the_transaction_with_the_inserts():
    with CaptureQueriesContext(connection) as queries:
        created = factories.new_question(files=[pdf()])
    sql = [query["sql"] for query in queries]
    counter = next(i for i, s in enumerate(sql) if "tickets_referencecounter" in s)
    question = next(i for i, s in enumerate(sql) if s.startswith('INSERT INTO "tickets_question"'))
    attachment = next(i for i, s in enumerate(sql) if 'INSERT INTO "tickets_attachment"' in s)
    slas = [i for i, s in enumerate(sql) if "tickets_slapolicy" in s]
    assert counter < question < attachment
    assert all(i < counter for i in slas)  # the due dates were read before the lock
    assert created.question.reference.startswith("WW-")


def _write_transactions(call):
    """The write transactions `call` makes at the level it is called from: atomic blocks
    opened there (savepoints inside the test's transaction) and write statements outside any
    (each a transaction of its own outside a test). On SQLite each is one wait for the
    single writer."""
    level = len(connection.savepoint_ids)
    blocks, loose = [], []

    def watch(execute, sql, params, many, context):
        if len(connection.savepoint_ids) == level:
            if sql.startswith("SAVEPOINT"):
                blocks.append(sql)
            elif sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
                loose.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        result = call()
    return result, len(blocks), loose


@pytest.mark.django_db
def test_an_intake_is_three_write_transactions(client, monkeypatch):
    """The rate-limit count, the question with its rows and its tasks (the database broker's
    task rows in the same transaction), the session: three, also for a browser that already
    has a session (its new key is written once). Production without Redis queues tasks in
    the database (no TASKS_SYNC), as here."""
    from django_q.conf import Conf
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    from backoffice.models import LegalDomain, Municipality, OutboxTask, Region

    monkeypatch.setattr(Conf, "SYNC", False)
    region = Region.objects.create(name="Gent", slug="gent")
    place = Municipality.objects.create(name="Gent", postcode="9000", region=region)
    before = OutboxTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def ask():
        data = {
            "legal_domain": LegalDomain.objects.get(slug="social-law").pk,
            "subject": "Leefloon geweigerd",
            "body": "Het OCMW weigert mijn leefloon. Wat kan ik doen?",
            "contact_language": "nl",
            "municipality": place.pk,
            "processing_consent": "on",
            "submission_token": str(uuid.uuid4()),
            "files": [pdf()],
        }
        return client.post("/nl/ask/", data)

    for has_session in (False, True):
        response, transactions, loose = _write_transactions(ask)
        assert response.status_code == 302
        assert transactions == 3 and not loose, (has_session, transactions, loose)
        assert ("sessionid" in client.cookies) is True
    assert Question.objects.count() == 2
    # Each question's staff notice and index update, each queued once, in its transaction.
    rows = OutboxTask.objects.filter(pk__gt=before)
    queued = [SignedPackage.loads(task.payload)["args"][0] for task in OrmQ.objects.all()]
    assert sorted(rows.values_list("handler", flat=True)) == sorted(
        ["search.tasks.index_object", "tickets.notifications.notify_staff_of_new_question"] * 2
    )
    assert sorted(pk for pk in queued if pk > before) == sorted(rows.values_list("pk", flat=True))
