"""Middleware of account security: session lifetimes and the MFA requirement.

The rules are in backoffice.sessions and backoffice.mfa; these only apply them per request.
"""

import re
from urllib.parse import quote

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from backoffice import mfa, sessions

MFA_OPEN_PATHS = (
    "/admin/security/mfa/",
    "/admin/login/",
    "/admin/logout/",
    "/django-admin/logout/",
    "/admin/jsi18n/",
    "/admin/sprite/",  # the admin's icons, fetched by every admin page (also these)
    "/static/",
    "/media/",
    "/health/",
)
PUBLIC_SIGN_IN_OUT = re.compile(r"^/[a-z]{2}(-[a-z]+)?/(login|logout)/$")

ENDED_MESSAGES = {
    "idle": lambda: _("You were signed out because you were inactive for a while."),
    "lifetime": lambda: _("You were signed out: a session lasts a limited number of hours."),
    "signed_out_everywhere": lambda: _("You were signed out on all devices."),
    "unknown": lambda: _("Your session has ended. Please sign in again."),
}


class SessionPolicyMiddleware:
    """Ends a signed-in session that is idle too long, too old, or signed out everywhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = sessions.end_reason(request)
            if reason:
                sessions.end(request, reason)
                request._wegwijs_session_ended = reason
        return self.get_response(request)


class MfaRequiredMiddleware:
    """A signed-in account that needs MFA but whose session is not verified yet reaches
    nothing but the MFA pages (and sign-out): enrolment first, verification afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ended = getattr(request, "_wegwijs_session_ended", None)
        if ended:
            messages.info(request, ENDED_MESSAGES[ended]())
        user = request.user
        path = request.path
        if (
            user.is_authenticated
            and not path.startswith(MFA_OPEN_PATHS)
            and not PUBLIC_SIGN_IN_OUT.match(path)
            and not mfa.is_verified(user)
            and mfa.mfa_required(user)
        ):
            name = "mfa_verify" if mfa.is_enrolled(user) else "mfa_setup"
            return redirect(f"{reverse(name)}?next={quote(request.get_full_path())}")
        return self.get_response(request)
