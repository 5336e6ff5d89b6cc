"""Journey: an editor publishes an article through legal review (issue 13).

A writer (editor) opens a draft article from the admin home's work list, completes the summary,
saves and submits it to "Legal review"; while it is in review the writer improves it once more
(the state "edited during review"); a second editor (the legal reviewer: four eyes) finds it
under "Awaiting your review" on the admin home, opens it and approves it; the edited text is
what the public reads, with its review date. Every page is checked with axe; screenshots:
tests/screenshots/journey-editor-*.png.
"""

import pytest
from django.contrib.auth import get_user_model

from backoffice import roles
from tests.browser.staff_journey import visited
from tests.browser.test_admin import sign_in_to_admin
from tests.conftest import make_user
from tests.i18n import in_dutch as nl

pytestmark = pytest.mark.browser

TITLE = "Huurwaarborg terugkrijgen na een verhuis (traject)"
FIRST = "Vraag de waarborg terug bij het einde van de huur."
EDITED = (
    "Vraag de waarborg schriftelijk terug zodra de huur eindigt; de verhuurder moet antwoorden."
)


@pytest.fixture
def scene(site_server, django_db_blocker):
    from wagtail.models import Locale
    from wagtail.rich_text import RichText

    from backoffice.models import LegalDomain
    from knowledge import review, tree
    from knowledge.models import ArticlePage

    with django_db_blocker.unblock():
        User = get_user_model()
        writer = User.objects.filter(username="journey-writer").first() or make_user(
            roles.EDITOR, "journey-writer"
        )
        reviewer = User.objects.filter(username="journey-reviewer").first() or make_user(
            roles.EDITOR, "journey-reviewer"
        )
        reviewer.first_name, reviewer.last_name = "Rik", "Jurist"
        reviewer.save()
        ArticlePage.objects.filter(title=TITLE).delete()
        housing = LegalDomain.objects.get(slug="housing")
        index_page = tree.ensure_index(Locale.objects.get(language_code="nl"), housing)
        article = ArticlePage(
            title=TITLE,
            slug="huurwaarborg-terugkrijgen-traject",
            summary=str(review.PLACEHOLDER_SUMMARY),
            body=[
                ("rich_text", RichText("<p>De waarborg staat op een geblokkeerde rekening.</p>"))
            ],
            live=False,
        )
        article.legal_domains = [housing]
        index_page.add_child(instance=article)
        article.save_revision(user=writer)
    return {"writer": writer, "reviewer": reviewer, "article": article}


def _footer_action(page, label: str) -> None:
    """A save action of Wagtail's editor footer (the main button or one in its menu)."""
    footer = page.locator("footer")
    button = footer.get_by_role("button", name=label, exact=True)
    if not button.is_visible():
        footer.locator(".w-dropdown__toggle").first.click()
    with page.expect_navigation():
        button.click()


def test_editor_publishes_through_legal_review(
    page, browser, site_server, scene, django_db_blocker
):
    article = scene["article"]
    page.set_viewport_size({"width": 1366, "height": 900})

    # 1. The writer's admin home: the knowledge base work.
    sign_in_to_admin(page, scene["writer"])
    work = page.get_by_role("region", name=nl("Knowledge base work"))
    assert work.get_by_role("link", name=nl("In review")).is_visible()
    visited(page, "editor-1-home")

    # 2. The draft: the placeholder summary cannot be approved; the writer completes it,
    # saves and submits it to legal review.
    page.goto(f"/admin/pages/{article.pk}/edit/")
    page.get_by_role("textbox", name=nl("summary")).fill(FIRST)
    visited(page, "editor-2-draft")
    submit = nl("Submit to %(workflow_name)s") % {"workflow_name": "Legal review"}
    _footer_action(page, submit)
    visited(page, "editor-3-submitted")

    # 3. Edited during review: the writer opens it again, improves the summary and saves.
    page.goto(f"/admin/pages/{article.pk}/edit/")
    page.get_by_role("textbox", name=nl("summary")).fill(EDITED)
    _footer_action(page, nl("Save Draft"))
    visited(page, "editor-4-edited-in-review")
    with django_db_blocker.unblock():
        from knowledge.models import ArticlePage

        saved = ArticlePage.objects.get(pk=article.pk)
        assert not saved.live and saved.current_workflow_state is not None
        assert saved.get_latest_revision().as_object().summary == EDITED

    # 4. The legal reviewer (another editor) finds it awaiting review and approves it.
    reviewer_context = browser.new_context(base_url=site_server, locale="nl-BE")
    reviewer_page = reviewer_context.new_page()
    reviewer_page.set_viewport_size({"width": 1366, "height": 900})
    sign_in_to_admin(reviewer_page, scene["reviewer"])
    reviewer_page.get_by_role("link", name=TITLE).first.click()
    reviewer_page.wait_for_url(f"**/admin/pages/{article.pk}/edit/")
    assert reviewer_page.get_by_role("textbox", name=nl("summary")).input_value() == EDITED
    visited(reviewer_page, "editor-5-review")
    approve = nl("%(label)s and Publish") % {"label": nl("Approve")}
    _footer_action(reviewer_page, approve)
    visited(reviewer_page, "editor-6-approved")

    # 5. The edited text is public, with its review date.
    with django_db_blocker.unblock():
        published = ArticlePage.objects.get(pk=article.pk)
        assert published.live and published.summary == EDITED
        assert published.last_review_date is not None and published.reviewer == "Rik Jurist"
        url = published.url
    reviewer_page.goto(url)
    assert reviewer_page.get_by_role("heading", level=1).inner_text() == TITLE
    visited(reviewer_page, "editor-7-public")
    reviewer_context.close()
