"""Every query on the audit log uses an index after the duplicate single-column ones went
(backoffice/migrations/0009): the workspace's trail of a question, the anonymisation's update,
retention's count of recent anonymisations, the log's filter by action, removing a user."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from backoffice.models import AuditEvent
from tickets.models import Question


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.django_db(transaction=False)
def test_the_audit_queries_use_an_index():
    question_type = ContentType.objects.get_for_model(Question)
    trail = AuditEvent.objects.filter(target_type=question_type, target_id="1").order_by("-time")
    assert "audit_target_idx" in plan(trail[:100])
    assert "audit_target_idx" in plan(
        AuditEvent.objects.filter(target_type=question_type, target_id__in=["1", "2"])
    )
    since = timezone.now()
    recent = AuditEvent.objects.filter(
        action="question.anonymise", time__gte=since, target_id__in=["1", "2"]
    )
    assert "audit_action_idx" in plan(recent)
    assert "audit_action_idx" in plan(
        AuditEvent.objects.filter(action="question.requester_view").order_by("-time")[:50]
    )
    user = get_user_model().objects.create_user("someone")
    assert "audit_actor_idx" in plan(AuditEvent.objects.filter(actor=user))
    assert "audit_target_idx" in plan(AuditEvent.objects.filter(target_type=question_type))


@pytest.mark.django_db
def test_no_duplicate_single_column_indexes_remain():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)
    single = {
        info["columns"][0]
        for info in constraints.values()
        if info.get("index") and not info.get("primary_key") and len(info["columns"]) == 1
    }
    assert single == {"time"}
