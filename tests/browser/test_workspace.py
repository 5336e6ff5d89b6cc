"""A specialist takes an unassigned question from the queue, answers with a link to an article,
and the requester reads the answer on the follow-up page."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from backoffice import roles
from tests.browser.test_admin import sign_in_to_admin
from tests.conftest import make_user

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


@pytest.fixture
def scene(site_server, django_db_blocker):
    from wagtail.models import Locale

    from backoffice.models import LegalDomain, Municipality, Region
    from knowledge import tree
    from knowledge.models import ArticlePage
    from tickets import lifecycle
    from tickets.models import AnswerTemplate

    with django_db_blocker.unblock():
        region, _ = Region.objects.get_or_create(
            slug="wachtrij", defaults={"name": "Wachtrij Antwerpen"}
        )
        place, _ = Municipality.objects.get_or_create(
            name="Wachtrij-Berchem", postcode="2600", defaults={"region": region}
        )
        User = get_user_model()
        specialist = User.objects.filter(username="browser-specialist-antwerpen").first()
        specialist = specialist or make_user(
            roles.SPECIALIST, "browser-specialist-antwerpen", regions=[region]
        )
        specialist.first_name, specialist.last_name = "Samira", "El Amrani"
        specialist.save()
        created = lifecycle.create_question(
            legal_domain=LegalDomain.objects.get(slug="residence"),
            subject="Mijn F-kaart vervalt volgende maand",
            body="De gemeente geeft pas een afspraak over twee maanden. Verlies ik mijn verblijf?",
            contact_language="nl",
            processing_consent=True,
            municipality=place,
        )
        AnswerTemplate.objects.get_or_create(
            title="Ontvangst (browsertest)",
            language="nl",
            defaults={"body": "Wij behandelen uw vraag {reference} in {region}."},
        )
        # The article to link to: a published knowledge base article.
        title = "Verblijfskaart verlengen"
        article = ArticlePage.objects.filter(title=title).first()
        if article is None:
            index_page = tree.ensure_index(
                Locale.objects.get(language_code="nl"), LegalDomain.objects.get(slug="residence")
            )
            article = ArticlePage(
                title=title,
                slug="verblijfskaart-verlengen",
                summary="Vraag de verlenging aan bij uw gemeente.",
            )
            article.legal_domains = [LegalDomain.objects.get(slug="residence")]
            index_page.add_child(instance=article)
            article.save_revision().publish()  # reviewed test content, like an import
    return {"specialist": specialist, "question": created.question, "code": created.access_code}


def in_dutch(text: str) -> str:
    """The admin speaks the browser's language (nl-BE): labels as a Dutch specialist sees them."""
    from django.utils import translation

    with translation.override("nl"):
        return translation.gettext(text)


def test_specialist_takes_and_answers_with_an_article_link(
    page, browser, site_server, scene, django_db_blocker, artifacts_dir
):
    question = scene["question"]
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in_to_admin(page, scene["specialist"])
    page.goto("/admin/questions/")
    page.get_by_role("link", name=in_dutch("Unassigned in my regions")).click()
    page.wait_for_url("**/admin/questions/?view=unassigned")
    page.screenshot(path=str(artifacts_dir / "questions-unassigned.png"))
    page.get_by_role("link", name=question.reference).click()
    page.wait_for_url(f"**/admin/questions/{question.pk}/workspace/")

    page.get_by_role("button", name=in_dutch("Take this question")).click()
    page.wait_for_url(f"**/admin/questions/{question.pk}/workspace/")
    assert page.get_by_text("Samira El Amrani").first.is_visible()

    # One click inserts a template, its placeholders filled in, without a page load.
    page.select_option("#id_template", label="Ontvangst (browsertest) (Nederlands)")
    page.get_by_role("button", name=in_dutch("Insert template")).click()
    expected = f"Wij behandelen uw vraag {question.reference} in Wachtrij Antwerpen."
    assert page.locator("#id_body").input_value() == expected
    assert page.url.endswith(f"/admin/questions/{question.pk}/workspace/")
    page.fill("#id_body", "Uw kaart blijft geldig zolang de verlenging loopt. Lees ook: ")
    page.locator("#id_body").press("End")
    page.get_by_text(in_dutch("Insert a link to an article")).click()
    page.get_by_label(in_dutch("Find an article")).fill("Verblijfskaart")
    # Exactly this title: other browser tests publish articles with similar titles.
    title = page.get_by_text("Verblijfskaart verlengen", exact=True)
    choice = page.locator("[data-article-links-list] li").filter(has=title)
    choice.get_by_role("button", name=in_dutch("Insert"), exact=True).click()
    body = page.locator("#id_body")
    page.wait_for_function(
        "document.querySelector('#id_body').value.includes('[Verblijfskaart verlengen](')"
    )
    assert "verblijfskaart-verlengen" in body.input_value()
    assert "/nl/" in body.input_value() and "/admin/" not in body.input_value()
    # The live preview renders the link, sanitised, without a page load.
    preview_link = page.locator("[data-preview] a", has_text="Verblijfskaart verlengen")
    preview_link.wait_for()
    # The admin scrolls inside its own layout: a tall window shows the whole workspace.
    page.set_viewport_size({"width": 1366, "height": 1900})
    page.evaluate(
        "document.querySelectorAll('*').forEach((e) => { if (e.scrollTop) e.scrollTop = 0; })"
    )
    page.screenshot(path=str(SCREENSHOTS / "workspace.png"))
    page.screenshot(path=str(artifacts_dir / "workspace.png"))
    page.set_viewport_size({"width": 1366, "height": 900})

    page.locator("button[name=intent][value=send]").click()
    # Sent in place (no reload): the answer appears in the thread.
    page.locator("article a", has_text="Verblijfskaart verlengen").wait_for()
    assert page.url.endswith(f"/admin/questions/{question.pk}/workspace/")
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
    with django_db_blocker.unblock():
        question.refresh_from_db()
        assert question.status == "answered"
        assert question.assignee_id == scene["specialist"].pk
        assert question.first_response_at is not None

    other = browser.new_context(base_url=site_server, locale="nl-BE")
    visitor = other.new_page()
    visitor.goto("/nl/follow-up/")
    visitor.fill("#id_reference", question.reference)
    visitor.fill("#id_code", scene["code"])
    visitor.locator("form.form:not(.moving-form) button[type=submit]").click()
    visitor.wait_for_url(f"**/nl/follow-up/{question.reference}/")
    assert visitor.get_by_text("Uw kaart blijft geldig").is_visible()
    assert visitor.get_by_role("link", name="Verblijfskaart verlengen").is_visible()
    other.close()
