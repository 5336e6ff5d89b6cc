"""Legal review: the workflow every publication goes through, editors' listings, reminders, and
promotion of an answer to a draft article."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.models import Locale, TaskState, Workflow
from wagtail.rich_text import RichText

from backoffice import roles
from backoffice.models import AuditEvent, LegalDomain
from knowledge import review, tree
from knowledge.models import ArticlePage
from tests import factories
from tests.conftest import make_user
from tests.i18n import in_dutch_html
from tests.test_tickets_model import PDF_BYTES
from tickets import lifecycle, promotion
from tickets.models import ArticleProposal, Message, Status


def make_article(slug, *, language="nl", reviewed=None, interval=6, publish=True, **fields):
    locale = Locale.objects.get(language_code=language)
    index_page = tree.ensure_index(locale, LegalDomain.objects.get(slug="residence"))
    article = ArticlePage(
        title=slug.replace("-", " ").title(),
        slug=slug,
        locale=locale,
        summary="Samenvatting.",
        body=[("rich_text", RichText("<p>Tekst.</p>"))],
        last_review_date=reviewed,
        review_interval_months=interval,
        **fields,
    )
    article.legal_domains = [LegalDomain.objects.get(slug="residence")]
    index_page.add_child(instance=article)
    revision = article.save_revision()
    if publish:
        revision.publish()  # as the importer does: reviewed content, no user
    return ArticlePage.objects.get(pk=article.pk)


# --- the workflow -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_legal_review_workflow_exists_with_an_editors_task():
    workflow = Workflow.objects.get(name=review.WORKFLOW_NAME)
    tasks = [task.specific for task in workflow.tasks]
    assert workflow.active and len(tasks) == 1
    assert list(tasks[0].groups.values_list("name", flat=True)) == [roles.EDITOR]


@pytest.mark.django_db
def test_an_editor_cannot_publish_an_article_directly():
    editor = make_user(roles.EDITOR, "eva")
    article = make_article("verblijfskaart", reviewed=datetime.date(2026, 10, 1))
    article.summary = "Nieuwe samenvatting."
    revision = article.save_revision(user=editor)
    assert article.has_workflow
    assert not article.permissions_for_user(editor).can_publish()
    with pytest.raises(PublishPagePermissionError):
        revision.publish(user=editor)
    superuser = make_user("superuser", "root")
    with pytest.raises(PublishPagePermissionError):
        revision.publish(user=superuser)
    assert ArticlePage.objects.get(pk=article.pk).summary == "Samenvatting."


@pytest.mark.django_db
def test_the_editor_form_offers_review_instead_of_publish(client):
    editor = make_user(roles.EDITOR, "eva")
    article = make_article("verblijfskaart")
    client.force_login(editor)
    html = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html


@pytest.mark.django_db
def test_approval_in_legal_review_publishes():
    writer = make_user(roles.EDITOR, "eva")
    reviewer = make_user(roles.EDITOR, "rik")
    article = make_article("verblijfskaart")
    article.summary = "Herziene samenvatting."
    article.save_revision(user=writer)
    review.submit_for_review(article, writer)
    state = TaskState.objects.reviewable_by(reviewer).get()
    state.approve(user=reviewer)
    article.refresh_from_db()
    assert article.live and article.summary == "Herziene samenvatting."
    assert not article.has_unpublished_changes


# --- listings and reminder -----------------------------------------------------------------------


@pytest.mark.django_db
def test_due_for_review_lists_articles_past_their_interval(client):
    today = timezone.localdate()
    overdue = make_article("oud", reviewed=today - datetime.timedelta(days=200), interval=6)
    make_article("recent", reviewed=today - datetime.timedelta(days=20), interval=6)
    never = make_article("nooit", reviewed=None)
    assert [article.pk for article in review.due_for_review()] == [never.pk, overdue.pk]

    client.force_login(make_user(roles.EDITOR))
    html = client.get("/admin/knowledge/due-for-review/").content.decode()
    assert "Oud" in html and "Nooit" in html and "Recent" not in html


@pytest.mark.django_db
def test_outdated_translations_are_listed(client):
    source = make_article("verblijfskaart", reviewed=timezone.localdate())
    english = Locale.objects.get(language_code="en")
    tree.ensure_index(english, LegalDomain.objects.get(slug="residence"))
    translation = source.copy_for_translation(english)
    translation.save_revision().publish()
    assert not review.outdated_translations().exists()
    source.refresh_from_db()
    source.summary = "Gewijzigd."
    source.save_revision().publish()
    assert list(review.outdated_translations()) == [ArticlePage.objects.get(pk=translation.pk)]
    client.force_login(make_user(roles.EDITOR))
    html = client.get("/admin/knowledge/outdated-translations/").content.decode()
    assert f"/admin/pages/{translation.pk}/edit/" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.SPECIALIST, roles.COORDINATOR, roles.PROFESSIONAL])
def test_review_listings_are_for_editors(client, role):
    client.force_login(make_user(role))
    for url in ("/admin/knowledge/due-for-review/", "/admin/knowledge/outdated-translations/"):
        assert client.get(url).status_code in (302, 403)


@pytest.mark.django_db
def test_weekly_reminder_tells_editors_and_only_when_there_is_work():
    make_user(roles.EDITOR, "eva")
    make_user(roles.SPECIALIST, "sam")
    make_article("recent", reviewed=timezone.localdate())
    assert review.send_review_reminders() == 0 and not mail.outbox
    make_article("oud", reviewed=timezone.localdate() - datetime.timedelta(days=400))
    assert review.send_review_reminders() == 1
    assert mail.outbox[0].to == ["eva@example.org"]
    assert "/admin/knowledge/due-for-review/" in mail.outbox[0].body
    assert "Oud" not in mail.outbox[0].body  # counts and links only


@pytest.mark.django_db
def test_the_reminder_is_scheduled_weekly():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func=review.REMINDER_FUNC)
    assert schedule.schedule_type == Schedule.WEEKLY and schedule.repeats == -1


# --- promotion -----------------------------------------------------------------------------------


@pytest.fixture
def answered(db):
    antwerpen, gent = factories.regions("antwerpen", "gent").values()
    place = antwerpen.municipalities.get()
    specialist = make_user(roles.SPECIALIST, "sam", regions=[antwerpen])
    specialist.first_name, specialist.last_name = "Sam", "Peeters"
    specialist.save()
    question = factories.question(
        subject="Verlenging kaart van Amina Benali",
        body="Mijn kaart vervalt.",
        contact_language="en",
        municipality=place,
        files=[SimpleUploadedFile("brief.pdf", PDF_BYTES)],
    )
    lifecycle.change_status(question, Status.OPEN, actor=specialist, actor_kind="staff")
    lifecycle.add_message(
        question,
        body=(
            "Beste mevrouw Benali,\n\nVraag de verlenging aan bij uw gemeente, uiterlijk 30 "
            "dagen voor de vervaldatum. Bel ons op 0470 12 34 56 of mail naar "
            "amina.benali@example.org als het loket weigert (dossier "
            f"{question.reference}).\n\nMet vriendelijke groeten,\nSam Peeters"
        ),
        author_kind=Message.AuthorKind.STAFF,
        author=specialist,
        internal=False,
    )
    question.refresh_from_db()
    return {"question": question, "specialist": specialist, "gent": gent}


def test_promotion_makes_a_redacted_draft_in_review(answered):
    question, specialist = answered["question"], answered["specialist"]
    proposal = promotion.propose_article(question, user=specialist)
    article = proposal.article
    text = article.body_text()
    for personal in ("Benali", "0470", "amina.benali@", question.reference, "Peeters"):
        assert personal not in text and personal not in article.title
    assert "30 dagen" in text
    assert not article.live and article.locale.language_code == "en"
    assert list(article.legal_domains.values_list("slug", flat=True)) == ["residence"]
    assert article.get_parent().specific.legal_domain.slug == "residence"
    assert proposal.redactions >= 5
    assert article.workflow_in_progress
    editor = make_user(roles.EDITOR, "eva")
    reviewable = TaskState.objects.reviewable_by(editor)
    assert [state.revision.object_id for state in reviewable] == [str(article.pk)]
    assert AuditEvent.objects.filter(action="question.promoted", target_id=str(question.pk))
    # Proposing again returns the same draft.
    assert promotion.propose_article(question, user=specialist).pk == proposal.pk
    assert ArticlePage.objects.count() == 1


def test_only_answered_visible_questions_can_be_promoted(answered):
    question = answered["question"]
    other = make_user(roles.SPECIALIST, "gina", regions=[answered["gent"]])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        promotion.propose_article(question, user=other)
    lifecycle.change_status(
        question, Status.WAITING, actor=answered["specialist"], actor_kind="staff"
    )
    with pytest.raises(ValidationError):
        promotion.propose_article(question, user=answered["specialist"])
    assert not ArticleProposal.objects.exists()


def test_propose_from_the_workspace(client, answered):
    question = answered["question"]
    url = f"/admin/questions/{question.pk}/propose-article/"
    client.force_login(make_user(roles.SPECIALIST, "gina", regions=[answered["gent"]]))
    assert client.post(url).status_code in (302, 404)  # LocaleMiddleware redirects 404s
    assert not ArticleProposal.objects.exists()
    client.force_login(answered["specialist"])
    assert client.get(url).status_code == 405
    workspace = client.get(f"/admin/questions/{question.pk}/workspace/").content.decode()
    assert in_dutch_html("Propose as article") in workspace
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert ArticleProposal.objects.filter(question=question).exists()
    assert in_dutch_html("Propose as article") not in response.content.decode()


def test_the_workspace_says_when_a_question_can_be_proposed(client, answered):
    """Before the answer, the knowledge-base panel says what it is for instead of staying empty."""
    specialist = answered["specialist"]
    unanswered = factories.question(
        subject="Nog geen antwoord", municipality=answered["question"].municipality
    )
    client.force_login(specialist)
    workspace = client.get(f"/admin/questions/{unanswered.pk}/workspace/").content.decode()
    hint = in_dutch_html(
        "Once the question is answered, you can propose the answer as a draft article here."
    )
    assert hint in workspace
    assert in_dutch_html("Propose as article") not in workspace
    answered_page = client.get(f"/admin/questions/{answered['question'].pk}/workspace/")
    assert hint not in answered_page.content.decode()
