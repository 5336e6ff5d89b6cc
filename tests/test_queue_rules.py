"""The queue's quick views and order as one QuestionQuerySet (the queue, the home panel and sla
use the same), the forms that only parse input and show the lifecycle's errors (closing in the
workspace and in bulk), and the deletion of questions that nobody may do by hand."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice import roles
from tests import factories
from tests.conftest import make_user
from tests.i18n import in_dutch, in_dutch_html
from tickets import access, lifecycle
from tickets.models import QUICK_VIEWS, Outcome, Question, QuestionQuerySet, Status


@pytest.fixture
def world(db):
    antwerpen, gent = factories.regions("antwerpen", "gent").values()
    sam = make_user(roles.SPECIALIST, "sam", regions=[antwerpen])
    noor = make_user(roles.SPECIALIST, "noor", regions=[antwerpen])
    today = timezone.localdate()

    def ask(region=antwerpen, deadline=None):
        return factories.question(municipality=region.municipalities.first(), deadline=deadline)

    # The states a working queue holds: mine, someone else's, unassigned, late, near a legal
    # deadline, waiting, closed, and another region's.
    questions = {
        "mine": ask(),
        "noor": ask(),
        "unassigned": ask(),
        "late": ask(),
        "soon": ask(deadline=today + timedelta(days=3)),
        "later": ask(deadline=today + timedelta(days=30)),
        "waiting": ask(),
        "closed": ask(),
        "gent": ask(gent),
    }
    lifecycle.assign(questions["mine"], sam, actor=sam)
    lifecycle.assign(questions["noor"], noor, actor=noor)
    Question.objects.filter(pk=questions["late"].pk).update(answer_due=today - timedelta(days=2))
    lifecycle.change_status(questions["waiting"], Status.WAITING, actor=sam, actor_kind="staff")
    lifecycle.close(questions["closed"], Outcome.ANSWERED, actor=sam)
    return {"sam": sam, "noor": noor, "questions": questions}


def references(response):
    html = response.content.decode()
    return {q.reference for q in Question.objects.all() if q.reference in html}


@pytest.mark.django_db
def test_quick_views_chain_on_what_the_user_may_see(world):
    sam, questions = world["sam"], world["questions"]
    visible = access.staff_questions(sam)
    assert isinstance(visible, QuestionQuerySet)
    pks = {name: question.pk for name, question in questions.items()}

    def view(name):
        found = set(visible.quick_view(name, sam).values_list("pk", flat=True))
        return {name for name, pk in pks.items() if pk in found}

    assert view("mine") == {"mine"}
    assert view("unassigned") == {"unassigned", "late", "soon", "later", "waiting"}
    assert view("overdue") == {"late"}
    assert view("deadline") == {"soon"}
    assert view("waiting") == {"waiting"}
    assert view("unknown") == set(pks) - {"gent"}
    assert set(visible.open().values_list("pk", flat=True)) == {
        pk for name, pk in pks.items() if name not in ("closed", "gent")
    }
    # Legal deadlines first, by deadline; then by answer due date (late before the rest).
    ordered = list(visible.open().queue_order().values_list("pk", flat=True))
    assert ordered[:3] == [pks["soon"], pks["later"], pks["late"]]
    # A listing of closed questions is an archive: newest first.
    archive = visible.default_order(["closed", "new"], "", "")
    assert archive.query.order_by == ("-created_at", "-pk")
    assert visible.default_order([], "overdue", "").query.order_by == (
        visible.queue_order().query.order_by
    )
    annotated = visible.with_effective_due().get(pk=pks["soon"])
    assert annotated.effective_due == questions["soon"].legal_deadline


@pytest.mark.django_db
def test_home_panel_counts_what_the_queue_lists(client, world):
    client.force_login(world["sam"])
    home = client.get("/admin/").content.decode()
    for name in ("mine", "unassigned", "overdue", "deadline"):
        label = in_dutch_html(str(QUICK_VIEWS[name]))
        found = re.search(
            rf'<a href="/admin/questions/\?view={name}">{re.escape(label)}</a></th><td>(\d+)</td>',
            home,
        )
        assert found, name
        listed = references(client.get("/admin/questions/", {"view": name}))
        assert int(found.group(1)) == len(listed) > 0, name


@pytest.mark.django_db
def test_closing_in_the_workspace_shows_the_lifecycles_errors_and_keeps_the_input(client, world):
    question = world["questions"]["unassigned"]
    url = f"/admin/questions/{question.pk}/workspace/"
    client.force_login(world["sam"])

    # No outcome: the lifecycle's reason, on the outcome field; the typed service is kept.
    response = client.post(url, {"action": "close", "outcome": "", "service": "CAW Antwerpen"})
    assert response.status_code == 400
    html = response.content.decode()
    assert in_dutch_html("Choose how the question ended.") in html
    assert 'value="CAW Antwerpen"' in html
    form = response.context["close_form"]
    assert list(form.errors) == ["outcome"]

    # Referred to another service without naming it: on the service field.
    response = client.post(url, {"action": "close", "outcome": Outcome.OTHER_SERVICE})
    assert response.status_code == 400
    assert list(response.context["close_form"].errors) == ["service"]
    assert in_dutch_html("Name the service the requester was referred to.") in (
        response.content.decode()
    )
    question.refresh_from_db()
    assert question.status != Status.CLOSED and question.outcome == ""

    # A refusal that is not about the input (closing twice) comes back as a message.
    lifecycle.close(question, Outcome.ANSWERED, actor=world["sam"])
    response = client.post(url, {"action": "close", "outcome": Outcome.ANSWERED}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.django_db
def test_bulk_close_says_the_lifecycles_reason_once(client, world):
    questions = world["questions"]
    ids = [questions["unassigned"].pk, questions["late"].pk]
    client.force_login(world["sam"])
    response = client.post(
        "/admin/questions/bulk/", {"action": "close", "question": ids}, follow=True
    )
    texts = [str(message) for message in response.context["messages"]]
    assert texts == [in_dutch("Choose how the question ended.")]
    response = client.post(
        "/admin/questions/bulk/",
        {"action": "close", "outcome": Outcome.OTHER_SERVICE, "question": ids},
        follow=True,
    )
    texts = [str(message) for message in response.context["messages"]]
    assert texts == [in_dutch("Name the service the requester was referred to.")]
    assert not Question.objects.filter(pk__in=ids, status=Status.CLOSED).exists()
    client.post(
        "/admin/questions/bulk/",
        {"action": "close", "outcome": Outcome.OTHER_SERVICE, "service": "CAW", "question": ids},
    )
    assert set(Question.objects.filter(pk__in=ids).values_list("status", "outcome_service")) == {
        (Status.CLOSED, "CAW")
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["sam", "superuser"])
def test_nobody_deletes_a_question_by_hand(client, world, who):
    """Questions end through retention (anonymisation), never by the admin's delete view."""
    user = world["sam"] if who == "sam" else make_user("superuser", "root")
    question = world["questions"]["unassigned"]
    client.force_login(user)
    url = f"/admin/questions/delete/{question.pk}/"
    for response in (client.get(url), client.post(url)):
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or response["Location"] != "/admin/questions/"
    assert Question.objects.filter(pk=question.pk).exists()
