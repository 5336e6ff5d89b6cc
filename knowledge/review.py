"""The legal review cycle of articles: the "Legal review" workflow every publication goes
through, the listings editors work from, and their weekly reminder.

Only an approval in "Legal review" publishes an article. The rule sits in the permission testers
of articles and of the indexes that hold them, so the admin's "Publish" button, creating with
publish, copying with "publish copies", bulk publishing, scheduled publishing, reverting and the
API all obey it; the admin hooks in knowledge/wagtail_hooks.py only turn a refused publication
into a submission (or a clear message). The approval itself (`publish_approved`, Wagtail's
WAGTAIL_FINISH_WORKFLOW_ACTION) checks that the approved text is complete, records the review
date and reviewer, and publishes the approved revision. Four eyes: whoever submitted an article
cannot approve it (unless LEGAL_REVIEW_ALLOW_SELF_APPROVAL). Importing reviewed content
(`import_articles`) publishes without a user and is therefore not affected.
"""

import contextlib
import contextvars
import datetime
import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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


# The summary a promoted draft starts with; an article is never published with it.
PLACEHOLDER_SUMMARY = gettext_lazy("To be written: two or three plain sentences.")
# The slug a draft gets when its title gives none (e.g. "article", "article-2").
PLACEHOLDER_SLUG = re.compile(r"^article(-\d+)?$")

# The page being published by an approval right now (see `publish_approved`).
_approving = contextvars.ContextVar("legal_review_approving", default=None)


def self_approval_allowed() -> bool:
    return bool(getattr(settings, "LEGAL_REVIEW_ALLOW_SELF_APPROVAL", False))


class LegalReviewTask(GroupApprovalTask):
    """The editors' approval task, with the four-eyes rule and the completeness check: the
    approve actions are offered only to an editor who did not submit the article, and only when
    the text to approve is complete. (A proxy: the task is stored as a GroupApprovalTask.)"""

    class Meta:
        proxy = True
        app_label = "knowledge"
        verbose_name = gettext_lazy("legal review task")

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if submitted_by(obj, user) and not self_approval_allowed():
            return [action for action in actions if not action[0].startswith("approve")]
        return actions

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if self_approval_allowed():
            return states
        return states.exclude(workflow_state__requested_by=user)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name.startswith("approve"):
            page = task_state.workflow_state.content_object
            if approval_refusal(page, user):
                # Not approved. The edit page says why (LegalReviewStatusPanel); the edit form
                # shows the same problems at their fields when approving from there.
                return reverse("wagtailadmin_pages:edit", args=[page.pk])
        return super().on_action(task_state, user, action_name, **kwargs)


def legal_review_workflow() -> Workflow:
    """The workflow, created on first use (and after every migrate) with one approval task
    for the editors' group. Editors may rename it or add tasks; it is found by its task."""
    link = WorkflowTask.objects.filter(task__name=TASK_NAME).select_related("workflow").first()
    if link is not None:
        _use_legal_review_task(link.task)
        return link.workflow
    from django.contrib.auth.models import Group

    with transaction.atomic():
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        task = LegalReviewTask.objects.create(name=TASK_NAME, active=True)
        _use_legal_review_task(task)
        editors, _created = Group.objects.get_or_create(name=roles.EDITOR)
        task.groups.set([editors])
        # Workflow is a ClusterableModel: its child relation does not save on its own.
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def _use_legal_review_task(task) -> None:
    """Make the stored task behave as a LegalReviewTask (its specific class is read from its
    content type; a proxy needs it set by hand)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Task

    content_type = ContentType.objects.get_for_model(LegalReviewTask, for_concrete_model=False)
    if task.content_type_id != content_type.pk:
        Task.objects.filter(pk=task.pk).update(content_type=content_type)


def latest_revision_approved(page) -> bool:
    """Was the page's latest revision approved by every task of a workflow?"""
    revision_id = page.latest_revision_id
    if revision_id is None:
        return False
    states = TaskState.objects.filter(revision_id=revision_id)
    return states.exists() and not states.exclude(status=TaskState.STATUS_APPROVED).exists()


# --- Completeness and the approval ------------------------------------------------------------


def _placeholder_summaries() -> set[str]:
    texts = {str(PLACEHOLDER_SUMMARY)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.add(str(PLACEHOLDER_SUMMARY))
    return {" ".join(text.split()).casefold() for text in texts}


def _block_has_text(block) -> bool:
    value = block.value
    if hasattr(value, "source"):
        return bool(strip_tags(value.source).strip())
    return bool(strip_tags(str(value)).strip())


def content_problems(*, summary, body, slug) -> dict[str, str]:
    """What keeps a text from being published: {field name: message}. Empty when complete."""
    problems = {}
    summary_text = " ".join((summary or "").split()).casefold()
    if not summary_text:
        problems["summary"] = _("Write the summary before the article is published.")
    elif summary_text in _placeholder_summaries() or summary_text.startswith(_placeholder_prefix()):
        problems["summary"] = _(
            "The summary is still the placeholder text. Write two or three plain sentences "
            "before the article is approved."
        )
    blocks = list(body or [])
    if not blocks or not any(_block_has_text(block) for block in blocks):
        problems["body"] = _("The body is empty. Write the article before it is approved.")
    else:
        try:
            body.stream_block.clean(body)
        except ValidationError:
            problems["body"] = _(
                "A block of the body is incomplete (a required field is empty). Complete or "
                "remove it before the article is approved."
            )
    if PLACEHOLDER_SLUG.match(slug or ""):
        problems["slug"] = _(
            "The URL slug is still the placeholder “%(slug)s”. Give the article a slug that "
            "says what it is about (Promote tab)."
        ) % {"slug": slug}
    return problems


def _placeholder_prefix() -> tuple[str, ...]:
    prefixes = set()
    for text in _placeholder_summaries():
        head = text.split(":", 1)[0]
        if head and head != text:
            prefixes.add(head + ":")
    return tuple(prefixes) or ("\0",)


def publication_problems(page) -> dict[str, str]:
    if not hasattr(page, "summary") or not hasattr(page, "body"):
        return {}
    return content_problems(summary=page.summary, body=page.body, slug=page.slug)


def submitted_by(page, user) -> bool:
    workflow_state = page.current_workflow_state
    return workflow_state is not None and workflow_state.requested_by_id == user.pk


def approval_refusal(page, user) -> str | None:
    """Why `user` may not approve the page's latest revision now (None: they may)."""
    page = page.specific if hasattr(page, "specific") else page
    if submitted_by(page, user) and not self_approval_allowed():
        return _(
            "You submitted this article for legal review: another editor approves it (four eyes)."
        )
    revision = page.get_latest_revision()
    latest = revision.as_object() if revision is not None else page
    problems = publication_problems(latest)
    if problems:
        return " ".join(problems.values())
    return None


def reviewer_name(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:150]


def publish_approved(workflow_state, user=None):
    """Wagtail's finish action of every workflow: publish the latest revision, which the last
    task has just approved. For an article the approved text must be complete, and the approval
    is recorded as the article's legal review (date and reviewer) in the published revision."""
    page = workflow_state.content_object
    revision = page.get_latest_revision()
    latest = revision.as_object()
    if hasattr(latest, "last_review_date") and hasattr(latest, "summary"):
        problems = publication_problems(latest)
        if problems:
            raise PermissionDenied(" ".join(problems.values()))
        revision.content["last_review_date"] = timezone.localdate().isoformat()
        revision.content["reviewer"] = reviewer_name(user)
        revision.save(update_fields=["content"])
    with approving(page):
        revision.publish(user=user)


@contextlib.contextmanager
def approving(page):
    token = _approving.set(page.pk)
    try:
        yield
    finally:
        _approving.reset(token)


def is_being_approved(page) -> bool:
    return page.pk is not None and _approving.get() == page.pk


class LegalReviewPermissionTester(PagePermissionTester):
    """An article is published by approving it in "Legal review", never directly: not by the
    Publish button, a bulk action, a schedule or a revert."""

    def can_publish(self):
        return super().can_publish() and is_being_approved(self.page)

    # Wagtail ties these to can_publish; they publish nothing, so the editors' role decides.
    def can_set_view_restrictions(self):
        return PagePermissionTester.can_publish(self)

    def can_unschedule(self):
        return PagePermissionTester.can_publish(self)


class ArticleParentPermissionTester(PagePermissionTester):
    """An index of articles: new articles and copies in it start as drafts (they are published
    by an approval, never by "Publish" or "Publish copies")."""

    def can_publish_subpage(self):
        return False


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


def holds_articles(page) -> bool:
    """Is the page an article, or does a copy or move of it (with its subpages) carry some?"""
    from knowledge.models import ArticlePage

    if isinstance(page.specific_deferred, ArticlePage):
        return True
    return ArticlePage.objects.descendant_of(page).exists()


def holds_live_articles(page) -> bool:
    from knowledge.models import ArticlePage

    return ArticlePage.objects.descendant_of(page, inclusive=True).filter(live=True).exists()


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
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
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

    from backoffice.tasks import ensure_schedule

    ensure_schedule("knowledge review reminder", REMINDER_FUNC, Schedule.WEEKLY)
