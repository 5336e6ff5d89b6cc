"""The number of database queries of the key pages does not grow with the rows they show.

Each test renders a page with few rows and with many, and compares the query counts: a query
per row (an N+1) makes them differ. Speed itself is measured by bench/run, never here.
"""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from backoffice.models import LegalDomain, Region
from tests import factories
from tests.conftest import make_user
from tests.test_tickets_model import PDF_BYTES
from tickets import lifecycle
from tickets.models import Message

_numbers = itertools.count(1)


@pytest.fixture
def place(db):
    municipality = factories.place("regio-test", "Regio Test", municipality="Teststad")
    return municipality.region, municipality


CODES = {}  # question pk → its access code, shown once to the requester at intake


def add_questions(place, count, professional=None):
    """Questions sent through the intake service (due dates, history, consent, index rows as
    real ones have), in every legal domain in turn."""
    _region, municipality = place
    domains = list(LegalDomain.objects.all())
    questions = []
    for index in range(count):
        made = factories.new_question(
            domain=domains[index % len(domains)],
            subject=f"Vraag {next(_numbers)}",
            body="Uitleg",
            municipality=municipality,
            professional=professional,
            client_consent=professional is not None,
        )
        CODES[made.question.pk] = made.access_code
        questions.append(made.question)
    return questions


def add_messages(question, count, author=None):
    """A thread through the lifecycle, each message with a PDF: staff and requester in turn,
    every third staff message an internal note (only staff write those)."""
    for index in range(count):
        staff = index % 2 == 0
        lifecycle.add_message(
            question,
            body=f"Bericht {index}",
            author_kind=Message.AuthorKind.STAFF if staff else "requester",
            author=author if staff else None,
            internal=staff and index % 3 == 2,
            files=[SimpleUploadedFile("brief.pdf", PDF_BYTES)],
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
    code = CODES[question.pk]
    response = client.post("/nl/follow-up/", {"reference": question.reference, "code": code})
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
    organisation = factories.organisation(place[1], "OCMW Teststad", kind="ocmw")
    professional = make_user(roles.PROFESSIONAL, "pro", organisation=organisation)
    client.force_login(professional)
    add_questions(place, 2, professional=professional)
    few = queries(client, "/nl/pro/")
    add_questions(place, 25, professional=professional)
    many = queries(client, "/nl/pro/")
    assert few == many


# --- The workspace around "Send" (issue 13: sending took 1.3-2.1 s in the browser) ---------------
#
# The ceilings are today's counts on the test database plus a little room: a check that asks
# the database again per panel (a repeated staff scope, a link per suggested article...) passes
# them. The staff scope, the one rule of access (tickets.access.staff_scope), is read once per
# request however many panels ask it.

WORKSPACE_QUERIES_AT_MOST = 44  # 39 today (42 before the side panels were gathered)
SEND_QUERIES_AT_MOST = 29

SCOPE_GROUPS = "\"auth_group\".\"name\" IN ('specialist', 'coordinator')"
PROFILE_REGIONS = '"backoffice_userprofile_regions"."userprofile_id" ='


def scope_reads(captured) -> tuple[int, int]:
    sql = [query["sql"] for query in captured.captured_queries]
    return (
        sum(SCOPE_GROUPS in text for text in sql),
        sum(PROFILE_REGIONS in text and "backoffice_region" in text for text in sql),
    )


@pytest.mark.django_db
def test_workspace_after_send_reads_the_scope_once(client, place):
    specialist = make_user(roles.SPECIALIST, "sam", regions=[place[0]])
    client.force_login(specialist)
    (question,) = add_questions(place, 1)
    add_messages(question, 4, author=specialist)
    url = f"/admin/questions/{question.pk}/workspace/"
    page = client.get(url)  # fills per-process caches, as a running server has them
    last_seen = question.messages.order_by("-pk").first().pk
    assert f'name="last_seen" value="{last_seen}"' in page.content.decode()

    with CaptureQueriesContext(connection) as sent:
        response = client.post(
            url,
            {
                "action": "compose",
                "intent": "send",
                "internal": "0",
                "last_seen": str(last_seen),
                "body": "Uw kaart blijft geldig zolang de verlenging loopt.",
            },
        )
    assert response.status_code == 302, response.content[:500]
    assert question.messages.filter(body__startswith="Uw kaart blijft geldig").exists()
    with CaptureQueriesContext(connection) as shown:
        after = client.get(response["Location"])
    assert after.status_code == 200
    assert "Uw kaart blijft geldig" in after.content.decode()

    assert scope_reads(sent) == (1, 1), "the send POST read the staff scope more than once"
    assert scope_reads(shown) == (1, 1), "the workspace read the staff scope more than once"
    assert len(sent) <= SEND_QUERIES_AT_MOST, [q["sql"][:120] for q in sent.captured_queries]
    assert len(shown) <= WORKSPACE_QUERIES_AT_MOST, [q["sql"][:120] for q in shown.captured_queries]


@pytest.mark.django_db
def test_kept_scope_follows_changes_within_a_request(place, settings):
    """The scope kept on a user instance is dropped when groups, regions or domains change,
    from either side of the relation, or the domain setting flips."""
    from django.contrib.auth.models import Group

    from tickets import access

    region, _municipality = place
    other = Region.objects.create(name="Regio Ander", slug="regio-ander")
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = True
    specialist = make_user(roles.SPECIALIST, "sam", regions=[region], domains=["residence"])
    residence = LegalDomain.objects.get(slug="residence")
    assert access.staff_scope(specialist).regions == {region.pk}
    assert access.staff_scope(specialist).domains == {residence.pk}

    specialist.profile.regions.add(other)
    assert access.staff_scope(specialist).regions == {region.pk, other.pk}

    specialist.profile.legal_domains.clear()
    assert access.staff_scope(specialist).domains is None

    specialist.profile.legal_domains.add(residence)
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = False
    assert access.staff_scope(specialist).domains is None

    Group.objects.get(name=roles.SPECIALIST).user_set.remove(specialist)  # the other side
    assert access.staff_scope(specialist).nothing
    assert roles.SPECIALIST not in roles.user_roles(specialist)

    specialist.groups.add(Group.objects.get(name=roles.COORDINATOR))
    assert access.staff_scope(specialist).regions == {region.pk, other.pk}
    assert roles.COORDINATOR in roles.user_roles(specialist)

    specialist.is_active = False
    assert access.staff_scope(specialist).nothing


@pytest.mark.django_db
def test_a_signed_in_request_reads_user_and_profile_in_one_query(client, place):
    """The session policy checks the profile's session generation on every request
    (backoffice.sessions): it comes with the user (backoffice.signin.ThrottledModelBackend),
    not from a query of its own. Sign-out everywhere still ends the session: see
    tests/test_signin_security.py."""
    specialist = make_user(roles.SPECIALIST, "sam", regions=[place[0]])
    client.force_login(specialist)
    client.get("/admin/sprite/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/sprite/")
    assert response.status_code == 200
    statements = [query["sql"] for query in captured]
    assert any('FROM "auth_user"' in sql and "backoffice_userprofile" in sql for sql in statements)
    assert not any('FROM "backoffice_userprofile"' in sql for sql in statements), statements
