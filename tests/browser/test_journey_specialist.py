"""Journey: a specialist answers a question with an article and a letter (issue 13).

An Arabic-speaking newcomer asks; the specialist of the region gets an e-mail whose link opens
the question itself; signed in (two steps), the admin home shows their work; the workspace
reads in the order of the work, names the contact language and offers the Arabic template
first; the specialist takes the question, inserts the template and an article link, checks the
preview right under the text, sends (timed), and makes the DOCX answer letter. Every page is
checked with axe; screenshots: tests/screenshots/journey-specialist-*.png.
"""

import io
import json
import re
import time
import zipfile
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from backoffice import roles
from tests.browser.staff_journey import IN_PAGE_TIMER, document_order, visited
from tests.browser.test_admin import sign_in_to_admin
from tests.conftest import make_user
from tests.i18n import in_dutch as nl


def ar(text: str) -> str:
    from django.utils import translation

    with translation.override("ar"):
        return translation.gettext(text)


pytestmark = pytest.mark.browser

ARABIC_TEMPLATE = "استلام سؤالك (رحلة)"
ARTICLE = "Verblijfskaart verlengen (traject)"
SUBJECT = "بطاقة الإقامة تنتهي الشهر القادم"
BODY = "البلدية تعطيني موعدا بعد شهرين فقط. هل أفقد حق الإقامة؟"


@pytest.fixture
def scene(site_server, django_db_blocker):
    from wagtail.models import Locale

    from backoffice.models import LegalDomain, Municipality, Region
    from knowledge import tree
    from knowledge.models import ArticlePage
    from tickets.models import AnswerTemplate

    with django_db_blocker.unblock():
        region, _ = Region.objects.get_or_create(slug="traject", defaults={"name": "Traject"})
        place, _ = Municipality.objects.get_or_create(
            name="Traject-Merksem", postcode="2170", defaults={"region": region}
        )
        residence = LegalDomain.objects.get(slug="residence")
        User = get_user_model()
        specialist = User.objects.filter(username="journey-specialist").first()
        if specialist is None:
            specialist = make_user(roles.SPECIALIST, "journey-specialist", regions=[region])
            specialist.first_name, specialist.last_name = "Yasmina", "Bouzid"
            specialist.save()
        # Templates in several languages: the Arabic one must be the default, not the French.
        AnswerTemplate.objects.get_or_create(
            title="Accusé de réception (trajet)",
            language="fr",
            defaults={"body": "Nous traitons votre question {reference}."},
        )
        AnswerTemplate.objects.get_or_create(
            title=ARABIC_TEMPLATE,
            language="ar",
            legal_domain=residence,
            defaults={"body": "نحن نعالج سؤالك {reference}."},
        )
        if not ArticlePage.objects.filter(title=ARTICLE).exists():
            index_page = tree.ensure_index(Locale.objects.get(language_code="nl"), residence)
            article = ArticlePage(
                title=ARTICLE,
                slug="verblijfskaart-verlengen-traject",
                summary="Vraag de verlenging aan bij uw gemeente, voor de kaart vervalt.",
            )
            article.legal_domains = [residence]
            index_page.add_child(instance=article)
            article.save_revision().publish()  # reviewed test content, like an import
    return {"specialist": specialist, "place": place, "residence": residence}


def ask_in_arabic(browser, site_server, scene) -> str:
    """The newcomer's side, briefly (their own journey is tested apart): ask on the public
    form in Arabic, with an e-mail address. Returns the reference."""
    context = browser.new_context(base_url=site_server, locale="ar")
    visitor = context.new_page()
    visitor.goto("/ar/ask/")
    visitor.locator(f"input[name=legal_domain][value='{scene['residence'].pk}']").check()
    visitor.get_by_label(ar("Your question in one line")).fill(SUBJECT)
    visitor.get_by_label(ar("Explain your situation")).fill(BODY)
    visitor.get_by_label(ar("Municipality where you live")).select_option(str(scene["place"].pk))
    visitor.get_by_label(ar("E-mail address (optional)")).fill("journey-newcomer@example.org")
    visitor.locator("#id_processing_consent").check()
    visitor.locator("form.form:not(.moving-form) button[type=submit]:not([name=check_kb])").click()
    visitor.wait_for_url("**/ar/ask/done/")
    reference = visitor.locator(".reference").inner_text().strip()
    context.close()
    return reference


def test_specialist_answers_with_an_article_and_a_letter(
    page, browser, site_server, scene, django_db_blocker, artifacts_dir
):
    reference = ask_in_arabic(browser, site_server, scene)
    with django_db_blocker.unblock():
        from tickets.models import Question

        question = Question.objects.get(reference=reference)
    workspace_path = f"/admin/questions/{question.pk}/workspace/"
    page.set_viewport_size({"width": 1366, "height": 900})

    # 1. Signed in (password, second step): the admin home shows the specialist's work.
    sign_in_to_admin(page, scene["specialist"])
    home = page.get_by_role("region", name=nl("Your questions"))
    assert home.get_by_role("link", name=nl("Unassigned in my regions")).is_visible()
    visited(page, "specialist-1-home")

    # 2. The e-mail about the new question links to the question itself, not the admin home.
    (message,) = [
        m for m in mail.outbox if reference in m.subject and scene["specialist"].email in m.to
    ]
    link = re.search(r"https?://\S+", message.body).group(0)
    assert urlsplit(link).path == workspace_path
    page.goto(urlsplit(link).path)

    # 3. The workspace, in the order of the work; the language by name; the Arabic template.
    facts = page.locator("section[aria-labelledby=facts] dl").inner_text()
    assert "Arabisch" in facts and "\nar\n" not in facts
    template = page.get_by_label(nl("Answer template"))
    assert template.locator("option:checked").inner_text() == f"{ARABIC_TEMPLATE} (Arabisch)"
    assert document_order(page, "#thread", "#compose")
    assert document_order(page, "#compose", "#triage")
    assert document_order(page, "#triage", "#documents")
    preview = page.get_by_role("region", name=nl("Preview"))
    send = page.get_by_role("button", name=nl("Send"), exact=True)
    body = page.get_by_label(nl("Message (Markdown)"))
    assert body.bounding_box()["y"] < preview.bounding_box()["y"] < send.bounding_box()["y"]
    visited(page, "specialist-2-workspace")

    # 4. Take the question (the success message must be readable right away: axe).
    page.get_by_role("button", name=nl("Take this question")).click()
    page.get_by_text(nl("The question is yours.")).wait_for()
    assert page.get_by_text("Yasmina Bouzid").first.is_visible()
    visited(page, "specialist-3-taken")

    # 4b. "Send" with nothing written: the error in place, in Dutch, the focus on the message
    #     box, no page load; the composer (drawn again by the server) keeps working below.
    page.evaluate("window.__sameWorkspacePage = true")
    body.fill("")
    send.click()
    composer = page.locator("#composer")
    composer.get_by_text(nl("Write a message first.")).first.wait_for()
    assert page.evaluate("document.activeElement.id") == "id_body"
    assert page.evaluate("window.__sameWorkspacePage === true")
    visited(page, "specialist-3b-empty-send")

    # 5. Template, then a link to an article; the preview shows both as the requester will.
    page.get_by_role("button", name=nl("Insert template")).click()
    assert question.reference in body.input_value()
    body.press("End")
    body.press_sequentially(" اقرأ أيضا: ")
    page.get_by_text(nl("Insert a link to an article")).click()
    page.get_by_label(nl("Find an article")).fill("traject")
    choice = page.locator("[data-article-links-list] li").filter(
        has=page.get_by_text(re.compile(re.escape(ARTICLE)))
    )
    choice.get_by_role("button", name=nl("Insert"), exact=True).click()
    page.wait_for_function(
        "document.querySelector('#id_body').value.includes('verblijfskaart-verlengen-traject')"
    )
    preview.get_by_role("link", name=re.compile(re.escape(ARTICLE))).wait_for()
    visited(page, "specialist-4-composer")

    # 6. Send, timed in the browser: from the click to the answer shown in the thread, in place
    #    (the page is not loaded again: a marker set on this page's window survives).
    page.evaluate(IN_PAGE_TIMER, ARTICLE)
    thread = page.locator("section[aria-labelledby=thread]")
    answer_link = thread.get_by_role("link", name=re.compile(re.escape(ARTICLE)))
    started = time.perf_counter()
    send.click()
    answer_link.wait_for()
    click_to_thread_ms = (time.perf_counter() - started) * 1000
    assert page.evaluate("window.__sameWorkspacePage === true"), "Send loaded the page again"
    # In the page: the click to the thread holding the answer (without Playwright's own work).
    in_page_ms = page.evaluate("window.__shownAt - window.__clickedAt")
    (artifacts_dir / "send-timing.json").write_text(
        json.dumps(
            {
                "click_to_thread_in_page_ms": round(in_page_ms),
                "click_to_thread_with_playwright_ms": round(click_to_thread_ms),
            }
        )
    )
    print(f"\nSend, click to the answer in the thread: {in_page_ms:.0f} ms in the page")
    # The messages framework's text in the admin's live region; the composer emptied; the
    # focus on the sent answer; the status shown as answered.
    page.locator(".messages[role=status]").get_by_text(nl("Your message was sent.")).wait_for()
    assert body.input_value() == ""
    assert body.get_attribute("aria-invalid") is None  # the earlier empty send's error is gone
    assert page.evaluate(
        "document.activeElement.closest('section[aria-labelledby=thread]') !== null"
    )
    from django.utils import translation

    from tickets.models import Status

    with translation.override("nl"):
        answered = str(Status.ANSWERED.label)
    assert answered in page.locator("[data-ws-status]").inner_text()
    visited(page, "specialist-5-sent")
    with django_db_blocker.unblock():
        question.refresh_from_db()
        assert question.status == "answered" and question.first_response_at is not None

    # 7. The answer letter (DOCX), in the requester's language when there is one.
    letter_form = page.locator("section[aria-labelledby=documents]")
    with page.expect_download() as download_info:
        letter_form.get_by_role("button", name=nl("Make the answer letter")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    data = (artifacts_dir / download.suggested_filename).resolve()
    download.save_as(str(data))
    with zipfile.ZipFile(io.BytesIO(data.read_bytes())) as docx:
        text = docx.read("word/document.xml").decode()
    assert question.reference in text
    assert "verblijfskaart-verlengen-traject" in text or ARTICLE in text
    page.goto(workspace_path)
    page.locator("section[aria-labelledby=documents]").scroll_into_view_if_needed()
    visited(page, "specialist-6-letter")
