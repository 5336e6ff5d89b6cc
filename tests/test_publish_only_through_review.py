"""Issue 14 finding 3 and issue 15 item 8: only an approval in "Legal review" publishes an
article — not creating with "Publish", copying with "Publish copies", moving, bulk publishing,
scheduling or reverting — and the approval works after an edit, from the edit page and from the
dashboard, with four eyes, complete texts only, and a review date readers see."""

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Locale, TaskState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from backoffice import roles
from backoffice.models import LegalDomain
from knowledge import review, tree
from knowledge.models import ArticlePage
from tests.conftest import make_user
from tests.test_legal_review import make_article


def residence():
    return LegalDomain.objects.get(slug="residence")


def article_form(article=None, **overrides):
    """The admin form of an article as an editor fills it in."""
    fields = {
        "title": "Verblijfskaart verlengen",
        "slug": "verblijfskaart-verlengen",
        "summary": "Vraag de verlenging aan bij de gemeente.",
        "body": streamfield([("rich_text", rich_text("<p>Ga naar het loket.</p>"))]),
        "legal_domains": [residence().pk],
        "audience": "public",
        "review_interval_months": 6,
        "tags": "",
    }
    if article is not None:
        fields.update(
            title=article.title,
            slug=article.slug,
            summary=article.summary,
            body=streamfield(
                [("rich_text", rich_text(block.value.source)) for block in article.body]
            ),
            legal_domains=[domain.pk for domain in article.legal_domains.all()],
            audience=article.audience,
        )
    fields.update(overrides)
    domains = fields.pop("legal_domains")
    data = nested_form_data(fields)
    data["legal_domains"] = domains
    # Wagtail's "comments" inline formset
    data.update(
        {
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        }
    )
    return data


@pytest.fixture
def editors(db):
    return make_user(roles.EDITOR, "eva"), make_user(roles.EDITOR, "rik")


def index_page(language="nl"):
    return tree.ensure_index(Locale.objects.get(language_code=language), residence())


# --- A: no publishing around the workflow ----------------------------------------------------


def test_a_new_article_with_publish_is_submitted_and_not_live(client, editors):
    editor = editors[0]
    client.force_login(editor)
    parent = index_page()
    response = client.post(
        f"/admin/pages/add/knowledge/articlepage/{parent.pk}/",
        {**article_form(), "action-publish": "1"},
    )
    assert response.status_code == 302, response.context["form"].errors
    article = ArticlePage.objects.get(slug="verblijfskaart-verlengen")
    assert not article.live and article.live_revision is None
    assert article.workflow_in_progress  # it went to Legal review instead
    assert client.get(article.url or "/nl/").status_code in (200, 404)
    assert not ArticlePage.objects.live().filter(pk=article.pk).exists()


def test_the_create_form_offers_no_publish_button(client, editors):
    client.force_login(editors[0])
    html = client.get(f"/admin/pages/add/knowledge/articlepage/{index_page().pk}/").content
    assert b'name="action-publish"' not in html


def test_copy_with_publish_copies_makes_a_draft(client, editors):
    article = make_article("verblijfskaart", reviewed=datetime.date(2026, 1, 1))
    client.force_login(editors[0])
    response = client.post(
        f"/admin/pages/{article.pk}/copy/",
        {
            "new_title": "Verblijfskaart (kopie)",
            "new_slug": "verblijfskaart-kopie",
            "new_parent_page": str(article.get_parent().pk),
            "publish_copies": "on",
        },
    )
    assert response.status_code == 302
    copy = ArticlePage.objects.get(slug="verblijfskaart-kopie")
    assert not copy.live


def test_moving_a_published_article_is_refused(client, editors):
    article = make_article("verblijfskaart")
    other = tree.ensure_index(
        Locale.objects.get(language_code="nl"), LegalDomain.objects.get(slug="nationality")
    )
    client.force_login(editors[0])
    response = client.post(f"/admin/pages/{article.pk}/move/{other.pk}/confirm/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.get_parent().pk != other.pk and article.live
    # A draft article may move: nothing is published by it.
    draft = make_article("nog-niet-klaar", publish=False)
    ArticlePage.objects.filter(pk=draft.pk).update(live=False)
    client.post(f"/admin/pages/{draft.pk}/move/{other.pk}/confirm/")
    draft.refresh_from_db()
    assert draft.get_parent().pk == other.pk and not draft.live


def test_bulk_publish_does_not_publish_drafts(client, editors):
    article = make_article("verblijfskaart")
    article.summary = "Niet nagekeken wijziging."
    article.save_revision(user=editors[0])
    draft = make_article("nieuw", publish=False)
    ArticlePage.objects.filter(pk=draft.pk).update(live=False)
    client.force_login(editors[0])
    parent = article.get_parent()
    client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={article.pk}&id={draft.pk}&childOf={parent.pk}",
        {"include_descendants": ""},
    )
    assert ArticlePage.objects.get(pk=article.pk).summary == "Samenvatting."
    assert not ArticlePage.objects.get(pk=draft.pk).live


def test_scheduled_publication_needs_an_approval(client, editors):
    article = make_article("verblijfskaart")
    client.force_login(editors[0])
    past = (timezone.now() - datetime.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M")
    future = (timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    for go_live_at in (future, past):
        client.post(
            f"/admin/pages/{article.pk}/edit/",
            {
                **article_form(article, summary="Ongecontroleerd."),
                "go_live_at": go_live_at,
                "action-publish": "1",
            },
        )
    call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.summary == "Samenvatting."
    assert not article.revisions.filter(approved_go_live_at__isnull=False).exists()


def test_reverting_to_an_old_revision_goes_to_review(client, editors):
    article = make_article("verblijfskaart")
    old = article.live_revision
    article.summary = "Nagekeken tweede versie."
    revision = article.save_revision()
    revision.publish()
    client.force_login(editors[0])
    response = client.post(
        f"/admin/pages/{article.pk}/edit/",
        {
            **article_form(article, summary="Samenvatting."),
            "revision": old.pk,
            "action-publish": "1",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.summary == "Nagekeken tweede versie."
    assert article.workflow_in_progress


def test_an_editor_cannot_publish_directly_even_after_an_approval(editors):
    article = make_article("verblijfskaart")
    article.save_revision(user=editors[0])
    review.submit_for_review(article, editors[0])
    TaskState.objects.reviewable_by(editors[1]).get().approve(user=editors[1])
    article.refresh_from_db()
    assert article.live
    # The approved revision is live: publishing again directly is still not the editor's.
    assert not article.permissions_for_user(editors[0]).can_publish()


# --- B: legal review that works --------------------------------------------------------------


def in_review(editor, **changes):
    article = make_article("verblijfskaart", reviewed=None)
    for name, value in changes.items():
        setattr(article, name, value)
    article.save_revision(user=editor)
    review.submit_for_review(article, editor)
    return ArticlePage.objects.get(pk=article.pk)


def test_edit_in_review_then_approve_from_the_edit_page_publishes(client, editors):
    writer, checker = editors
    article = in_review(writer, summary="Eerste versie.")
    client.force_login(checker)
    # The second editor saves a draft first...
    client.post(
        f"/admin/pages/{article.pk}/edit/", article_form(article, summary="Verbeterde versie.")
    )
    # ...then approves from the edit page, with one more change.
    response = client.post(
        f"/admin/pages/{article.pk}/edit/",
        {
            **article_form(article, summary="Definitieve versie."),
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.live and article.summary == "Definitieve versie."
    assert not article.has_unpublished_changes
    assert article.last_review_date == timezone.localdate()
    assert article.reviewer
    html = client.get(article.url).content.decode()
    assert timezone.localdate().strftime("%Y") in html and "Definitieve versie." in html


def test_edit_in_review_then_approve_from_the_dashboard_publishes(client, editors):
    writer, checker = editors
    article = in_review(writer, summary="Eerste versie.")
    client.force_login(checker)
    client.post(
        f"/admin/pages/{article.pk}/edit/", article_form(article, summary="Verbeterde versie.")
    )
    dashboard = client.get("/admin/").content.decode()
    assert "Verblijfskaart" in dashboard
    state = TaskState.objects.reviewable_by(checker).get()
    response = client.post(
        f"/admin/pages/workflow/action/{article.pk}/approve/{state.pk}/", follow=True
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.live and article.summary == "Verbeterde versie."
    assert article.last_review_date == timezone.localdate()


def test_four_eyes_the_submitter_cannot_approve(client, editors):
    writer, checker = editors
    article = in_review(writer, summary="Eerste versie.")
    assert not TaskState.objects.reviewable_by(writer).exists()
    task = article.current_workflow_task
    assert "approve" not in [name for name, *_rest in task.get_actions(article, writer)]
    client.force_login(writer)
    state = article.current_workflow_task_state
    client.post(f"/admin/pages/workflow/action/{article.pk}/approve/{state.pk}/")
    article.refresh_from_db()
    assert article.summary == "Samenvatting."
    html = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert 'data-workflow-action-name="approve"' not in html
    with override_settings(LEGAL_REVIEW_ALLOW_SELF_APPROVAL=True):
        assert "approve" in [name for name, *_rest in task.get_actions(article, writer)]


def promoted_draft(editor, **fields):
    from knowledge.promotion import create_article_draft

    return create_article_draft(
        domain=residence(),
        language_code="ar",
        title="بطاقة الإقامة انتهت",
        body_markdown="اذهب إلى البلدية قبل انتهاء البطاقة.",
        user=editor,
        **fields,
    )


def test_a_placeholder_summary_cannot_be_approved(client, editors):
    specialist = make_user(roles.SPECIALIST, "sam")
    article = promoted_draft(specialist)
    assert article.slug != "article"  # an Arabic title keeps an Arabic slug
    checker = editors[1]
    client.force_login(checker)
    state = TaskState.objects.reviewable_by(checker).get()
    # From the dashboard: not approved; the edit page says why.
    response = client.post(
        f"/admin/pages/workflow/action/{article.pk}/approve/{state.pk}/", follow=True
    )
    article.refresh_from_db()
    assert not article.live
    assert review.approval_refusal(article, checker) in response.content.decode()
    # From the edit page: the error is shown at the field, in the editor's language.
    response = client.post(
        f"/admin/pages/{article.pk}/edit/",
        {
            **article_form(article),
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
        },
    )
    assert response.status_code == 200
    assert "placeholder" in response.content.decode() or "plaatshouder" in (
        response.content.decode()
    )
    article.refresh_from_db()
    assert not article.live
    # Once written, the same editor approves it.
    client.post(
        f"/admin/pages/{article.pk}/edit/",
        {
            **article_form(article, summary="إذا انتهت بطاقتك، اذهب إلى البلدية."),
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
        },
    )
    article.refresh_from_db()
    assert article.live and article.last_review_date == timezone.localdate()


def test_empty_body_and_placeholder_slug_cannot_be_approved(editors):
    article = promoted_draft(editors[0], summary="Een echte samenvatting.")
    article.body = []
    article.slug = "article"
    article.save_revision(user=editors[0])
    problems = review.publication_problems(article.get_latest_revision_as_object())
    assert set(problems) == {"body", "slug"}
    state = TaskState.objects.reviewable_by(editors[1]).get()
    state.task.specific.on_action(state, editors[1], "approve")
    assert not ArticlePage.objects.get(pk=article.pk).live


def test_the_stored_task_is_the_legal_review_task(db):
    task = review.legal_review_workflow().tasks.first().specific
    assert isinstance(task, review.LegalReviewTask)


@pytest.mark.django_db
def test_demo_data_has_two_editors(monkeypatch):
    from django.contrib.auth import get_user_model

    from demo import knowledge_base as knowledge_demo
    from tests.test_knowledge import DATA

    # The accounts are the point: four articles instead of the whole content (its import is
    # what tests/test_relevance.py seeds and searches).
    monkeypatch.setattr(knowledge_demo, "CONTENT_DIR", DATA)
    call_command("seed_demo", force=True)
    editors = get_user_model().objects.filter(groups__name=roles.EDITOR)
    assert editors.count() >= 2


def test_bulk_moving_a_published_article_is_refused(client, editors):
    article = make_article("verblijfskaart")
    other = tree.ensure_index(
        Locale.objects.get(language_code="nl"), LegalDomain.objects.get(slug="nationality")
    )
    client.force_login(editors[0])
    response = client.post(
        f"/admin/bulk/wagtailcore/page/move/?id={article.pk}&childOf={article.get_parent().pk}",
        {"chooser": str(other.pk)},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.get_parent().pk != other.pk and article.live
