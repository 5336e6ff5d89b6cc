"""The follow-up page keeps its rendered part (tickets.intake.fragments) under a key of the
question's row, its public messages, attachments and status changes and the language: each
change to one of them is on the page at the next request, what does not belong on the page
(an internal note) never is, and the per-visitor parts (CSRF token, municipalities) are the
visitor's own. Views are audited at most once a minute per follow-up session and question."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backoffice.models import AuditEvent, Municipality
from tests import factories
from tickets import access, lifecycle
from tickets.intake import fragments
from tickets.models import Attachment, Message, Question, StatusChange
from tickets.privacy import anonymisation

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def nothing_kept():
    fragments.kept.clear()
    yield
    fragments.kept.clear()


@pytest.fixture
def opened(db):
    place = factories.place("gent")
    created = factories.new_question(municipality=place, subject="Mijn verblijfskaart")
    sam = factories.staff("specialist", "sam", regions=[place.region])
    client = Client(enforce_csrf_checks=True)
    open_with_code(client, created.question, created.access_code)
    return created.question, created.access_code, client, sam


def open_with_code(client, question, code, language="en"):
    form = client.get(f"/{language}/follow-up/")
    response = client.post(
        f"/{language}/follow-up/",
        {
            "reference": question.reference,
            "code": code,
            "csrfmiddlewaretoken": form.context["csrf_token"],
        },
    )
    assert response.status_code == 302


def page(client, question, language="en"):
    response = client.get(f"/{language}/follow-up/{question.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def csrf_values(html):
    import re

    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


@pytest.mark.django_db
def test_the_second_view_is_kept_and_shows_the_same(opened):
    question, _code, client, _sam = opened
    with CaptureQueriesContext(connection) as first_queries:
        first = page(client, question)
    assert len(fragments.kept._items) == 1
    with CaptureQueriesContext(connection) as kept_queries:
        second = page(client, question)
    assert len(kept_queries) < len(first_queries)
    read = " ".join(q["sql"].split(" FROM ", 1)[0] for q in kept_queries)
    assert '"tickets_message"."body' not in read  # the thread is not read again
    assert '"tickets_statuschange"."at' not in read
    # The same page, but for the CSRF token (masked anew at each request).
    assert csrf_values(first) and csrf_values(second)
    strip = [html.replace(token, "") for html in (first, second) for token in csrf_values(html)]
    assert strip[0].count("csrfmiddlewaretoken") == strip[-1].count("csrfmiddlewaretoken")
    assert "Mijn verblijfskaart" in second and "Write a message" in second


@pytest.mark.django_db
def test_a_staff_reply_with_a_file_shows_at_once_and_an_internal_note_never(opened):
    question, _code, client, sam = opened
    before = page(client, question)
    assert "Het antwoord van het team" not in before
    factories.reply(
        question,
        sam,
        body="Het antwoord van het team",
        files=[SimpleUploadedFile("antwoordbrief.pdf", PDF_BYTES)],
    )
    after = page(client, question)
    assert "Het antwoord van het team" in after
    assert "antwoordbrief.pdf" in after
    assert "Did the answer help you?" in after  # the feedback panel, from the question's row
    lifecycle.add_message(
        Question.objects.get(pk=question.pk),
        body="Interne notitie: niet tonen",
        author_kind="staff",
        author=sam,
        internal=True,
        files=[SimpleUploadedFile("intern.pdf", PDF_BYTES)],
    )
    noted = page(client, question)
    assert "Interne notitie" not in noted and "intern.pdf" not in noted
    assert "Het antwoord van het team" in noted


@pytest.mark.django_db
def test_status_changes_and_row_changes_made_without_save_show_at_once(opened):
    question, _code, client, _sam = opened
    page(client, question)  # kept
    # A status change row alone (the question's own row untouched): the timeline's date.
    StatusChange.objects.create(
        question=question, from_status="new", to_status="open", actor_kind="staff"
    )
    html = page(client, question)
    handling = html.split("Being handled", 1)[1].split("</li>", 1)[0]
    assert "not yet" not in handling and "<time" in handling
    # A change of the row by update() (no save(), no updated_at): still seen.
    Question.objects.filter(pk=question.pk).update(subject="Een nieuw onderwerp")
    assert "Een nieuw onderwerp" in page(client, question)
    Question.objects.filter(pk=question.pk).update(status="waiting")
    assert "Waiting for you" in page(client, question)


@pytest.mark.django_db
def test_messages_and_files_removed_disappear(opened):
    question, _code, client, sam = opened
    message = factories.reply(
        question, sam, body="Eerste antwoord", files=[SimpleUploadedFile("brief.pdf", PDF_BYTES)]
    )
    assert "brief.pdf" in page(client, question)
    Attachment.objects.filter(message=message).delete()
    html = page(client, question)
    assert "brief.pdf" not in html and "Eerste antwoord" in html
    Message.objects.filter(pk=message.pk).delete()
    assert "Eerste antwoord" not in page(client, question)


@pytest.mark.django_db
def test_feedback_and_anonymisation_show_at_once(opened):
    question, _code, client, sam = opened
    factories.reply(question, sam, body="Het antwoord")
    assert "Did the answer help you?" in page(client, question)
    lifecycle.record_feedback(Question.objects.get(pk=question.pk), helpful=True)
    assert "You told us the answer helped" in page(client, question)
    anonymisation.anonymise(Question.objects.get(pk=question.pk), reason="test")
    html = page(client, question)
    assert "This question was erased" in html
    assert "Het antwoord" not in html


@pytest.mark.django_db
def test_each_language_has_its_own_copy(opened):
    question, _code, client, _sam = opened
    english = page(client, question, "en")
    dutch = page(client, question, "nl")
    assert "Write a message" in english
    assert "Write a message" not in dutch
    assert 'href="/nl/follow-up/' in dutch or "/nl/" in dutch
    assert len(fragments.kept._items) == 2
    assert "Write a message" in page(client, question, "en")


@pytest.mark.django_db
def test_each_visitor_posts_with_their_own_token(opened):
    question, code, client, _sam = opened
    mine = page(client, question)
    other = Client(enforce_csrf_checks=True)
    open_with_code(other, question, code)
    theirs = page(other, question)  # served from the kept copy
    assert csrf_values(mine).isdisjoint(csrf_values(theirs))
    token = next(iter(csrf_values(theirs)))
    sent = other.post(
        f"/en/follow-up/{question.reference}/",
        {
            "action": "reply",
            "body": "Een vraag van de tweede bezoeker",
            "csrfmiddlewaretoken": token,
        },
    )
    assert sent.status_code == 302
    assert "Een vraag van de tweede bezoeker" in page(client, question)


@pytest.mark.django_db
def test_a_reply_with_errors_is_not_kept_and_keeps_what_was_typed(opened):
    question, _code, client, _sam = opened
    token = next(iter(csrf_values(page(client, question))))
    refused = client.post(
        f"/en/follow-up/{question.reference}/",
        {
            "action": "reply",
            "body": "Mijn getypte tekst",
            "files": SimpleUploadedFile("virus.exe", b"MZ\x90\x00not a document"),
            "csrfmiddlewaretoken": token,
        },
    )
    assert refused.status_code == 400
    assert "Mijn getypte tekst" in refused.content.decode()
    again = page(client, question)
    assert "Mijn getypte tekst" not in again
    assert "Please check the form" not in again


@pytest.mark.django_db
def test_a_new_municipality_is_suggested_on_a_kept_page(opened):
    question, _code, client, _sam = opened
    page(client, question)
    region = Municipality.objects.first().region
    Municipality.objects.create(name="Zottegem", postcode="9620", region=region)
    assert '<option value="Zottegem">' in page(client, question)


@pytest.mark.django_db
def test_pages_with_other_panels_are_rendered_each_time(opened):
    from tickets.models import Referral

    question, _code, client, _sam = opened
    Referral.objects.create(question=question, service_name="CAW Oost-Vlaanderen")
    assert "CAW Oost-Vlaanderen" in page(client, question)
    assert not fragments.kept._items
    Referral.objects.filter(question=question).update(service_name="CAW Gent")
    assert "CAW Gent" in page(client, question)


@pytest.mark.django_db
def test_a_closed_session_still_sees_nothing(opened):
    question, _code, client, _sam = opened
    page(client, question)  # kept
    stranger = Client()
    response = stranger.get(f"/en/follow-up/{question.reference}/")
    assert response.status_code == 302
    assert "Mijn verblijfskaart" not in response.content.decode()


def views_of(question):
    return AuditEvent.objects.filter(
        action="question.requester_view", target_id=str(question.pk)
    ).count()


@pytest.mark.django_db
def test_views_are_audited_once_a_minute_per_session_and_question(opened):
    question, code, client, _sam = opened
    page(client, question)
    page(client, question)
    page(client, question)
    assert views_of(question) == 1
    event = AuditEvent.objects.get(action="question.requester_view", target_id=str(question.pk))
    assert event.actor_label == "requester" and event.request_method == "GET"

    # A minute later in the same session: recorded again.
    session = client.session
    recorded = session[access.FOLLOW_UP_VIEWS_KEY]
    recorded[str(question.pk)] -= access.REQUESTER_VIEW_AUDIT_SECONDS
    session[access.FOLLOW_UP_VIEWS_KEY] = recorded
    session.save()
    page(client, question)
    assert views_of(question) == 2
    page(client, question)
    assert views_of(question) == 2

    # Another session (another device): its own first view is recorded.
    other = Client(enforce_csrf_checks=True)
    open_with_code(other, question, code)
    page(other, question)
    assert views_of(question) == 3

    # Another question in the same session: recorded on its own.
    second = factories.new_question(municipality=Municipality.objects.first())
    open_with_code(client, second.question, second.access_code)
    page(client, second.question)
    assert views_of(second.question) == 1
    assert views_of(question) == 3


@pytest.mark.django_db
def test_after_signing_out_and_in_again_the_view_is_recorded(opened):
    question, code, client, _sam = opened
    token = next(iter(csrf_values(page(client, question))))
    assert views_of(question) == 1
    client.post("/en/follow-up/sign-out/", {"csrfmiddlewaretoken": token})
    open_with_code(client, question, code)
    page(client, question)
    assert views_of(question) == 2


@pytest.mark.django_db
def test_session_expiry_still_ends_a_kept_page(opened, settings):
    question, _code, client, _sam = opened
    page(client, question)
    session = client.session
    session[access.FOLLOW_UP_ACTIVITY_KEY] -= settings.FOLLOW_UP_SESSION_MINUTES * 60 + 1
    session.save()
    response = client.get(f"/en/follow-up/{question.reference}/")
    assert response.status_code == 302


def test_the_key_covers_every_field_of_the_question():
    """A field added to Question later is in the key without anyone remembering to add it."""
    assert fragments._FIELDS == [field.attname for field in Question._meta.concrete_fields]


@pytest.mark.django_db
def test_a_first_rendering_skips_the_empty_panels_queries(opened):
    """The flags of the one question query are booleans (the panels' tags ask `is False`), so
    a page rendered anew does not ask for referrals, consents, handovers or erasure requests
    the question does not have."""
    question, _code, client, _sam = opened
    found = fragments.requester_question(question.reference)
    assert all(getattr(found, flag) is False for flag in fragments.PANEL_FLAGS)
    with CaptureQueriesContext(connection) as queries:
        page(client, question)
    assert fragments.kept._items  # rendered anew, then kept
    tables = ("tickets_referral", "tickets_consent", "tickets_handover", "tickets_erasurerequest")
    own = [q["sql"] for q in queries if any(f'FROM "{t}"' in q["sql"][:400] for t in tables)]
    assert not [sql for sql in own if not sql.startswith('SELECT "tickets_question"')]


def test_the_kept_parts_are_bounded_and_the_least_recently_used_go_first():
    kept = fragments._Kept()
    for number in range(fragments.MAX_KEPT):
        kept.put(f"key-{number}", f"part {number}")
    assert kept.get("key-0") == "part 0"  # used again: now the most recent
    kept.put("one-more", "part")
    assert len(kept._items) == fragments.MAX_KEPT
    assert kept.get("key-1") is None  # the least recently used went
    assert kept.get("key-0") == "part 0" and kept.get("one-more") == "part"
