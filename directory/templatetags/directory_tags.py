"""What other apps' templates ask of the directory (knowledge's *where to go* block)."""

from django import template

from directory import services as directory
from directory.languages import language_name

register = template.Library()

MAX_IN_BLOCK = 3


@register.simple_tag(takes_context=True)
def services_for_reader(context, page=None):
    """The reader's municipality (chosen once on the finder, kept in the session) and the public
    services there for the page's legal domains; no municipality: none."""
    request = context.get("request")
    municipality = directory.reader_municipality(request) if request is not None else None
    if municipality is None:
        return {"municipality": None, "services": [], "topic": ""}
    domains = list(page.legal_domains.all()) if hasattr(page, "legal_domains") else []
    services = directory.services_near(municipality, legal_domains=domains)[:MAX_IN_BLOCK]
    return {
        "municipality": municipality,
        "topic": domains[0].slug if domains else "",
        "services": [
            {"service": s, "languages": [language_name(c) for c in s.language_codes]}
            for s in services
        ],
    }
