"""Issue 14: staff sign in with a password and a code from an authenticator app (TOTP
computed here from the key the enrolment page shows), in Chromium."""

import time

import pytest
from django.contrib.auth import get_user_model

from backoffice import roles
from tests.browser.test_admin import RECOVERY_CODES, in_dutch, totp_from_base32
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def new_coordinator(site_server, django_db_blocker):
    with django_db_blocker.unblock():
        username = f"browser-mfa-{int(time.time() * 1000)}"
        return make_user(roles.COORDINATOR, username)


def password_step(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_coordinator_enrols_and_signs_in_with_a_totp_code(
    page, browser, site_server, new_coordinator, artifacts_dir, django_db_blocker
):
    page.set_viewport_size({"width": 1280, "height": 900})
    password_step(page, new_coordinator)
    page.wait_for_url("**/admin/security/mfa/setup/**")
    assert page.locator(".mfa-qr svg").first.is_visible()
    page.screenshot(path=str(artifacts_dir / "mfa-setup.png"), full_page=True)
    # The admin without the second step: back to the enrolment.
    page.goto("/admin/questions/")
    assert "/admin/security/mfa/setup/" in page.url

    secret = page.locator("[data-mfa-secret]").first.inner_text().strip()
    page.fill("#id_code", "000000")
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()
    assert page.locator("#id_code").first.get_attribute("aria-invalid") == "true"
    assert page.locator(".messages .error").first.is_visible()
    time.sleep(1.2)  # django-otp makes the device wait after a wrong code
    page.fill("#id_code", totp_from_base32(secret))
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()
    codes = page.locator("[data-recovery-codes]").first.locator("li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name=in_dutch("I have saved them, continue")).click()
    page.wait_for_url("**/admin/questions/")  # where they were going
    assert page.get_by_role("heading", level=1).first.is_visible()

    # Later, on another computer: password, then the code of the step after the one used to
    # enrol (that step is spent). Not "now + 30 s": when the enrolment code crossed a step
    # boundary on its way, django-otp learnt a drift of -1 step and would refuse now + 30 s,
    # while the phone's own next code is still inside its window of one step either side.
    with django_db_blocker.unblock():
        from django_otp.plugins.otp_totp.models import TOTPDevice

        enrolled_step = TOTPDevice.objects.get(user=new_coordinator, confirmed=True).last_t
    context = browser.new_context(base_url=site_server, locale="nl-BE")
    other = context.new_page()
    password_step(other, new_coordinator)
    other.wait_for_url("**/admin/security/mfa/verify/**")
    other.fill("#id_code", totp_from_base32(secret, at=(enrolled_step + 1) * 30))
    with other.expect_navigation():
        other.locator("main button[type=submit]").first.click()
    other.wait_for_url("**/admin/")
    other.screenshot(path=str(artifacts_dir / "mfa-signed-in.png"))
    other.wait_for_load_state("networkidle")  # no request left open on the live server
    context.close()
    with django_db_blocker.unblock():
        from backoffice.models import AuditEvent

        done = AuditEvent.objects.filter(actor__username=new_coordinator.username)
        assert done.filter(action="mfa.enrolled").count() == 1
        assert done.filter(action="mfa.verified").count() == 1
    RECOVERY_CODES[new_coordinator.username] = codes


def test_wrong_passwords_lock_the_account_in_the_browser(page, site_server, django_db_blocker):
    with django_db_blocker.unblock():
        user = get_user_model().objects.filter(username="browser-locked").first()
        user = user or make_user(roles.EDITOR, "browser-locked")
    for _ in range(5):
        page.goto("/nl/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "not-the-password")
        page.click("main button[type=submit]")
    page.goto("/nl/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    alert = page.get_by_role("alert")
    assert "geblokkeerd" in alert.inner_text() or "blocked" in alert.inner_text()
    assert "/nl/login/" in page.url
    page.wait_for_load_state("networkidle")
