"""The dashboard's place in the Wagtail admin (imported from tickets.wagtail_hooks)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from tickets.reports import figures, views


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [path("dashboard/", views.dashboard, name="tickets_dashboard")]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return figures.may_see_figures(request.user)


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return DashboardMenuItem(
        _("Dashboard"), reverse("tickets_dashboard"), icon_name="view", order=45
    )
