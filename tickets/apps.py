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
        from tickets.privacy.retention import ensure_schedule as ensure_retention_schedule

        post_migrate.connect(ensure_retention_schedule, sender=self)
        from tickets.reports.monthly import ensure_schedules as ensure_report_schedules

        post_migrate.connect(ensure_report_schedules, sender=self)

        from tickets import search_index

        search_index.register_kinds()

        from tickets.workspace import kept_fields

        kept_fields.connect()


def _ensure_schedules(sender, **kwargs):
    from django_q.models import Schedule

    from backoffice.tasks import ensure_schedule

    ensure_schedule(
        "purge abandoned uploads",
        "tickets.intake.staging.purge_abandoned",
        Schedule.MINUTES,
        minutes=15,
    )
    ensure_schedule(
        "remove files without a row",
        "tickets.attachments.sweep_orphans",
        Schedule.MINUTES,
        minutes=30,
    )
    ensure_schedule(
        "escalate overdue questions",
        "tickets.sla.escalation.escalate_due",
        Schedule.MINUTES,
        minutes=15,
    )
