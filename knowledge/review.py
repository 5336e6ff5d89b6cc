"""The legal review cycle of articles: the "Legal review" workflow every publication goes
through, the listings editors work from, and their weekly reminder.

Publishing is allowed only for an article whose latest revision was approved in a workflow; the
rule sits in the page's permission tester, so the admin's "Publish" button, bulk actions and the
API all obey it. Importing reviewed content (`import_articles`) publishes without a user and is
therefore not affected.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import (
    GroupApprovalTask,
    PagePermissionTester,
    TaskState,
    Workflow,
    WorkflowTask,
)

from backoffice import roles

logger = logging.getLogger(__name__)

WORKFLOW_NAME = "Legal review"
TASK_NAME = "Legal check by an editor"
REMINDER_FUNC = "knowledge.review.send_review_reminders"


def legal_review_workflow() -> Workflow:
    """The workflow, created on first use (and after every migrate) with one approval task
    for the editors' group. Editors may rename it or add tasks; it is found by its task."""
    link = WorkflowTask.objects.filter(task__name=TASK_NAME).select_related("workflow").first()
    if link is not None:
        return link.workflow
    from django.contrib.auth.models import Group

    with transaction.atomic():
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        task = GroupApprovalTask.objects.create(name=TASK_NAME, active=True)
        editors, _created = Group.objects.get_or_create(name=roles.EDITOR)
        task.groups.set([editors])
        # Workflow is a ClusterableModel: its child relation does not save on its own.
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def latest_revision_approved(page) -> bool:
    """Was the page's latest revision approved by every task of a workflow?"""
    revision_id = page.latest_revision_id
    if revision_id is None:
        return False
    states = TaskState.objects.filter(revision_id=revision_id)
    return states.exists() and not states.exclude(status=TaskState.STATUS_APPROVED).exists()


class LegalReviewPermissionTester(PagePermissionTester):
    """An article is published by approving it in "Legal review", never directly."""

    def can_publish(self):
        return super().can_publish() and latest_revision_approved(self.page)


class LegalReviewMixin:
    """Page behaviour of articles: always in the "Legal review" workflow, wherever they sit."""

    def get_workflow(self):
        if not getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
            return None
        workflow = legal_review_workflow()
        return workflow if workflow.active else None

    @property
    def has_workflow(self):
        return self.get_workflow() is not None

    def permissions_for_user(self, user):
        return LegalReviewPermissionTester(user, self)


def submit_for_review(page, user) -> None:
    """Start "Legal review" on the page's latest revision (for drafts made by code)."""
    if page.workflow_in_progress:
        return
    legal_review_workflow().start(page, user)


def can_curate(user) -> bool:
    """Editors keep the knowledge base current; superusers may too."""
    return user.is_active and (user.is_superuser or roles.EDITOR in roles.user_roles(user))


# --- Listings ---------------------------------------------------------------------------------


def due_for_review(today: datetime.date | None = None):
    """Live or draft articles whose legal review is past its interval (or never happened),
    most overdue first."""
    from knowledge.models import ArticlePage

    today = today or timezone.localdate()
    articles = ArticlePage.objects.select_related("locale")
    # Intervals are whole months (at least one), and month arithmetic per row is spelled
    # differently by SQLite and PostgreSQL: narrow in SQL with the shortest month, decide
    # exactly in Python.
    shortest = today - datetime.timedelta(days=28)
    candidates = articles.filter(
        Q(last_review_date__isnull=True) | Q(last_review_date__lte=shortest)
    )
    due = [article for article in candidates if article.is_review_due(today)]
    return sorted(due, key=lambda article: article.review_due_date or datetime.date.min)


def outdated_translations():
    from knowledge.models import ArticlePage
    from knowledge.translations import outdated_translations as outdated

    return outdated(ArticlePage.objects.select_related("locale")).order_by("title")


# --- Reminder ---------------------------------------------------------------------------------


def send_review_reminders() -> int:
    """Weekly: tell each editor how many articles wait for review or translation work.

    The mail holds counts and links only; nothing is sent when there is nothing to do.
    """
    due = len(due_for_review())
    outdated = outdated_translations().count()
    if not due and not outdated:
        return 0
    editors = get_user_model().objects.filter(is_active=True, groups__name=roles.EDITOR)
    recipients = sorted({user.email for user in editors if user.email})
    if not recipients:
        return 0
    base = settings.WAGTAILADMIN_BASE_URL
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Knowledge base: %(due)d articles due for review") % {"due": due}
        body = _(
            "Articles past their legal review interval: %(due)d\n%(due_link)s\n\n"
            "Translations older than their source: %(outdated)d\n%(outdated_link)s\n"
        ) % {
            "due": due,
            "due_link": base + reverse("knowledge_due_for_review"),
            "outdated": outdated,
            "outdated_link": base + reverse("knowledge_outdated_translations"),
        }
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        # The next weekly run tries again; a reminder is not worth a retry queue.
        logger.warning("Review reminder could not be sent", exc_info=True)
        return 0
    return len(recipients)


def ensure_schedules() -> None:
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="knowledge review reminder",
        defaults={
            "func": REMINDER_FUNC,
            "schedule_type": Schedule.WEEKLY,
            "repeats": -1,
        },
    )
