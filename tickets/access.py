"""Who may see which question. The one place for this rule: views, downloads, the admin,
search and exports all ask here."""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from backoffice import roles
from backoffice.models import LegalDomain, Region
from tickets.models import Question, RequesterKind

FOLLOW_UP_SESSION_KEY = "follow_up_questions"
FOLLOW_UP_ACTIVITY_KEY = "follow_up_last_activity"


@dataclass(frozen=True)
class StaffScope:
    """Which questions a staff member handles: every question, or those of some regions,
    possibly narrowed to some legal domains. The one rule behind the queue's queryset, the
    search visibility terms, the assignee choices, the queue's filters and the mail recipients
    (new questions, escalations): each is built from a scope, none decides again.

    `regions` and `domains` hold primary keys; `domains` None means every domain of the regions.
    """

    everything: bool = False
    regions: frozenset = frozenset()
    domains: frozenset | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and not self.regions

    def q(self) -> Q:
        """The scope as a condition on questions (a never-true condition for nothing)."""
        if self.everything:
            return Q()
        if self.nothing:
            return Q(pk__in=[])
        # The ids, not a subquery: knowing them, the database walks the queue's index in order
        # (a deep page of 26,000 questions of one region: 16 ms instead of 250 ms on SQLite).
        condition = Q(region__in=sorted(self.regions))
        if self.domains is not None:
            condition &= Q(legal_domain__in=sorted(self.domains))
        return condition

    def questions(self) -> QuerySet:
        if self.everything:
            return Question.objects.all()
        if self.nothing:
            return Question.objects.none()
        return Question.objects.filter(self.q())

    def covers(self, question: Question) -> bool:
        """The same rule in Python, for a question already loaded (no query)."""
        if self.everything:
            return True
        return question.region_id in self.regions and (
            self.domains is None or question.legal_domain_id in self.domains
        )

    def search_terms(self) -> dict[str, list[str]] | None:
        """The scope as facet values of the search index (search.registry.Visibility.terms):
        None for everything; {"region": []} matches nothing."""
        if self.everything:
            return None
        terms = {"region": [str(pk) for pk in sorted(self.regions)]}
        if self.domains is not None:
            terms["legal_domain"] = sorted(
                LegalDomain.objects.filter(pk__in=self.domains).values_list("slug", flat=True)
            )
        return terms

    def region_choices(self) -> QuerySet:
        """The regions a filter of the queue may offer."""
        if self.everything:
            return Region.objects.all()
        return Region.objects.filter(pk__in=sorted(self.regions))

    def domain_choices(self) -> QuerySet:
        if self.domains is None:
            return LegalDomain.objects.all()
        return LegalDomain.objects.filter(pk__in=sorted(self.domains))

    def assignable_staff(self) -> QuerySet:
        """Specialists who handle at least one question of this scope: the queue's assignee
        filter and the bulk form's choices (each assignment still asks `can_be_assigned`)."""
        User = get_user_model()
        found = User.objects.filter(is_active=True, groups__name=roles.SPECIALIST)
        if self.nothing:
            return found.none()
        if not self.everything:
            in_regions = User.objects.filter(profile__regions__in=sorted(self.regions))
            found = found.filter(Q(is_superuser=True) | Q(pk__in=in_regions.values("pk")))
            if self.domains is not None and settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS:
                found = found.exclude(
                    pk__in=_narrowed_away(
                        User.objects.exclude(profile__legal_domains__in=sorted(self.domains))
                    )
                )
        else:
            found = found.filter(Q(is_superuser=True) | Q(profile__regions__isnull=False))
        return found.distinct().order_by("first_name", "last_name", "username")


def _narrowed_away(users: QuerySet) -> QuerySet:
    """Of `users`, the ids of those whose own domains keep them away (the setting is on, they
    are specialists and not coordinators, and they chose domains): see `staff_scope`."""
    return (
        users.filter(profile__legal_domains__isnull=False, groups__name=roles.SPECIALIST)
        .exclude(groups__name=roles.COORDINATOR)
        .exclude(is_superuser=True)
        .values("pk")
    )


def _held_staff_roles(user) -> tuple[frozenset, frozenset, frozenset | None]:
    """(specialist/coordinator groups held, region ids, chosen legal domain ids or None when
    not narrowed), read once per user instance, which lives for one request: the workspace asks
    the scope a dozen times (queue, handover, documents, referrals...): see
    backoffice.roles.kept_for_request."""
    return roles.kept_for_request(user, "staff_roles", _read_staff_roles)


def _read_staff_roles(user):
    held = frozenset(
        user.groups.filter(name__in=[roles.SPECIALIST, roles.COORDINATOR]).values_list(
            "name", flat=True
        )
    )
    regions = frozenset()
    domains = None
    if held:
        regions = frozenset(user.profile.regions.values_list("pk", flat=True))
        if (
            regions
            and roles.COORDINATOR not in held
            and settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS
        ):
            domains = frozenset(user.profile.legal_domains.values_list("pk", flat=True)) or None
    return held, regions, domains


def staff_scope(user) -> StaffScope:
    """Whom a staff member handles: a superuser every question; specialists and coordinators
    those of their regions. With SPECIALISTS_SEE_ONLY_THEIR_DOMAINS a specialist who chose legal
    domains handles only those (one who chose none still handles every domain; a coordinator
    always the whole region). Professionals, editors and inactive accounts: nothing.

    Kept on the user instance (one request) until groups, regions or domains change."""
    if user is None or not user.is_authenticated or not user.is_active:
        return StaffScope()
    if user.is_superuser:
        return StaffScope(everything=True)
    held, regions, domains = _held_staff_roles(user)
    if not held:
        return StaffScope()
    return StaffScope(regions=regions, domains=domains)


def staff_questions(user) -> QuerySet:
    """Questions a staff member may open: those of their `staff_scope`."""
    return staff_scope(user).questions()


def staff_covering(question: Question, role: str = roles.SPECIALIST) -> QuerySet:
    """The other way round: the active holders of `role` whose `staff_scope` covers the
    question. Assignee choices, new-question mails and escalation mails are built from it, so
    that whoever is told about a question can open it, and whoever can open it is told."""
    User = get_user_model()
    found = User.objects.filter(is_active=True, groups__name=role)
    in_region = User.objects.filter(profile__regions=question.region_id).values("pk")
    covering = Q(pk__in=in_region)
    if settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS:
        covering &= ~Q(
            pk__in=_narrowed_away(
                User.objects.exclude(profile__legal_domains=question.legal_domain_id)
            )
        )
    return found.filter(Q(is_superuser=True) | covering).distinct()


def handed_over_questions(user) -> QuerySet:
    """Questions transferred away from one of the user's regions less than
    HANDOVER_READ_ONLY_DAYS ago, that they cannot open otherwise. For reading only: every
    change still asks `staff_questions`, which no longer holds them."""
    if not user.is_authenticated or not user.is_active:
        return Question.objects.none()
    held, regions, _domains = _held_staff_roles(user)
    if not held or not regions:
        return Question.objects.none()
    since = timezone.now() - timedelta(days=settings.HANDOVER_READ_ONLY_DAYS)
    return (
        Question.objects.filter(
            handovers__kind="internal",
            handovers__from_region__in=sorted(regions),
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
    # A new session key at every "sign-in" with a code, against session fixation. A session
    # without a key yet (a visitor's first one, or a cookie naming no stored session: reading
    # it first drops such a key) gets a new random key when it is saved: cycling it would
    # write it twice, one more wait for SQLite's single writer on the intake. A stored one is
    # renamed in the response's one save (backoffice.session_store.SessionStore.rotate_key).
    opened = request.session.get(FOLLOW_UP_SESSION_KEY, [])
    if request.session.session_key is not None:
        getattr(request.session, "rotate_key", request.session.cycle_key)()
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


def _covers(user, question: Question) -> bool:
    """`staff_questions(user)` holds the question, asked of the loaded question with the scope
    kept for the request (no query: a workspace asks it for every panel)."""
    return staff_scope(user).covers(question)


def can_see_internal(user, question: Question) -> bool:
    return _covers(user, question)


def can_see_public_thread(request, question: Question) -> bool:
    user = request.user
    return (
        opened_in_session(request, question)
        or professional_questions(user).filter(pk=question.pk).exists()
        or can_see_internal(user, question)
    )


def can_export(user, question: Question) -> bool:
    """Answer letters and case files: specialists of the question's region (not read-only)."""
    return user.has_perm("tickets.export_question") and _covers(user, question)


def can_hand_over(user, question: Question) -> bool:
    return user.has_perm("tickets.hand_over_question") and _covers(user, question)


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
