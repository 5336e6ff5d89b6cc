"""Platform views: health, and the public sign-in for professionals."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.admin.views import account as wagtail_account

from backoffice import health as health_checks
from backoffice import roles


@never_cache
@require_GET
def health(request):
    """JSON state: {"status": "ok"|"degraded"|"down"}, 200 when ok, 503 otherwise; the checks
    (database, cache, broker, search, worker, mail, outbox) and the reasons for a degraded state
    too for staff or a monitor with HEALTH_TOKEN. Always JSON, whatever fails."""
    checks = health_checks.run_checks()
    status = health_checks.overall_status(checks)
    body = {"status": status}
    try:
        details = health_checks.may_see_details(request)
    except Exception:  # e.g. the session store is down: the bare status still answers
        details = False
    if details:
        body["checks"] = checks
        body["reasons"] = health_checks.reasons(checks)
    return JsonResponse(body, status=200 if status == health_checks.OK else 503)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_form_class(self):
        from backoffice.forms import PublicLoginForm

        return PublicLoginForm

    def get_default_redirect_url(self):
        """Professionals to their consults, staff to the admin, others to the home page."""
        return landing_url(self.request.user)


def landing_url(user) -> str:
    if user.has_perm("wagtailadmin.access_admin"):
        return "/admin/"
    if user.groups.filter(name=roles.PROFESSIONAL).exists():
        return reverse("tickets:pro_home")
    return f"/{get_language() or settings.LANGUAGE_CODE}/"


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(wagtail_account.PasswordResetView):
    """Wagtail's password reset, with the request handed to the form for its limits."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
