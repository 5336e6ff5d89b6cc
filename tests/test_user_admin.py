"""Role boundaries in the user admin (issue 14, findings 1 and 2).

Only a superuser grants or removes superuser status or acts on a superuser; a coordinator hands
out the platform roles and their own regions only, and manages only accounts of their regions.
Every path is tried: Wagtail's create and edit forms, delete, the bulk actions, the People
listing, the Django admin. The rule itself is `backoffice.roles.manageable_users`.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from backoffice import roles
from backoffice.models import Region
from tests.access import DENIED, LOGIN, OK, expand, outcome
from tests.conftest import PASSWORD, ROLES, make_user

User = get_user_model()

YES, NO = "done", "refused"


@pytest.fixture
def world(db):
    """Two regions; an actor of each role working for Gent; three accounts to act on."""
    gent = Region.objects.create(name="Gent", slug="gent")
    antwerpen = Region.objects.create(name="Antwerpen", slug="antwerpen")
    targets = {
        "superuser": make_user("superuser", "root"),
        "coordinator": make_user("coordinator", "colleague", regions=[gent]),
        "specialist-elsewhere": make_user("specialist", "outsider", regions=[antwerpen]),
    }
    return {"gent": gent, "antwerpen": antwerpen, "targets": targets}


@pytest.fixture
def actor_client(client, world):
    def factory(role):
        if role != "anonymous":
            actor = make_user(role, f"{role}-actor", regions=[world["gent"]])
            client.force_login(actor)
        return client

    return factory


def _group(name):
    return Group.objects.get(name=name).pk


def _account_data(world, kind, username):
    """The POST of Wagtail's user form for an account of the given kind."""
    data = {
        "username": username,
        "email": f"{username}@example.org",
        "first_name": "New",
        "last_name": "Person",
        "password1": "An-0ther-long-password",
        "password2": "An-0ther-long-password",
        "is_active": "on",
    }
    if kind == "superuser":
        data["is_superuser"] = "on"
        data["regions"] = [world["gent"].pk]
    elif kind == "coordinator":
        data["groups"] = [_group(roles.COORDINATOR)]
        data["regions"] = [world["gent"].pk]
    else:
        data["groups"] = [_group(roles.SPECIALIST)]
        data["regions"] = [world["antwerpen"].pk]
    return data


def _created(world, kind, username):
    user = User.objects.filter(username=username).first()
    if user is None:
        return NO
    if kind == "superuser":
        return YES if user.is_superuser else NO
    if kind == "coordinator":
        return YES if user.groups.filter(name=roles.COORDINATOR).exists() else NO
    return YES if user.profile.regions.filter(pk=world["antwerpen"].pk).exists() else NO


def create(client, world, kind):
    username = f"new-{kind}"
    client.post("/admin/users/new/", _account_data(world, kind, username))
    return _created(world, kind, username)


def edit(client, world, kind):
    target = world["targets"][kind]
    data = _account_data(world, kind, target.username)
    data.update({"first_name": "Changed", "password1": "", "password2": ""})
    client.post(f"/admin/users/edit/{target.pk}/", data)
    target.refresh_from_db()
    return YES if target.first_name == "Changed" else NO


def bulk_deactivate(client, world, kind):
    target = world["targets"][kind]
    client.post(
        f"/admin/bulk/auth/user/set_active_state/?next=/admin/users/&id={target.pk}",
        {"mark_as_active": "False"},
    )
    target.refresh_from_db()
    return NO if target.is_active else YES


def bulk_assign_role(client, world, kind):
    target = world["targets"][kind]
    client.post(
        f"/admin/bulk/auth/user/assign_role/?next=/admin/users/&id={target.pk}",
        {"role": _group(roles.EDITOR)},
    )
    return YES if target.groups.filter(name=roles.EDITOR).exists() else NO


def delete(client, world, kind):
    target = world["targets"][kind]
    client.post(f"/admin/users/delete/{target.pk}/")
    return NO if User.objects.filter(pk=target.pk).exists() else YES


def bulk_delete(client, world, kind):
    target = world["targets"][kind]
    client.post(f"/admin/bulk/auth/user/delete/?next=/admin/users/&id={target.pk}")
    return NO if User.objects.filter(pk=target.pk).exists() else YES


ACTIONS = {
    "create": create,
    "edit": edit,
    "bulk-deactivate": bulk_deactivate,
    "bulk-assign-role": bulk_assign_role,
    "delete": delete,
    "bulk-delete": bulk_delete,
}
TARGETS = ["superuser", "coordinator", "specialist-elsewhere"]

# (action, target) → who gets it done. Coordinators hold no delete permission: they deactivate.
SUPERUSER_ONLY = {"*": NO, "superuser": YES}
COORDINATOR_TOO = {"*": NO, "superuser": YES, "coordinator": YES}
USER_ADMIN_MATRIX = {
    **{(action, "superuser"): SUPERUSER_ONLY for action in ACTIONS},
    **{(action, "specialist-elsewhere"): SUPERUSER_ONLY for action in ACTIONS},
    ("create", "coordinator"): COORDINATOR_TOO,
    ("edit", "coordinator"): COORDINATOR_TOO,
    ("bulk-deactivate", "coordinator"): COORDINATOR_TOO,
    ("bulk-assign-role", "coordinator"): COORDINATOR_TOO,
    ("delete", "coordinator"): SUPERUSER_ONLY,
    ("bulk-delete", "coordinator"): SUPERUSER_ONLY,
}

CASES = [
    (action, target, role, expected)
    for (action, target), row in USER_ADMIN_MATRIX.items()
    for role, expected in expand(row, ROLES).items()
]


@pytest.mark.parametrize(
    ("action", "target", "role", "expected"),
    CASES,
    ids=[f"{a}-{t}-as-{r}" for a, t, r, _ in CASES],
)
def test_user_admin_matrix(world, actor_client, action, target, role, expected):
    assert ACTIONS[action](actor_client(role), world, target) == expected


# The pages themselves: who may open them (GET).
PAGE_MATRIX = {
    "/admin/users/": {"*": DENIED, "anonymous": LOGIN, "coordinator": OK, "superuser": OK},
    "/admin/users/new/": {"*": DENIED, "anonymous": LOGIN, "coordinator": OK, "superuser": OK},
    ("edit", "superuser"): {"*": DENIED, "anonymous": LOGIN, "superuser": OK},
    ("edit", "coordinator"): {
        "*": DENIED,
        "anonymous": LOGIN,
        "coordinator": OK,
        "superuser": OK,
    },
    ("edit", "specialist-elsewhere"): {"*": DENIED, "anonymous": LOGIN, "superuser": OK},
    ("delete", "superuser"): {"*": DENIED, "anonymous": LOGIN, "superuser": OK},
    ("delete", "coordinator"): {"*": DENIED, "anonymous": LOGIN, "superuser": OK},
    ("delete", "specialist-elsewhere"): {"*": DENIED, "anonymous": LOGIN, "superuser": OK},
    ("people", "superuser"): {"*": DENIED, "anonymous": LOGIN, "superuser": OK},
    ("people", "coordinator"): {
        "*": DENIED,
        "anonymous": LOGIN,
        "coordinator": OK,
        "superuser": OK,
    },
    ("people", "specialist-elsewhere"): {"*": DENIED, "anonymous": LOGIN, "superuser": OK},
    ("django-admin", "superuser"): {"*": LOGIN, "superuser": OK},
    ("django-admin", "coordinator"): {"*": LOGIN, "superuser": OK},
    ("django-admin", "specialist-elsewhere"): {"*": LOGIN, "superuser": OK},
}
PAGE_CASES = [
    (page, role, expected)
    for page, row in PAGE_MATRIX.items()
    for role, expected in expand(row, ROLES).items()
]


def _url(world, page):
    if isinstance(page, str):
        return page
    view, kind = page
    target = world["targets"][kind]
    if view == "people":
        return f"/admin/people/edit/{target.profile.pk}/"
    if view == "django-admin":
        return f"/django-admin/auth/user/{target.pk}/change/"
    return f"/admin/users/{view}/{target.pk}/"


@pytest.mark.parametrize(
    ("page", "role", "expected"),
    PAGE_CASES,
    ids=[f"{p if isinstance(p, str) else '-'.join(p)}-as-{r}" for p, r, _ in PAGE_CASES],
)
def test_user_admin_pages(world, actor_client, page, role, expected):
    response = actor_client(role).get(_url(world, page))
    assert outcome(response) == expected, (page, role, response.status_code)


# --- The findings as reported, and what a coordinator's form offers ---------------------------


@pytest.fixture
def coordinator(world, client):
    user = make_user("coordinator", "gent-coordinator", regions=[world["gent"]])
    client.force_login(user)
    return user


def test_coordinator_cannot_create_a_superuser(world, coordinator, client):
    """Finding 1: the posted is_superuser is ignored; the account is made, without the right."""
    data = _account_data(world, "superuser", "sneaky")
    data["groups"] = [_group(roles.SPECIALIST)]
    response = client.post("/admin/users/new/", data)
    assert response.status_code == 302
    created = User.objects.get(username="sneaky")
    assert not created.is_superuser and not created.is_staff
    assert list(created.groups.values_list("name", flat=True)) == [roles.SPECIALIST]
    assert client.get("/admin/users/new/").context["form"].fields.get("is_superuser") is None


def test_coordinator_cannot_promote_a_colleague(world, coordinator, client):
    colleague = world["targets"]["coordinator"]
    data = _account_data(world, "coordinator", colleague.username)
    data.update({"is_superuser": "on", "password1": "", "password2": ""})
    response = client.post(f"/admin/users/edit/{colleague.pk}/", data)
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_superuser


def test_coordinator_form_offers_only_platform_roles_and_own_regions(world, coordinator, client):
    Group.objects.create(name="auditors")
    form = client.get("/admin/users/new/").context["form"]
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == set(
        roles.PLATFORM_ROLES
    )
    assert list(form.fields["regions"].queryset) == [world["gent"]]
    # A role that is not offered is refused when posted, and what was typed is kept.
    data = _account_data(world, "coordinator", "with-odd-role")
    data["groups"] = [_group("auditors")]
    response = client.post("/admin/users/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["groups"]
    assert response.context["form"]["email"].value() == "with-odd-role@example.org"
    assert not User.objects.filter(username="with-odd-role").exists()


def test_coordinator_gives_only_own_regions(world, coordinator, client):
    response = client.post("/admin/users/new/", _account_data(world, "specialist", "elsewhere"))
    assert response.status_code == 200
    assert response.context["form"].errors["regions"]
    assert not User.objects.filter(username="elsewhere").exists()


def test_coordinator_cannot_deactivate_the_superuser_in_bulk(world, coordinator, client):
    """Finding 2: the bulk action left the single-edit guard aside."""
    root = world["targets"]["superuser"]
    response = client.get(
        f"/admin/bulk/auth/user/set_active_state/?next=/admin/users/&id={root.pk}"
    )
    assert root not in [item["item"] for item in response.context["items"]]
    client.post(
        f"/admin/bulk/auth/user/set_active_state/?next=/admin/users/&id={root.pk}&id=all",
        {"mark_as_active": "False"},
    )
    root.refresh_from_db()
    assert root.is_active


def test_coordinator_bulk_assign_offers_only_platform_roles(world, coordinator, client):
    Group.objects.create(name="auditors")
    colleague = world["targets"]["coordinator"]
    client.post(
        f"/admin/bulk/auth/user/assign_role/?next=/admin/users/&id={colleague.pk}",
        {"role": _group("auditors")},
    )
    assert not colleague.groups.filter(name="auditors").exists()


def test_listing_shows_only_manageable_accounts(world, coordinator, client):
    names = {user.username for user in client.get("/admin/users/").context["object_list"]}
    assert "colleague" in names and "gent-coordinator" in names
    assert "root" not in names and "outsider" not in names


def test_coordinator_cannot_take_regions_through_people(world, coordinator, client):
    """The People form would otherwise let a coordinator widen their own reach."""
    profile = coordinator.profile
    response = client.post(
        f"/admin/people/edit/{profile.pk}/",
        {"regions": [world["gent"].pk, world["antwerpen"].pk], "preferred_language": "nl"},
    )
    assert response.status_code == 200  # refused: Antwerpen is not a choice
    assert list(profile.regions.all()) == [world["gent"]]


def test_an_account_of_two_regions_is_beyond_a_one_region_coordinator(world, client):
    """A superuser-made account of two regions stays out of a one-region coordinator's reach."""
    both = make_user("specialist", "both", regions=[world["gent"], world["antwerpen"]])
    actor = make_user("coordinator", "gent-only", regions=[world["gent"]])
    assert not roles.can_manage_user(actor, both)
    assert roles.can_manage_user(actor, world["targets"]["coordinator"])


def test_superuser_can_still_do_everything(world, client):
    root = make_user("superuser", "another-root")
    client.force_login(root)
    response = client.post("/admin/users/new/", _account_data(world, "superuser", "root-made"))
    assert response.status_code == 302
    assert User.objects.get(username="root-made").is_superuser


def test_user_without_role_manages_nobody(world):
    plain = User.objects.create_user("plain", password=PASSWORD)
    assert not roles.manageable_users(plain).exists()
    assert not roles.assignable_groups(plain).exists()
