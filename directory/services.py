"""The rules of the directory, in one place: who maintains which entry, what the public sees,
how a place typed by a visitor is found, and the reader's municipality kept in the session.

Views, the admin, the import, the commands and other apps (knowledge's *where to go* block,
tickets' referrals) call these functions; none of them repeats a rule.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from backoffice.models import LegalDomain, Municipality, Region
from directory.models import Area, Service

SESSION_KEY = "directory_municipality"

MANAGE_PERMISSION = "directory.change_service"


# --- Who maintains what -------------------------------------------------------------------------


def managed_regions(user) -> QuerySet[Region]:
    """The regions whose entries this person may maintain: a superuser all, a coordinator (anyone
    with the directory permissions) the regions on their profile, everybody else none."""
    if not user.is_authenticated or not user.is_active:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    if not user.has_perm(MANAGE_PERMISSION):
        return Region.objects.none()
    profile = getattr(user, "profile", None)
    if profile is None:
        return Region.objects.none()
    return profile.regions.all()


def services_for_staff(user) -> QuerySet[Service]:
    """Entries a staff member sees in the admin: every entry for those who may view the
    directory (it is public information), editable only within `managed_regions`."""
    if not user.is_authenticated or not (
        user.is_superuser or user.has_perm("directory.view_service")
    ):
        return Service.objects.none()
    return Service.objects.all()


def can_manage(user, service: Service | None = None, region: Region | None = None) -> bool:
    region_id = service.region_id if service is not None else getattr(region, "pk", None)
    regions = managed_regions(user)
    if region_id is None:
        return regions.exists()
    return regions.filter(pk=region_id).exists()


# --- What the public sees -----------------------------------------------------------------------


def public_queryset(today: date | None = None) -> QuerySet[Service]:
    """Published entries whose review date has not passed. An entry nobody checked in time may
    send people to a closed door, so it disappears until a coordinator checks it again."""
    today = today or timezone.localdate()
    return Service.objects.filter(live=True, review_date__gte=today)


def is_public(service: Service, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(service.live and service.review_date and service.review_date >= today)


def services_near(
    municipality: Municipality,
    legal_domain: LegalDomain | None = None,
    today: date | None = None,
    legal_domains=None,
) -> list[Service]:
    """The public entries serving a municipality, for a topic (or any of `legal_domains`;
    entries without topics serve every topic); walk-in services first. Reads the published
    version (the live row), never a draft."""
    queryset = public_queryset(today).filter(municipalities=municipality)
    domains = [legal_domain] if legal_domain is not None else list(legal_domains or [])
    if domains:
        queryset = queryset.filter(Q(legal_domains__in=domains) | Q(legal_domains__isnull=True))
    services = list(queryset.distinct().order_by("name"))
    services.sort(key=lambda service: (not service.has_walk_in, service.kind, service.name))
    return services


# --- Places -------------------------------------------------------------------------------------


def municipalities_by_area() -> list[tuple[str, list[Municipality]]]:
    """Every municipality with directory facts, grouped by region (Brussels, Flanders)."""
    rows = Municipality.objects.filter(facts__isnull=False).select_related("facts").order_by("name")
    groups = {area: [] for area, _label in Area.choices}
    for municipality in rows:
        groups[municipality.facts.area].append(municipality)
    return [(label, groups[area]) for area, label in Area.choices if groups[area]]


def find_municipality(text: str) -> Municipality | None:
    """A municipality from what a visitor typed: a postcode, a Dutch or French name, or an id
    from the list. None when nothing (or nothing single) matches."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) == 4:
        found = list(
            Municipality.objects.filter(Q(postal_codes__code=text) | Q(postcode=text)).distinct()[
                :2
            ]
        )
        return found[0] if len(found) == 1 else None
    found = list(
        Municipality.objects.filter(
            Q(name__iexact=text) | Q(facts__name_fr__iexact=text)
        ).distinct()[:2]
    )
    return found[0] if len(found) == 1 else None


def municipality_by_id(value) -> Municipality | None:
    try:
        return Municipality.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


# --- The reader's municipality, chosen once and kept in the session -----------------------------


def remember_municipality(request, municipality: Municipality) -> None:
    if request.session.get(SESSION_KEY) != municipality.pk:
        request.session[SESSION_KEY] = municipality.pk


def forget_municipality(request) -> None:
    request.session.pop(SESSION_KEY, None)


def reader_municipality(request) -> Municipality | None:
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return None
    return municipality_by_id(session.get(SESSION_KEY))


# --- Keeping entries ----------------------------------------------------------------------------


@transaction.atomic
def publish(service: Service, user=None) -> Service:
    """Save a revision of the entry as it stands and publish it (import, demo data)."""
    revision = service.save_revision(user=user, log_action=True)
    revision.publish(user=user, log_action=True)
    service.refresh_from_db()
    return service
