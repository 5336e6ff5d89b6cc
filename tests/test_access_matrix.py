import pytest

from tests.access import DENIED, LOGIN, OK, expand, outcome
from tests.conftest import ROLES

STAFF_OK = {"*": OK, "anonymous": LOGIN, "professional": DENIED}

MATRIX = {
    "/nl/": {"*": OK},
    "/ar/": {"*": OK},
    "/uk/": {"*": OK},
    "/nl/login/": {"*": DENIED, "anonymous": OK},  # signed-in people are sent on
    "/admin/": STAFF_OK,
    "/admin/regions/": STAFF_OK,
    "/admin/organisations/": STAFF_OK,
    "/admin/legal_domains/": STAFF_OK,
    "/admin/regions/new/": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    "/admin/organisations/new/": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    "/admin/people/": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    "/admin/users/": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    "/admin/audit/": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    # Nobody writes audit events by hand, not even a superuser.
    "/admin/audit/new/": {
        **STAFF_OK,
        "specialist": DENIED,
        "editor": DENIED,
        "coordinator": DENIED,
        "superuser": DENIED,
    },
    # Page permissions belong to editors; the knowledge-base issue opens reading to staff.
    "/admin/pages/": {**STAFF_OK, "specialist": DENIED, "coordinator": DENIED},
    "/admin/images/": {**STAFF_OK, "specialist": DENIED, "coordinator": DENIED},
    "/django-admin/": {"*": LOGIN, "superuser": OK},
    # Questions (public side)
    "/nl/ask/": {"*": OK},
    "/ar/ask/": {"*": OK},
    "/nl/ask/done/": {"*": OK},
    "/nl/follow-up/": {"*": OK},
    "/nl/follow-up/lost-code/": {"*": OK},
    "/nl/follow-up/WW-2026-000001/": {"*": DENIED},  # sent back to the code form
    "/nl/pro/": {"*": DENIED, "anonymous": LOGIN, "professional": OK},
    "/nl/pro/new/": {"*": DENIED, "anonymous": LOGIN, "professional": OK},
    # Questions (staff side)
    "/admin/questions/": {**STAFF_OK, "editor": DENIED},
    # Search
    "/nl/search/": {"*": OK},
    "/nl/search/?q=verblijf": {"*": OK},
    "/ar/search/?q=verblijf": {"*": OK},
    "/nl/search/suggestions/?q=verblijf": {"*": OK},
    "/admin/search/recurring/": STAFF_OK,
    # Knowledge base review listings (editors)
    "/admin/knowledge/due-for-review/": {**STAFF_OK, "specialist": DENIED, "coordinator": DENIED},
    "/admin/knowledge/outdated-translations/": {
        **STAFF_OK,
        "specialist": DENIED,
        "coordinator": DENIED,
    },
    "/admin/questions/?view=mine": {**STAFF_OK, "editor": DENIED},
    "/admin/questions/?view=unassigned": {**STAFF_OK, "editor": DENIED},
    "/admin/questions/?view=overdue": {**STAFF_OK, "editor": DENIED},
    "/admin/questions/?view=deadline": {**STAFF_OK, "editor": DENIED},
    "/admin/questions/?view=waiting": {**STAFF_OK, "editor": DENIED},
    "/admin/questions/?export=csv": {**STAFF_OK, "editor": DENIED},
    "/admin/questions/?export=xlsx": {**STAFF_OK, "editor": DENIED},
    "/admin/questions/?municipality=null": {**STAFF_OK, "editor": DENIED},
    # The coordinators' dashboard and its downloads (their regions; a superuser all).
    "/admin/dashboard/": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    "/admin/dashboard/?export=csv": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    "/admin/dashboard/?export=xlsx": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    # Policy signals: coordinators review; specialists and coordinators write; professionals
    # write on the professional pages. (Object URLs: tests/test_policy_signals.py,
    # monthly reports: tests/test_monthly_report.py.)
    "/admin/signals/": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    "/admin/signals/new/": {**STAFF_OK, "editor": DENIED},
    "/nl/pro/signal/": {"*": DENIED, "anonymous": LOGIN, "professional": OK},
    "/admin/questions/results/": {**STAFF_OK, "editor": DENIED},
    # Service levels: coordinators edit them, specialists read them.
    "/admin/service_levels/": {**STAFF_OK, "editor": DENIED},
    "/admin/service_levels/new/": {**STAFF_OK, "editor": DENIED, "specialist": DENIED},
    # Answer templates (snippets): specialists and coordinators.
    "/admin/snippets/tickets/answertemplate/": {**STAFF_OK, "editor": DENIED},
    "/admin/snippets/tickets/answertemplate/add/": {**STAFF_OK, "editor": DENIED},
    # Documents and handover (object URLs: tests/test_documents.py has their own matrix)
    "/admin/questions/handed-over/": {**STAFF_OK, "editor": DENIED},
    "/admin/snippets/tickets/letterhead/": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    # Privacy: the public statement; the staff's desk (erasure decisions for specialists and
    # coordinators; holds, report, record and the policy for coordinators). Object URLs (erase,
    # hold, decide) and the policy setting are checked in tests/test_privacy.py.
    "/nl/privacy/": {"*": OK},
    "/ar/privacy/": {"*": OK},
    "/nl/follow-up/WW-2026-000001/erase/": {"*": DENIED},  # sent back to the code form
    "/nl/pro/WW-2026-000001/erase/": {"*": DENIED, "anonymous": LOGIN},
    "/admin/privacy/": {**STAFF_OK, "editor": DENIED},
    "/admin/privacy/record/": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    # The directory of local services: the public finder; every staff member reads the entries
    # (public information), coordinators keep them. A coordinator without regions maintains no
    # entry, so the import is theirs only with regions (tests/test_directory.py; object URLs too).
    "/nl/find-help/": {"*": OK},
    "/uk/find-help/?place=1030&topic=residence": {"*": OK},
    "/ar/find-help/?place=abc": {"*": OK},
    "/admin/snippets/directory/service/": STAFF_OK,
    "/admin/snippets/directory/service/add/": {**STAFF_OK, "specialist": DENIED, "editor": DENIED},
    # "We are moving" of a question that does not exist: a 404 for everyone, signed in or
    # not (own questions and strangers: tests/test_moving.py).
    "/nl/follow-up/WW-2026-000001/moving/": {"*": DENIED},
    "/nl/pro/WW-2026-000001/moving/": {"*": DENIED},
    # One-time receipt links of referrals: tests/test_referrals.py.
    "/nl/referral-received/not-a-token/": {"*": DENIED},
    "/admin/directory/export/": STAFF_OK,
    "/admin/directory/export/?format=xlsx": STAFF_OK,
    "/admin/directory/import/": {
        **STAFF_OK,
        "specialist": DENIED,
        "editor": DENIED,
        "coordinator": DENIED,
    },
}

# Staff endpoints that only accept POST: (URL, data) → expected per role. A refused bulk action
# is "denied"; an accepted one (here with nothing chosen) goes back to the queue: "queue".
QUEUE = "queue"
POST_MATRIX = {
    ("/admin/questions/preview/", "body=**x**"): {**STAFF_OK, "editor": DENIED},
    ("/admin/questions/bulk/", "action=priority&priority=3"): {
        **STAFF_OK,
        "editor": DENIED,
        "specialist": QUEUE,
        "coordinator": QUEUE,
        "superuser": QUEUE,
    },
    # Forgetting the finder's municipality sends everyone back to the finder.
    ("/nl/find-help/forget/", ""): {"*": DENIED},
    # Support network and referrals of a question that does not exist (own questions:
    # tests/test_support_network.py and tests/test_referrals.py).
    ("/nl/pro/WW-2026-000001/network/", "organisation=X"): {"*": DENIED, "anonymous": LOGIN},
    ("/nl/pro/WW-2026-000001/network/1/remove/", ""): {"*": DENIED, "anonymous": LOGIN},
    ("/admin/questions/999/network/", "organisation=X"): {"*": DENIED, "anonymous": LOGIN},
    ("/admin/questions/999/network/1/remove/", ""): {"*": DENIED, "anonymous": LOGIN},
    ("/admin/questions/999/referrals/1/warm/", ""): {"*": DENIED, "anonymous": LOGIN},
    ("/admin/questions/999/referrals/1/received/", "note=x"): {"*": DENIED, "anonymous": LOGIN},
    ("/nl/follow-up/WW-2026-000001/moving/", "municipality=9000"): {"*": DENIED},
    ("/nl/pro/WW-2026-000001/moving/", "municipality=9000"): {"*": DENIED},
}

CASES = [
    (url, role, expected)
    for url, row in MATRIX.items()
    for role, expected in expand(row, ROLES).items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "expected"), CASES, ids=[f"{u}-{r}" for u, r, _ in CASES])
def test_access_matrix(client_for_role, url, role, expected):
    response = client_for_role(role).get(url)
    assert outcome(response) == expected, (
        url,
        role,
        response.status_code,
        response.get("Location"),
    )


# Knowledge base: pages of the test articles (tests/data/articles), one per audience. Anonymous
# visitors of a restricted article are sent to sign in; a professional on an internal one gets
# a 404 (the title does not leak).
KB_PUBLIC = "/nl/kennisbank/residence/test-gezinshereniging/"
KB_PROFESSIONALS = "/nl/kennisbank/social-law/test-leefloon-professionals/"
KB_INTERNAL = "/nl/kennisbank/nationality/test-interne-werkwijze/"

KB_MATRIX = {
    "/nl/kennisbank/": {"*": OK},
    "/ar/knowledge/": {"*": OK},
    "/nl/kennisbank/residence/": {"*": OK},
    KB_PUBLIC: {"*": OK},
    "/ar/knowledge/residence/test-gezinshereniging/": {"*": OK},
    KB_PROFESSIONALS: {"*": OK, "anonymous": LOGIN},
    KB_INTERNAL: {"*": OK, "anonymous": LOGIN, "professional": DENIED},
    "/sitemap.xml": {"*": OK},
    # Editors manage the knowledge base pages in the admin.
    "/admin/pages/search/": {**STAFF_OK, "specialist": DENIED, "coordinator": DENIED},
}

KB_CASES = [
    (url, role, expected)
    for url, row in KB_MATRIX.items()
    for role, expected in expand(row, ROLES).items()
]

POST_CASES = [
    (url, data, role, expected)
    for (url, data), row in POST_MATRIX.items()
    for role, expected in expand(row, ROLES).items()
]


@pytest.fixture
def knowledge_articles(db):
    from pathlib import Path

    from knowledge.importing import import_directory

    report = import_directory(Path(__file__).parent / "data" / "articles")
    assert report.ok, report.errors


@pytest.mark.parametrize(
    ("url", "role", "expected"), KB_CASES, ids=[f"{u}-{r}" for u, r, _ in KB_CASES]
)
def test_knowledge_base_access_matrix(knowledge_articles, client_for_role, url, role, expected):
    response = client_for_role(role).get(url)
    assert outcome(response) == expected, (
        url,
        role,
        response.status_code,
        response.get("Location"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "data", "role", "expected"), POST_CASES, ids=[f"{u}-{r}" for u, _, r, _ in POST_CASES]
)
def test_post_access_matrix(client_for_role, url, data, role, expected):
    response = client_for_role(role).post(
        url, data, content_type="application/x-www-form-urlencoded"
    )
    result = outcome(response)
    if response.status_code == 302 and response["Location"] == "/admin/questions/":
        result = QUEUE
    assert result == expected, (url, role, response.status_code, response.get("Location"))
