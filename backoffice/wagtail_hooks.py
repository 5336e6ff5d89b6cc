"""The platform's place in the Wagtail admin: regions, organisations, domains, people, audit."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from backoffice.models import (
    AuditEvent,
    LegalDomain,
    Municipality,
    Organisation,
    Region,
    UserProfile,
)
from backoffice.permissions import ViewOnlyPermissionPolicy


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


class UserProfileViewSet(ModelViewSet):
    model = UserProfile
    icon = "user"
    menu_label = gettext_lazy("People")
    form_fields = ["organisation", "regions", "legal_domains", "preferred_language"]
    list_display = ["__str__", "user", "organisation", "preferred_language"]
    list_filter = ["organisation", "regions", "preferred_language"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]


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


def _protect_superusers(request, user):
    """Only a superuser may change or delete a superuser: it would hand over every right."""
    if user.is_superuser and not request.user.is_superuser:
        messages.error(request, _("Only a superuser can change this account."))
        return redirect("wagtailusers_users:index")
    return None


hooks.register("before_edit_user", _protect_superusers)
hooks.register("before_delete_user", _protect_superusers)


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
