"""Who may see which question. The one place for this rule: views, downloads, the admin,
search and exports all ask here."""

from django.conf import settings
from django.db.models import Q, QuerySet

from backoffice import roles
from tickets.models import Question, RequesterKind

FOLLOW_UP_SESSION_KEY = "follow_up_questions"


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
    visible = Question.objects.filter(region__in=user.profile.regions.all())
    if roles.COORDINATOR not in held and settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS:
        domains = list(user.profile.legal_domains.values_list("pk", flat=True))
        if domains:
            visible = visible.filter(legal_domain__in=domains)
    return visible


def professional_questions(user) -> QuerySet:
    """A professional's own consults, plus their organisation's when it shares them."""
    if not user.is_authenticated or not user.groups.filter(name=roles.PROFESSIONAL).exists():
        return Question.objects.none()
    own = Q(professional=user)
    organisation = user.profile.organisation
    if organisation is not None and organisation.shares_consults:
        own |= Q(organisation=organisation)
    return Question.objects.filter(own, requester_kind=RequesterKind.PROFESSIONAL)


def opened_in_session(request, question: Question) -> bool:
    """A newcomer opened this question with its reference and code (or a sign-in link)."""
    return question.requester_kind == RequesterKind.NEWCOMER and question.pk in request.session.get(
        FOLLOW_UP_SESSION_KEY, []
    )


def open_in_session(request, question: Question) -> None:
    # A new session key at every "sign-in" with a code, against session fixation.
    request.session.cycle_key()
    opened = request.session.get(FOLLOW_UP_SESSION_KEY, [])
    if question.pk not in opened:
        request.session[FOLLOW_UP_SESSION_KEY] = [*opened, question.pk][-20:]


def can_see_internal(user, question: Question) -> bool:
    return staff_questions(user).filter(pk=question.pk).exists()


def can_see_public_thread(request, question: Question) -> bool:
    user = request.user
    return (
        opened_in_session(request, question)
        or professional_questions(user).filter(pk=question.pk).exists()
        or can_see_internal(user, question)
    )
