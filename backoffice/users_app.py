"""Wagtail's users app, with the user admin of `backoffice.user_admin` (role boundaries).

Listed in INSTALLED_APPS in place of "wagtail.users" (Wagtail's documented way to customise
the user views and forms). Kept apart from backoffice/apps.py: a module with two app configs
would leave Django unsure which one is "backoffice"."""

from wagtail.users.apps import WagtailUsersAppConfig


class WegwijsUsersConfig(WagtailUsersAppConfig):
    user_viewset = "backoffice.user_admin.UserViewSet"
