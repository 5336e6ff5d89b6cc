"""Test factories: plain functions that make objects the way the real flows make them.

A question is made through the intake service (`tickets.lifecycle.create_question`, what the
public form and the professionals' form call), so its reference, due dates, hashed access code,
consent records, status history and audit events are the real ones; replies and closing go
through the lifecycle too. Places and staff are made as the admin and the demo data make them.
Every argument has a plain default and can be overridden by keyword.

    place = factories.place("gent")                   # region Gent + municipality 9000
    sam = factories.staff("specialist", "sam", regions=[place.region], domains=["housing"])
    question = factories.question(municipality=place, domain="housing", email="a@example.org")
    factories.reply(question, sam)                    # answered, assigned, first response set
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "a-long-test-password"

# Real postcodes for the regions the tests use; other slugs get a made-up one.
POSTCODES = {
    "antwerpen": "2000",
    "gent": "9000",
    "brussel": "1000",
    "leuven": "3000",
    "brugge": "8000",
    "hasselt": "3500",
    "mechelen": "2800",
    "kortrijk": "8500",
}


def region(
    slug: str = "gent",
    name: str | None = None,
    *,
    municipality: str | None = None,
    postcode: str | None = None,
):
    """A region with one municipality (of the region's name unless `municipality` names
    another), as the intake needs one to be named."""
    from backoffice.models import Municipality, Region

    made = Region.objects.create(name=name or slug.title(), slug=slug)
    code = postcode or POSTCODES.get(slug) or f"{1000 + Region.objects.count():04d}"
    Municipality.objects.create(name=municipality or made.name, postcode=code, region=made)
    return made


def regions(*slugs: str) -> dict:
    """Several regions by slug, each with its municipality: {"gent": <Region>, ...}."""
    return {slug: region(slug) for slug in slugs}


def place(
    slug: str = "gent",
    name: str | None = None,
    *,
    municipality: str | None = None,
    postcode: str | None = None,
):
    """A municipality in a region of its own (the region is made too): what a requester names.
    `place("antwerpen", municipality="Berchem", postcode="2600")`: Berchem in region Antwerpen."""
    made = region(slug, name, municipality=municipality, postcode=postcode)
    return made.municipalities.get()


def legal_domain(slug_or_domain="residence"):
    """A legal domain (the migrations made them) by slug; a LegalDomain is passed through."""
    from backoffice.models import LegalDomain

    if isinstance(slug_or_domain, LegalDomain):
        return slug_or_domain
    return LegalDomain.objects.get(slug=slug_or_domain)


def organisation(municipality, name: str | None = None, *, kind: str = "ocmw", **fields):
    """An organisation of professionals (an OCMW unless `kind` says otherwise) in a
    municipality and its region."""
    from backoffice.models import Organisation

    return Organisation.objects.create(
        name=name or f"{kind.upper()} {municipality.name}",
        kind=kind,
        municipality=municipality,
        region=municipality.region,
        **fields,
    )


def staff(
    role: str,
    username: str | None = None,
    *,
    regions=(),
    domains=(),
    organisation=None,
    mfa: bool = False,
):
    """A user who holds exactly one role, as the demo data and real accounts do.

    `regions` (Region objects) and `domains` (LegalDomain slugs) fill the profile, and so does
    `organisation` (a professional's); `mfa` gives the user a confirmed authenticator
    (tests.mfa), as a signed-in staff member has.
    """
    User = get_user_model()
    username = username or f"{role}-user"
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org"
    )
    if role == "superuser":
        user.is_superuser = user.is_staff = True
        user.save()
    else:
        user.groups.add(Group.objects.get(name=role))
    if regions:
        user.profile.regions.set(regions)
    if domains:
        from backoffice.models import LegalDomain

        user.profile.legal_domains.set(LegalDomain.objects.filter(slug__in=domains))
    if organisation is not None:
        user.profile.organisation = organisation
        user.profile.save()
    if mfa:
        from tests.mfa import authenticator

        authenticator(user)
    return user


def new_question(
    *,
    municipality=None,
    region=None,
    domain="residence",  # a slug or a LegalDomain
    subject: str = "Verblijfskaart",
    body: str = "Vraag",
    contact_language: str = "nl",
    deadline=None,
    **overrides,
):
    """A question sent through the intake service; returns its NewQuestion (question and the
    access code shown once). Without a municipality or region, the first municipality is named
    (a Gent one is made when there is none). Other keywords go to create_question as they are
    (email=, phone=, files=, professional=, client_consent=, processing_consent=, ...)."""
    from backoffice.models import Municipality
    from tickets import lifecycle

    if municipality is None and region is None:
        municipality = Municipality.objects.order_by("pk").first() or place("gent")
    overrides.setdefault("processing_consent", True)
    return lifecycle.create_question(
        legal_domain=legal_domain(domain),
        subject=subject,
        body=body,
        contact_language=contact_language,
        municipality=municipality,
        region=region,
        legal_deadline=deadline,
        **overrides,
    )


def question(**overrides):
    """The Question of `new_question(**overrides)`."""
    return new_question(**overrides).question


def reply(question, author, body: str = "Antwoord", **overrides):
    """A staff member's public reply through the lifecycle (answers and assigns as real)."""
    from tickets import lifecycle

    return lifecycle.add_message(
        question, body=body, author_kind="staff", author=author, **overrides
    )


def requester_message(question, body: str = "Nog een vraag", **overrides):
    """The requester writes again on the follow-up page (reopens an answered question)."""
    from tickets import lifecycle

    return lifecycle.add_message(question, body=body, author_kind="requester", **overrides)
