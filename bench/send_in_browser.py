"""How long "Send" takes in the workspace as the specialist sees it: in Chromium, on the demo
data, from the click on "Send" to the answer shown in the thread (in place, issue 13).

    DEBUG=true DATABASE_URL=postgres://… .venv/bin/python bench/send_in_browser.py [--runs 12]

Needs `manage.py seed_demo` on that database. The site is served in this process (Django's
threaded live server, static files included) on a free port; the demo specialist's session is
signed in and MFA-verified here and handed to the browser. Each run creates a fresh question in
the specialist's region (as the public form would), opens its workspace, types an answer with a
link to a demo article, and clicks "Send" by its visible label. The median and every run are
printed. The server side of the same send: bench/send_answer.py.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
# Playwright's sync API runs an event loop in this thread; the database calls here are sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument(
        "--no-js",
        action="store_true",
        help="JavaScript off: the plain POST, redirect and page (as before issue 13's change); "
        "only the wall-clock time including Playwright's own work is measured then",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from demo_sender import demo_sender
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from django.utils import translation
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS
    from tests.browser.staff_journey import IN_PAGE_TIMER
    from tickets import lifecycle

    sender = demo_sender("localhost", "127.0.0.1")
    municipality, domain = sender.municipality, sender.domain
    link, client = sender.article_link, sender.client
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    with translation.override("nl"):
        send_label = translation.gettext("Send")

    server = LiveServerThread("localhost", static_handler=StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://localhost:{server.port}"
    timings = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(
                base_url=base,
                locale="nl-BE",
                viewport={"width": 1366, "height": 900},
                java_script_enabled=not args.no_js,
            )
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
            )
            page = context.new_page()
            for run in range(args.runs + 1):  # the first one warms caches and imports
                question = lifecycle.create_question(
                    legal_domain=domain,
                    subject="Mijn verblijfskaart vervalt",
                    body="Ik wacht op een afspraak bij de gemeente. Verlies ik mijn verblijf?",
                    contact_language="nl",
                    processing_consent=True,
                    municipality=municipality,
                ).question
                page.goto(f"/admin/questions/{question.pk}/workspace/")
                marker = f"Antwoord {run}: uw kaart blijft geldig zolang de verlenging loopt."
                page.locator("#id_body").fill(f"{marker} Lees ook {link}.")
                if not args.no_js:
                    page.evaluate(IN_PAGE_TIMER, marker)
                thread = page.locator("section[aria-labelledby=thread]")
                started = time.perf_counter()
                page.get_by_role("button", name=send_label, exact=True).click()
                thread.get_by_text(marker).wait_for()
                elapsed = (time.perf_counter() - started) * 1000
                in_page = float("nan")
                if not args.no_js:
                    in_page = page.evaluate("window.__shownAt - window.__clickedAt")
                    assert page.evaluate("window.__sameWorkspacePage === true"), "page reloaded"
                if run:
                    timings.append((in_page, elapsed))
            browser.close()
    finally:
        server.terminate()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"runs={len(timings)} database={engine}")
    if not args.no_js:
        print(
            "click to answer in the thread (in the page), ms: "
            + ", ".join(f"{t:.0f}" for t, _ in timings)
        )
        print(f"median {statistics.median(t for t, _ in timings):.0f} ms in the page")
    print(
        "median with Playwright's own work (finding the button, polling the thread): "
        f"{statistics.median(w for _, w in timings):.0f} ms"
    )


if __name__ == "__main__":
    main()
