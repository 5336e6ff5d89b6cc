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


# Measured inside the page: the click on "Send" (capturing listener) to the moment the thread
# panel holds the answer (MutationObserver), without Playwright's own round trips.
IN_PAGE_TIMER = """(marker) => {
  window.__sameWorkspacePage = true;
  window.__clickedAt = window.__shownAt = undefined;
  document.addEventListener("click", () => { window.__clickedAt ??= performance.now(); },
    { capture: true, once: true });
  new MutationObserver((changes, observer) => {
    const thread = document.querySelector("[data-ws-panel=thread]");
    if (thread && thread.textContent.includes(marker)) {
      window.__shownAt = performance.now();
      observer.disconnect();
    }
  }).observe(document.querySelector("[data-ws-panel=thread]"), { childList: true, subtree: true });
}"""
