"""Sign-in lockout and password-reset limits: the one place these rules live.

Every password check (Wagtail's /admin/login/, the public /<lang>/login/, the Django admin)
goes through `ThrottledModelBackend`. Failed sign-ins are counted per account and per client
address (backoffice.client_address, so TRUSTED_PROXIES applies) in the shared rate-limit cache;
at the limit that account or client is locked for SIGNIN_LOCKOUT_MINUTES, and during the lock
even the right password is refused. Every failure, refusal and lock is in the audit log.

We use the platform's own rate-limit service rather than django-axes: one client-address rule
(trusted proxies), one store that every worker shares (Redis or the database cache) and one
set of settings for public forms and sign-in alike, without a second middleware, backend and
attempt table to keep consistent with it.
"""

import math
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backoffice import ratelimit
from backoffice.audit import hash_client_address, record_event

ACCOUNT = "signin-account"
CLIENT = "signin-client"
RESET_CLIENT = "password-reset-client"
RESET_EMAIL = "password-reset-email"
HOUR = 3600
LOCKED_ATTRIBUTE = "_wegwijs_signin_locked_until"


def _account_key(username: str) -> str:
    return hash_client_address(f"account:{(username or '').strip().lower()}")


def _window() -> int:
    return max(1, settings.SIGNIN_FAILURE_WINDOW_MINUTES) * 60


def locked_until(request, username: str) -> int | None:
    """When sign-in for this account or from this client is locked: the Unix time it ends."""
    ends = [
        ratelimit.locked_until(ACCOUNT, _account_key(username)),
        ratelimit.locked_until(CLIENT, ratelimit.client_key(request)),
    ]
    ends = [end for end in ends if end]
    return max(ends) if ends else None


def _existing_user(username: str):
    User = get_user_model()
    if not username:
        return None
    return User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).first()


def record_failure(request, username: str) -> None:
    """A failed sign-in: audit it, count it, and lock the account or client at the limit."""
    locked = getattr(request, LOCKED_ATTRIBUTE, None) if request is not None else None
    user = _existing_user(username)
    if locked:
        record_event(
            "auth.login_refused_locked", request=request, actor_label="anonymous", target=user
        )
        return
    # The attempted username is not kept: it may be someone's e-mail address or a typo of it.
    record_event("auth.login_failed", request=request, actor_label="anonymous", target=user)
    if request is None:
        return
    window = _window()
    lock_seconds = max(1, settings.SIGNIN_LOCKOUT_MINUTES) * 60
    for scope, key, limit in (
        (ACCOUNT, _account_key(username), settings.SIGNIN_FAILURES_PER_ACCOUNT),
        (CLIENT, ratelimit.client_key(request), settings.SIGNIN_FAILURES_PER_CLIENT),
    ):
        if ratelimit.count_attempt(scope, key, window) >= limit:
            ratelimit.lock(scope, key, lock_seconds)
            ratelimit.forget_attempts(scope, key, window)
            record_event(
                "auth.lockout",
                request=request,
                actor_label="anonymous",
                target=user if scope == ACCOUNT else None,
                details={"scope": "account" if scope == ACCOUNT else "client", "limit": limit},
            )


def record_success(request, user) -> None:
    """A good password ends the account's run of failures (not a lock already set)."""
    if request is not None:
        ratelimit.forget_attempts(ACCOUNT, _account_key(user.get_username()), _window())


def unlock_account(username: str) -> None:
    ratelimit.unlock(ACCOUNT, _account_key(username))


def locked_message(request) -> str | None:
    """The sign-in form's message while locked (in the active language), or None."""
    until = getattr(request, LOCKED_ATTRIBUTE, None) if request is not None else None
    if not until:
        return None
    minutes = max(1, math.ceil((until - time.time()) / 60))
    return ngettext(
        "Too many failed sign-in attempts. For your safety, signing in is blocked for "
        "%(minutes)d more minute, even with the right password. Try again later, or ask your "
        "coordinator for help.",
        "Too many failed sign-in attempts. For your safety, signing in is blocked for "
        "%(minutes)d more minutes, even with the right password. Try again later, or ask "
        "your coordinator for help.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing every attempt while the account or client is locked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is not None and username:
            until = locked_until(request, username)
            if until:
                setattr(request, LOCKED_ATTRIBUTE, until)
                # Django stops at PermissionDenied and reports a failed sign-in.
                raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_all_permissions(self, user_obj, obj=None):
        """Django's answer, read in one query (the user's own permissions and their groups', a
        UNION) instead of two: every admin page asks it, and on PostgreSQL each round trip costs
        more than the rows. Superusers, inactive users and objects: Django's own path."""
        if (
            user_obj.is_active
            and not user_obj.is_anonymous
            and not user_obj.is_superuser
            and obj is None
            and not hasattr(user_obj, "_perm_cache")
        ):
            fields = ("content_type__app_label", "codename")
            own = self._get_user_permissions(user_obj).values_list(*fields).order_by()
            grouped = self._get_group_permissions(user_obj).values_list(*fields).order_by()
            user_obj._perm_cache = {f"{app}.{name}" for app, name in own.union(grouped, all=True)}
        return super().get_all_permissions(user_obj, obj)

    def get_user(self, user_id):
        """The signed-in user of a request, with their profile in the same query: the session
        policy reads its generation on every request (backoffice.sessions) and staff pages
        read its regions; and with Wagtail's profile of the user, which every admin page reads
        for its language and time zone (wagtail.admin.localization)."""
        try:
            user = (
                get_user_model()
                ._default_manager.select_related("profile", "wagtail_userprofile")
                .get(pk=user_id)
            )
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def password_reset_refused(request, email: str) -> str | None:
    """Count a password-reset request; the error to show when over the limit, else None."""
    limit = settings.PASSWORD_RESETS_PER_HOUR
    over = [
        ratelimit.limit_reached(RESET_CLIENT, ratelimit.client_key(request), limit, HOUR),
        ratelimit.limit_reached(
            RESET_EMAIL, hash_client_address(f"email:{email.strip().lower()}"), limit, HOUR
        ),
    ]
    if not any(over):
        return None
    record_event("auth.password_reset_limited", request=request, actor_label="anonymous")
    return _("Too many password reset requests. Wait an hour and try again.")
