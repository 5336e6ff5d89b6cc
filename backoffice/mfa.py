"""Multi-factor authentication for staff: the one place its rules live (django-otp underneath).

- Who needs it: superusers and coordinators always; with MFA_REQUIRED_FOR_ALL_STAFF (default
  on) everyone who opens the Wagtail admin or the Django admin; professionals only with
  MFA_REQUIRED_FOR_PROFESSIONALS. `mfa_required` is the rule; the middleware
  (backoffice.security_middleware) sends a signed-in but unverified session to enrol or verify.
- What: a TOTP device (authenticator app, RFC 6238, django-otp's otp_totp) and ten single-use
  recovery codes (otp_static). Wrong codes are throttled per device by django-otp.
- Who may reset someone's MFA: see `may_manage_security` (also used for sign-out everywhere).
"""

import base64

import django_otp
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice import roles
from backoffice.audit import record_event

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def mfa_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    group_names = set(user.groups.values_list("name", flat=True))
    if roles.COORDINATOR in group_names:
        return True
    if settings.MFA_REQUIRED_FOR_ALL_STAFF and (
        user.is_staff or user.has_perm("wagtailadmin.access_admin")
    ):
        return True
    return settings.MFA_REQUIRED_FOR_PROFESSIONALS and roles.PROFESSIONAL in group_names


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The authenticator being enrolled: one unconfirmed device, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in (base32, no padding)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no image library, no third party)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with fresh ones; each works once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def throttled_seconds(user) -> int:
    """While django-otp makes this user's devices wait after wrong codes: seconds left."""
    import time

    waits = []
    for device in django_otp.devices_for_user(user, confirmed=None):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append(int(data["locked_until"].timestamp() - time.time()) + 1)
    return max(waits, default=0)


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a first code: the session is verified and the recovery
    codes (shown once) are returned. None when the code is wrong."""
    if device.user_id != request.user.pk or not device.verify_token(_digits(token)):
        record_event("mfa.enrolment_failed", request=request)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    codes = new_recovery_codes(device.user)
    django_otp.login(request, device)
    record_event("mfa.enrolled", request=request, target=device.user)
    return codes


def verify(request, token: str) -> bool:
    """Check a code from the authenticator, or a recovery code; verify the session if right."""
    user = request.user
    token = (token or "").strip().replace(" ", "")
    for device in django_otp.devices_for_user(user, confirmed=True):
        candidate = _digits(token) if isinstance(device, TOTPDevice) else token
        if device.verify_is_allowed()[0] and device.verify_token(candidate):
            django_otp.login(request, device)
            via = "recovery_code" if isinstance(device, StaticDevice) else "authenticator"
            details = {"via": via}
            if via == "recovery_code":
                details["recovery_codes_left"] = device.token_set.count()
            record_event("mfa.verified", request=request, details=details)
            return True
    record_event("mfa.failed", request=request)
    return False


def _digits(token: str) -> str:
    return "".join(ch for ch in (token or "") if not ch.isspace())


def may_manage_security(actor, target) -> bool:
    """Who may reset someone's MFA or sign them out everywhere: whoever may manage the account
    (backoffice.roles.can_manage_user: a superuser anyone, a coordinator only the platform
    roles of their own regions, never a superuser or Django-admin staff)."""
    return roles.can_manage_user(actor, target)


@transaction.atomic
def reset(actor, target, request=None) -> None:
    """Remove the target's authenticator and recovery codes: they enrol again at their next
    sign-in, and every session of theirs ends."""
    from backoffice import sessions

    if actor.pk == target.pk and not actor.is_superuser:
        raise PermissionDenied
    if not may_manage_security(actor, target):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=target).delete()
    StaticDevice.objects.filter(user=target).delete()
    record_event("mfa.reset", request=request, actor=actor, target=target)
    sessions.sign_out_everywhere(target, actor=actor, request=request, reason="mfa_reset")


# --- Demo accounts (DEBUG only): one known secret, so the demo can be tried at once.
# 20 bytes, as authenticator apps expect; base32 JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP.
DEMO_TOTP_KEY = "48656c6c6f21deadbeef48656c6c6f21deadbeef"


def demo_secret() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode().rstrip("=")


def give_demo_device(user) -> None:
    """The demo authenticator (fixed secret). Refused outside DEBUG: never in production."""
    if not settings.DEBUG:
        raise PermissionDenied("The demo authenticator exists only with DEBUG=true.")
    TOTPDevice.objects.filter(user=user).exclude(key=DEMO_TOTP_KEY).delete()
    TOTPDevice.objects.update_or_create(
        user=user, name=TOTP_NAME, defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )


def demo_code() -> str:
    from django_otp.oath import totp

    if not settings.DEBUG:
        raise PermissionDenied("The demo authenticator exists only with DEBUG=true.")
    return f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}"
