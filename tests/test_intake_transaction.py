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
