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
        _forget_kept_scopes_on_change()


def _forget_kept_scopes_on_change():
    """A staff scope kept on a user instance (tickets.access.staff_scope) is dropped as soon as
    groups, regions or legal domains of anyone change, or one of those rows goes."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from backoffice.models import LegalDomain, Region, UserProfile
    from tickets.access import forget_staff_scopes

    for through in (
        get_user_model().groups.through,
        UserProfile.regions.through,
        UserProfile.legal_domains.through,
    ):
        m2m_changed.connect(forget_staff_scopes, sender=through, weak=False)
    for model in (Group, Region, LegalDomain, UserProfile):
        post_delete.connect(forget_staff_scopes, sender=model, weak=False)
    post_save.connect(forget_staff_scopes, sender=UserProfile, weak=False)


def _ensure_schedules(sender, **kwargs):
    from django_q.models import Schedule

    from backoffice.tasks import ensure_schedule

    ensure_schedule(
        "purge abandoned uploads", "tickets.staging.purge_abandoned", Schedule.MINUTES, minutes=15
    )
    ensure_schedule(
        "remove files without a row",
        "tickets.attachments.sweep_orphans",
        Schedule.MINUTES,
        minutes=30,
    )
    ensure_schedule(
        "escalate overdue questions", "tickets.sla.escalate_due", Schedule.MINUTES, minutes=15
    )
