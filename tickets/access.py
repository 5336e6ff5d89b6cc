"""Who may see which question. The one place for this rule: views, downloads, the admin,
search and exports all ask here."""

import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from backoffice import roles
from tickets.models import Question, RequesterKind

FOLLOW_UP_SESSION_KEY = "follow_up_questions"
FOLLOW_UP_ACTIVITY_KEY = "follow_up_last_activity"


def staff_questions(user) -> QuerySet:
    """Questions a staff member may open: a superuser all; specialists and coordinators those of
    their regions. With SPECIALISTS_SEE_ONLY_THEIR_DOMAINS a specialist who chose legal domains
    sees only those (one who chose none still sees every domain). Professionals and editors get
    none here."""
    if not user.is_authenticated or not user.is_active:
        return Question.objects.none()
    if user.is_superuser:
        return Question.objects.all()
    held = set(
        user.groups.filter(name__in=[roles.SPECIALIST, roles.COORDINATOR]).values_list(
            "name", flat=True
        )
    )
    if not held:
        return Question.objects.none()
    # The ids, not a subquery: knowing them, the database walks the queue's index in order
    # (a deep page of 26,000 questions of one region: 16 ms instead of 250 ms on SQLite).
    regions = list(user.profile.regions.values_list("pk", flat=True))
    visible = Question.objects.filter(region__in=regions)
    if roles.COORDINATOR not in held and settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS:
        domains = list(user.profile.legal_domains.values_list("pk", flat=True))
        if domains:
            visible = visible.filter(legal_domain__in=domains)
    return visible


def handed_over_questions(user) -> QuerySet:
    """Questions transferred away from one of the user's regions less than
    HANDOVER_READ_ONLY_DAYS ago, that they cannot open otherwise. For reading only: every
    change still asks `staff_questions`, which no longer holds them."""
    if not user.is_authenticated or not user.is_active:
        return Question.objects.none()
    if not user.groups.filter(name__in=[roles.SPECIALIST, roles.COORDINATOR]).exists():
        return Question.objects.none()
    since = timezone.now() - timedelta(days=settings.HANDOVER_READ_ONLY_DAYS)
    return (
        Question.objects.filter(
            handovers__kind="internal",
            handovers__from_region__in=user.profile.regions.all(),
            handovers__at__gte=since,
        )
        .exclude(pk__in=staff_questions(user).values("pk"))
        .distinct()
    )


def staff_can_read(user, question: Question) -> bool:
    """Open in the workspace, or read-only after a recent transfer away."""
    return (
        staff_questions(user).filter(pk=question.pk).exists()
        or handed_over_questions(user).filter(pk=question.pk).exists()
    )


def professional_questions(user) -> QuerySet:
    """A professional's own consults, plus their organisation's when it shares them."""
    if not user.is_authenticated or not user.groups.filter(name=roles.PROFESSIONAL).exists():
        return Question.objects.none()
    own = Q(professional=user)
    organisation = user.profile.organisation
    if organisation is not None and organisation.shares_consults:
        own |= Q(organisation=organisation)
    return Question.objects.filter(own, requester_kind=RequesterKind.PROFESSIONAL)


def _follow_up_alive(request) -> bool:
    """A newcomer's follow-up lasts FOLLOW_UP_SESSION_MINUTES without activity; after that the
    opened questions are forgotten and the code (or a new link) is needed again."""
    if not request.session.get(FOLLOW_UP_SESSION_KEY):
        return False
    now = int(time.time())
    last = request.session.get(FOLLOW_UP_ACTIVITY_KEY, 0)
    if now - last > settings.FOLLOW_UP_SESSION_MINUTES * 60:
        end_follow_up(request)
        return False
    if now - last >= 60:  # written at most once a minute
        request.session[FOLLOW_UP_ACTIVITY_KEY] = now
    return True


def opened_in_session(request, question: Question) -> bool:
    """A newcomer opened this question with its reference and code (or a sign-in link), in
    this session, and has not been away longer than the follow-up's lifetime."""
    return (
        question.requester_kind == RequesterKind.NEWCOMER
        and _follow_up_alive(request)
        and question.pk in request.session.get(FOLLOW_UP_SESSION_KEY, [])
    )


def open_in_session(request, question: Question) -> None:
    # A new session key at every "sign-in" with a code, against session fixation.
    request.session.cycle_key()
    opened = request.session.get(FOLLOW_UP_SESSION_KEY, [])
    if question.pk not in opened:
        request.session[FOLLOW_UP_SESSION_KEY] = [*opened, question.pk][-20:]
    request.session[FOLLOW_UP_ACTIVITY_KEY] = int(time.time())
    if not request.user.is_authenticated:
        # The cookie, too, goes soon: a shared or borrowed phone does not keep the question.
        request.session.set_expiry(settings.FOLLOW_UP_SESSION_MINUTES * 60)


def end_follow_up(request) -> None:
    """Sign out of the follow-up: forget every question opened in this session."""
    request.session.pop(FOLLOW_UP_SESSION_KEY, None)
    request.session.pop(FOLLOW_UP_ACTIVITY_KEY, None)
    if not request.user.is_authenticated:
        request.session.flush()


def can_see_internal(user, question: Question) -> bool:
    return staff_questions(user).filter(pk=question.pk).exists()


def can_see_public_thread(request, question: Question) -> bool:
    user = request.user
    return (
        opened_in_session(request, question)
        or professional_questions(user).filter(pk=question.pk).exists()
        or can_see_internal(user, question)
    )


def can_export(user, question: Question) -> bool:
    """Answer letters and case files: specialists of the question's region (not read-only)."""
    return user.has_perm("tickets.export_question") and (
        staff_questions(user).filter(pk=question.pk).exists()
    )


def can_hand_over(user, question: Question) -> bool:
    return user.has_perm("tickets.hand_over_question") and (
        staff_questions(user).filter(pk=question.pk).exists()
    )


def can_get_dossier(request, question: Question) -> bool:
    """The requester's own dossier: the newcomer who opened the question in this session, or
    the professional whose consult it is."""
    return (
        opened_in_session(request, question)
        or professional_questions(request.user).filter(pk=question.pk).exists()
    )


def can_download_document(request, document) -> bool:
    """A generated document is served only to whom it was made for, while they still may."""
    question = document.question
    if document.audience == "staff":
        return document.requested_by_id == request.user.pk and can_export(request.user, question)
    if document.audience == "professional":
        return (
            document.requested_by_id == request.user.pk
            and professional_questions(request.user).filter(pk=question.pk).exists()
        )
    return document.audience == "requester" and opened_in_session(request, question)
