"""Policy signals: the one place for their rules (who may write, see and review them, the
personal-data check, grouping, and the counts per municipality and service).

A specialist flags a question (or writes a signal without one) from the workspace; a
professional writes one on the professional pages. The description must not hold personal data:
the redaction service (tickets.redaction) looks for names, numbers and addresses, and the author
has to confirm before a text with findings is saved. Coordinators (their regions; a superuser
all) review signals and group them.

This module holds the rules; the pages are in tickets.policy_signals.views, the records in
tickets.models.policy_signals.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice import roles
from backoffice.audit import record_event
from tickets import access, redaction
from tickets.models import PolicySignal, SignalGroup


class PersonalDataWarning(ValidationError):
    """The description seems to hold personal data; saved only when the author confirms."""

    def __init__(self, findings):
        self.findings = findings
        kinds = sorted({str(redaction.LABELS[finding.kind]) for finding in findings})
        super().__init__(
            _(
                "The description seems to contain personal data (%(kinds)s). Describe the "
                "problem without names, numbers or addresses, or confirm that it contains none."
            )
            % {"kinds": ", ".join(kinds)},
            code="personal_data",
        )


def personal_data_in(text: str) -> list:
    return redaction.find_personal_data(text)


def can_write(user) -> bool:
    held = roles.user_roles(user)
    return user.is_active and (
        user.is_superuser or bool(held & {roles.SPECIALIST, roles.COORDINATOR, roles.PROFESSIONAL})
    )


def can_flag(user) -> bool:
    """Staff who write signals in the admin: specialists and coordinators (and superusers)."""
    held = roles.user_roles(user)
    return user.is_active and (
        user.is_superuser or bool(held & {roles.SPECIALIST, roles.COORDINATOR})
    )


def can_report(user) -> bool:
    """Professionals report signals from their pages on the public site."""
    return user.is_active and roles.PROFESSIONAL in roles.user_roles(user)


def can_review(user) -> bool:
    return user.is_active and (user.is_superuser or roles.COORDINATOR in roles.user_roles(user))


def visible_to(user) -> QuerySet:
    """Signals a coordinator reviews: those of their regions; a superuser all."""
    if not user.is_authenticated or not can_review(user):
        return PolicySignal.objects.none()
    signals = PolicySignal.objects.select_related("municipality", "organisation", "region")
    if user.is_superuser:
        return signals
    return signals.filter(region__in=user.profile.regions.all())


def new_for(user) -> QuerySet:
    return visible_to(user).filter(status=PolicySignal.Status.NEW)


@transaction.atomic
def create_signal(
    *,
    author,
    category: str,
    description: str,
    municipality=None,
    organisation=None,
    service_name: str = "",
    question=None,
    confirmed: bool = False,
    request=None,
) -> PolicySignal:
    if not can_write(author):
        raise ValidationError(_("You may not write policy signals."), code="forbidden")
    source = PolicySignal.Source.SPECIALIST
    if roles.PROFESSIONAL in roles.user_roles(author) and not author.is_superuser:
        source = PolicySignal.Source.PROFESSIONAL
        question = None  # professionals write signals about services, not about a question
    if question is not None and not access.staff_questions(author).filter(pk=question.pk).exists():
        raise ValidationError(_("You cannot flag this question."), code="forbidden")
    municipality = municipality or (organisation.municipality if organisation else None)
    municipality = municipality or (question.municipality if question else None)
    region = (
        (municipality.region if municipality else None)
        or (organisation.region if organisation else None)
        or (question.region if question else None)
    )
    if region is None:
        raise ValidationError(
            _("Choose the municipality or the service concerned."), code="place_required"
        )
    description = description.strip()
    if not description:
        raise ValidationError(_("Describe the problem."), code="description_required")
    findings = personal_data_in(description)
    if findings and not confirmed:
        raise PersonalDataWarning(findings)
    signal = PolicySignal.objects.create(
        category=category,
        region=region,
        municipality=municipality,
        organisation=organisation,
        service_name=service_name.strip(),
        description=description,
        question=question,
        source=source,
        created_by=author,
        personal_data_warnings=len(findings),
    )
    record_event(
        "signal.create",
        request=request,
        actor=author,
        target=signal,
        details={"category": category, "question": question.pk if question else None},
    )
    return signal


@transaction.atomic
def review(signal: PolicySignal, *, reviewer, group_title: str = "", group=None, request=None):
    """Mark a signal reviewed, optionally in a group (an existing one, or a new title)."""
    if not can_review(reviewer) or not visible_to(reviewer).filter(pk=signal.pk).exists():
        raise ValidationError(_("You may not review this signal."), code="forbidden")
    if group is not None and group.region_id != signal.region_id:
        raise ValidationError(_("Choose a group of the signal's region."), code="group_region")
    if group is None and group_title.strip():
        group, _created = SignalGroup.objects.get_or_create(
            region=signal.region, title=group_title.strip()[:200]
        )
    signal.status = PolicySignal.Status.REVIEWED
    signal.group = group or signal.group
    signal.reviewed_by = reviewer
    signal.reviewed_at = timezone.now()
    signal.save(update_fields=["status", "group", "reviewed_by", "reviewed_at"])
    record_event(
        "signal.review",
        request=request,
        actor=reviewer,
        target=signal,
        details={"group": signal.group_id},
    )
    return signal


def in_period(signals: QuerySet, start, end) -> QuerySet:
    from tickets.reports.figures import Filters

    begin, stop = Filters(start, end).bounds
    return signals.filter(created_at__gte=begin, created_at__lt=stop)


def per_municipality(signals: QuerySet) -> list[dict]:
    """Counts per municipality and category, largest first."""
    return list(
        signals.values("municipality__postcode", "municipality__name", "category")
        .annotate(n=Count("pk"))
        .order_by("-n", "municipality__name", "category")
    )


def per_service(signals: QuerySet) -> list[dict]:
    return list(
        signals.values("organisation__name", "service_name", "category")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation__name", "service_name")
    )
