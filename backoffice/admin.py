"""The Django admin is kept for superusers only (e.g. django-q2's task monitor)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


def superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only
admin.site.site_header = _("Wegwijs – technical administration")
