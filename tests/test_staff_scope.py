"""One staff scope (tickets.access.staff_scope): the queryset, the search visibility terms, the
assignee choices, the new-question and escalation recipients and the queue's filters are all
built from it, and agree with each other with SPECIALISTS_SEE_ONLY_THEIR_DOMAINS on and off."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db.models import Q
from django.utils import timezone

from backoffice import roles
from backoffice.models import LegalDomain
from tests import factories
from tests.conftest import make_user
from tickets import access, lifecycle, notifications, queue_views
from tickets.models import Question
from tickets.search_index import QuestionKind
from tickets.sla import escalation

NARROWED = pytest.mark.parametrize("narrowed", [True, False], ids=["domains-on", "domains-off"])


@pytest.fixture
def world(db):
    regions = {
        "a": factories.region("a", postcode="2000"),
        "b": factories.region("b", postcode="9000"),
    }
    a, b = regions["a"], regions["b"]
    users = {
        "root": make_user("superuser", "root"),
        "sam": make_user(roles.SPECIALIST, "sam", regions=[a]),
        "hanna": make_user(roles.SPECIALIST, "hanna", regions=[a], domains=["housing"]),
        "both": make_user(roles.SPECIALIST, "both", regions=[a, b], domains=["residence"]),
        "piet": make_user(roles.SPECIALIST, "piet", regions=[b]),
        "nowhere": make_user(roles.SPECIALIST, "nowhere"),
        "coco": make_user(roles.COORDINATOR, "coco", regions=[a], domains=["housing"]),
        # Both roles: a coordinator is never narrowed to domains, whatever else they hold.
        "lead": make_user(roles.COORDINATOR, "lead", regions=[a], domains=["housing"]),
        "gone": make_user(roles.SPECIALIST, "gone", regions=[a]),
        "pro": make_user(roles.PROFESSIONAL, "pro", regions=[a]),
        "editor": make_user(roles.EDITOR, "editor", regions=[a]),
    }
    users["lead"].groups.add(Group.objects.get(name=roles.SPECIALIST))
    users["gone"].is_active = False
    users["gone"].save()

    def ask(region, domain):
        return factories.question(
            domain=domain,
            subject=f"{domain} in {region.name}",
            municipality=region.municipalities.first(),
        )

    questions = {
        "a-residence": ask(a, "residence"),
        "a-housing": ask(a, "housing"),
        "b-residence": ask(b, "residence"),
        "b-housing": ask(b, "housing"),
    }
    return {"regions": regions, "users": users, "questions": questions}


def names(users):
    return {user.username for user in users}


# Who handles which question, written out once for both settings (the expectation of every
# consumer below).
HANDLES = {
    True: {
        "root": {"a-residence", "a-housing", "b-residence", "b-housing"},
        "sam": {"a-residence", "a-housing"},
        "hanna": {"a-housing"},
        "both": {"a-residence", "b-residence"},
        "piet": {"b-residence", "b-housing"},
        "coco": {"a-residence", "a-housing"},
        "lead": {"a-residence", "a-housing"},
    },
    False: {
        "root": {"a-residence", "a-housing", "b-residence", "b-housing"},
        "sam": {"a-residence", "a-housing"},
        "hanna": {"a-residence", "a-housing"},
        "both": {"a-residence", "a-housing", "b-residence", "b-housing"},
        "piet": {"b-residence", "b-housing"},
        "coco": {"a-residence", "a-housing"},
        "lead": {"a-residence", "a-housing"},
    },
}


def handlers(narrowed, question_name, among):
    return {name for name in among if question_name in HANDLES[narrowed].get(name, set())}


@pytest.mark.django_db
@NARROWED
def test_queryset_follows_the_scope(world, settings, narrowed):
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    questions = world["questions"]
    by_pk = {question.pk: name for name, question in questions.items()}
    for name, user in world["users"].items():
        seen = {by_pk[pk] for pk in access.staff_questions(user).values_list("pk", flat=True)}
        assert seen == HANDLES[narrowed].get(name, set()), name
        scope = access.staff_scope(user)
        # The scope's own test, in Python, says the same as the queryset.
        assert {n for n, q in questions.items() if scope.covers(q)} == seen, name
    assert access.staff_scope(world["users"]["nowhere"]).nothing
    assert access.staff_scope(world["users"]["gone"]).nothing
    assert access.staff_scope(world["users"]["root"]).everything


@pytest.mark.django_db
@NARROWED
def test_covering_is_the_scope_read_the_other_way(world, settings, narrowed):
    """For every question, the holders of a role who cover it are exactly those whose scope
    holds it: whoever is told about a question can open it, and the other way round."""
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    users = world["users"]
    for question in world["questions"].values():
        for role in (roles.SPECIALIST, roles.COORDINATOR):
            expected = {
                name
                for name, user in users.items()
                if user.is_active
                and user.groups.filter(name=role).exists()
                and access.staff_questions(user).filter(pk=question.pk).exists()
            }
            assert names(access.staff_covering(question, role)) == expected, (question, role)


@pytest.mark.django_db
@NARROWED
def test_assignee_choices(world, settings, narrowed):
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    specialists = {"sam", "hanna", "both", "piet", "lead", "nowhere", "gone"}
    for question_name, question in world["questions"].items():
        assert names(lifecycle.eligible_assignees(question)) == handlers(
            narrowed, question_name, specialists
        ), question_name
    residence = world["questions"]["a-residence"]
    assert lifecycle.can_be_assigned(residence, world["users"]["hanna"]) is not narrowed
    # The lifecycle refuses the same people the choices leave out.
    residence.assignee = world["users"]["hanna"]
    if narrowed:
        with pytest.raises(lifecycle.ValidationError):
            lifecycle.update_triage(residence, ["assignee"], actor=world["users"]["sam"])
    else:
        lifecycle.update_triage(residence, ["assignee"], actor=world["users"]["sam"])
        assert Question.objects.get(pk=residence.pk).assignee == world["users"]["hanna"]


@pytest.mark.django_db
@NARROWED
def test_new_question_mail_goes_to_the_specialists_who_can_open_it(world, settings, narrowed):
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    specialists = {"sam", "hanna", "both", "piet", "lead", "nowhere", "gone"}
    for question_name, question in world["questions"].items():
        mail.outbox.clear()
        expected = handlers(narrowed, question_name, specialists)
        assert notifications.notify_staff_of_new_question(question.pk) == len(expected)
        # One mail each (tickets.notifications): no one sees the others' addresses.
        assert sorted(message.to for message in mail.outbox) == sorted(
            [f"{name}@example.org"] for name in expected
        )


@pytest.mark.django_db
@NARROWED
def test_escalation_mail_goes_to_who_handles_the_question(world, settings, narrowed):
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    users, questions = world["users"], world["questions"]
    yesterday = timezone.localdate() - timedelta(days=1)
    # One overdue question without an assignee, one assigned: escalated by the worker's task.
    unassigned, assigned = questions["a-residence"], questions["a-housing"]
    lifecycle.assign(assigned, users["hanna"], actor=users["sam"])
    Question.objects.filter(pk__in=[unassigned.pk, assigned.pk]).update(answer_due=yesterday)
    mail.outbox.clear()
    assert escalation.escalate_due() == 2
    sent = {}
    for message in mail.outbox:
        (address,) = message.to  # one mail per person: no one sees the others' addresses
        question = next(q for q in questions.values() if q.reference in message.subject)
        sent.setdefault(question.pk, []).append(address)
    specialists = {"sam", "hanna", "both", "lead"}
    coordinators = {"coco", "lead"}
    expected = handlers(narrowed, "a-residence", specialists) | coordinators
    assert sorted(sent[unassigned.pk]) == sorted(f"{name}@example.org" for name in expected)
    # Assigned: the assignee and the coordinators only.
    assert sorted(sent[assigned.pk]) == sorted(
        f"{name}@example.org" for name in {"hanna", *coordinators}
    )


@pytest.mark.django_db
@NARROWED
def test_search_visibility_terms(world, settings, narrowed):
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    users, regions = world["users"], world["regions"]
    kind = QuestionKind()
    a, b = str(regions["a"].pk), str(regions["b"].pk)
    hanna = kind.visibility(users["hanna"])
    assert hanna.terms == (
        {"region": [a], "legal_domain": ["housing"]} if narrowed else {"region": [a]}
    )
    both = kind.visibility(users["both"])
    expected = {"region": sorted([a, b])}
    if narrowed:
        expected["legal_domain"] = ["residence"]
    assert {k: sorted(v) for k, v in both.terms.items()} == expected
    # Coordinators are never narrowed; the database rule is the same scope's queryset.
    assert kind.visibility(users["coco"]).terms == {"region": [a]}
    assert set(kind.visibility(users["hanna"]).queryset) == set(
        access.staff_questions(users["hanna"])
    )
    assert kind.visibility(users["root"]).terms is None
    for name in ("pro", "editor", "nowhere", "gone"):
        assert kind.visibility(users[name]).nothing, name


@pytest.mark.django_db
@NARROWED
def test_queue_filters_offer_what_the_scope_holds(client, world, settings, narrowed):
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    users, regions = world["users"], world["regions"]
    choices = queue_views.filter_choices(users["hanna"])
    assert list(choices["region"]) == [regions["a"]]
    assert {m.postcode for m in choices["municipality"]} == {"2000"}
    assert {d.slug for d in choices["legal_domain"]} == (
        {"housing"} if narrowed else set(LegalDomain.objects.values_list("slug", flat=True))
    )
    # Specialists who handle at least one question hanna sees ("both" handles only residence).
    expected = {"sam", "hanna", "lead"} if narrowed else {"sam", "hanna", "both", "lead"}
    assert names(choices["assignee"]) == expected
    assert names(queue_views.filter_choices(users["root"])["assignee"]) == {
        "sam", "hanna", "both", "piet", "lead"
    }  # fmt: skip
    assert names(queue_views.filter_choices(users["pro"])["assignee"]) == set()

    # The listing offers the same choices, and filters by them.
    client.force_login(users["hanna"])
    response = client.get("/admin/questions/", {"assignee": users["both"].pk})
    form = response.context["filters"].form
    assert names(form.fields["assignee"].queryset) == expected
    assert form.is_valid() is not narrowed


@pytest.mark.django_db
@NARROWED
def test_bulk_assignment_offers_the_scope_and_the_lifecycle_decides(
    client, world, settings, narrowed
):
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    users, questions = world["users"], world["questions"]
    client.force_login(users["sam"])
    response = client.post(
        "/admin/questions/bulk/",
        {
            "action": "assign",
            "assignee": users["hanna"].pk,
            "question": [questions["a-residence"].pk, questions["a-housing"].pk],
            "next": "/admin/questions/",
        },
        follow=True,
    )
    assert response.status_code == 200
    assigned = set(Question.objects.filter(assignee=users["hanna"]).values_list("pk", flat=True))
    if narrowed:
        # Hanna does not handle residence: that one is refused with the lifecycle's reason.
        assert assigned == {questions["a-housing"].pk}
        text = " ".join(str(m) for m in response.context["messages"])
        assert questions["a-residence"].reference in text
    else:
        assert assigned == {questions["a-residence"].pk, questions["a-housing"].pk}


@pytest.mark.django_db
@NARROWED
def test_search_terms_select_what_the_queryset_selects(world, settings, narrowed):
    """Elasticsearch gets only the terms; applied to the indexed questions by the database
    backend's own terms filter, they must pick exactly the questions of the scope."""
    from search import service
    from search.backends.database import DatabaseBackend
    from search.models import SearchDocument
    from search.registry import Visibility

    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    settings.ELASTICSEARCH_URL = ""
    service.rebuild("question")
    for name, user in world["users"].items():
        scope = access.staff_scope(user)
        if scope.nothing:
            continue
        by_terms = SearchDocument.objects.filter(
            DatabaseBackend.visible_q({"question": Visibility(terms=scope.search_terms())})
        ).values_list("object_id", flat=True)
        expected = {str(pk) for pk in access.staff_questions(user).values_list("pk", flat=True)}
        assert set(by_terms) == expected, name


def test_the_permissions_are_read_in_one_query(world):
    """Every admin page asks Django's permissions (the user's own and their groups'): one
    UNION, the same answers as reading them apart."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    own = Permission.objects.get(codename="view_recurring")
    world["users"]["hanna"].user_permissions.add(own)
    User = get_user_model()  # noqa: N806
    for name in ("hanna", "both", "coco", "lead", "nowhere"):
        user = User.objects.get(username=name)  # a new request's user: nothing kept
        with CaptureQueriesContext(connection) as read:
            permissions = user.get_all_permissions()
        assert len(read) == 1
        expected = {
            f"{app}.{code}"
            for app, code in Permission.objects.filter(
                Q(user=user) | Q(group__user=user)
            ).values_list("content_type__app_label", "codename")
        }
        assert permissions == expected and expected
        assert user.has_perm("search.view_recurring") == ("search.view_recurring" in expected)
        assert user.has_perm("tickets.view_question") == ("tickets.view_question" in expected)
    assert "search.view_recurring" in User.objects.get(username="hanna").get_all_permissions()
    root = User.objects.get(username="root")
    assert root.get_all_permissions() == {
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }


def test_a_staff_page_reads_who_the_user_is_in_few_queries(client, world):
    """The queue (as every admin page) asks who the user is: their profile and Wagtail's come
    with the user, their permissions in one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.users.models import UserProfile as WagtailProfile

    sam = world["users"]["sam"]
    WagtailProfile.objects.update_or_create(user=sam, defaults={"preferred_language": "en"})
    client.force_login(sam)
    client.get("/admin/questions/")  # fills per-process caches, as a running server has them
    with CaptureQueriesContext(connection) as read:
        response = client.get("/admin/questions/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()  # Wagtail's profile was read
    sql = [query["sql"] for query in read.captured_queries]
    assert not [text for text in sql if text.startswith('SELECT "wagtailusers_userprofile"')]
    assert len([text for text in sql if 'FROM "auth_permission"' in text]) == 1
