"""Database connections are kept between requests by default (CONN_MAX_AGE 60 s, each checked
before reuse), as production should run and as bench/run measures; the environment can change
both. The benchmark signs staff in through the MFA step with codes an authenticator would show."""

import base64
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def database_settings(**environment) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    env.update({"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "backoffice.settings", **environment})
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; d = settings.DATABASES['default'];"
            "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def test_connections_are_kept_and_checked_by_default():
    assert database_settings() == ["60", "True"]


def test_the_environment_sets_both():
    assert database_settings(CONN_MAX_AGE="0", CONN_HEALTH_CHECKS="false") == ["0", "False"]


@pytest.mark.parametrize("moment", [0, 59, 1_700_000_000, time.time()])
def test_bench_codes_are_the_authenticators(moment):

    sys.path.insert(0, str(REPO / "bench"))
    import runner

    key = bytes(range(20))
    secret = base64.b32encode(key).decode().rstrip("=")
    assert runner.totp(secret, at=moment) == f"{_expected(key, moment):06d}"


def _expected(key, moment):
    from django_otp.oath import TOTP

    generator = TOTP(key, step=30, t0=0, digits=6)
    generator.time = int(moment)
    return generator.token()
