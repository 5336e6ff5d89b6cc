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
