"""Demo data: three regional back-offices, partner organisations and one account per role.

Idempotent: running it again updates the same rows. Later features add their demo data here.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from backoffice import mfa, roles
from backoffice.models import LegalDomain, Municipality, Organisation, Region
from backoffice.site_setup import ensure_home_pages

REGIONS = {
    "antwerpen": ("Antwerpen", "antwerpen@wegwijs.example", "Kerkstraat 1, 2000 Antwerpen"),
    "gent": ("Gent", "gent@wegwijs.example", "Sint-Pietersnieuwstraat 10, 9000 Gent"),
    "brussel": ("Brussel", "brussel@wegwijs.example", "Wetstraat 100, 1000 Brussel"),
}

MUNICIPALITIES = [
    ("Antwerpen", "2000", "antwerpen"),
    ("Mechelen", "2800", "antwerpen"),
    ("Turnhout", "2300", "antwerpen"),
    ("Boom", "2850", "antwerpen"),
    ("Gent", "9000", "gent"),
    ("Sint-Niklaas", "9100", "gent"),
    ("Aalst", "9300", "gent"),
    ("Eeklo", "9900", "gent"),
    ("Brussel", "1000", "brussel"),
    ("Schaarbeek", "1030", "brussel"),
    ("Anderlecht", "1070", "brussel"),
    ("Sint-Jans-Molenbeek", "1080", "brussel"),
]

ORGANISATIONS = [
    ("OCMW Antwerpen", Organisation.Kind.PUBLIC_SOCIAL_SERVICE, "Antwerpen"),
    ("OCMW Mechelen", Organisation.Kind.PUBLIC_SOCIAL_SERVICE, "Mechelen"),
    ("AgII Antwerpen", Organisation.Kind.INTEGRATION_AGENCY, "Antwerpen"),
    ("CAW Antwerpen", Organisation.Kind.CAW, "Antwerpen"),
    ("OCMW Gent", Organisation.Kind.PUBLIC_SOCIAL_SERVICE, "Gent"),
    ("AgII Gent", Organisation.Kind.INTEGRATION_AGENCY, "Gent"),
    ("VDAB Aalst", Organisation.Kind.EMPLOYMENT_SERVICE, "Aalst"),
    ("Basisschool De Brug", Organisation.Kind.SCHOOL, "Sint-Niklaas"),
    ("OCMW Schaarbeek", Organisation.Kind.PUBLIC_SOCIAL_SERVICE, "Schaarbeek"),
    ("BON Brussel", Organisation.Kind.INTEGRATION_AGENCY, "Brussel"),
    ("CAW Brussel", Organisation.Kind.CAW, "Anderlecht"),
    ("Vluchtelingenwerk vrijwilligers Molenbeek", Organisation.Kind.NGO, "Sint-Jans-Molenbeek"),
]

# username: (first name, last name, role, organisation, regions, domains, language, superuser)
USERS = {
    "admin": ("Ada", "Beheer", None, None, [], [], "nl", True),
    "coordinator": (
        "Chris",
        "Coördinator",
        roles.COORDINATOR,
        None,
        ["antwerpen", "gent", "brussel"],
        [],
        "nl",
        False,
    ),
    "specialist.antwerpen": (
        "Samira",
        "El Amrani",
        roles.SPECIALIST,
        None,
        ["antwerpen"],
        ["residence", "nationality", "family-ipr"],
        "nl",
        False,
    ),
    "specialist.gent": (
        "Pieter",
        "De Smet",
        roles.SPECIALIST,
        None,
        ["gent"],
        ["social-law", "housing", "work"],
        "nl",
        False,
    ),
    "editor": ("Eva", "Redactie", roles.EDITOR, None, [], [], "nl", False),
    # A second editor: legal review has four eyes (the one who submits does not approve).
    "editor2": ("Rik", "Nazicht", roles.EDITOR, None, [], [], "nl", False),
    "professional.ocmw": (
        "Olga",
        "Maatschappelijk Werker",
        roles.PROFESSIONAL,
        "OCMW Antwerpen",
        ["antwerpen"],
        [],
        "nl",
        False,
    ),
    "professional.agii": (
        "Ahmed",
        "Trajectbegeleider",
        roles.PROFESSIONAL,
        "AgII Gent",
        ["gent"],
        [],
        "nl",
        False,
    ),
}


@transaction.atomic
def seed_demo(password: str) -> dict:
    ensure_home_pages()
    regions = {}
    for slug, (name, email, address) in REGIONS.items():
        regions[slug], _ = Region.objects.update_or_create(
            slug=slug, defaults={"name": name, "email": email, "address": address}
        )
    municipalities = {}
    for name, postcode, region in MUNICIPALITIES:
        municipalities[name], _ = Municipality.objects.update_or_create(
            name=name, postcode=postcode, defaults={"region": regions[region]}
        )
    organisations = {}
    for name, kind, municipality_name in ORGANISATIONS:
        municipality = municipalities[municipality_name]
        organisations[name], _ = Organisation.objects.update_or_create(
            name=name,
            municipality=municipality,
            defaults={"kind": kind, "region": municipality.region},
        )

    User = get_user_model()
    for username, (
        first,
        last,
        role,
        org,
        region_slugs,
        domains,
        language,
        is_super,
    ) in USERS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@wegwijs.example"
        user.is_superuser = user.is_staff = is_super
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name=role) if role else [])
        profile = user.profile
        profile.organisation = organisations.get(org)
        profile.preferred_language = language
        profile.save()
        profile.regions.set([regions[slug] for slug in region_slugs])
        profile.legal_domains.set(LegalDomain.objects.filter(slug__in=domains))
        if settings.DEBUG:
            # One known authenticator secret for every demo account (seed_demo prints it;
            # `manage.py demo_totp` prints the current code). Never outside DEBUG.
            mfa.give_demo_device(user)
    return {
        "regions": len(regions),
        "municipalities": len(municipalities),
        "organisations": len(organisations),
        "users": sorted(USERS),
    }
