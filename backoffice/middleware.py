"""Send people without admin access who reach /admin/ to the public site, not a dead end."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

ADMIN_PREFIX = "/admin/"
ADMIN_OPEN_PATHS = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/password_reset/",
    # MFA and "sign out everywhere" (backoffice.security_views) serve professionals too.
    "/admin/security/",
    "/admin/sprite/",
)


class NonStaffAdminRedirectMiddleware:
    """A professional who signs in on the admin login page lands on their public pages.

    Professionals share the one sign-in form with staff; without this, Wagtail would answer
    them with a login form and a "no permission" error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(ADMIN_PREFIX)
            and not request.path.startswith(ADMIN_OPEN_PATHS)
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            language = getattr(getattr(user, "profile", None), "preferred_language", None)
            language = language or settings.LANGUAGE_CODE
            with translation.override(language):
                messages.info(request, _("You are signed in. Your pages are on the public site."))
                from backoffice.views import landing_url

                return redirect(landing_url(user))
        return self.get_response(request)


class AdminScriptPolicyMiddleware:
    """Wagtail's admin still writes a few inline scripts (e.g. the date-time pickers of
    scheduled publishing), so the admin, and only the admin, allows inline scripts. The public
    site keeps `script-src 'self'`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(ADMIN_PREFIX):
            response._csp_update = {"script-src": ["'unsafe-inline'"]}
        return response


class SecurityHeadersMiddleware:
    """Headers Django has no setting for, on every response: Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
