"""A coordinator opens the dashboard, filters by municipality and downloads the monthly report;
axe finds no serious or critical violation. Screenshots: tests/screenshots/dashboard*.png."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from backoffice import roles
from tests.browser.conftest import serious_accessibility_violations
from tests.browser.test_admin import sign_in_to_admin
from tests.conftest import make_user
from tests.i18n import in_dutch

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PUBLIC_ARTICLE = "/nl/kennisbank/residence/test-gezinshereniging/"


@pytest.fixture
def coordinator_with_questions(site_server, django_db_blocker):
    from backoffice.models import LegalDomain, Municipality, Region
    from tickets import lifecycle

    with django_db_blocker.unblock():
        region, _ = Region.objects.get_or_create(slug="cijferstad", defaults={"name": "Cijferstad"})
        places = [
            Municipality.objects.get_or_create(
                name=name, postcode=postcode, defaults={"region": region}
            )[0]
            for name, postcode in (("Cijferstad", "3500"), ("Telgem", "3510"))
        ]
        user = get_user_model().objects.filter(username="browser-dashboard").first()
        if user is None:
            user = make_user(roles.COORDINATOR, "browser-dashboard", regions=[region])
            domains = list(LegalDomain.objects.all()[:3])
            for index in range(12):
                lifecycle.create_question(
                    legal_domain=domains[index % len(domains)],
                    subject=f"Vraag {index}",
                    body="Vraag",
                    contact_language=["nl", "ar", "ti", "uk"][index % 4],
                    processing_consent=True,
                    municipality=places[index % 3 == 0],
                )
        from knowledge.importing import import_directory
        from tests.test_page_cache import DATA

        report = import_directory(DATA)  # idempotent: the live server's data stays committed
        assert report.ok, report.errors
        return user, places


def read_an_article_twice(browser, base_url) -> str:
    """A reader with an ordinary browser reads a public article twice (Playwright's headless
    Chromium says "HeadlessChrome", which is not counted as a reader); returns its title."""
    context = browser.new_context(
        base_url=base_url,
        locale="nl-BE",
        user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
    )
    reader = context.new_page()
    for _ in range(2):
        assert reader.goto(PUBLIC_ARTICLE).status == 200
    title = reader.locator("h1").first.inner_text()
    context.close()
    return title


def test_coordinator_filters_the_dashboard_and_downloads_the_report(
    page, browser, site_server, coordinator_with_questions, artifacts_dir
):
    user, places = coordinator_with_questions
    sign_in_to_admin(page, user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-home-coordinator.png"), full_page=True)
    title = read_an_article_twice(browser, site_server)
    page.goto("/admin/dashboard/")
    assert page.locator("svg.ww-chart").count() >= 4
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    read = page.locator("#figure-articles_read").locator("xpath=..")
    assert read.locator("svg.ww-chart").count() == 1
    row = read.locator("table tbody tr", has_text=title)
    assert int(row.locator("td").first.inner_text()) >= 2  # the two reads (earlier runs add)
    for key in ("weeks", "languages", "articles_read"):
        section = page.locator(f"#figure-{key}").locator("xpath=..")
        section.scroll_into_view_if_needed()
        section.screenshot(path=str(SCREENSHOTS / f"dashboard-chart-{key}.png"))
    assert serious_accessibility_violations(page) == []

    page.select_option("#id_municipality", label=str(places[1]))
    with page.expect_navigation():
        page.get_by_role("button", name=in_dutch("Show figures")).click()
    assert f"municipality={places[1].pk}" in page.url
    table = page.locator("#figure-municipalities").locator("xpath=..").locator("table")
    assert "3510 Telgem" in table.inner_text() and "3500 Cijferstad" not in table.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "dashboard-municipality.png"), full_page=True)
    assert serious_accessibility_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name=in_dutch("Monthly report")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    saved = artifacts_dir / download.suggested_filename
    download.save_as(str(saved))
    assert saved.read_bytes()[:2] == b"PK"
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e]
    assert csp_errors == []
