"""The dashboard's place in the Wagtail admin (imported from tickets.wagtail_hooks)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from tickets import policy_signals
from tickets.policy_signals import views as signal_views
from tickets.reports import figures, views


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [
        path("dashboard/", views.dashboard, name="tickets_dashboard"),
        path(
            "dashboard/report/<int:region>/<int:year>/<int:month>/",
            views.monthly_report,
            name="tickets_monthly_report",
        ),
        path("signals/", signal_views.signal_list, name="tickets_signals"),
        path("signals/new/", signal_views.staff_signal, name="tickets_signal_new"),
        path("signals/<int:pk>/", signal_views.signal_detail, name="tickets_signal"),
        path("questions/<int:pk>/signal/", signal_views.staff_signal, name="tickets_flag_signal"),
    ]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return figures.may_see_figures(request.user)


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    return DashboardMenuItem(
        _("Dashboard"), reverse("tickets_dashboard"), icon_name="view", order=45
    )


class SignalsMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_signals.can_review(request.user)


@hooks.register("register_admin_menu_item")
def register_signals_menu_item():
    return SignalsMenuItem(
        _("Policy signals"), reverse("tickets_signals"), icon_name="warning", order=46
    )


@hooks.register("construct_homepage_panels")
def role_home_panels(request, panels):
    from tickets.reports import home

    panels[:0] = home.panels_for(request)
