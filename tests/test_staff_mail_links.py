"""Every staff e-mail links straight to the work it is about, as an absolute address on the
configured admin base URL (WAGTAILADMIN_BASE_URL), never to the admin home (issue 13)."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from backoffice import roles
from knowledge import review
from tests.conftest import make_user
from tests.test_legal_review import make_article
from tests.test_sla import _make_overdue, _question, region  # noqa: F401 (fixture)
from tickets import notifications
from tickets.sla import escalation

BASE = "https://backoffice.example/"


def _links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


@pytest.mark.django_db
def test_new_question_and_escalation_mails_open_the_question(region, settings):  # noqa: F811
    settings.WAGTAILADMIN_BASE_URL = BASE
    make_user(roles.SPECIALIST, "sam", regions=[region])
    question = _question(region)
    workspace = f"https://backoffice.example/admin/questions/{question.pk}/workspace/"
    mail.outbox.clear()
    assert notifications.notify_staff_of_new_question(question.pk) == 1
    assert _links(mail.outbox[0]) == [workspace]
    mail.outbox.clear()
    _make_overdue(question)
    assert escalation.escalate_due() == 1
    assert _links(mail.outbox[0]) == [workspace]


@pytest.mark.django_db
def test_review_reminder_links_are_well_formed(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE
    make_user(roles.EDITOR, "eva")
    make_article("oud", reviewed=timezone.localdate() - datetime.timedelta(days=400))
    assert review.send_review_reminders() == 1
    links = _links(mail.outbox[0])
    assert "https://backoffice.example/admin/knowledge/due-for-review/" in links
    assert not [link for link in links if "//admin" in link]
