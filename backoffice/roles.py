"""The roles of Wegwijs as Django groups, and the permissions each one holds.

This table is the single definition. Data migrations call `sync_roles` so that every database
gets the same groups; a later feature adds its permissions here and a migration that calls it.
"""

PROFESSIONAL = "professional"
SPECIALIST = "specialist"
EDITOR = "editor"
COORDINATOR = "coordinator"

STAFF_ROLES = (SPECIALIST, EDITOR, COORDINATOR)

_PLATFORM_VIEW = [
    "backoffice.view_region",
    "backoffice.view_municipality",
    "backoffice.view_organisation",
    "backoffice.view_legaldomain",
    "directory.view_service",
]

# The directory of local services (the social map): coordinators keep their regions' entries.
_DIRECTORY = [
    "directory.add_service",
    "directory.change_service",
    "directory.delete_service",
    "directory.publish_service",
]

# The search synonyms (Admin → Synonyms) are kept by editors and coordinators.
_SYNONYMS = [
    "search.view_synonymgroup",
    "search.add_synonymgroup",
    "search.change_synonymgroup",
    "search.delete_synonymgroup",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Professionals work on the public site (their consults); they have no admin access.
    PROFESSIONAL: [],
    SPECIALIST: [
        "wagtailadmin.access_admin",
        *_PLATFORM_VIEW,
        "tickets.view_question",
        "tickets.change_question",
        "search.view_recurring",
        "tickets.view_slapolicy",
        "tickets.view_answertemplate",
        "tickets.add_answertemplate",
        "tickets.change_answertemplate",
        "tickets.export_question",
        "tickets.hand_over_question",
        "tickets.decide_erasure",
    ],
    EDITOR: [
        "wagtailadmin.access_admin",
        *_PLATFORM_VIEW,
        "search.view_recurring",
        *_SYNONYMS,
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtailcore.view_locale",
    ],
    COORDINATOR: [
        "wagtailadmin.access_admin",
        *_PLATFORM_VIEW,
        "backoffice.add_region",
        "backoffice.change_region",
        "backoffice.add_municipality",
        "backoffice.change_municipality",
        "backoffice.add_organisation",
        "backoffice.change_organisation",
        "backoffice.add_legaldomain",
        "backoffice.change_legaldomain",
        "backoffice.view_userprofile",
        "backoffice.change_userprofile",
        "backoffice.view_auditevent",
        *_DIRECTORY,
        "tickets.view_question",
        "tickets.change_question",
        "search.view_recurring",
        *_SYNONYMS,
        "tickets.view_slapolicy",
        "tickets.add_slapolicy",
        "tickets.change_slapolicy",
        "tickets.delete_slapolicy",
        "tickets.view_answertemplate",
        "tickets.add_answertemplate",
        "tickets.change_answertemplate",
        "tickets.delete_answertemplate",
        "tickets.add_letterhead",
        "tickets.change_letterhead",
        "tickets.view_letterhead",
        "tickets.change_retentionpolicy",
        "tickets.manage_privacy",
        "tickets.decide_erasure",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
    ],
}

# Page permissions on the root of the page tree, per role (Wagtail's GroupPagePermission).
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    EDITOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}

# Collection permissions on the root collection (images and documents).
ROLE_COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    EDITOR: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
}


def sync_roles(apps) -> None:
    """Create the groups and give each exactly the permissions listed above.

    `apps` is the app registry (historical in a migration, the live one elsewhere). Permissions
    that Django creates after migrating are created first, so this works on a fresh database.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        # create_permissions skips apps whose models module is not loaded yet (during migrate).
        original = app_config.models_module
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    def permission(dotted: str):
        app_label, codename = dotted.split(".")
        return Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()

    # Permissions of apps whose migrations have not run yet are skipped here; the migration
    # that creates those models calls sync_roles again. A test checks that none is left out.

    # Wagtail's own example groups would sit beside ours with confusingly similar names.
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()

    for role, dotted_permissions in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(
            [found for found in map(permission, dotted_permissions) if found is not None]
        )

        if root_page is not None:
            wanted = ROLE_PAGE_PERMISSIONS.get(role, [])
            GroupPagePermission.objects.filter(group=group).exclude(
                permission__codename__in=wanted
            ).delete()
            for codename in wanted:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission(f"wagtailcore.{codename}")
                )
        if root_collection is not None:
            wanted = ROLE_COLLECTION_PERMISSIONS.get(role, [])
            wanted_ids = [found.pk for found in map(permission, wanted) if found is not None]
            GroupCollectionPermission.objects.filter(group=group).exclude(
                permission_id__in=wanted_ids
            ).delete()
            for permission_id in wanted_ids:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission_id=permission_id
                )


# --- Kept for the request ---------------------------------------------------------------------
#
# One page asks "which roles, which regions" a dozen times (menus, panels, access checks). The
# answers are kept on the user instance, which lives for one request, and dropped as soon as any
# group membership, region or legal domain of a profile changes in this process (a change made
# from the other side, group.user_set.add(user), does not name the user instance, so every kept
# answer goes).

_kept_generation = 0


def forget_kept(**kwargs) -> None:
    """Signal receiver: something that decides roles or scopes changed."""
    global _kept_generation
    _kept_generation += 1


def kept_for_request(user, name: str, compute):
    """`compute(user)`, once per user instance until roles, regions or domains change."""
    key = (_kept_generation, user.pk, user.is_superuser, user.is_active)
    store = user.__dict__.setdefault("_wegwijs_kept", {})
    found = store.get(name)
    if found is not None and found[0] == key:
        return found[1]
    value = compute(user)
    store[name] = (key, value)
    return value


def connect_kept() -> None:
    """Called from BackofficeConfig.ready."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from django.test.signals import setting_changed

    from backoffice.models import LegalDomain, Region, UserProfile

    for through in (
        get_user_model().groups.through,
        UserProfile.regions.through,
        UserProfile.legal_domains.through,
    ):
        m2m_changed.connect(forget_kept, sender=through, weak=False)
    for model in (Group, Region, LegalDomain, UserProfile):
        post_delete.connect(forget_kept, sender=model, weak=False)
    post_save.connect(forget_kept, sender=UserProfile, weak=False)
    setting_changed.connect(forget_kept, weak=False)  # tests' override_settings


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(
        kept_for_request(
            user, "roles", lambda u: frozenset(u.groups.values_list("name", flat=True))
        )
    )


# --- Who may manage which account -------------------------------------------------------------
#
# The one rule for the user admin (Wagtail's user forms, its bulk actions, the People listing and
# the Django admin all ask here). A superuser manages every account. A coordinator manages
# accounts that hold platform roles only (no superuser status, no staff-admin rights, no
# permission given to the account itself, no other group) and whose regions all lie among the
# coordinator's own regions; they can hand out the platform roles and their own regions, nothing
# more. "Every region" is, as in tickets.access.staff_questions, the superuser's alone: a
# coordinator's reach is the regions listed on their profile. Everybody else manages no account.

PLATFORM_ROLES = (PROFESSIONAL, SPECIALIST, EDITOR, COORDINATOR)
MANAGE_USERS_PERMISSION = "auth.change_user"


def _is_coordinator(actor) -> bool:
    return (
        actor.is_authenticated
        and actor.is_active
        and actor.has_perm(MANAGE_USERS_PERMISSION)
        and actor.groups.filter(name=COORDINATOR).exists()
    )


def manageable_regions(actor):
    """The regions an actor may give to (and must cover for) the accounts they manage."""
    from backoffice.models import Region

    if not actor.is_authenticated or not actor.is_active:
        return Region.objects.none()
    if actor.is_superuser:
        return Region.objects.all()
    if not _is_coordinator(actor):
        return Region.objects.none()
    return Region.objects.filter(pk__in=list(actor.profile.regions.values_list("pk", flat=True)))


def assignable_groups(actor):
    """The groups (roles) an actor may give or take away."""
    from django.contrib.auth.models import Group

    if not actor.is_authenticated or not actor.is_active:
        return Group.objects.none()
    if actor.is_superuser:
        return Group.objects.all()
    if not _is_coordinator(actor):
        return Group.objects.none()
    return Group.objects.filter(name__in=PLATFORM_ROLES)


def manageable_users(actor):
    """The accounts an actor may create, edit, (de)activate, give roles or a password to."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from backoffice.models import Region

    User = get_user_model()
    if not actor.is_authenticated or not actor.is_active:
        return User.objects.none()
    if actor.is_superuser:
        return User.objects.all()
    if not _is_coordinator(actor):
        return User.objects.none()
    regions = list(actor.profile.regions.values_list("pk", flat=True))
    other_regions = Region.objects.exclude(pk__in=regions)
    return (
        User.objects.filter(is_superuser=False, is_staff=False)
        .exclude(user_permissions__isnull=False)
        .exclude(groups__in=Group.objects.exclude(name__in=PLATFORM_ROLES))
        .exclude(profile__regions__in=other_regions)
        .exclude(profile__organisation__region__in=other_regions)
    )


def can_manage_user(actor, target) -> bool:
    """May `actor` change `target` (edit, deactivate, give roles or a password)?"""
    if target is None or target.pk is None:
        return can_create_users(actor)
    return manageable_users(actor).filter(pk=target.pk).exists()


def can_create_users(actor) -> bool:
    return (
        actor.is_authenticated
        and actor.is_active
        and (actor.is_superuser or (_is_coordinator(actor) and actor.has_perm("auth.add_user")))
    )


def can_delete_user(actor, target) -> bool:
    """Deleting needs Django's delete permission as well (coordinators deactivate instead), and
    nobody deletes their own account."""
    return (
        actor.pk != target.pk
        and actor.has_perm("auth.delete_user")
        and can_manage_user(actor, target)
    )
