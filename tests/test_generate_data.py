"""manage.py generate_data: the benchmark data set (small sizes here; bench/run makes big ones)."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from backoffice.tasks import refresh_query_statistics
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
        "anchor": date.fromisoformat(ANCHOR),
        "no_progress": True,
        "manifest": manifest,
        **extra,
    }
    call_command("generate_data", **args)
    return json.loads(manifest.read_text())


@pytest.mark.django_db
def test_generates_questions_threads_people_and_a_manifest(tmp_path):
    manifest = generate(tmp_path)
    assert Question.objects.count() == 120 == manifest["questions"]
    assert Message.objects.count() == manifest["messages"]
    assert 2.5 < manifest["messages"] / 120 < 6  # about four messages a question
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


@pytest.mark.django_db
def test_references_are_unique_and_the_counter_continues(tmp_path):
    generate(tmp_path)
    references = list(Question.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    last = {}
    for reference in references:
        year, number = int(reference[3:7]), int(reference[-6:])
        last[year] = max(last.get(year, 0), number)
    assert dict(ReferenceCounter.objects.values_list("year", "last_number")) == last
    with transaction.atomic():  # the next real question gets the next number
        assert next_reference(2026) == f"WW-2026-{last[2026] + 1:06d}"


@pytest.mark.django_db
def test_same_seed_same_data(tmp_path):
    generate(tmp_path, seed=7)
    first = list(Question.objects.order_by("reference").values_list("reference", "subject"))
    Question.objects.all().delete()
    ReferenceCounter.objects.all().delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username__startswith="gen-").delete()
    from backoffice.models import Organisation

    Organisation.objects.all().delete()
    from knowledge.models import ArticlePage

    ArticlePage.objects.all().delete()
    generate(tmp_path, seed=7)
    again = list(Question.objects.order_by("reference").values_list("reference", "subject"))
    assert first == again


@pytest.mark.django_db
def test_refuses_a_database_with_real_data(tmp_path):
    make_user("specialist", "real-person")
    with pytest.raises(CommandError, match="not generated"):
        generate(tmp_path)
    assert not Question.objects.exists()
    generate(tmp_path, force=True)  # --force is the explicit way round
    assert Question.objects.count() == 120


@pytest.mark.django_db
def test_refuses_to_generate_twice(tmp_path):
    generate(tmp_path)
    with pytest.raises(CommandError, match="already holds"):
        generate(tmp_path)


@pytest.mark.django_db
def test_articles_step_is_skipped_until_the_knowledge_base_exists(tmp_path):
    from tickets.datagen_articles import article_model

    manifest = generate(tmp_path, articles=10)
    if article_model() is None:
        assert manifest["articles"] == 0 and "ArticlePage" in manifest["skipped"]
    else:
        assert manifest["articles"] == 10 and manifest["article_urls"]


@pytest.mark.django_db
def test_statistics_task_gives_sqlite_planner_statistics(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip(
            "ANALYZE statistics are checked on SQLite (PostgreSQL's autovacuum has its own)"
        )
    generate(tmp_path)
    refresh_query_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'tickets_question'")
        assert cursor.fetchone()[0] > 0


@pytest.mark.django_db
def test_generated_questions_follow_the_real_rules(tmp_path):
    """Due dates, assignees, outcomes and signals as the lifecycle and sla make them, so the
    dashboard's figures on the benchmark data mean something."""
    from django.utils import timezone

    from tickets import sla
    from tickets.models import PolicySignal, Status

    manifest = generate(tmp_path, questions=400)
    questions = list(Question.objects.select_related("assignee"))
    for question in questions[:80]:
        first, answer = sla.due_dates(question)
        assert (question.first_response_due, question.answer_due) == (first, answer)
        assert question.first_response_due >= timezone.localdate(question.created_at)
    handled = [q for q in questions if q.status != Status.NEW]
    assert handled and all(
        q.assignee is not None and q.assignee.profile.regions.filter(pk=q.region_id).exists()
        for q in handled
    )
    closed = [q for q in questions if q.status == Status.CLOSED]
    assert closed and all(q.outcome for q in closed)
    assert not any(q.outcome for q in questions if q.status != Status.CLOSED)
    assert manifest["policy_signals"] == PolicySignal.objects.count() > 0
    assert all(
        signal.question.region_id == signal.region_id
        for signal in PolicySignal.objects.select_related("question")
    )
