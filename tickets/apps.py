from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Questions")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_schedules, sender=self)
        from tickets.documents.jobs import ensure_schedules as ensure_document_schedules

        post_migrate.connect(ensure_document_schedules, sender=self)
        from tickets.retention import ensure_schedule as ensure_retention_schedule

        post_migrate.connect(ensure_retention_schedule, sender=self)
        from tickets.reports.monthly import ensure_schedules as ensure_report_schedules

        post_migrate.connect(ensure_report_schedules, sender=self)

        from tickets import search_index

        search_index.register_kinds()


def _ensure_schedules(sender, **kwargs):
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="purge abandoned uploads",
        defaults={
            "func": "tickets.staging.purge_abandoned",
            "schedule_type": Schedule.MINUTES,
            "minutes": 15,
            "repeats": -1,
        },
    )
    Schedule.objects.update_or_create(
        name="remove files without a row",
        defaults={
            "func": "tickets.attachments.sweep_orphans",
            "schedule_type": Schedule.MINUTES,
            "minutes": 30,
            "repeats": -1,
        },
    )
    Schedule.objects.update_or_create(
        name="escalate overdue questions",
        defaults={
            "func": "tickets.sla.escalate_due",
            "schedule_type": Schedule.MINUTES,
            "minutes": 15,
            "repeats": -1,
        },
    )
