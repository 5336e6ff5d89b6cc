"""manage.py generate_data: the benchmark data set (small sizes here; bench/run makes big ones)."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from backoffice.tasks import refresh_query_statistics
from tests import factories
from tests.conftest import make_user
from tickets.access_codes import access_code_matches
from tickets.models import Message, Question, ReferenceCounter, RequesterKind
from tickets.references import next_reference

ANCHOR = "2026-06-30"


def generate(tmp_path, name="m.json", **extra):
    manifest = tmp_path / name
    args = {
        "questions": 120,
        "users": 30,
        "organisations": 6,
        "long_threads": 2,
        "known_codes": 5,
        "articles": 0,  # 2,000 by default: only the articles test makes (ten)
        "anchor": date.fromisoformat(ANCHOR),
        "no_progress": True,
        "manifest": manifest,
        **extra,
    }
    call_command("generate_data", **args)
    return json.loads(manifest.read_text())


@pytest.mark.django_db
def test_refuses_a_database_with_real_data(tmp_path):
    make_user("specialist", "real-person")
    with pytest.raises(CommandError, match="not generated"):
        generate(tmp_path)
    assert not Question.objects.exists()
    generate(tmp_path, force=True)  # --force is the explicit way round
    assert Question.objects.count() == 120


@pytest.mark.django_db
def test_articles_step_is_skipped_until_the_knowledge_base_exists(tmp_path):
    from demo.datagen_articles import article_model

    manifest = generate(tmp_path, articles=10)
    if article_model() is None:
        assert manifest["articles"] == 0 and "ArticlePage" in manifest["skipped"]
    else:
        assert manifest["articles"] == 10 and manifest["article_urls"]
        # Votes and proposals from answers come with the articles (the dashboard reads them).
        from knowledge.models import ArticleVote
        from tickets.models import ArticleProposal

        assert manifest["article_votes"] == ArticleVote.objects.count() > 0
        # Reads too, through knowledge.reads, skewed: the most read article is read far more
        # often than the middle one.
        from django.db.models import Sum

        from knowledge.models import ArticleRead

        per_article = sorted(
            ArticleRead.objects.values("article")
            .annotate(n=Sum("reads"))
            .values_list("n", flat=True),
            reverse=True,
        )
        assert manifest["article_reads"] == sum(per_article) > 0
        assert per_article[0] > 3 * per_article[len(per_article) // 2]
        assert manifest["article_proposals"] == ArticleProposal.objects.count()


def broken_rules(question) -> list[str]:
    """What in a stored question (with its thread, history and code) the lifecycle and the SLA
    service would never have produced. The same check runs on rows the lifecycle made."""
    from tickets import lifecycle
    from tickets.models import Outcome, Status
    from tickets.sla import due_dates

    problems = []
    messages = list(question.messages.order_by("created_at", "pk"))
    staff = [m for m in messages if m.kind == "public" and m.author_kind == "staff"]
    public = [m for m in messages if m.kind == "public"]
    if (question.first_response_due, question.answer_due) != due_dates.due_dates(question):
        problems.append("due dates are not the SLA service's")
    first = staff[0].created_at if staff else None
    if question.first_response_at != first:
        problems.append("first response is not the first staff reply")
    # The lifecycle stamps the answer in the transaction that stores the reply: same second.
    if (question.answered_at is None) != (not staff) or (
        question.answered_at
        and not any(0 <= (question.answered_at - m.created_at).total_seconds() < 2 for m in staff)
    ):
        problems.append("answered_at is not a staff reply's time")
    last = public[-1].author_kind if public else None
    expected_last = {
        Status.NEW: {None},
        Status.OPEN: {None, "requester", "professional"},
        Status.ANSWERED: {"staff"},
    }.get(question.status)
    if expected_last is not None and last not in expected_last:
        problems.append(f"a {question.status} question whose last public message is {last}")
    if question.status == Status.NEW and question.assignee_id:
        problems.append("a new question with an assignee")
    if question.assignee_id and not lifecycle.can_be_assigned(question, question.assignee):
        problems.append("assignee is not an eligible specialist")
    if (
        staff
        and question.assignee_id is None
        and any(lifecycle.can_be_assigned(question, m.author) for m in staff if m.author_id)
    ):
        problems.append("answered by an eligible specialist who did not become the assignee")
    if question.status == Status.CLOSED:
        if not question.outcome or question.closed_at is None:
            problems.append("closed without outcome or time")
        if question.outcome == Outcome.OTHER_SERVICE and not question.outcome_service:
            problems.append("referred without naming the service")
        if question.answered_at and question.closed_at < question.answered_at:
            problems.append("closed before answered")
    elif question.outcome or question.closed_at:
        problems.append("an outcome or closing time on a question that is not closed")
    if question.helpful is not None and question.answered_at is None:
        problems.append("feedback on a question never answered")
    newcomer = question.requester_kind == "newcomer"
    if newcomer != (len(question.access_code_hash) == 64):
        problems.append("access code hash missing (newcomer) or present (professional)")
    history = list(question.status_changes.order_by("at", "pk"))
    if not history or history[0].from_status != "" or history[0].to_status != Status.NEW:
        problems.append("history does not start with NEW")
    for before, after in zip(history, history[1:], strict=False):
        if after.from_status != before.to_status:
            problems.append("history is not a chain")
        elif after.to_status not in lifecycle.TRANSITIONS[after.from_status]:
            problems.append(f"transition {after.from_status} → {after.to_status} not allowed")
    if history and history[-1].to_status != question.status:
        problems.append("history does not end in the current status")
    return problems


@pytest.mark.django_db
def test_lifecycle_rows_pass_the_rules_check():
    """The check holds for rows the real services made (and catches a broken one)."""
    from tickets import lifecycle
    from tickets.models import Outcome

    gent = factories.place("gent")
    sam = make_user("specialist", "sam", regions=[gent.region])
    made = [factories.question(subject="Vraag", municipality=gent) for _ in range(3)]
    answered, reopened = made[1], made[2]
    for question in (answered, reopened):
        factories.reply(question, sam)
    lifecycle.record_feedback(Question.objects.get(pk=answered.pk), helpful=True)
    factories.requester_message(reopened)
    lifecycle.close(
        Question.objects.get(pk=answered.pk), Outcome.OTHER_SERVICE, actor=sam, service="CAW"
    )
    for question in Question.objects.all():
        assert broken_rules(question) == [], question.status
    Question.objects.filter(pk=answered.pk).update(outcome="")
    assert "closed without outcome or time" in broken_rules(Question.objects.get(pk=answered.pk))


# Most tests only read a generated data set: it is made once for them (a generation is the
# slow part) in a transaction rolled back after the last of them. Each test runs in a savepoint
# of it (pytest-django's `db`), so what one test changes is gone for the next. The tests that
# need a database without generated rows (above) are outside the class, which keeps these
# together and the shared rows out of the other tests' way.
SHARED = {"questions": 150, "seed": 1}


@pytest.fixture(scope="class")
def generated(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), transaction.atomic():
        # The rules test checks assignees with the domains option on: made with it on.
        with override_settings(SPECIALISTS_SEE_ONLY_THEIR_DOMAINS=True):
            manifest = generate(tmp_path_factory.mktemp("generated"), **SHARED)
        yield manifest
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestOneGeneratedDataSet:
    def test_generates_questions_threads_people_and_a_manifest(self, generated):
        manifest = generated
        assert Question.objects.count() == SHARED["questions"] == manifest["questions"]
        assert Message.objects.count() == manifest["messages"]
        assert (
            2.5 < manifest["messages"] / SHARED["questions"] < 6
        )  # about four messages a question
        assert manifest["users"] == {"coordinator": 2, "specialist": 12, "professional": 16}
        assert set(Question.objects.values_list("status", flat=True)) >= {"closed", "answered"}
        assert Question.objects.filter(requester_kind=RequesterKind.PROFESSIONAL).exists()
        for thread in manifest["long_threads"]:
            assert Message.objects.filter(question_id=thread["pk"]).count() == 20
        # The known codes open their question; the hash is keyed with this SECRET_KEY.
        for known in manifest["known_codes"]:
            question = Question.objects.get(reference=known["reference"])
            assert access_code_matches(known["code"], question.access_code_hash)
        # Ages span two years back from the anchor.
        oldest = Question.objects.order_by("created_at").first().created_at.date()
        assert (date.fromisoformat(ANCHOR) - oldest).days > 500

    def test_references_are_unique_and_the_counter_continues(self, generated):
        references = list(Question.objects.values_list("reference", flat=True))
        assert len(references) == len(set(references))
        last = {}
        for reference in references:
            year, number = int(reference[3:7]), int(reference[-6:])
            last[year] = max(last.get(year, 0), number)
        assert dict(ReferenceCounter.objects.values_list("year", "last_number")) == last
        with transaction.atomic():  # the next real question gets the next number
            assert next_reference(2026) == f"WW-2026-{last[2026] + 1:06d}"

    def test_same_seed_same_data(self, generated, tmp_path, settings):
        # The shared set was made with SHARED (seed included); made again with the same
        # arguments and settings, it is the same.
        settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = True
        first = list(Question.objects.order_by("reference").values_list("reference", "subject"))
        Question.objects.all().delete()
        ReferenceCounter.objects.all().delete()
        from django.contrib.auth import get_user_model

        get_user_model().objects.filter(username__startswith="gen-").delete()
        from backoffice.models import Organisation

        Organisation.objects.all().delete()
        from knowledge.models import ArticlePage

        ArticlePage.objects.all().delete()
        generate(tmp_path, **SHARED)
        again = list(Question.objects.order_by("reference").values_list("reference", "subject"))
        assert first == again

    def test_refuses_to_generate_twice(self, generated, tmp_path):
        with pytest.raises(CommandError, match="already holds"):
            generate(tmp_path)

    def test_statistics_task_gives_sqlite_planner_statistics(self, generated):
        if connection.vendor != "sqlite":
            pytest.skip(
                "ANALYZE statistics are checked on SQLite (PostgreSQL's autovacuum has its own)"
            )
        refresh_query_statistics()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'tickets_question'")
            assert cursor.fetchone()[0] > 0

    def test_generated_questions_follow_the_real_rules(self, generated, settings):
        """Due dates, assignees, threads, outcomes, closings, codes and history as the
        lifecycle and the SLA service make them, so the dashboard and the quick views are
        measured on columns filled as in real use; and the knowledge-base and search rows the
        dashboard reads."""
        from search.querylog import SearchQuery
        from tickets.models import PolicySignal, Status

        settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = True
        manifest = generated  # made with the option on, as here
        questions = list(Question.objects.select_related("assignee"))
        for question in questions:
            assert broken_rules(question) == [], (question.reference, question.status)
        statuses = {q.status for q in questions}
        # (NEW is a week's worth of two years: rare in 150 questions; the lifecycle test has one.)
        assert statuses >= {Status.OPEN, Status.WAITING, Status.ANSWERED, Status.CLOSED}
        assert {q.outcome for q in questions if q.status == Status.CLOSED} >= {"answered", "lawyer"}
        assert any(q.helpful is not None for q in questions)
        assert manifest["policy_signals"] == PolicySignal.objects.count() > 0
        assert all(
            signal.question.region_id == signal.region_id
            for signal in PolicySignal.objects.select_related("question")
        )
        # Twelve months of the public search log, some searches finding nothing.
        days = SearchQuery.objects.dates("day", "month")
        assert manifest["search_queries"] == SearchQuery.objects.count() and len(days) >= 12
        assert SearchQuery.objects.filter(results=0).exists()
        # Fewer questions at weekends, as services are closed.
        weekdays = [q.created_at.weekday() for q in questions]
        assert sum(day >= 5 for day in weekdays) < len(weekdays) * 2 / 7

    def test_overdue_questions_were_escalated_as_the_job_would_have(self, generated, settings):
        """The 15-minute job finds no backlog in a generated data set: every question it would
        have escalated in the past carries its escalation moment, after it was asked, on or
        after the day it became due, never in the future."""
        from django.utils import timezone

        from tickets.sla.escalation import escalate_due, escalation_due

        escalated = list(Question.objects.exclude(escalated_at=None))
        assert generated["escalated"] == len(escalated) > 0
        for question in escalated:
            assert question.created_at < question.escalated_at <= timezone.now()
            day = timezone.localdate(question.escalated_at)
            reasons = [question.answer_due and question.answer_due < day]
            reasons.append(question.first_response_due and question.first_response_due < day)
            reasons.append(
                question.legal_deadline
                and question.legal_deadline
                <= day + timedelta(days=settings.SLA_DEADLINE_WARNING_DAYS)
            )
            assert any(reasons), question.reference
        assert not Question.objects.filter(escalation_due(timezone.localdate())).exists()
        assert escalate_due() == 0
