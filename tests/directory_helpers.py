"""Shared set-up of the directory tests: the three demo regions, the complete municipality list,
and a valid import row."""

from datetime import timedelta

from django.utils import timezone

from backoffice.models import Region


def make_regions():
    return {
        slug: Region.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]
        for slug in ("antwerpen", "gent", "brussel")
    }


def load_places():
    from directory.municipalities import load_municipalities

    make_regions()
    return load_municipalities()


def service_row(key="ocmw-gent", **overrides):
    today = timezone.localdate()
    row = {
        "key": key,
        "name": "Sociaal Huis Gent",
        "kind": "ocmw",
        "region": "gent",
        "municipalities": "Gent",
        "legal_domains": "social-law;housing",
        "description": "Leefloon en huisvesting.",
        "languages": "nl fr uk",
        "interpreter_available": "yes",
        "address": "Onderbergen 86",
        "postcode": "9000",
        "town": "Gent",
        "opening_hours": "ma-vr 8:30-16:00",
        "walk_in_times": "ma, di 9:00-12:00",
        "phone": "09 555 05 50",
        "email": "info@ocmw.example",
        "website": "https://ocmw.example/",
        "accessibility": "Rolstoeltoegankelijk",
        "last_checked": (today - timedelta(days=10)).isoformat(),
        "review_date": (today + timedelta(days=200)).isoformat(),
    }
    row.update(overrides)
    return row
