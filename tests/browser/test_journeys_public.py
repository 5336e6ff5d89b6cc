"""Journeys of the public site, walked as people walk them (issue 13): a newcomer in Arabic on a
phone, a newcomer without JavaScript in Ukrainian, a professional's consult. Every control is
found by its visible name in the page's language; axe runs on every page visited (no serious
or critical finding); screenshots go to tests/screenshots/journey-*.png for the README."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import translation

from tests.browser.conftest import serious_accessibility_violations
from tests.test_tickets_model import PDF_BYTES

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
DATA = Path(__file__).resolve().parent.parent / "data" / "articles"
PHONE = {"width": 390, "height": 844}


def gettext_in(language):
    def text(message):
        with translation.override(language):
            return str(translation.gettext(message))

    return text


def visit(page, name):
    """Every page of a journey: fits the phone, no serious axe finding, a screenshot."""
    page.wait_for_load_state("load")
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), full_page=True)
    checked = page
    if getattr(page, "checker", None) is not None:
        # axe is JavaScript: a page seen without it is checked as the same HTML, at the same
        # address, in a page that runs scripts.
        checked = page.checker
        checked.goto(page.url.split("#")[0].rsplit("/", 1)[0] + "/robots-for-axe.txt")
        checked.set_content(page.content())
    width = checked.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width} px wide"
    assert serious_accessibility_violations(checked) == [], name
    # A form sent back with errors answers 400, which Chromium logs; nothing else may fail.
    errors = [e for e in page.console_errors if "status of 400" not in e]
    assert errors == [], name
    page.console_errors.clear()


def new_page(browser, site_server, locale, **options):
    context = browser.new_context(base_url=site_server, viewport=PHONE, locale=locale, **options)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    return context, page


@pytest.fixture
def scene(site_server, django_db_blocker):
    from backoffice.models import Municipality, Region
    from knowledge.importing import import_directory

    with django_db_blocker.unblock():
        report = import_directory(DATA)  # idempotent: the live server's data stays committed
        assert report.ok, report.errors
        region, _ = Region.objects.get_or_create(slug="gent", defaults={"name": "Gent"})
        place, _ = Municipality.objects.get_or_create(
            name="Gent", postcode="9000", defaults={"region": region}
        )
    SCREENSHOTS.mkdir(exist_ok=True)
    return {"place": place, "region": region}


@pytest.fixture
def letter(tmp_path):
    path = tmp_path / "رسالة من البلدية.pdf"
    path.write_bytes(PDF_BYTES)
    return path


def _answer(django_db_blocker, reference, body):
    """A specialist answers through the lifecycle service, as the workspace does."""
    from backoffice import roles
    from tests.conftest import make_user
    from tickets import lifecycle
    from tickets.models import Question

    with django_db_blocker.unblock():
        question = Question.objects.get(reference=reference)
        from django.contrib.auth import get_user_model

        staff = get_user_model().objects.filter(username="journey-specialist").first()
        staff = staff or make_user(
            roles.SPECIALIST, "journey-specialist", regions=[question.region]
        )
        lifecycle.add_message(question, body=body, author_kind="staff", author=staff)
        return question, staff


def test_newcomer_in_arabic_on_a_phone(browser, site_server, scene, letter, django_db_blocker):
    ar = gettext_in("ar")
    context, page = new_page(browser, site_server, "ar")

    # 1. Finds an article in the knowledge base.
    page.goto("/ar/search/")
    page.get_by_label(ar("What are you looking for?")).fill("لمّ الشمل")
    page.get_by_role("button", name=ar("Search"), exact=True).click()
    visit(page, "ar-1-search")
    page.get_by_role("link", name="مقال تجريبي عن لمّ شمل الأسرة").first.click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    visit(page, "ar-2-article")

    # 2. Asks a question about it, with a letter; forgets the consent first.
    page.get_by_role("link", name=ar("Ask a question about this")).click()
    page.wait_for_url("**/ar/ask/**")
    page.get_by_label(ar("Your question in one line")).fill("زوجتي تريد القدوم إلى بلجيكا")
    page.get_by_label(ar("Explain your situation")).fill("أنا لاجئ معترف به. ما هي الخطوات؟")
    page.get_by_label(ar("Letters or documents (optional)")).set_input_files(str(letter))
    page.get_by_label(ar("Municipality where you live")).select_option(str(scene["place"].pk))
    language = page.get_by_label(ar("In which language should we answer?"))
    assert language.locator("option[value=de]").inner_text() == "Deutsch"  # no English name
    if not page.locator("input[name=legal_domain]:checked").count():
        page.locator("input[name=legal_domain]").first.check()
    page.get_by_role("button", name=ar("Send my question")).click()

    # The error summary comes first, takes the focus, and names the consent briefly.
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    # The page's script moves the focus once the page is parsed: wait for it (a loaded machine
    # shows the summary before the script has run), failing after Playwright's timeout.
    page.wait_for_function("document.activeElement?.hasAttribute('data-error-summary')")
    link = summary.get_by_role("link")
    assert link.count() == 1 and len(link.inner_text()) < 90
    visit(page, "ar-3-ask-error")
    link.click()
    consent = page.locator("#id_processing_consent")
    assert page.evaluate("document.activeElement.id") == "id_processing_consent"
    consent.check()
    kept = page.get_by_role("checkbox", name=letter.name)
    assert kept.is_checked()  # the letter was kept
    page.get_by_role("button", name=ar("Send my question")).click()

    # 3. The confirmation: what happens next, print or save, a code on one line.
    page.wait_for_url(re.compile(r".*/ar/ask/done/"))  # (the error link's #anchor may follow)
    assert page.get_by_role("heading", name=ar("Your question was sent")).is_visible()
    assert page.get_by_role("heading", name=ar("What happens next")).is_visible()
    code = page.locator(".access-code")
    box = code.bounding_box()
    line = code.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert box["height"] < 1.6 * line, "the code breaks across lines"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.get_by_role("button", name=ar("Print this page")).is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=ar("Save as a text file")).click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    reference = page.locator(".reference").inner_text()
    assert reference in saved and code.inner_text() in saved
    visit(page, "ar-4-confirmation")

    # 4. Follows the question without typing the code again.
    page.get_by_role("button", name=ar("Follow my question")).click()
    page.wait_for_url(f"**/ar/follow-up/{reference}/")
    assert "code=" not in page.url
    timeline = page.locator(".timeline")
    assert timeline.locator(".timeline__step").count() == 3
    assert page.get_by_role("heading", name=ar("Where your question stands")).is_visible()
    assert page.locator("form[action*=handover-consent]").count() == 0  # no answer yet
    visit(page, "ar-5-follow-up")

    # 5. Reads a Dutch answer, laid out left to right on the Arabic page, dated day first.
    _answer(
        django_db_blocker,
        reference,
        "Beste,\n\n1. Vraag een visum D aan.\n2. Breng de documenten mee.\n\nGroeten.",
    )
    page.reload()
    answer = page.locator(".message-card--staff .message-card__body")
    assert answer.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert (
        page.locator(".message-card--requester .message-card__body").evaluate(
            "el => getComputedStyle(el).direction"
        )
        == "rtl"
    )
    stamp = page.locator(".message-card--staff time").inner_text()
    assert not re.match(r"\d{1,2}/\d{1,2}/\d{4}", stamp) and stamp.split()[0].isdigit()
    visit(page, "ar-6-answer")

    # 6. Says the answer helped: once, with thanks.
    feedback = page.locator(".feedback")
    feedback.get_by_role("button", name=ar("Yes")).click()
    page.wait_for_load_state("load")
    assert page.locator(".feedback button").count() == 0
    assert page.get_by_text(ar("Thank you for telling us.")).is_visible()
    visit(page, "ar-7-thanks")
    context.close()


def test_newcomer_without_javascript_in_ukrainian(browser, site_server, scene):
    uk = gettext_in("uk")
    context, page = new_page(browser, site_server, "uk", java_script_enabled=False)
    checker_context, page.checker = new_page(browser, site_server, "uk")

    page.goto("/uk/ask/")
    language = page.get_by_label(uk("In which language should we answer?"))
    assert language.locator("option[value=de]").inner_text() == "Deutsch"
    assert "(" not in language.locator("option[value=ar]").inner_text()
    visit(page, "uk-1-ask")
    page.locator("input[name=legal_domain]").first.check()
    page.get_by_label(uk("Your question in one line")).fill("Посвідка на проживання закінчується")
    page.get_by_label(uk("Explain your situation")).fill("Що мені робити, щоб продовжити?")
    page.get_by_label(uk("Is there a deadline? (optional)")).fill(
        (date.today() + timedelta(days=15)).isoformat()
    )
    page.get_by_label(uk("Municipality where you live")).select_option(str(scene["place"].pk))
    # Without JavaScript the knowledge base is checked with a full page, the form kept.
    page.get_by_role("button", name=uk("Check the knowledge base")).click()
    page.wait_for_load_state("load")
    assert page.get_by_label(uk("Your question in one line")).input_value().startswith("Посвідка")
    page.locator("#id_processing_consent").check()
    page.get_by_role("button", name=uk("Send my question")).click()

    page.wait_for_url("**/uk/ask/done/")
    assert page.get_by_role("heading", name=uk("What happens next")).is_visible()
    # The print button needs JavaScript: it stays hidden, the text says how to print.
    assert not page.get_by_role("button", name=uk("Print this page")).is_visible()
    assert page.get_by_role("link", name=uk("Save as a text file")).is_visible()
    reference = page.locator(".reference").inner_text()
    visit(page, "uk-2-confirmation")
    page.get_by_role("button", name=uk("Follow my question")).click()
    page.wait_for_url(f"**/uk/follow-up/{reference}/")
    expected = page.locator(".expected")
    assert expected.is_visible() and re.search(r"\d{1,2} \w+ \d{4}", expected.inner_text())
    visit(page, "uk-3-follow-up")
    context.close()
    checker_context.close()


def test_professional_consult(browser, site_server, scene, django_db_blocker):
    from backoffice import roles
    from backoffice.models import Organisation
    from tests.conftest import PASSWORD, make_user

    nl = gettext_in("nl")
    with django_db_blocker.unblock():
        from django.contrib.auth import get_user_model

        pro = get_user_model().objects.filter(username="journey-pro").first()
        if pro is None:
            pro = make_user(roles.PROFESSIONAL, "journey-pro")
            pro.profile.organisation = Organisation.objects.create(
                name="OCMW Gent (reis)", kind="ocmw", municipality=scene["place"],
                region=scene["region"],
            )  # fmt: skip
            pro.profile.save()
    context, page = new_page(browser, site_server, "nl-BE")
    page.goto("/nl/login/")
    page.get_by_label(nl("Username")).fill("journey-pro")
    page.get_by_label(nl("Password")).fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto("/nl/pro/")
    visit(page, "pro-1-my-consults")

    page.get_by_role("link", name=nl("New consult")).click()
    page.get_by_label(nl("Client pseudonym")).fill("gezin D, 2 kinderen")
    page.locator("input[name=legal_domain]").first.check()
    page.get_by_label(nl("Your question in one line")).fill("Leefloon aanvraag nakijken")
    page.get_by_label(nl("Explain your situation")).type("Leefloon voor een erkende vluchteling")
    # The same live suggestions as on the newcomer's form, with professional articles.
    suggestion = page.get_by_role("link", name="Testartikel leefloon voor hulpverleners")
    suggestion.wait_for(timeout=10000)
    deadline = date.today() + timedelta(days=12)
    page.get_by_label(nl("Is there a deadline? (optional)")).fill(deadline.isoformat())
    page.locator("#id_client_consent").check()
    visit(page, "pro-2-new-consult")
    page.get_by_role("button", name=nl("Send the consult")).click()

    page.wait_for_url(re.compile(r".*/nl/pro/WW-\d{4}-\d{6}/$"))
    with translation.override("nl"):
        from backoffice.templatetags.wegwijs import public_date

        shown = public_date(deadline)
    summary = page.locator(".summary-list")
    assert nl("Legal deadline") in summary.inner_text() and shown in summary.inner_text()
    visit(page, "pro-3-consult")

    page.get_by_role("link", name=nl("My consults")).first.click()
    page.wait_for_url("**/nl/pro/")
    assert page.get_by_text(shown).first.is_visible()
    visit(page, "pro-4-my-consults-after")
    context.close()
