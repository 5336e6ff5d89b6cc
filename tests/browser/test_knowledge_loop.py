"""Issue 15 acceptance: the knowledge loop closes, walked in Chromium by visible labels.

A newcomer asks in Arabic → a specialist answers with an inserted Arabic article link →
proposes the answer as an article → an editor (not the one who submitted it) edits and approves
it → the article is public with a review date → a newcomer's colloquial Arabic search finds it
in the top three. Screenshots of each step: tests/screenshots/loop-*.png.
"""

from pathlib import Path

import pytest
from django.utils import translation

from backoffice import roles
from tests.browser.test_admin import sign_in_to_admin
from tests.conftest import make_user

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
SUBJECT = "انتهت بطاقة الإقامة والبلدية لم تعطني موعد"
BODY = "بطاقة الإقامة ديالي انتهت الشهر الماضي والبلدية قالت لي ارجع بعد شهرين. ماذا أفعل؟"
TITLE = "بطاقة الإقامة انتهت قبل موعد البلدية: ماذا أفعل؟"
SUMMARY = (
    "إذا انتهت بطاقة الإقامة وأنت تنتظر موعدا في البلدية، يبقى حقك في الإقامة ما دام طلب "
    "التجديد قد قُدِّم. احتفظ بدليل الطلب."
)
# How a newcomer types it (Moroccan Arabic: "my card of residence ran out, what do I do").
COLLOQUIAL_QUERY = "الكارت ديال الإقامة سالات شنو ندير"


def gettext_in(language, text):
    with translation.override(language):
        return translation.gettext(text)


def shot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"loop-{name}.png"), full_page=True)


@pytest.fixture
def scene(site_server, django_db_blocker):
    from django.contrib.auth import get_user_model
    from wagtail.models import Locale
    from wagtail.rich_text import RichText

    from backoffice.models import LegalDomain, Municipality, Region
    from knowledge import tree
    from knowledge.models import ArticlePage

    with django_db_blocker.unblock():
        region, _ = Region.objects.get_or_create(slug="lus", defaults={"name": "Lus Antwerpen"})
        place, _ = Municipality.objects.get_or_create(
            name="Lus-Deurne", postcode="2100", defaults={"region": region}
        )
        User = get_user_model()
        specialist = User.objects.filter(username="loop-specialist").first() or make_user(
            roles.SPECIALIST, "loop-specialist", regions=[region]
        )
        editor = User.objects.filter(username="loop-editor").first() or make_user(
            roles.EDITOR, "loop-editor"
        )
        domain = LegalDomain.objects.get(slug="residence")
        source = ArticlePage.objects.filter(slug="loop-verblijfskaart").first()
        if source is None:
            index_page = tree.ensure_index(Locale.objects.get(language_code="nl"), domain)
            source = ArticlePage(
                title="Verblijfskaart verlengen (lus)",
                slug="loop-verblijfskaart",
                summary="Vraag de verlenging op tijd aan.",
                body=[("rich_text", RichText("<p>Ga naar de gemeente.</p>"))],
            )
            source.legal_domains = [domain]
            index_page.add_child(instance=source)
            source.save_revision().publish()  # reviewed test content, like an import
            tree.ensure_index(Locale.objects.get(language_code="ar"), domain)
            arabic = source.copy_for_translation(Locale.objects.get(language_code="ar"))
            arabic.title = "تجديد بطاقة الإقامة (حلقة)"
            arabic.slug = "loop-tajdid"
            arabic.summary = "قدّم طلب التجديد في الوقت."
            arabic.save_revision().publish()
    return {"specialist": specialist, "editor": editor, "place": place}


def test_the_knowledge_loop(page, browser, site_server, scene, django_db_blocker):
    SCREENSHOTS.mkdir(exist_ok=True)
    ar = lambda text: gettext_in("ar", text)  # noqa: E731
    nl = lambda text: gettext_in("nl", text)  # noqa: E731

    # 1. A newcomer asks in Arabic.
    newcomer = browser.new_context(base_url=site_server, locale="ar")
    visitor = newcomer.new_page()
    visitor.goto("/ar/ask/")
    visitor.locator("input[name=legal_domain][value]").first.check()
    visitor.get_by_label(ar("Your question in one line")).fill(SUBJECT)
    visitor.get_by_label(ar("Explain your situation")).fill(BODY)
    visitor.get_by_label(ar("Municipality where you live")).select_option(str(scene["place"].pk))
    visitor.locator("#id_processing_consent").check()
    shot(visitor, "1-ask-arabic")
    visitor.locator("form.form:not(.moving-form) button[type=submit]:not([name=check_kb])").click()
    visitor.wait_for_url("**/ar/ask/done/")
    reference = visitor.locator(".reference").inner_text()
    shot(visitor, "1-asked")

    # 2. The specialist answers with an inserted Arabic article link.
    page.set_viewport_size({"width": 1366, "height": 1000})
    sign_in_to_admin(page, scene["specialist"])
    page.goto("/admin/questions/")
    page.get_by_role("link", name=reference).click()
    page.wait_for_url("**/workspace/")
    page.get_by_label(nl("Message (Markdown)")).fill("لا تقلق، حقك في الإقامة محفوظ. اقرأ: ")
    page.get_by_text(nl("Insert a link to an article")).click()
    page.get_by_label(nl("Find an article")).fill("بطاقة")
    choice = page.locator("[data-article-links-list] li", has_text="تجديد بطاقة الإقامة (حلقة)")
    choice.get_by_role("button", name=nl("Insert"), exact=True).click()
    body = page.locator("#id_body")
    page.wait_for_function("document.querySelector('#id_body').value.includes('/ar/')")
    assert "/admin/" not in body.input_value()
    shot(page, "2-answer-with-arabic-link")
    page.get_by_role("button", name=nl("Send"), exact=True).click()
    # Sent in place (no reload): the answer with its Arabic link appears in the thread.
    page.locator("article[id^=message-] a[href*='/ar/']").first.wait_for()

    # 3. ...and proposes the answer as an article.
    page.get_by_role("button", name=nl("Propose as article")).click()
    page.wait_for_load_state("load")
    shot(page, "3-proposed")
    with django_db_blocker.unblock():
        from tickets.models import ArticleProposal

        article = ArticleProposal.objects.get(question__reference=reference).article
        article_pk = article.pk
        assert not article.live

    # 4. An editor (not the one who submitted) edits it and approves it.
    editor_context = browser.new_context(base_url=site_server, locale="nl-BE")
    editor_page = editor_context.new_page()
    editor_page.set_viewport_size({"width": 1366, "height": 1000})
    sign_in_to_admin(editor_page, scene["editor"])
    editor_page.goto(f"/admin/pages/{article_pk}/edit/")
    # Not yet approvable: the summary is the placeholder.
    assert editor_page.get_by_text(nl("You cannot approve this article yet.")).is_visible()
    editor_page.locator("#id_title").fill(TITLE)
    editor_page.locator("#id_summary").fill(SUMMARY)
    tag_input = editor_page.locator(".tagit-new input")
    for tag in ("الكارت", "بطاقة الإقامة", "البلدية"):
        tag_input.fill(tag)
        tag_input.press("Enter")
    shot(editor_page, "4-editor-edits")
    editor_page.get_by_role("button", name=nl("Save draft")).click()
    editor_page.wait_for_load_state("load")
    editor_page.locator("footer .w-dropdown__toggle").click()
    approve = nl("%(label)s and Publish") % {"label": nl("Approve")}  # "Approve and publish"
    editor_page.locator("footer").get_by_role("button", name=approve, exact=True).click()
    editor_page.wait_for_load_state("load")
    shot(editor_page, "4-approved")

    # 5. The article is public, with its review date.
    with django_db_blocker.unblock():
        from knowledge.models import ArticlePage

        published = ArticlePage.objects.get(pk=article_pk)
        assert published.live and published.last_review_date is not None
        url = published.url
    visitor.goto(url)
    assert visitor.get_by_role("heading", level=1).inner_text() == TITLE
    review_line = ar("Last legal review: %(date)s").split("%")[0].strip()
    assert review_line in visitor.content()
    shot(visitor, "5-public-article")

    # 6. A newcomer's colloquial Arabic search finds it in the top three.
    visitor.goto("/ar/search/?q=" + COLLOQUIAL_QUERY)
    shot(visitor, "6-colloquial-search")
    # An answer, not "no article answers" with the article among the partial matches.
    assert visitor.locator("[data-search-outcome]").get_attribute("data-search-outcome") == (
        "answers"
    )
    top = visitor.locator("[data-search-outcome] .search-result a").all_inner_texts()[:3]
    assert any(TITLE in t for t in top), top
    newcomer.close()
    editor_context.close()
