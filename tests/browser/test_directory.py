"""A newcomer in Ukrainian finds a walk-in service with Ukrainian at the counter in their
municipality, without JavaScript tricks; axe finds no serious violation.
Screenshot: tests/screenshots/find-help-uk.png."""

from pathlib import Path

import pytest

from tests.browser.conftest import serious_accessibility_violations

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


@pytest.fixture
def ghent_directory(site_server, django_db_blocker):
    from directory import importing
    from tests.directory_helpers import load_places, service_row

    with django_db_blocker.unblock():
        load_places()
        result = importing.import_services(
            [
                service_row(
                    "browser-formulierenhulp",
                    kind="volunteer",
                    name="Формуляри разом – вільні волонтери Гент",
                    legal_domains="",
                    languages="uk ru nl",
                    walk_in_times="середа та субота 10:00–13:00",
                ),
                service_row(
                    "browser-vdab-gent",
                    kind="employment",
                    name="VDAB Gent",
                    legal_domains="work",
                    languages="nl en",
                    walk_in_times="",
                ),
            ],
            dry_run=False,
        )
        assert result.written, [row.errors for row in result.rows]


def test_newcomer_in_ukrainian_finds_walk_in_help_in_their_municipality(
    browser, site_server, ghent_directory
):
    context = browser.new_context(
        base_url=site_server,
        viewport={"width": 390, "height": 844},
        locale="uk-UA",
        java_script_enabled=False,
    )
    page = context.new_page()
    page.goto("/uk/find-help/")
    assert page.locator("html").get_attribute("lang") == "uk"
    page.fill("#id_place", "9000")
    page.select_option("#id_topic", "social-law")
    page.locator("form.finder-form button[type=submit]").click()
    page.wait_for_url("**/uk/find-help/?**")
    card = page.locator(".service-card", has_text="Формуляри разом")
    assert card.is_visible()
    assert "українська" in card.inner_text().lower()
    assert "10:00–13:00" in card.inner_text()
    # Walk-in help comes first; the appointment-only office is not for this topic anyway.
    assert page.locator(".service-card").first.inner_text() == card.inner_text()
    assert page.locator(".service-card", has_text="VDAB Gent").count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "find-help-uk.png"), full_page=True)
    context.close()

    # axe needs scripts: the same page, checked with JavaScript on.
    checked = browser.new_context(base_url=site_server, viewport={"width": 1280, "height": 900})
    page = checked.new_page()
    page.goto("/uk/find-help/?place=9000&topic=social-law")
    assert page.locator(".service-card").count() >= 1
    assert serious_accessibility_violations(page) == []
    page.goto("/ar/find-help/?place=abc")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert serious_accessibility_violations(page) == []
    checked.close()


@pytest.fixture
def referral_scene(site_server, django_db_blocker):
    from django.contrib.auth import get_user_model

    from backoffice import roles
    from backoffice.models import LegalDomain, Municipality, Region
    from directory import importing
    from tests.conftest import make_user
    from tests.directory_helpers import load_places, service_row
    from tickets import lifecycle

    with django_db_blocker.unblock():
        load_places()
        importing.import_services(
            [
                service_row(
                    "browser-ocmw-schaarbeek",
                    name="OCMW Schaarbeek – onthaal",
                    region="brussel",
                    municipalities="Schaarbeek",
                    address="Helmetsesteenweg 372",
                    postcode="1030",
                    town="Schaarbeek",
                    languages="fr nl ar",
                    walk_in_times="ma-vr 8:30-11:00",
                )
            ],
            dry_run=False,
        )
        region = Region.objects.get(slug="brussel")
        User = get_user_model()
        specialist = User.objects.filter(username="browser-specialist-brussel").first()
        specialist = specialist or make_user(
            roles.SPECIALIST, "browser-specialist-brussel", regions=[region]
        )
        created = lifecycle.create_question(
            legal_domain=LegalDomain.objects.get(slug="social-law"),
            subject="Leefloon aanvragen",
            body="Waar vraag ik een leefloon aan?",
            contact_language="ar",
            processing_consent=True,
            municipality=Municipality.objects.get(name="Schaarbeek"),
        )
    return {"specialist": specialist, "question": created.question, "code": created.access_code}


def test_specialist_refers_to_a_directory_service_and_the_requester_sees_it(
    page, site_server, referral_scene
):
    from tests.browser.test_admin import sign_in_to_admin

    question = referral_scene["question"]
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in_to_admin(page, referral_scene["specialist"])
    page.goto(f"/admin/questions/{question.pk}/workspace/")
    page.select_option("#id_outcome", "other_service")
    page.select_option("#id_directory_service", label="Schaarbeek – OCMW Schaarbeek – onthaal")
    page.locator("section[aria-labelledby=closing] button[type=submit]").click()
    page.wait_for_url(f"**/admin/questions/{question.pk}/workspace/")
    assert page.get_by_text("OCMW Schaarbeek – onthaal").first.is_visible()

    requester = page.context.browser.new_context(base_url=site_server)
    visitor = requester.new_page()
    visitor.goto("/ar/follow-up/")
    visitor.fill("#id_reference", question.reference)
    visitor.fill("#id_code", referral_scene["code"])
    visitor.locator("form.form:not(.moving-form) button[type=submit]").click()
    visitor.wait_for_url(f"**/ar/follow-up/{question.reference}/")
    section = visitor.locator("section.referrals")
    assert "Helmetsesteenweg 372, 1030 Schaarbeek" in section.inner_text()
    assert "ma-vr 8:30-11:00" in section.inner_text()
    from directory.languages import language_name

    assert language_name("ar") in section.inner_text()
    visitor.screenshot(path=str(SCREENSHOTS / "referral-follow-up-ar.png"), full_page=True)
    assert serious_accessibility_violations(visitor) == []

    # The family then says it is moving, by the form's visible Arabic labels, without a code again.
    from django.utils import translation

    def ar(text):
        with translation.override("ar"):
            return str(translation.gettext(text))

    visitor.get_by_label(ar("New municipality or postcode")).fill("9000")
    visitor.get_by_role("button", name=ar("Tell the team")).click()
    visitor.wait_for_url(f"**/ar/follow-up/{question.reference}/")
    assert ar("Thank you. We told the team about your move.") in visitor.inner_text("body")
    assert serious_accessibility_violations(visitor) == []
    requester.close()
    page.goto(f"/admin/questions/{question.pk}/workspace/")
    with translation.override("nl"):
        told = translation.gettext("The family said it is moving to %(place)s") % {"place": "Gent"}
    assert told in page.inner_text("#moving")
