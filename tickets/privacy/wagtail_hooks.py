"""Admin URLs and menu item of the privacy desk (imported by tickets.wagtail_hooks)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from tickets.privacy import views


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [
        path("privacy/", views.desk, name="tickets_privacy"),
        path("privacy/erasure/<int:pk>/", views.decide, name="tickets_erasure_decide"),
        path("privacy/record/", views.record_of_processing, name="tickets_privacy_record"),
        path("questions/<int:pk>/hold/", views.hold, name="tickets_hold"),
    ]


class PrivacyMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.has_perm("tickets.decide_erasure") or user.has_perm("tickets.manage_privacy")


@hooks.register("register_admin_menu_item")
def register_privacy_menu_item():
    return PrivacyMenuItem(_("Privacy"), reverse("tickets_privacy"), icon_name="lock", order=52)
