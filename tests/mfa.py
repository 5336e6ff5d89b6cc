"""MFA helpers for tests: a verified session without turning MFA off, and TOTP codes.

Tests that are not about sign-in use `force_login`, which the `client` fixture
(tests/conftest.py) follows with `verify_session`: the session is marked as verified by a real
django-otp device, exactly as backoffice.mfa.verify does after a right code. Tests about MFA
itself use `client.force_login(user, verified=False)` or sign in through the pages.
"""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator, made when they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def verify_session(client, user) -> None:
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


def code_for(device_or_key, at: float | None = None) -> str:
    """The 6-digit TOTP code of a device (or hex key), computed as the phone app would."""
    key = getattr(device_or_key, "bin_key", None) or bytes.fromhex(device_or_key)
    if at is None:
        return f"{totp(key):06d}"
    return f"{hotp(key, int(at // 30)):06d}"


def fresh_code(device_or_key) -> str:
    """A code from a time step not used yet: django-otp accepts each step once per device, so
    a second sign-in within 30 seconds waits for the next step."""
    device = device_or_key if isinstance(device_or_key, TOTPDevice) else None
    if device is not None:
        device.refresh_from_db()
        while int(time.time() // 30) <= (device.last_t or -1):
            time.sleep(0.5)
    return code_for(device_or_key)


class MfaClient(Client):
    """Django's test client whose force_login also verifies the session (see above)."""

    def force_login(self, user, backend=None, verified=True):
        super().force_login(user, backend)
        if verified:
            verify_session(self, user)
