from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender, **kwargs):
    from knowledge import review

    review.legal_review_workflow()
    review.ensure_schedules()


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self):
        from knowledge import reads, search_index, signals

        signals.connect()
        reads.connect()
        search_index.register_kinds()
        post_migrate.connect(_after_migrate, sender=self)
