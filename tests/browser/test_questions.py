"""A newcomer asks, receives reference and code, opens the follow-up page and replies."""

import re

import pytest

from tests.browser.conftest import serious_accessibility_violations
from tests.test_tickets_model import PDF_BYTES

pytestmark = pytest.mark.browser


@pytest.fixture
def municipality(site_server, django_db_blocker):
    from backoffice.models import Municipality, Region

    with django_db_blocker.unblock():
        region, _ = Region.objects.get_or_create(slug="gent", defaults={"name": "Gent"})
        place, _ = Municipality.objects.get_or_create(
            name="Gent", postcode="9000", defaults={"region": region}
        )
    return place


@pytest.fixture
def letter(tmp_path):
    path = tmp_path / "رسالة من البلدية.pdf"
    path.write_bytes(PDF_BYTES)
    return path


def _check(page, artifacts_dir, name):
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    assert serious_accessibility_violations(page) == [], name
    assert page.console_errors == [], name


@pytest.mark.parametrize(
    ("language", "subject", "reply", "sent_heading", "follow_button"),
    [
        ("ar", "بطاقة الإقامة تنتهي", "شكرًا، لدي سؤال آخر.", "تم إرسال سؤالك", "افتح سؤالي"),
        (
            "nl",
            "Mijn verblijfskaart vervalt",
            "Dank u, nog een vraag.",
            "Uw vraag is verstuurd",
            "Mijn vraag openen",
        ),
    ],
)
def test_newcomer_asks_follows_up_and_replies(
    page, browser, site_server, municipality, letter, artifacts_dir,
    language, subject, reply, sent_heading, follow_button,
):  # fmt: skip
    page.goto(f"/{language}/ask/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    _check(page, artifacts_dir, f"ask-{language}")

    page.locator("input[name=legal_domain]").first.check()
    page.fill("#id_subject", subject)
    page.fill("#id_body", subject + " — " + "2026")
    page.set_input_files("#id_files", str(letter))
    page.select_option("#id_municipality", str(municipality.pk))
    page.check("#id_processing_consent")
    page.locator("form.form:not(.moving-form) button[type=submit]:not([name=check_kb])").click()

    page.wait_for_url(f"**/{language}/ask/done/")
    assert page.get_by_role("heading", name=sent_heading).is_visible()
    reference = page.locator(".reference").inner_text()
    code = page.locator(".access-code").inner_text()
    assert re.fullmatch(r"WW-\d{4}-\d{6}", reference)
    assert re.fullmatch(r"([A-Z]{4}-){4}[A-Z]{4}", code)
    _check(page, artifacts_dir, f"ask-done-{language}")

    # Another device: only the reference and the code are needed.
    other = browser.new_context(base_url=site_server, locale="nl-BE")
    visitor = other.new_page()
    visitor.console_errors = []
    visitor.on("console", lambda m: m.type == "error" and visitor.console_errors.append(m.text))
    visitor.goto(f"/{language}/follow-up/")
    _check(visitor, artifacts_dir, f"follow-up-{language}")
    visitor.fill("#id_reference", reference.lower())
    visitor.fill("#id_code", code)
    visitor.get_by_role("button", name=follow_button).click()
    visitor.wait_for_url(f"**/{language}/follow-up/{reference}/")
    assert visitor.get_by_text(subject).first.is_visible()
    assert visitor.get_by_role("link", name=letter.name).is_visible()
    visitor.fill("#id_body", reply)
    visitor.locator("form.form:not(.moving-form) button[type=submit]").click()
    visitor.wait_for_url(f"**/{language}/follow-up/{reference}/")
    assert visitor.get_by_text(reply).is_visible()
    _check(visitor, artifacts_dir, f"follow-up-question-{language}")
    other.close()


def test_one_click_link_from_the_email_opens_the_question(
    page, browser, site_server, municipality, artifacts_dir, mailoutbox
):
    page.goto("/uk/ask/")
    page.locator("input[name=legal_domain]").first.check()
    page.fill("#id_subject", "Посвідка закінчується")
    page.fill("#id_body", "Що робити?")
    page.fill("#id_email", "olena@example.org")
    page.select_option("#id_municipality", str(municipality.pk))
    page.check("#id_processing_consent")
    page.locator("form.form:not(.moving-form) button[type=submit]:not([name=check_kb])").click()
    page.wait_for_url("**/uk/ask/done/")
    reference = page.locator(".reference").inner_text()

    (message,) = [m for m in mailoutbox if m.to == ["olena@example.org"]]
    link = re.search(r"https?://\S+#link=\S+", message.body).group(0)
    path = link[link.index("/uk/") :]
    other = browser.new_context(base_url=site_server)
    visitor = other.new_page()
    visitor.goto(path)
    visitor.wait_for_url(f"**/uk/follow-up/{reference}/")
    assert "#link=" not in visitor.url
    assert visitor.get_by_text("Посвідка закінчується").first.is_visible()
    other.close()
