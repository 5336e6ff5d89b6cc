import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone, translation
from wagtail.models import Page, Site

from backoffice import roles
from backoffice.audit import hash_client_address, record_event
from backoffice.models import AuditEvent, HomePage, LegalDomain, Region, WorkerHeartbeat
from demo.platform import USERS, seed_demo
from tests.conftest import PASSWORD, make_user


@pytest.mark.django_db
def test_legal_domains_seeded_with_names_in_three_languages_at_least():
    slugs = set(LegalDomain.objects.values_list("slug", flat=True))
    assert {
        "residence",
        "nationality",
        "social-law",
        "family-ipr",
        "work",
        "housing",
        "education",
        "civic-integration",
    } <= slugs
    for domain in LegalDomain.objects.all():
        assert domain.name_nl and domain.name_fr and domain.name_en
    residence = LegalDomain.objects.get(slug="residence")
    with translation.override("fr"):
        assert residence.name == "Séjour"
    with translation.override("ar"):
        assert residence.name == "الإقامة"


@pytest.mark.django_db
def test_roles_exist_with_their_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        roles.PROFESSIONAL,
        roles.SPECIALIST,
        roles.EDITOR,
        roles.COORDINATOR,
    }
    specialist = make_user(roles.SPECIALIST)
    professional = make_user(roles.PROFESSIONAL)
    coordinator = make_user(roles.COORDINATOR)
    assert specialist.has_perm("wagtailadmin.access_admin")
    assert not specialist.has_perm("backoffice.change_region")
    assert not professional.has_perm("wagtailadmin.access_admin")
    assert coordinator.has_perm("backoffice.change_organisation")
    assert coordinator.has_perm("backoffice.view_auditevent")
    assert not coordinator.has_perm("backoffice.change_auditevent")


@pytest.mark.django_db
def test_every_new_user_gets_a_profile():
    user = make_user(roles.PROFESSIONAL, "someone")
    assert user.profile.preferred_language == "nl"


@pytest.mark.django_db
def test_home_page_exists_in_every_language_and_is_the_site_root():
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    languages = set(HomePage.objects.live().values_list("locale__language_code", flat=True))
    assert languages == {code for code, _ in settings.LANGUAGES}
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction", "phrase"),
    [
        ("nl", "ltr", "Stel een vraag"),
        ("ar", "rtl", "اطرح سؤالاً"),
        ("fr", "ltr", "Poser une question"),
        ("en", "ltr", "Ask a question"),
        ("uk", "ltr", "Поставити запитання"),
    ],
)
def test_public_home_is_language_prefixed_and_translated(client, language, direction, phrase):
    response = client.get(f"/{language}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert phrase in html
    assert f'href="/{language}/ask/"' in html
    for code, _name in settings.LANGUAGES:
        assert f'hreflang="{code}"' in html


@pytest.mark.django_db
def test_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/nl/"


@pytest.mark.django_db
def test_audit_event_keeps_no_raw_ip(rf):
    user = make_user(roles.SPECIALIST)
    region = Region.objects.create(name="Leuven", slug="leuven")
    request = rf.get("/admin/regions/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox")
    request.user = user
    event = record_event("region.view", request=request, target=region, details={"n": 1})
    event.refresh_from_db()
    assert event.actor == user and event.actor_label == user.username
    assert event.target_label == "Leuven" and event.target_id == str(region.pk)
    assert event.ip_hash == hash_client_address("203.0.113.7")
    stored = json.dumps([getattr(event, f.attname) for f in AuditEvent._meta.fields], default=str)
    assert "203.0.113.7" not in stored


@pytest.mark.django_db
def test_sign_in_and_failed_sign_in_are_audited(client):
    make_user(roles.SPECIALIST, "sam")
    client.post("/nl/login/", {"username": "sam", "password": "wrong"})
    client.post("/nl/login/", {"username": "sam", "password": PASSWORD})
    actions = list(AuditEvent.objects.order_by("time").values_list("action", "actor_label"))
    assert actions == [("auth.login_failed", "anonymous"), ("auth.login", "sam")]


@pytest.mark.django_db
def test_failed_sign_in_keeps_the_username_and_explains(client):
    make_user(roles.PROFESSIONAL, "olga")
    response = client.post("/fr/login/", {"username": "olga", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="olga"' in html
    assert 'role="alert"' in html


@pytest.mark.django_db
def test_professional_signing_in_on_admin_lands_on_public_site(client):
    make_user(roles.PROFESSIONAL, "olga")
    response = client.post("/admin/login/", {"username": "olga", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/nl/pro/"
    assert response.status_code == 200
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_coordinator_cannot_edit_a_superuser(client):
    coordinator = make_user(roles.COORDINATOR)
    admin = make_user("superuser", "root")
    client.force_login(coordinator)
    response = client.post(
        f"/admin/users/edit/{admin.pk}/", {"username": "root", "email": "x@example.org"}
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.email == "root@example.org"


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_accounts_can_sign_in(client):
    first = seed_demo("demo-password-123")
    second = seed_demo("demo-password-123")
    assert first == second
    assert Region.objects.filter(name__in=["Antwerpen", "Gent", "Brussel"]).count() == 3
    assert first["organisations"] >= 12
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username__in=USERS).count() == len(USERS) == 8
    for username in USERS:
        assert client.login(username=username, password="demo-password-123"), username
        response = client.get("/admin/", follow=True)
        assert response.status_code == 200
        if username.startswith("professional"):
            assert response.redirect_chain[-1][0] == "/nl/pro/"
        else:
            # Staff need the second step first (MFA; no demo authenticator without DEBUG).
            assert response.redirect_chain[-1][0].startswith("/admin/security/mfa/setup/")
        client.logout()


def _environment_without_test_flags():
    return {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_SYNC", "DEBUG"}
    }


def _run_manage(args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={
            **_environment_without_test_flags(),
            "DJANGO_SETTINGS_MODULE": "backoffice.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_seed_demo_refuses_production():
    result = _run_manage(
        ["seed_demo"], DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.org"
    )
    assert result.returncode != 0
    assert "DEBUG is false" in result.stderr


def test_deploy_check_is_clean_in_production_mode():
    result = _run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY="kM3v" + "x9Q2-" * 12,
        ALLOWED_HOSTS="wegwijs.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_a_missing_secret_key():
    result = _run_manage(["check"], DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="x.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.fixture
def health_client(client, settings):
    """A monitor that presents HEALTH_TOKEN, so /health/ gives its details."""
    settings.HEALTH_TOKEN = "monitor-token"
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer monitor-token"
    return client


def _heartbeat(when):
    WorkerHeartbeat.objects.all().delete()
    WorkerHeartbeat.objects.create(cluster="wegwijs", last_seen=when)


@pytest.mark.django_db
def test_health_is_degraded_without_any_heartbeat(health_client):
    WorkerHeartbeat.objects.all().delete()
    response = health_client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "status": "degraded",
        "last_heartbeat": None,
        "reason": "no worker ever reported",
    }


@pytest.mark.django_db
def test_health_is_ok_with_a_recent_heartbeat(health_client):
    _heartbeat(timezone.now())
    response = health_client.get("/health/")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["search"] == {"status": "ok", "backend": "database"}
    assert body["checks"]["worker"]["status"] == "ok"
    assert settings.SECRET_KEY not in response.content.decode()


@pytest.mark.django_db
def test_health_is_degraded_with_a_stale_worker(health_client):
    _heartbeat(timezone.now() - timedelta(minutes=10))
    response = health_client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["status"] == "degraded"


@pytest.mark.django_db
def test_health_reports_unreachable_elasticsearch_as_degraded(health_client, settings):
    _heartbeat(timezone.now())
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = health_client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["status"] == "degraded"


@pytest.mark.django_db
def test_public_pages_forbid_inline_scripts_and_only_the_admin_allows_them(client):
    public = client.get("/nl/")["Content-Security-Policy"]
    client.force_login(make_user(roles.EDITOR))
    admin = client.get("/admin/")["Content-Security-Policy"]
    assert (
        "script-src 'self';" in public + ";"
        and "unsafe-inline" not in public.split("script-src")[1].split(";")[0]
    )
    assert "'unsafe-inline'" in admin.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'self'" in public and "object-src 'none'" in public


@pytest.mark.django_db
def test_every_role_holds_every_permission_the_roles_table_lists():
    from backoffice.roles import ROLE_PERMISSIONS

    for role, dotted_permissions in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(dotted_permissions), role
