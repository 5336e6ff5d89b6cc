"""The number of database queries of the key pages does not grow with the rows they show.

Each test renders a page with few rows and with many, and compares the query counts: a query
per row (an N+1) makes them differ. Speed itself is measured by bench/run, never here.
"""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from backoffice.models import LegalDomain, Municipality, Organisation, Region
from tests.conftest import make_user
from tickets.access_codes import hash_access_code
from tickets.models import Attachment, Message, Question, RequesterKind

CODE = "ACEF-HJKM-NPRT-WXYA-CEFH"
_numbers = itertools.count(1)


@pytest.fixture
def place(db):
    region = Region.objects.create(name="Regio Test", slug="regio-test")
    municipality = Municipality.objects.create(name="Teststad", postcode="2999", region=region)
    return region, municipality


def add_questions(place, count, **fields):
    region, municipality = place
    domains = list(LegalDomain.objects.all())
    professional = fields.pop("professional", None)
    questions = []
    for index in range(count):
        number = next(_numbers)
        questions.append(
            Question.objects.create(
                reference=f"WW-2026-{number:06d}",
                legal_domain=domains[index % len(domains)],
                region=region,
                municipality=municipality,
                contact_language="nl",
                subject=f"Vraag {number}",
                body="Uitleg",
                access_code_hash=hash_access_code(CODE),
                requester_kind=RequesterKind.PROFESSIONAL if professional else "newcomer",
                professional=professional,
                organisation=professional.profile.organisation if professional else None,
                **fields,
            )
        )
    return questions


def add_messages(question, count, author=None):
    for index in range(count):
        internal = index % 3 == 2
        message = Message.objects.create(
            question=question,
            kind=Message.Kind.INTERNAL if internal else Message.Kind.PUBLIC,
            author_kind=Message.AuthorKind.STAFF if index % 2 == 0 else "requester",
            author=author if index % 2 == 0 else None,
            body=f"Bericht {index}",
            body_html=f"<p>Bericht {index}</p>",
        )
        Attachment.objects.create(
            question=question,
            message=message,
            stored_name=f"q{question.pk}-m{message.pk}.pdf",
            original_name="brief.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
        )


def queries(client, url) -> int:
    """Queries of a second request: the first fills per-process caches (site, content types)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/questions/",
        "/admin/questions/?status=new",
        "/admin/questions/?q=Vraag",
        "/admin/questions/?p=2",
    ],
)
def test_staff_queue_queries_do_not_grow_with_rows(client, place, url):
    specialist = make_user(roles.SPECIALIST, "sam", regions=[place[0]])
    client.force_login(specialist)
    add_questions(place, 22)  # a second page exists for ?p=2
    few = queries(client, url)
    add_questions(place, 40)  # full pages now
    many = queries(client, url)
    assert few == many, f"{url}: {few} queries with few rows, {many} with many"


@pytest.mark.django_db
def test_workspace_queries_do_not_grow_with_messages(client, place):
    specialist = make_user(roles.SPECIALIST, "sam", regions=[place[0]])
    client.force_login(specialist)
    short, long = add_questions(place, 2)
    add_messages(short, 2, author=specialist)
    add_messages(long, 20, author=specialist)
    few = queries(client, f"/admin/questions/{short.pk}/workspace/")
    many = queries(client, f"/admin/questions/{long.pk}/workspace/")
    assert few == many, f"workspace: {few} queries for 2 messages, {many} for 20"


@pytest.mark.django_db
def test_home_page_queries_do_not_grow_with_questions(client, place):
    few = queries(client, "/nl/")
    add_questions(place, 30)
    many = queries(client, "/nl/")
    assert few == many


def open_question(client, question):
    response = client.post("/nl/follow-up/", {"reference": question.reference, "code": CODE})
    assert response.status_code == 302, response.content[:500]


@pytest.mark.django_db
def test_follow_up_page_queries_do_not_grow_with_messages(client, place):
    short, long = add_questions(place, 2)
    add_messages(short, 2)
    add_messages(long, 20)
    open_question(client, short)
    few = queries(client, f"/nl/follow-up/{short.reference}/")
    open_question(client, long)
    many = queries(client, f"/nl/follow-up/{long.reference}/")
    assert few == many, f"follow-up: {few} queries for 2 messages, {many} for 20"


@pytest.mark.django_db
def test_professional_consults_queries_do_not_grow_with_rows(client, place):
    organisation = Organisation.objects.create(
        name="OCMW Teststad", kind="ocmw", municipality=place[1], region=place[0]
    )
    professional = make_user(roles.PROFESSIONAL, "pro")
    professional.profile.organisation = organisation
    professional.profile.save()
    client.force_login(professional)
    add_questions(place, 2, professional=professional)
    few = queries(client, "/nl/pro/")
    add_questions(place, 25, professional=professional)
    many = queries(client, "/nl/pro/")
    assert few == many
