"""A family moving municipality: which services in the new municipality will need a file
(OCMW, mutuality, school, integration agency), and whether the question should go to the
region of the new municipality (the existing transfer, with consent: tickets.handover)."""

from __future__ import annotations

from directory import services as directory
from directory.models import ServiceKind

NEEDS_A_FILE = (
    ServiceKind.OCMW,
    ServiceKind.MUTUALITY,
    ServiceKind.SCHOOL,
    ServiceKind.INTEGRATION,
)


def moving_plan(question, place: str) -> dict | None:
    """For what a specialist typed (postcode or name): the new municipality, the services there
    that will need a file, and the region to hand over to if it is another one. None: unknown."""
    municipality = directory.find_municipality(place)
    if municipality is None:
        return None
    services = [s for s in directory.services_near(municipality) if s.kind in NEEDS_A_FILE]
    other_region = municipality.region if municipality.region_id != question.region_id else None
    return {"municipality": municipality, "services": services, "other_region": other_region}
