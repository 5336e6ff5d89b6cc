"""The privacy statement and the erasure request, in a real browser, checked with axe-core."""

import pytest

from tests.browser.test_questions import _check

pytestmark = pytest.mark.browser


@pytest.fixture
def opened_question(site_server, django_db_blocker):
    from backoffice.models import LegalDomain, Municipality, Region
    from tickets import lifecycle

    with django_db_blocker.unblock():
        region, _ = Region.objects.get_or_create(slug="gent", defaults={"name": "Gent"})
        place, _ = Municipality.objects.get_or_create(
            name="Gent", postcode="9000", defaults={"region": region}
        )
        created = lifecycle.create_question(
            legal_domain=LegalDomain.objects.get(slug="residence"),
            subject="Verblijfskaart",
            body="Mijn kaart vervalt.",
            contact_language="ar",
            processing_consent=True,
            municipality=place,
        )
    return created.question.reference, created.access_code


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_privacy_page_and_erasure_request_are_accessible(
    page, site_server, opened_question, artifacts_dir, language
):
    page.goto(f"/{language}/privacy/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("#retention").is_visible()
    _check(page, artifacts_dir, f"privacy-{language}")

    reference, code = opened_question
    page.goto(f"/{language}/follow-up/")
    page.fill("#id_reference", reference)
    page.fill("#id_code", code)
    page.locator("form.form:not(.moving-form) button[type=submit]").click()
    page.wait_for_url(f"**/{language}/follow-up/{reference}/")
    page.locator(f"a[href='/{language}/follow-up/{reference}/erase/']").click()
    page.wait_for_url(f"**/{language}/follow-up/{reference}/erase/")
    _check(page, artifacts_dir, f"erasure-{language}")
    page.check("#id_confirm")
    page.locator("form.form:not(.moving-form) button[type=submit]").click()
    page.wait_for_url(f"**/{language}/follow-up/{reference}/erase/")
    assert page.locator("[role=status]").first.is_visible()
    _check(page, artifacts_dir, f"erasure-asked-{language}")
