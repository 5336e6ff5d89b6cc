"""Issue 14, findings 4 and 5 and sessions: MFA for staff, sign-in lockout, password-reset
limits, the client address behind proxies, session lifetimes and sign-out everywhere."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice import mfa, ratelimit, security_views, sessions, signin
from backoffice.client_address import client_address
from backoffice.models import AuditEvent, Region
from tests.conftest import PASSWORD, make_user
from tests.i18n import in_dutch_html
from tests.mfa import code_for, verify_session

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


@pytest.fixture
def regions(db):
    return (
        Region.objects.create(name="Gent", slug="gent"),
        Region.objects.create(name="Antwerpen", slug="antwerpen"),
    )


# --- MFA: who needs it ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "superuser", "specialist", "editor"])
def test_staff_without_verified_session_reach_only_the_mfa_pages(client, role):
    user = make_user(role)
    client.force_login(user, verified=False)
    for url in ["/admin/", "/admin/questions/", "/nl/", "/django-admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/security/mfa/setup/?next="), url
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    assert client.get("/admin/")["Location"].startswith("/admin/security/mfa/verify/")
    client.force_login(user)  # verified by a device, as after a right code
    assert client.get("/admin/").status_code == 200


def test_the_setting_limits_mfa_to_coordinators_and_superusers(client, settings):
    settings.MFA_REQUIRED_FOR_ALL_STAFF = False
    specialist, coordinator = make_user("specialist"), make_user("coordinator")
    client.force_login(specialist, verified=False)
    assert client.get("/admin/").status_code == 200
    client.force_login(coordinator, verified=False)
    assert client.get("/admin/").status_code == 302


def test_professionals_need_mfa_only_when_the_setting_says_so(client, settings):
    professional = make_user("professional")
    client.force_login(professional, verified=False)
    assert client.get("/nl/pro/").status_code == 200
    settings.MFA_REQUIRED_FOR_PROFESSIONALS = True
    response = client.get("/nl/pro/")
    assert response["Location"].startswith("/admin/security/mfa/setup/")
    # The enrolment page is open to them although they have no admin access.
    assert client.get(response["Location"]).status_code == 200


# --- MFA: enrolment and verification ----------------------------------------------------------


@pytest.fixture
def no_otp_wait(settings):
    """django-otp makes a device wait 1 s, 2 s, 4 s... after wrong codes; flows that try a
    wrong code and then the right one at once switch that off (tested on its own below)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_wrong_codes_make_the_device_wait(client):
    user = make_user("coordinator")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user, verified=False)
    client.post("/admin/security/mfa/verify/", {"code": "000000"})
    refused = client.post("/admin/security/mfa/verify/", {"code": code_for(device)})
    assert refused.status_code == 400
    assert "seconden" in refused.content.decode() or "seconds" in refused.content.decode()
    time.sleep(1.2)
    accepted = client.post("/admin/security/mfa/verify/", {"code": code_for(device)})
    assert accepted.status_code == 302


def test_enrolment_at_first_sign_in_with_a_code_and_recovery_codes(client, no_otp_wait):
    user = make_user("coordinator")
    response = client.post(
        "/admin/login/", {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith("/admin/security/mfa/setup/")
    html = response.content.decode()
    secret = re.search(r"data-mfa-secret[^>]*>([A-Z2-7]+)<", html).group(1)
    assert "<svg" in html  # the QR code
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert mfa.base32_secret(device) == secret

    wrong = client.post("/admin/security/mfa/setup/", {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 400
    assert in_dutch_html(security_views._code_error()) in wrong.content.decode()
    assert client.get("/admin/").status_code == 302  # still not verified

    done = client.post("/admin/security/mfa/setup/", {"code": code_for(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    assert "mfa.enrolled" in actions()


def test_verification_with_the_app_or_a_recovery_code_once(client, no_otp_wait):
    user = make_user("specialist")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    codes = mfa.new_recovery_codes(user)
    other = Client()
    app_code = code_for(device)
    for browser, token in ((client, app_code), (other, codes[0])):
        browser.post("/admin/login/", {"username": user.username, "password": PASSWORD})
        assert browser.get("/admin/")["Location"].startswith("/admin/security/mfa/verify/")
        bad = browser.post("/admin/security/mfa/verify/", {"code": "123456"})
        assert bad.status_code == 400
        good = browser.post("/admin/security/mfa/verify/", {"code": token, "next": "/admin/"})
        assert good["Location"] == "/admin/"
        assert browser.get("/admin/").status_code == 200
    third = Client()
    third.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    # The recovery code was spent; the TOTP step was used too (no replay).
    assert third.post("/admin/security/mfa/verify/", {"code": codes[0]}).status_code == 400
    assert third.post("/admin/security/mfa/verify/", {"code": app_code}).status_code == 400
    assert actions().count("mfa.verified") == 2
    assert "mfa.failed" in actions()


def test_verify_refuses_an_outside_next_url(client):
    user = make_user("editor")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user, verified=False)
    response = client.post(
        "/admin/security/mfa/verify/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_public_sign_in_of_staff_also_asks_the_second_step(client):
    user = make_user("coordinator")
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    response = client.post(
        "/nl/login/", {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith("/admin/security/mfa/verify/")


# --- MFA: reset by a coordinator --------------------------------------------------------------


def test_coordinator_resets_a_specialists_mfa_in_their_region_only(client, regions):
    gent, antwerpen = regions
    coordinator = make_user("coordinator", regions=[gent])
    own = make_user("specialist", "spec-gent", regions=[gent])
    foreign = make_user("specialist", "spec-antwerpen", regions=[antwerpen])
    superuser = make_user("superuser")
    for person in (own, foreign, superuser):
        TOTPDevice.objects.create(user=person, name="authenticator", confirmed=True)
        mfa.new_recovery_codes(person)
    victim_browser = Client()
    victim_browser.force_login(own)
    verify_session(victim_browser, own)
    assert victim_browser.get("/admin/").status_code == 200

    client.force_login(coordinator)
    assert client.get(f"/admin/security/users/{own.pk}/").status_code == 200
    client.post(f"/admin/security/users/{own.pk}/", {"action": "reset_mfa"})
    assert not TOTPDevice.objects.filter(user=own).exists()
    assert not StaticDevice.objects.filter(user=own).exists()
    reset = AuditEvent.objects.get(action="mfa.reset")
    assert reset.actor == coordinator and reset.target_id == str(own.pk)
    # Their sessions ended; at the next sign-in they enrol again.
    assert victim_browser.get("/admin/")["Location"].startswith("/admin/login/")

    for person in (foreign, superuser):
        assert client.get(f"/admin/security/users/{person.pk}/").status_code == 403
        client.post(f"/admin/security/users/{person.pk}/", {"action": "reset_mfa"})
        assert TOTPDevice.objects.filter(user=person).exists()

    boss = make_user("superuser", "boss")
    client.force_login(boss)
    client.post(f"/admin/security/users/{superuser.pk}/", {"action": "reset_mfa"})
    assert not TOTPDevice.objects.filter(user=superuser).exists()


def test_the_users_listing_offers_the_security_page_only_where_allowed(client, regions):
    gent, antwerpen = regions
    coordinator = make_user("coordinator", regions=[gent])
    own = make_user("specialist", "spec-gent", regions=[gent])
    foreign = make_user("specialist", "spec-antwerpen", regions=[antwerpen])
    client.force_login(coordinator)
    html = client.get("/admin/users/").content.decode()
    assert f"/admin/security/users/{own.pk}/" in html
    assert f"/admin/security/users/{foreign.pk}/" not in html


# --- Demo accounts ----------------------------------------------------------------------------


def test_demo_accounts_get_the_demo_secret_only_with_debug(settings, capsys):
    from demo.platform import seed_demo

    settings.DEBUG = False  # as in production (seed_demo --force): no known secret
    seed_demo("demo-password-123")
    assert not TOTPDevice.objects.filter(key=mfa.DEMO_TOTP_KEY).exists()
    settings.DEBUG = True
    seed_demo("demo-password-123")
    coordinator = get_user_model().objects.get(username="coordinator")
    assert TOTPDevice.objects.get(user=coordinator).key == mfa.DEMO_TOTP_KEY
    call_command("demo_totp")
    assert capsys.readouterr().out.strip() == code_for(mfa.DEMO_TOTP_KEY)
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_totp")
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_demo_staff_sign_in_with_the_demo_code(client, settings):
    from demo.platform import seed_demo

    settings.DEBUG = True
    seed_demo("demo-password-123")
    client.post("/admin/login/", {"username": "coordinator", "password": "demo-password-123"})
    response = client.post(
        "/admin/security/mfa/verify/", {"code": mfa.demo_code(), "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- Lockout ----------------------------------------------------------------------------------


@pytest.mark.parametrize("login_url", ["/admin/login/", "/nl/login/"])
def test_lockout_refuses_even_the_right_password_until_the_cool_off(client, settings, login_url):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 5
    user = make_user("professional", "olga")
    for _ in range(5):
        wrong = client.post(login_url, {"username": "olga", "password": "wrong"})
        assert wrong.status_code == 200
    right = client.post(login_url, {"username": "OLGA", "password": PASSWORD})
    assert right.status_code == 200  # the form again, not a redirect
    html = right.content.decode()
    assert "geblokkeerd" in html or "blocked" in html
    assert "_auth_user_id" not in client.session
    # Another address: the account is still locked.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.post(login_url, {"username": "olga", "password": PASSWORD}).status_code == 200
    recorded = actions()
    assert recorded.count("auth.login_failed") == 5
    assert recorded.count("auth.lockout") == 1
    assert recorded.count("auth.login_refused_locked") == 2
    lockout = AuditEvent.objects.get(action="auth.lockout")
    assert lockout.target_id == str(user.pk) and lockout.details["scope"] == "account"
    # The cool-off ends: the lock's end time is in the past.
    key = signin._account_key("olga")
    ratelimit.limits_cache().set(f"lock:{signin.ACCOUNT}:{key}", int(time.time()) - 1)
    response = client.post(login_url, {"username": "olga", "password": PASSWORD})
    assert response.status_code == 302


def test_one_client_trying_many_accounts_is_locked_out(client, settings):
    settings.SIGNIN_FAILURES_PER_CLIENT = 6
    make_user("professional", "victim")
    for number in range(6):
        client.post("/nl/login/", {"username": f"guess{number}", "password": "x"})
    assert (
        client.post("/nl/login/", {"username": "victim", "password": PASSWORD}).status_code == 200
    )
    assert (
        Client(REMOTE_ADDR="198.51.100.10")
        .post("/nl/login/", {"username": "victim", "password": PASSWORD})
        .status_code
        == 302
    )
    assert AuditEvent.objects.get(action="auth.lockout").details["scope"] == "client"


def test_a_right_password_resets_the_accounts_count(client, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 3
    make_user("professional", "pat")
    for _ in range(2):
        client.post("/nl/login/", {"username": "pat", "password": "wrong"})
    assert client.post("/nl/login/", {"username": "pat", "password": PASSWORD}).status_code == 302
    client.post("/nl/logout/")
    for _ in range(2):
        client.post("/nl/login/", {"username": "pat", "password": "wrong"})
    assert client.post("/nl/login/", {"username": "pat", "password": PASSWORD}).status_code == 302


def test_password_reset_requests_are_limited(client, settings, mailoutbox):
    settings.PASSWORD_RESETS_PER_HOUR = 3
    make_user("editor", "eva")
    for _ in range(3):
        response = client.post("/admin/password_reset/", {"email": "eva@example.org"})
        assert response.status_code == 302
    assert len(mailoutbox) == 3
    refused = client.post("/admin/password_reset/", {"email": "eva@example.org"})
    assert refused.status_code == 200
    assert "Wacht een uur" in refused.content.decode() or "Wait an hour" in (
        refused.content.decode()
    )
    assert len(mailoutbox) == 3
    assert "auth.password_reset_limited" in actions()


# --- Client address behind proxies ------------------------------------------------------------


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.5", "1.2.3.4", "203.0.113.5"),  # no proxy trusted: header ignored
        (["10.0.0.1"], "203.0.113.5", "1.2.3.4", "203.0.113.5"),  # not from the proxy
        (["10.0.0.1"], "10.0.0.1", "198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.1", "6.6.6.6, 198.51.100.7, 10.2.3.4", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.1", "not-an-address, 198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.1", "198.51.100.7, garbage", "10.0.0.1"),
        (["10.0.0.0/8"], "10.0.0.1", "", "10.0.0.1"),
        (["2001:db8::1"], "2001:db8::1", "2001:db8::2, [2001:db8:ffff::1]:443", "2001:db8:ffff::1"),
    ],
)
def test_client_address_believes_forwarded_for_only_from_trusted_proxies(
    settings, trusted, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_behind_a_proxy_one_attacker_does_not_lock_out_everyone(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.FOLLOW_UP_ATTEMPTS_PER_15_MIN = 3
    attacker = {"HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for _ in range(4):
        last = client.post(
            "/nl/follow-up/", {"reference": "WW-2026-000001", "code": "X"}, **attacker
        )
    assert last.status_code == 429
    newcomer = client.post(
        "/nl/follow-up/",
        {"reference": "WW-2026-000001", "code": "X"},
        HTTP_X_FORWARDED_FOR="203.0.113.20",
    )
    assert newcomer.status_code == 400  # a wrong code, not the limit


# --- Sessions ---------------------------------------------------------------------------------


def _age_session(client, **seconds_ago):
    session = client.session
    data = dict(session[sessions.SESSION_KEY])
    now = int(time.time())
    for field, ago in seconds_ago.items():
        data[field] = now - ago
    session[sessions.SESSION_KEY] = data
    session.save()


def test_staff_session_ends_after_the_idle_time(client, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    client.force_login(make_user("specialist"))
    _age_session(client, last=29 * 60)
    assert client.get("/admin/").status_code == 200
    _age_session(client, last=31 * 60)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    event = AuditEvent.objects.get(action="auth.session_ended")
    assert event.details == {"reason": "idle"}


def test_staff_session_ends_after_its_lifetime_even_when_active(client, settings):
    settings.STAFF_SESSION_MAX_HOURS = 12
    client.force_login(make_user("coordinator"))
    _age_session(client, started=11 * 3600, last=10)
    assert client.get("/admin/").status_code == 200
    _age_session(client, started=12 * 3600 + 60, last=10)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert AuditEvent.objects.get(action="auth.session_ended").details["reason"] == "lifetime"


def test_activity_keeps_the_session_alive(client, settings):
    client.force_login(make_user("editor"))
    _age_session(client, last=20 * 60)
    assert client.get("/admin/").status_code == 200
    assert time.time() - client.session[sessions.SESSION_KEY]["last"] < 5


def test_professional_idle_time_is_longer(client, settings):
    settings.PROFESSIONAL_SESSION_IDLE_MINUTES = 120
    client.force_login(make_user("professional"))
    _age_session(client, last=90 * 60)
    assert client.get("/nl/pro/").status_code == 200
    _age_session(client, last=121 * 60)
    assert client.get("/nl/pro/").status_code == 302


def test_user_signs_out_everywhere(client):
    user = make_user("specialist")
    laptop, phone = client, Client()
    laptop.force_login(user)
    phone.force_login(user)
    verify_session(phone, user)
    assert phone.get("/admin/").status_code == 200
    assert laptop.get("/admin/security/").status_code == 200
    laptop.post("/admin/security/", {"action": "sign_out_everywhere"})
    assert phone.get("/admin/")["Location"].startswith("/admin/login/")
    assert laptop.get("/admin/")["Location"].startswith("/admin/login/")
    event = AuditEvent.objects.get(action="auth.signed_out_everywhere")
    assert event.actor == user and event.target_id == str(user.pk)


def test_coordinator_signs_out_a_specialist_of_their_region_not_a_superuser(client, regions):
    gent, _antwerpen = regions
    coordinator = make_user("coordinator", regions=[gent])
    specialist = make_user("specialist", "spec", regions=[gent])
    superuser = make_user("superuser")
    theirs = Client()
    theirs.force_login(specialist)
    verify_session(theirs, specialist)
    client.force_login(coordinator)
    client.post(f"/admin/security/users/{specialist.pk}/", {"action": "sign_out_everywhere"})
    assert theirs.get("/admin/")["Location"].startswith("/admin/login/")
    forbidden = client.post(
        f"/admin/security/users/{superuser.pk}/", {"action": "sign_out_everywhere"}
    )
    assert forbidden.status_code == 403
    assert AuditEvent.objects.filter(action="auth.signed_out_everywhere").count() == 1


def test_may_manage_security_rules(regions):
    gent, antwerpen = regions
    coordinator = make_user("coordinator", regions=[gent])
    assert mfa.may_manage_security(coordinator, make_user("specialist", "a", regions=[gent]))
    assert not mfa.may_manage_security(
        coordinator, make_user("specialist", "b", regions=[antwerpen])
    )
    assert not mfa.may_manage_security(coordinator, make_user("superuser", "c"))
    assert not mfa.may_manage_security(
        make_user("specialist", "d", regions=[gent]), make_user("editor", "e")
    )


# --- Newcomers' follow-up sessions ------------------------------------------------------------


@pytest.fixture
def opened_question(client, db):
    from tests.test_intake import CODE, REFERENCE, ask

    region = Region.objects.create(name="Leuven", slug="leuven")
    from backoffice.models import Municipality

    municipality = Municipality.objects.create(name="Leuven", postcode="3000", region=region)
    html = ask(client, municipality).content.decode()
    return REFERENCE.search(html).group(1), CODE.search(html).group(1)


def test_follow_up_session_ends_after_the_idle_time(client, settings, opened_question):
    from tickets.access import FOLLOW_UP_ACTIVITY_KEY

    settings.FOLLOW_UP_SESSION_MINUTES = 30
    reference, _code = opened_question
    url = f"/nl/follow-up/{reference}/"
    assert client.get(url).status_code == 200
    assert 0 < client.session.get_expiry_age() <= 30 * 60  # the cookie goes soon too
    session = client.session
    session[FOLLOW_UP_ACTIVITY_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(url).status_code == 200  # still active; activity renews it
    session = client.session
    session[FOLLOW_UP_ACTIVITY_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/nl/follow-up/"


def test_follow_up_page_has_a_sign_out_that_ends_it(client, opened_question):
    reference, code = opened_question
    url = f"/nl/follow-up/{reference}/"
    page = client.get(url).content.decode()
    assert 'action="/nl/follow-up/sign-out/"' in page
    response = client.post("/nl/follow-up/sign-out/", follow=True)
    assert response.redirect_chain[-1][0] == "/nl/follow-up/"
    assert client.get(url).status_code == 302
    assert client.get("/nl/follow-up/sign-out/").status_code == 405  # POST only (CSRF)
    reopened = client.post("/nl/follow-up/", {"reference": reference, "code": code})
    assert reopened.status_code == 302
