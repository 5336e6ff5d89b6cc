import pytest

from tests.browser.conftest import serious_accessibility_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("language", "direction", "cta"),
    [
        ("nl", "ltr", "Stel een vraag"),
        ("ar", "rtl", "اطرح سؤالاً"),
    ],
)
def test_home_page_renders_accessibly(page, artifacts_dir, language, direction, cta):
    page.goto(f"/{language}/")
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == direction
    assert page.get_by_role("link", name=cta).is_visible()
    # In right-to-left the brand sits at the right edge of the header.
    brand = page.locator(".brand").bounding_box()
    if direction == "rtl":
        assert brand["x"] > 390 / 2
    else:
        assert brand["x"] < 390 / 2
    page.screenshot(path=str(artifacts_dir / f"home-{language}.png"), full_page=True)
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []  # a CSP violation would show here


def test_language_switcher_leads_to_the_translated_home(page):
    page.goto("/nl/")
    page.get_by_role("link", name="Українська").click()
    page.wait_for_url("**/uk/")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.get_by_role("heading", name="Як це працює?").is_visible()
