"""Security headers (issue 14, finding 8): the same on a page from the public page cache as on a
fresh one, a Permissions-Policy on every response, and /health/ details for staff or a token."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from backoffice import roles
from backoffice.models import WorkerHeartbeat
from knowledge.importing import import_directory
from tests.conftest import make_user
from tests.test_page_cache import DATA, PUBLIC_URL, queries_of

SECURITY_HEADERS = (
    "X-Frame-Options",
    "Vary",
    "Content-Security-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Content-Language",
    "Content-Type",
)


@pytest.fixture
def cached_pages(db, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    report = import_directory(DATA)
    assert report.ok, report.errors
    yield
    cache.clear()


def _headers(response):
    return {name: response.get(name) for name in SECURITY_HEADERS}


@pytest.mark.parametrize("url", [PUBLIC_URL, "/nl/", "/nl/kennisbank/"])
def test_a_cached_page_carries_the_headers_of_a_fresh_one(cached_pages, url):
    fresh, made = queries_of(Client(), url)
    served, reads = queries_of(Client(), url)
    assert reads == 1 < made  # the second was served from the cache (one read: its generation)
    assert _headers(served) == _headers(fresh)
    assert served["X-Frame-Options"] == "SAMEORIGIN"
    assert "Cookie" in served["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/nl/", "/nl/ask/", "/health/", "/admin/login/", "/nowhere/"])
def test_every_response_has_a_permissions_policy(client, url):
    policy = client.get(url)["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def _heartbeat():
    WorkerHeartbeat.objects.all().delete()
    WorkerHeartbeat.objects.create(cluster="wegwijs", last_seen=timezone.now())


@pytest.mark.django_db
def test_health_tells_anyone_only_the_status(client, settings):
    settings.HEALTH_TOKEN = "s3cret-health-token"
    _heartbeat()
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    body = response.content.decode()
    assert "vendor" not in body and "backend" not in body and "heartbeat" not in body
    # A wrong token, a professional, or a token when none is configured: still the bare status.
    assert client.get("/health/?token=wrong").json() == {"status": "ok"}
    assert client.get("/health/", HTTP_AUTHORIZATION="Bearer wrong").json() == {"status": "ok"}
    client.force_login(make_user(roles.PROFESSIONAL))
    assert client.get("/health/").json() == {"status": "ok"}
    settings.HEALTH_TOKEN = ""
    assert Client().get("/health/?token=").json() == {"status": "ok"}


@pytest.mark.django_db
def test_health_bare_status_still_says_degraded(client):
    WorkerHeartbeat.objects.all().delete()
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["bearer", "query", "staff"])
def test_health_details_for_a_token_or_staff(client, settings, how):
    settings.HEALTH_TOKEN = "s3cret-health-token"
    _heartbeat()
    if how == "bearer":
        response = client.get("/health/", HTTP_AUTHORIZATION="Bearer s3cret-health-token")
    elif how == "query":
        response = client.get("/health/?token=s3cret-health-token")
    else:
        client.force_login(make_user(roles.SPECIALIST))
        response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"]["vendor"]
    assert body["checks"]["search"]["backend"] == "database"
    assert body["checks"]["worker"]["last_heartbeat"]


def test_health_status_is_down_without_the_database():
    from backoffice.health import overall_status

    ok = {"status": "ok"}
    assert overall_status({"database": ok, "search": ok, "worker": ok}) == "ok"
    assert overall_status({"database": ok, "search": {"status": "degraded"}}) == "degraded"
    assert overall_status({"database": {"status": "degraded"}, "search": ok}) == "down"
