"""What every staff journey test does on each page it visits: axe (no serious or critical
finding, the Wagtail admin included) and a screenshot for the README."""

from pathlib import Path

from tests.browser.conftest import serious_accessibility_violations

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def visited(page, name: str) -> None:
    """Screenshot tests/screenshots/journey-<name>.png, then axe: the picture is kept even when
    the page fails, to show what was wrong."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"))
    violations = serious_accessibility_violations(page)
    assert violations == [], (name, violations)


def document_order(page, first: str, second: str) -> bool:
    """Does the element `first` (a CSS selector) come before `second` in reading order?"""
    return page.evaluate(
        """([a, b]) => Boolean(document.querySelector(a).compareDocumentPosition(
            document.querySelector(b)) & Node.DOCUMENT_POSITION_FOLLOWING)""",
        [first, second],
    )
