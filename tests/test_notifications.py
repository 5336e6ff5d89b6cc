"""E-mails: only a link, to the right people; a failing mail server loses nothing."""

import socket

import pytest
from django.core import mail
from django.utils import timezone

from backoffice import roles
from tests import factories
from tests.conftest import make_user
from tickets import notifications
from tickets.models import Question


@pytest.fixture
def question(db):
    return factories.question(
        municipality=factories.place("gent"),
        domain="housing",
        subject="Huurwaarborg",
        body="Mijn verhuurder houdt de waarborg.",
        contact_language="uk",
        email="olena@example.org",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("narrowed", [True, False])
def test_staff_of_the_region_and_domain_are_told(question, settings, narrowed):
    # Told are those who can open it (tickets.access.staff_scope): with the option off, a
    # specialist's chosen domains do not narrow what they handle, nor what they are told.
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    other_region = factories.region("brussel")
    make_user(roles.SPECIALIST, "all-domains", regions=[question.region])
    make_user(roles.SPECIALIST, "housing", regions=[question.region], domains=["housing"])
    make_user(
        roles.SPECIALIST, "nationality-only", regions=[question.region], domains=["nationality"]
    )
    make_user(roles.SPECIALIST, "elsewhere", regions=[other_region])
    told = ["all-domains@example.org", "housing@example.org"]
    if not narrowed:
        told.append("nationality-only@example.org")
    assert notifications.notify_staff_of_new_question(question.pk) == len(told)
    # One mail each: no one sees the others' addresses, and a replay skips who was told.
    assert sorted(message.to for message in mail.outbox) == [[address] for address in told]
    for message in mail.outbox:
        assert "Mijn verhuurder" not in message.body and question.reference in message.subject
        # Straight to the question, not to the admin home.
        assert f"/admin/questions/{question.pk}/workspace/" in message.body
    assert notifications.notify_staff_of_new_question(question.pk) == 0
    assert len(mail.outbox) == len(told)


@pytest.mark.django_db
def test_requester_mail_is_in_their_language_when_the_site_has_it(question):
    notifications.send_sign_in_link(question.pk, "answer")
    (message,) = mail.outbox
    assert "Є новини" in message.subject
    assert "Huurwaarborg" not in message.body and "/uk/follow-up/#link=" in message.body


@pytest.mark.django_db
def test_smtp_failure_keeps_the_question_and_the_mail_is_sent_later(
    question, settings, django_capture_on_commit_callbacks
):
    """The mail is a side effect in the outbox: a mail server that fails leaves the row waiting
    (backoffice.outbox), and the sweep sends it once the server is back."""
    from backoffice import outbox
    from backoffice.models import OutboxTask

    with socket.socket() as probe:  # a port where no mail server listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.add(notifications.send_sign_in_link, question.pk, "answer", 7)
    row.refresh_from_db()
    assert Question.objects.filter(pk=question.pk).exists()
    assert row.done_at is None and row.attempts == 1 and "Error" in row.last_error
    assert row.due_at > timezone.now()  # not before the retry delay
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxTask.objects.filter(pk=row.pk).update(due_at=timezone.now())
    assert outbox.sweep() == 1
    row.refresh_from_db()
    assert row.done_at is not None
    assert [m.to for m in mail.outbox] == [["olena@example.org"]]
