"""Session lifetimes and sign-out everywhere: the one place these rules live.

- Staff (anyone with admin access, and superusers): signed out after STAFF_SESSION_IDLE_MINUTES
  without a request, and STAFF_SESSION_MAX_HOURS after signing in whatever they do.
- Professionals and other accounts: signed out after PROFESSIONAL_SESSION_IDLE_MINUTES idle.
- Sign-out everywhere: each profile has a session generation, copied into the session at
  sign-in; raising it ends every session made before, in every worker (the check reads the
  database). The user may do it themselves; a coordinator or superuser for others
  (backoffice.mfa.may_manage_security). Audited.

The newcomer's follow-up (no account) has its own short lifetime in tickets.access.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.db.models import F

from backoffice.audit import record_event
from backoffice.models import UserProfile

SESSION_KEY = "wegwijs_session"
STAFF = "staff"
ACCOUNT = "account"
# The last-activity time is written at most this often (a session save per request is waste).
ACTIVITY_RESOLUTION_SECONDS = 60


def kind_of(user) -> str:
    if user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"):
        return STAFF
    return ACCOUNT


def _generation(user) -> int:
    value = (
        UserProfile.objects.filter(user_id=user.pk)
        .values_list("session_generation", flat=True)
        .first()
    )
    return value or 0


def _loaded_generation(user) -> int:
    """The generation of the profile read with the user at the start of this request
    (backoffice.signin.ThrottledModelBackend.get_user), else read now."""
    if user._state.fields_cache.get("profile") is not None:
        return user.profile.session_generation or 0
    return _generation(user)


def start(request, user) -> None:
    """At sign-in: remember when, what kind of account, and the user's session generation."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SESSION_KEY] = {
        "started": now,
        "last": now,
        "kind": kind_of(user),
        "generation": _generation(user),
    }


def limits(kind: str) -> tuple[int, int | None]:
    """(idle seconds, absolute seconds or None) for a kind of session."""
    if kind == STAFF:
        return settings.STAFF_SESSION_IDLE_MINUTES * 60, settings.STAFF_SESSION_MAX_HOURS * 3600
    return settings.PROFESSIONAL_SESSION_IDLE_MINUTES * 60, None


def end_reason(request) -> str | None:
    """Why this signed-in session must end now ('idle', 'lifetime', 'signed_out_everywhere',
    'unknown'), or None while it is valid. Refreshes the last-activity time."""
    user = request.user
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return "unknown"  # made before these rules or by hand: sign in again
    now = int(time.time())
    idle, absolute = limits(data.get("kind", STAFF))
    if now - data.get("last", 0) > idle:
        return "idle"
    if absolute is not None and now - data.get("started", 0) > absolute:
        return "lifetime"
    if data.get("generation", 0) != _loaded_generation(user):
        return "signed_out_everywhere"
    if now - data.get("last", 0) >= ACTIVITY_RESOLUTION_SECONDS:
        request.session[SESSION_KEY] = {**data, "last": now}
    return None


def end(request, reason: str) -> None:
    user = request.user
    record_event("auth.session_ended", request=request, actor=user, details={"reason": reason})
    logout(request)


def sign_out_everywhere(target, *, actor, request=None, reason: str = "requested") -> None:
    """End every session of `target` (on every device and worker).

    Callers check permission first (backoffice.mfa.may_manage_security, or actor == target).
    """
    UserProfile.objects.filter(user=target).update(session_generation=F("session_generation") + 1)
    record_event(
        "auth.signed_out_everywhere",
        request=request,
        actor=actor,
        target=target,
        details={"reason": reason},
    )
