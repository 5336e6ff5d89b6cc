import base64
import re

import pytest
from django.contrib.auth import get_user_model

from backoffice import roles
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


# Recovery codes shown at each browser user's enrolment, used one per later sign-in.
RECOVERY_CODES: dict[str, list[str]] = {}


def sign_in_to_admin(page, user):
    """Sign in as staff do: password, then the two-step sign-in (MFA). The first time, the
    helper enrols an authenticator from the key on the page (TOTP computed here) and keeps the
    recovery codes; later sign-ins use one of those codes."""
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/(security/mfa/(setup|verify)/.*)?$"))
    if "/security/mfa/setup/" in page.url:
        enrol_authenticator(page, user)
        page.get_by_role("link", name=in_dutch("I have saved them, continue")).click()
    elif "/security/mfa/verify/" in page.url:
        page.fill("#id_code", RECOVERY_CODES[user.username].pop())
        with page.expect_navigation():
            page.locator("main button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def enrol_authenticator(page, user) -> str:
    """On the enrolment page: read the key, type the app's code; return the key (base32)."""
    secret = page.locator("[data-mfa-secret]").first.inner_text().strip()
    page.fill("#id_code", totp_from_base32(secret))
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()
    page.locator("[data-recovery-codes]").first.wait_for()
    codes = page.locator("[data-recovery-codes]").first.locator("li")
    RECOVERY_CODES[user.username] = codes.all_inner_texts()
    return secret


def totp_from_base32(secret: str, at: float | None = None) -> str:
    from tests.mfa import code_for

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return code_for(key.hex(), at=at)


def in_dutch(text: str) -> str:
    from django.utils import translation

    with translation.override("nl"):
        return translation.gettext(text)


@pytest.fixture
def coordinator(site_server, django_db_blocker):
    with django_db_blocker.unblock():
        user = get_user_model().objects.filter(username="browser-coordinator").first()
        return user or make_user(roles.COORDINATOR, "browser-coordinator")


def test_staff_admin_works_under_the_content_security_policy(page, coordinator, artifacts_dir):
    sign_in_to_admin(page, coordinator)
    page.goto("/admin/organisations/")
    page.screenshot(path=str(artifacts_dir / "admin-organisations.png"))
    assert page.get_by_role("heading", name="Organisaties").is_visible()
    page.goto("/admin/regions/new/")
    page.fill("#id_name", "Leuven")
    page.fill("#id_slug", "leuven")
    page.press("#id_slug", "Enter")  # submits the edit form, whatever the button's label
    page.wait_for_url("**/admin/regions/")
    assert page.get_by_text("Leuven").first.is_visible()
    page.screenshot(path=str(artifacts_dir / "admin-regions.png"))
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e]
    assert csp_errors == []


@pytest.fixture
def editor(site_server, django_db_blocker):
    with django_db_blocker.unblock():
        user = get_user_model().objects.filter(username="browser-editor").first()
        return user or make_user(roles.EDITOR, "browser-editor")


def test_editor_edits_the_home_page_under_the_content_security_policy(
    page, editor, artifacts_dir, django_db_blocker
):
    from backoffice.models import HomePage

    with django_db_blocker.unblock():
        home = HomePage.objects.get(locale__language_code="nl")
    sign_in_to_admin(page, editor)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/admin/pages/{home.pk}/edit/")
    lead = page.locator("#id_lead")
    lead.fill("Een nieuwe inleiding voor de test.")
    # StreamField and the rich-text editor are JavaScript: they must have rendered.
    page.locator("[data-streamfield-stream-container], .w-stream-field").first.wait_for()
    assert page.locator(".Draftail-Editor").count() >= 1
    page.screenshot(path=str(artifacts_dir / "admin-edit-home.png"))
    with page.expect_navigation():
        page.locator("button.action-save").first.click()  # "save draft"
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e]
    assert csp_errors == []
    with django_db_blocker.unblock():
        home.refresh_from_db()
        assert home.get_latest_revision_as_object().lead == "Een nieuwe inleiding voor de test."


def test_specialist_answers_from_the_workspace(page, site_server, django_db_blocker, artifacts_dir):
    from backoffice.models import LegalDomain, Municipality, Region
    from tickets import lifecycle

    with django_db_blocker.unblock():
        region, _ = Region.objects.get_or_create(slug="werkruimte", defaults={"name": "Werkruimte"})
        place, _ = Municipality.objects.get_or_create(
            name="Kessel-Lo", postcode="3010", defaults={"region": region}
        )
        question = lifecycle.create_question(
            legal_domain=LegalDomain.objects.get(slug="nationality"),
            subject="Nationaliteit",
            body="Welke documenten?",
            contact_language="uk",
            processing_consent=True,
            municipality=place,
        ).question
        specialist = get_user_model().objects.filter(username="browser-specialist").first()
        specialist = specialist or make_user(roles.SPECIALIST, "browser-specialist")
        specialist.profile.regions.add(region)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_to_admin(page, specialist)
    page.goto("/admin/questions/")
    page.get_by_role("link", name=question.reference).click()
    page.wait_for_url(f"**/admin/questions/{question.pk}/workspace/")
    page.fill("#id_body", "U hebt een **geboorteakte** nodig.")
    page.locator("button[name=intent][value=send]").click()
    # Sent in place (no reload): wait for the answer in the thread, then check it is shown.
    page.locator("article strong", has_text="geboorteakte").wait_for()
    assert page.url.endswith(f"/admin/questions/{question.pk}/workspace/")
    assert page.locator("article strong", has_text="geboorteakte").is_visible()
    page.screenshot(path=str(artifacts_dir / "admin-workspace.png"), full_page=True)
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
    with django_db_blocker.unblock():
        question.refresh_from_db()
        assert question.status == "answered"
