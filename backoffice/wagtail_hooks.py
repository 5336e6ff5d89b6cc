"""The platform's place in the Wagtail admin: regions, organisations, domains, people, audit."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from backoffice import roles
from backoffice.models import (
    AuditEvent,
    LegalDomain,
    Municipality,
    Organisation,
    Region,
    UserProfile,
)
from backoffice.permissions import ViewOnlyPermissionPolicy
from backoffice.user_admin import USER_BULK_ACTIONS


class RegionViewSet(ModelViewSet):
    model = Region
    icon = "site"
    menu_label = gettext_lazy("Regions")
    form_fields = ["name", "slug", "email", "phone", "address", "is_active"]
    list_display = ["name", "email", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class MunicipalityViewSet(ModelViewSet):
    model = Municipality
    icon = "home"
    menu_label = gettext_lazy("Municipalities")
    form_fields = ["name", "postcode", "region"]
    list_display = ["name", "postcode", "region"]
    list_filter = ["region"]
    search_fields = ["name", "postcode"]


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = gettext_lazy("Organisations")
    form_fields = [
        "name", "kind", "municipality", "region", "email", "phone", "shares_consults", "is_active"
    ]  # fmt: skip
    list_display = ["name", "kind", "municipality", "region", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name"]


class LegalDomainViewSet(ModelViewSet):
    model = LegalDomain
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Legal domains")
    form_fields = [
        "slug", "sort_order", "is_active",
        "name_nl", "summary_nl", "name_fr", "summary_fr", "name_en", "summary_en",
        "name_ar", "summary_ar", "name_uk", "summary_uk",
    ]  # fmt: skip
    list_display = ["name", "slug", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["slug", "name_nl", "name_fr", "name_en"]


class UserProfileForm(WagtailAdminModelForm):
    """A coordinator gives only their own regions (backoffice.roles); others stay as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = roles.manageable_regions(self.for_user)

    def save(self, commit=True):
        kept = []
        if self.instance.pk is not None:
            kept = list(
                self.instance.regions.exclude(pk__in=roles.manageable_regions(self.for_user))
            )
        profile = super().save(commit=commit)
        if commit and kept:
            profile.regions.add(*kept)
        return profile


class _ManageableProfiles:
    """People listed and edited: only those whose account the actor manages."""

    def get_queryset(self):
        return UserProfile.objects.filter(user__in=roles.manageable_users(self.request.user))


class UserProfileIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super().get_base_queryset().filter(user__in=roles.manageable_users(self.request.user))
        )


class UserProfileEditView(_ManageableProfiles, EditView):
    pass


class UserProfileViewSet(ModelViewSet):
    model = UserProfile
    index_view_class = UserProfileIndexView
    edit_view_class = UserProfileEditView
    icon = "user"
    menu_label = gettext_lazy("People")
    form_fields = ["organisation", "regions", "legal_domains", "preferred_language"]
    list_display = ["__str__", "user", "organisation", "preferred_language"]
    list_filter = ["organisation", "regions", "preferred_language"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def get_form_class(self, for_update=False):
        from django.forms.models import modelform_factory

        return modelform_factory(UserProfile, form=UserProfileForm, fields=self.form_fields)


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = gettext_lazy("Audit log")
    list_display = ["time", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action", "time"]
    search_fields = ["actor_label", "action", "target_label", "target_id"]
    inspect_view_enabled = True
    form_fields = []
    # Wagtail's reference index would get a background task per audit event: nothing reads it.
    add_to_reference_index = False


register_permission_policy(AuditEvent, ViewOnlyPermissionPolicy(AuditEvent))


class PlatformViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Platform")
    menu_icon = "cogs"
    menu_order = 800
    items = (
        RegionViewSet("regions"),
        MunicipalityViewSet("municipalities"),
        OrganisationViewSet("organisations"),
        LegalDomainViewSet("legal_domains"),
        UserProfileViewSet("people"),
        AuditEventViewSet("audit"),
    )


@hooks.register("register_admin_viewset")
def register_platform_viewsets():
    return PlatformViewSetGroup()


def _refuse_unmanageable_account(request, user):
    """Wagtail's edit and delete hooks ask the one rule (backoffice.roles); the views of
    backoffice.user_admin ask it too, so the rule holds whichever view is in use."""
    if not roles.can_manage_user(request.user, user):
        messages.error(request, _("You cannot change this account."))
        return redirect("wagtailusers_users:index")
    return None


def _refuse_unmanageable_bulk(request, action_type, objects, action):
    """A bulk action on accounts goes ahead only when every account is the actor's to manage."""
    if getattr(action, "model", None) is not get_user_model():
        return None
    check = roles.can_delete_user if action_type == "delete" else roles.can_manage_user
    if not all(check(request.user, user) for user in objects):
        messages.error(request, _("You cannot change one of these accounts."))
        return redirect("wagtailusers_users:index")
    return None


hooks.register("before_edit_user", _refuse_unmanageable_account)
hooks.register("before_delete_user", _refuse_unmanageable_account)
hooks.register("before_bulk_action", _refuse_unmanageable_bulk)
# Registered after Wagtail's own user bulk actions (order 0), so these replace them.
for _bulk_action in USER_BULK_ACTIONS:
    hooks.register("register_bulk_action", _bulk_action, order=100)


# --- Account security (backoffice.security_views): the user's own page, and a coordinator's
# button on the users listing for accounts they may secure (backoffice.mfa.may_manage_security).
@hooks.register("register_account_menu_item")
def account_security_menu_item(request):
    from django.urls import reverse

    return {
        "url": reverse("account_security"),
        "label": _("Two-step sign-in and sessions"),
        "help_text": _("Recovery codes, and signing out on all your devices."),
    }


@hooks.register("register_user_listing_buttons")
def user_security_button(user, request_user):
    from django.urls import reverse
    from wagtail.admin.widgets.button import BaseButton

    from backoffice.mfa import may_manage_security

    if user.pk == request_user.pk or not may_manage_security(request_user, user):
        return []
    return [
        BaseButton(
            _("Sign-in security"),
            reverse("user_security", args=[user.pk]),
            icon_name="lock",
            priority=60,
        )
    ]


@hooks.register("insert_global_admin_css")
def admin_css():
    """The project's corrections to Wagtail's admin styles (contrast of its messages)."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("backoffice/css/admin.css"))


@hooks.register("insert_global_admin_js")
def admin_names_js():
    """Names for two of Wagtail's editor widgets that have none (docs/accessibility.md)."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<script src="{}" defer></script>', static("backoffice/js/admin-names.js"))
