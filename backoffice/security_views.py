"""Account security pages in the admin's language: MFA enrolment and verification, the user's
own security page (recovery codes, sign-out everywhere) and a coordinator's page for someone
else's account (reset MFA, sign-out everywhere). Rules: backoffice.mfa, backoffice.sessions."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from wagtail.admin.localization import get_localized_response
from wagtail.admin.utils import get_user_display_name

from backoffice import mfa, sessions


def _in_admin_language(view):
    def wrapped(request, *args, **kwargs):
        return get_localized_response(view, request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    from backoffice.views import landing_url

    return landing_url(request.user)


def _throttle_error(request) -> str:
    """The message while django-otp makes the user wait after wrong codes, or ""."""
    wait = mfa.throttled_seconds(request.user)
    if not wait:
        return ""
    return _(
        "Too many wrong codes. Wait %(seconds)d seconds, then type the code your app "
        "shows at that moment."
    ) % {"seconds": wait}


def _code_error() -> str:
    return _(
        "That code is not right. Type the 6 digits your authenticator app shows now "
        "(check that your phone's clock is right), or one of your recovery codes."
    )


@never_cache
@sensitive_post_parameters("code")
@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "POST"])
@_in_admin_language
def mfa_setup(request):
    """First sign-in: link an authenticator app, confirm with one code, get recovery codes."""
    user = request.user
    if mfa.is_enrolled(user):
        if mfa.is_verified(user):
            return redirect(_next_url(request))
        return redirect(f"{_mfa_verify_url()}?next={quote(_next_url(request))}")
    device = mfa.pending_device(user)
    error = ""
    code = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        error = _throttle_error(request)
        recovery_codes = None if error else mfa.confirm_enrolment(request, device, code)
        if recovery_codes is not None:
            return render(
                request,
                "backoffice/security/recovery_codes.html",
                {"codes": recovery_codes, "next": _next_url(request), "first_time": True},
            )
        error = error or _code_error()
    return render(
        request,
        "backoffice/security/mfa_setup.html",
        {
            "qr_code": mfa.qr_code_svg(device),
            "secret": mfa.base32_secret(device),
            "error": error,
            "code": code,
            "next": _next_url(request),
        },
        status=400 if error else 200,
    )


def _mfa_verify_url():
    from django.urls import reverse

    return reverse("mfa_verify")


@never_cache
@sensitive_post_parameters("code")
@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "POST"])
@_in_admin_language
def mfa_verify(request):
    """Every sign-in after the first: a code from the app, or a recovery code."""
    user = request.user
    if not mfa.is_enrolled(user):
        return redirect(f"{_mfa_setup_url()}?next={quote(_next_url(request))}")
    if mfa.is_verified(user):
        return redirect(_next_url(request))
    error = ""
    if request.method == "POST":
        error = _throttle_error(request)
        if not error and mfa.verify(request, request.POST.get("code", "")):
            return redirect(_next_url(request))
        error = error or _code_error()
    return render(
        request,
        "backoffice/security/mfa_verify.html",
        {"error": error, "next": _next_url(request)},
        status=400 if error else 200,
    )


def _mfa_setup_url():
    from django.urls import reverse

    return reverse("mfa_setup")


@never_cache
@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "POST"])
@_in_admin_language
def account_security(request):
    """The user's own page: MFA state, new recovery codes, sign out everywhere."""
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "sign_out_everywhere":
            sessions.sign_out_everywhere(user, actor=user, request=request)
            # This session ends on the next request like all others; end it now.
            from django.contrib.auth import logout

            logout(request)
            messages.success(request, _("You were signed out on all devices."))
            return redirect("wagtailadmin_login")
        if action == "new_recovery_codes" and mfa.is_enrolled(user) and mfa.is_verified(user):
            codes = mfa.new_recovery_codes(user)
            from backoffice.audit import record_event

            record_event("mfa.recovery_codes_renewed", request=request, target=user)
            return render(
                request,
                "backoffice/security/recovery_codes.html",
                {"codes": codes, "next": request.path, "first_time": False},
            )
    return render(
        request,
        "backoffice/security/account.html",
        {
            "enrolled": mfa.is_enrolled(user),
            "verified": mfa.is_verified(user),
            "required": mfa.mfa_required(user),
        },
    )


@never_cache
@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "POST"])
@_in_admin_language
def user_security(request, user_id):
    """A coordinator's (or superuser's) page for someone else's account."""
    target = get_object_or_404(get_user_model(), pk=user_id)
    if target.pk == request.user.pk:
        return redirect("account_security")
    if not mfa.may_manage_security(request.user, target):
        raise PermissionDenied
    name = get_user_display_name(target)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reset_mfa":
            mfa.reset(request.user, target, request=request)
            messages.success(
                request,
                _("%(name)s sets up a new authenticator app at their next sign-in.")
                % {"name": name},
            )
        elif action == "sign_out_everywhere":
            sessions.sign_out_everywhere(target, actor=request.user, request=request)
            messages.success(request, _("%(name)s is signed out on all devices.") % {"name": name})
        return redirect("user_security", user_id=target.pk)
    return render(
        request,
        "backoffice/security/user.html",
        {"target": target, "name": name, "enrolled": mfa.is_enrolled(target)},
    )
