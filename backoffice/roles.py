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


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(user.groups.values_list("name", flat=True))
