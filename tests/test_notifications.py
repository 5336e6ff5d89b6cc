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


@pytest.mark.django_db
def test_staff_are_told_in_the_language_they_read_wegwijs_in_one_mail_each(question):
    """The notice is written once per language (each specialist's preferred language, the
    site's default without one) and still goes to one address per mail."""
    french = make_user(roles.SPECIALIST, "camille", regions=[question.region])
    french.profile.preferred_language = "fr"
    french.profile.save()
    make_user(roles.SPECIALIST, "sam", regions=[question.region])
    make_user(roles.SPECIALIST, "noor", regions=[question.region])
    assert notifications.notify_staff_of_new_question(question.pk) == 3
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == [
        "camille@example.org",
        "noor@example.org",
        "sam@example.org",
    ]
    assert all(
        len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox
    )
    assert by_address["camille@example.org"].subject.startswith("Nouvelle question")
    assert by_address["sam@example.org"].subject.startswith("Nieuwe vraag")
    # What leaves for each person names that person only, with a Message-ID of its own.
    sent = {address: message.message() for address, message in by_address.items()}
    assert {address: mime["To"] for address, mime in sent.items()} == {a: a for a in sent}
    assert len({mime["Message-ID"] for mime in sent.values()}) == 3
    for address, mime in sent.items():
        assert mime.as_bytes().count(address.encode()) == 1
        others = set(sent) - {address}
        assert not any(other.encode() in mime.as_bytes() for other in others)


@pytest.mark.django_db
def test_a_text_to_many_is_built_once_and_each_copy_is_what_django_would_send():
    from django.core.mail import EmailMessage

    from backoffice import outbox

    addresses = ["één@example.org", "b@example.org", "c@example.org"]
    subject, body = "Nieuwe vraag WW-2026-000001 in Gent — ça va", "Een nieuwe vraag:\n\nhttps://x/"
    copies = outbox.one_text_each(subject, body, addresses)
    built = [copy.message() for copy in copies]
    # One MIME build for the text (the template the copies are made from, kept as it was);
    # each copy is a message object of its own.
    (shared,) = {id(copy._shared): copy._shared for copy in copies}.values()
    template = shared._template
    assert template is not None and template["To"] == built[0]["To"]
    assert [copy.message() for copy in copies] and shared._template is template
    assert template["To"] == built[0]["To"] and len(template.get_all("To")) == 1
    assert len({id(mime) for mime in [template, *built]}) == 4
    assert [mime["To"] for mime in built] == [
        EmailMessage(subject, body, None, [address]).message()["To"] for address in addresses
    ]
    for address, mime in zip(addresses, built, strict=True):
        plain = EmailMessage(subject, body, None, [address]).message()
        for header in ("Subject", "From", "To", "Content-Type", "Content-Transfer-Encoding"):
            assert mime[header] == plain[header], header
        assert mime.get_payload() == plain.get_payload()
        assert len(mime.get_all("To")) == 1 and len(mime.get_all("Message-ID")) == 1
    # What leaves is byte for byte what Django writes for the same mail (headers in another
    # order: a copy's To and Message-ID come last), also for a subject folded over lines.
    long_subject = "Nieuwe vraag WW-2026-000001 in Sint-Genesius-Rode — " + "woord " * 20
    for text_subject in (subject, long_subject):
        for address, copy in zip(
            addresses, outbox.one_text_each(text_subject, body, addresses), strict=True
        ):
            mime = copy.message()
            plain = EmailMessage(text_subject, body, None, [address])
            plain.extra_headers.update({"Date": mime["Date"], "Message-ID": mime["Message-ID"]})
            for linesep in ("\n", "\r\n"):
                ours, django = (
                    mime.as_bytes(linesep=linesep),
                    plain.message().as_bytes(linesep=linesep),
                )
                ours_head, ours_body = ours.split(linesep.encode() * 2, 1)
                django_head, django_body = django.split(linesep.encode() * 2, 1)
                assert ours_body == django_body
                assert sorted(ours_head.split(linesep.encode())) == sorted(
                    django_head.split(linesep.encode())
                )
    # A header set on one copy (a replay's Message-ID) is its own.
    copies[1].extra_headers["Message-ID"] = "<fixed@wegwijs>"
    assert copies[1].message()["Message-ID"] == "<fixed@wegwijs>"
    assert copies[2].message()["Message-ID"] != "<fixed@wegwijs>"
    # A line break in an address is refused as Django refuses it.
    with pytest.raises(ValueError):
        outbox.one_text_each(subject, body, ["a@example.org", "x\n@example.org"])[1].message()
