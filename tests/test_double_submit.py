"""Issue 21, defect 3: a double click (or a lost response) still shows the reference and code.

Two POSTs of the same form make one question, and whichever response the browser shows, it
shows the reference and the same access code, which opens the question. A response lost on
the way is recovered by sending the form again. Mails go once.
"""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from django.test import Client

from backoffice.models import Municipality, Region
from tests.test_consults import consult_data
from tests.test_consults import world as world  # noqa: F401,PLC0414 - the fixture
from tests.test_intake import CODE, REFERENCE, form_data
from tickets.access_codes import hash_access_code
from tickets.models import Question


def _shown(response) -> tuple[str, str]:
    html = response.content.decode()
    assert response.status_code == 200
    reference, code = REFERENCE.search(html), CODE.search(html)
    assert reference and code, html[:3000]
    return reference.group(1), code.group(1)


def _opens(reference: str, code: str) -> bool:
    response = Client().post("/nl/follow-up/", {"reference": reference, "code": code})
    return response.status_code == 302 and reference in response["Location"]


@pytest.fixture
def committed_place(django_db_setup, django_db_blocker):
    """A municipality committed for real: two threads, two database connections, both POSTs
    really concurrent. Removed again with the questions the test made."""
    with django_db_blocker.unblock():
        region = Region.objects.create(name="Dubbelklik", slug=f"dubbel-{uuid.uuid4().hex[:8]}")
        place = Municipality.objects.create(name="Dubbelklik", postcode="9999", region=region)
        try:
            yield place
        finally:
            Question.objects.filter(region=region).delete()
            place.delete()
            region.delete()


def test_two_concurrent_posts_of_one_form_both_show_the_reference_and_code(
    committed_place, django_db_blocker
):
    data = form_data(committed_place, email="amal@example.org")
    start = threading.Barrier(2)
    responses = [None, None]

    def send(index):
        start.wait()
        try:
            responses[index] = Client().post("/nl/ask/", data, follow=True)
        finally:
            connections.close_all()  # this thread's connection, so the test database can go

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=send, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        shown = [_shown(response) for response in responses]
        assert shown[0] == shown[1]  # the same reference and the same code
        reference, code = shown[0]
        assert Question.objects.filter(submission_token=data["submission_token"]).count() == 1
        assert _opens(reference, code)
    assert len([m for m in mail.outbox if "amal@example.org" in m.to]) == 1


@pytest.mark.django_db
def test_a_lost_response_is_recovered_by_sending_the_form_again(
    client, place, django_capture_on_commit_callbacks
):
    data = form_data(place, email="amal@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/nl/ask/", data)  # the response never reached the browser
    with django_capture_on_commit_callbacks(execute=True):
        again = Client().post("/fr/ask/", data, follow=True)  # even from a fresh session
    reference, code = _shown(again)
    question = Question.objects.get()
    assert question.reference == reference
    assert question.access_code_hash == hash_access_code(code)  # stored only as a hash
    assert code not in question.access_code_hash
    assert _opens(reference, code)
    assert len(mail.outbox) == 1  # the sign-in link once, not per POST


@pytest.mark.django_db
def test_the_code_depends_on_the_secret_token_and_is_shown_again_only_for_a_while(
    client, place, settings
):
    first = Client().post("/nl/ask/", form_data(place), follow=True)
    second = Client().post("/nl/ask/", form_data(place), follow=True)
    assert _shown(first)[1] != _shown(second)[1]  # another form, another code
    data = form_data(place)
    Client().post("/nl/ask/", data)
    question = Question.objects.get(submission_token=data["submission_token"])
    Question.objects.filter(pk=question.pk).update(
        created_at=question.created_at - timedelta(hours=settings.SUBMISSION_REPLAY_HOURS + 1)
    )
    late = Client().post("/nl/ask/", data, follow=True).content.decode()
    assert not CODE.search(late)  # no code a day later
    assert Question.objects.filter(submission_token=data["submission_token"]).count() == 1
    settings.SECRET_KEY = "another-key-another-code"
    Question.objects.filter(pk=question.pk).update(created_at=question.created_at)
    # A code changed since (here: the key it was derived with) is never shown.
    assert not CODE.search(Client().post("/nl/ask/", data, follow=True).content.decode())


@pytest.mark.django_db
def test_a_consult_sent_twice_makes_one_and_shows_its_reference(
    client, world, django_capture_on_commit_callbacks
):  # noqa: F811
    client.force_login(world["people"]["olga"])
    data = consult_data(world)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/nl/pro/new/", data, follow=True)
    mails = len(mail.outbox)
    assert mails  # the specialist of the region was told
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post("/nl/pro/new/", data, follow=True)
    question = Question.objects.get(submission_token=data["submission_token"])
    assert first.status_code == second.status_code == 200
    assert question.reference in second.content.decode()
    assert len(mail.outbox) == mails  # the staff are not told twice


@pytest.fixture
def place(db):
    region = Region.objects.create(name="Gent", slug="gent")
    return Municipality.objects.create(name="Gent", postcode="9000", region=region)
