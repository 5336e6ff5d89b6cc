"""Service levels: working-day arithmetic, policies, quick views and escalation."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from backoffice import outbox, roles
from backoffice.models import AuditEvent, LegalDomain, SentMail
from tests import factories
from tests.conftest import make_user
from tests.i18n import in_dutch_html
from tickets import lifecycle
from tickets.models import Priority, Question, SLAPolicy, Status
from tickets.sla import calendar, due_dates, escalation


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday + 1 → Monday
        (date(2026, 11, 28), 0, date(2026, 11, 30)),  # Saturday counts from Monday
        (date(2026, 11, 28), 2, date(2026, 12, 2)),
        (date(2027, 3, 26), 1, date(2027, 3, 30)),  # Friday, weekend, Easter Monday 29 March
        (date(2027, 3, 26), 5, date(2027, 4, 5)),
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # Christmas Friday, weekend
        (date(2026, 11, 10), 1, date(2026, 11, 12)),  # Armistice, 11 November
        (date(2026, 5, 13), 1, date(2026, 5, 15)),  # Ascension Thursday 14 May
        # 11 July is the Flemish community's holiday, not a national one: it counts.
        (date(2029, 7, 10), 1, date(2029, 7, 11)),
        (date(2029, 7, 20), 1, date(2029, 7, 23)),  # 21 July (Saturday) is national anyway
        (date(2026, 7, 20), 1, date(2026, 7, 22)),  # 21 July 2026 is a Tuesday
    ],
)
def test_working_days_skip_weekends_and_belgian_national_holidays(start, days, due):
    assert calendar.add_working_days(start, days) == due


def test_community_holidays_are_working_days():
    assert calendar.is_working_day(date(2027, 7, 12))  # Monday after the Flemish holiday
    assert calendar.is_working_day(date(2029, 7, 11))  # Flemish holiday on a Wednesday
    assert not calendar.is_working_day(date(2027, 3, 29))  # Easter Monday


@pytest.fixture
def region(db):
    return factories.region("antwerpen")


def _question(region, domain="residence", deadline=None, **kwargs):
    return factories.question(
        domain=domain, municipality=region.municipalities.first(), deadline=deadline, **kwargs
    )


@pytest.mark.django_db
def test_the_most_specific_policy_wins_and_the_default_applies_otherwise(region, settings):
    settings.SLA_DEFAULT_FIRST_RESPONSE_DAYS, settings.SLA_DEFAULT_ANSWER_DAYS = 3, 12
    residence = LegalDomain.objects.get(slug="residence")
    assert due_dates.policy_for(residence.pk, Priority.NORMAL) == (3, 12)
    SLAPolicy.objects.create(first_response_days=2, answer_days=8)
    SLAPolicy.objects.create(priority=Priority.URGENT, first_response_days=1, answer_days=2)
    SLAPolicy.objects.create(legal_domain=residence, first_response_days=1, answer_days=5)
    SLAPolicy.objects.create(
        legal_domain=residence, priority=Priority.URGENT, first_response_days=0, answer_days=1
    )
    housing = LegalDomain.objects.get(slug="housing")
    assert due_dates.policy_for(housing.pk, Priority.NORMAL) == (2, 8)
    assert due_dates.policy_for(housing.pk, Priority.URGENT) == (1, 2)
    assert due_dates.policy_for(residence.pk, Priority.NORMAL) == (1, 5)
    assert due_dates.policy_for(residence.pk, Priority.URGENT) == (0, 1)


@pytest.mark.django_db
def test_due_dates_are_set_on_creation_and_follow_priority_changes(region):
    residence = LegalDomain.objects.get(slug="residence")
    SLAPolicy.objects.create(legal_domain=residence, first_response_days=2, answer_days=10)
    SLAPolicy.objects.create(
        legal_domain=residence, priority=Priority.URGENT, first_response_days=0, answer_days=1
    )
    question = _question(region)
    today = timezone.localdate()
    assert question.first_response_due == calendar.add_working_days(today, 2)
    assert question.answer_due == calendar.add_working_days(today, 10)
    question.priority = Priority.URGENT
    lifecycle.update_triage(question, ["priority"], actor=None)
    question.refresh_from_db()
    assert question.answer_due == calendar.add_working_days(today, 1)
    event = AuditEvent.objects.get(action="question.triage")
    assert event.details["answer_due"] == str(question.answer_due)


@pytest.mark.django_db
def test_the_first_staff_reply_sets_the_first_response_and_tells_the_requester(
    region, django_capture_on_commit_callbacks
):
    specialist = make_user(roles.SPECIALIST, "sam", regions=[region])
    question = _question(region, email="req@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.add_message(question, body="Antwoord", author_kind="staff", author=specialist)
    question.refresh_from_db()
    assert question.first_response_at is not None
    assert question.assignee == specialist  # who answers an unassigned question handles it
    (news,) = [m for m in mail.outbox if m.to == ["req@example.org"]]
    assert "Antwoord" not in news.body and "#link=" in news.body


def _make_overdue(question, days=3):
    Question.objects.filter(pk=question.pk).update(
        first_response_due=timezone.localdate() - timedelta(days=days),
        answer_due=timezone.localdate() + timedelta(days=5),
    )


@pytest.mark.django_db
def test_escalation_notifies_once_and_marks_the_question(region, settings):
    settings.SLA_DEADLINE_WARNING_DAYS = 3
    specialist = make_user(roles.SPECIALIST, "sam", regions=[region])
    make_user(roles.SPECIALIST, "other-region-specialist")
    coordinator = make_user(roles.COORDINATOR, "coco", regions=[region])
    overdue = _question(region)
    _make_overdue(overdue)
    near_deadline = _question(region, deadline=timezone.localdate() + timedelta(days=2))
    far_deadline = _question(region, deadline=timezone.localdate() + timedelta(days=20))
    answered = _question(region)
    _make_overdue(answered)
    lifecycle.add_message(answered, body="Antwoord", author_kind="staff", author=specialist)
    lifecycle.assign(near_deadline, specialist, actor=specialist)
    mail.outbox.clear()

    assert escalation.escalate_due() == 2
    # One mail per person and question: no one sees the others' addresses.
    assert len(mail.outbox) == 4
    for escalated in (overdue, near_deadline):
        mails = [message for message in mail.outbox if escalated.reference in message.subject]
        assert sorted(message.to for message in mails) == sorted(
            [[specialist.email], [coordinator.email]]
        )
    for message in mail.outbox:
        assert "Verblijfskaart" not in message.body  # only the reference and a link
        assert "/admin/questions/" in message.body
    overdue.refresh_from_db()
    far_deadline.refresh_from_db()
    assert overdue.escalated_at is not None and far_deadline.escalated_at is None
    assert AuditEvent.objects.filter(action="question.escalate").count() == 2

    # A second run (or a second worker) finds nothing left to claim.
    assert escalation.escalate_due() == 0
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_an_unassigned_overdue_question_goes_to_the_regions_specialists(region):
    first = make_user(roles.SPECIALIST, "sam", regions=[region])
    second = make_user(roles.SPECIALIST, "noor", regions=[region])
    make_user(roles.SPECIALIST, "elsewhere")
    question = _question(region)
    _make_overdue(question)
    mail.outbox.clear()
    escalation.escalate_due()
    assert sorted(message.to for message in mail.outbox) == sorted([[first.email], [second.email]])


@pytest.mark.django_db
def test_escalation_mails_are_in_each_readers_language(region):
    specialist = make_user(roles.SPECIALIST, "sam", regions=[region])
    coordinator = make_user(roles.COORDINATOR, "coco", regions=[region])
    coordinator.profile.preferred_language = "fr"
    coordinator.profile.save()
    question = _question(region)
    _make_overdue(question)
    mail.outbox.clear()
    assert escalation.escalate_due() == 1
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    expected = {}
    for user, language in ((specialist, "nl"), (coordinator, "fr")):
        with translation.override(language):
            expected[user.email] = gettext("Question %(reference)s needs attention") % {
                "reference": question.reference
            }
    assert subjects == expected
    assert expected[specialist.email] != expected[coordinator.email]


@pytest.mark.django_db
def test_a_failed_escalation_sends_again_only_the_mails_that_did_not_leave(region, settings):
    first = make_user(roles.SPECIALIST, "sam", regions=[region])
    second = make_user(roles.SPECIALIST, "noor", regions=[region])
    question = _question(region)
    _make_overdue(question)
    mail.outbox.clear()
    # The first run's mail to Noor did not leave (its claim was removed, as send_each_once does
    # after a failure) and the question's claim was released: the next run tells only Noor.
    assert escalation.escalate_due() == 1
    SentMail.objects.filter(recipient=outbox._recipient_digest(second.email)).delete()
    Question.objects.filter(pk=question.pk).update(escalated_at=None)
    mail.outbox.clear()
    assert escalation.escalate_due() == 1
    assert [message.to for message in mail.outbox] == [[second.email]]
    assert SentMail.objects.filter(sent_at__isnull=False).count() == 2  # Sam's, then Noor's
    assert first.email != second.email


@pytest.mark.django_db
def test_quick_views(region):
    specialist = make_user(roles.SPECIALIST, "sam", regions=[region])
    mine = _question(region)
    lifecycle.assign(mine, specialist, actor=specialist)
    unassigned = _question(region)
    overdue = _question(region)
    _make_overdue(overdue)
    deadline = _question(region, deadline=timezone.localdate() + timedelta(days=6))
    waiting = _question(region)
    lifecycle.change_status(waiting, Status.WAITING, actor=specialist, actor_kind="staff")
    everything = Question.objects.all()

    def names(view):
        return set(everything.quick_view(view, specialist).values_list("pk", flat=True))

    assert names("mine") == {mine.pk}
    assert names("unassigned") == {unassigned.pk, overdue.pk, deadline.pk, waiting.pk}
    assert names("overdue") == {overdue.pk}
    assert names("deadline") == {deadline.pk}
    assert names("waiting") == {waiting.pk}


@pytest.mark.django_db
def test_the_escalation_schedule_exists_after_migrate():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="tickets.sla.escalation.escalate_due")
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 15


@pytest.mark.django_db
def test_coordinators_edit_service_levels_and_duplicates_are_refused(client):
    coordinator = make_user(roles.COORDINATOR, "coco")
    client.force_login(coordinator)
    data = {"legal_domain": "", "priority": "", "first_response_days": 2, "answer_days": 9}
    assert client.post("/admin/service_levels/new/", data).status_code == 302
    again = client.post("/admin/service_levels/new/", data)
    assert (
        again.status_code == 200
        and in_dutch_html("There is already a service level for this domain and priority.")
        in again.content.decode()
    )
    backwards = client.post(
        "/admin/service_levels/new/",
        {"legal_domain": "", "priority": 4, "first_response_days": 5, "answer_days": 1},
    )
    assert backwards.status_code == 200
    assert SLAPolicy.objects.count() == 1
    client.force_login(make_user(roles.SPECIALIST, "sam"))
    refused = client.post("/admin/service_levels/new/", {**data, "priority": 3})
    assert refused["Location"] == "/admin/"  # permission denied: sent to the dashboard
    assert SLAPolicy.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_escalation_mail_is_tried_again_on_the_next_run(region, settings):
    import socket

    make_user(roles.SPECIALIST, "sam", regions=[region])
    question = _question(region)
    _make_overdue(question)
    with socket.socket() as probe:  # a port nobody listens on: the real SMTP client is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    assert escalation.escalate_due() == 0
    question.refresh_from_db()
    assert question.escalated_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    assert escalation.escalate_due() == 1
    assert len(mail.outbox) == 1
