"""Existing questions get due dates from the default service level (no policy exists yet), the
specialist who answered them as assignee, and "answered" as the outcome of a closed question
that has a staff reply. Roles get the service-level and answer-template permissions."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from backoffice.roles import sync_roles


def fill_existing(apps, schema_editor):
    from tickets.sla.calendar import add_working_days

    Question = apps.get_model("tickets", "Question")
    Message = apps.get_model("tickets", "Message")
    first_days = settings.SLA_DEFAULT_FIRST_RESPONSE_DAYS
    answer_days = settings.SLA_DEFAULT_ANSWER_DAYS
    for question in Question.objects.filter(answer_due__isnull=True).iterator(chunk_size=2000):
        start = timezone.localdate(question.created_at)
        question.first_response_due = add_working_days(start, first_days)
        question.answer_due = add_working_days(start, answer_days)
        replier = (
            Message.objects.filter(
                question=question, kind="public", author_kind="staff", author__isnull=False
            )
            .order_by("-created_at")
            .values_list("author_id", flat=True)
            .first()
        )
        fields = ["first_response_due", "answer_due"]
        if question.assignee_id is None and replier is not None:
            question.assignee_id = replier
            fields.append("assignee")
        if question.status == "closed" and not question.outcome and replier is not None:
            question.outcome = "answered"
            fields.append("outcome")
        question.save(update_fields=fields)


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_sla_assignment_outcome_templates_drafts")]
    operations = [
        migrations.RunPython(fill_existing, migrations.RunPython.noop),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
    ]
