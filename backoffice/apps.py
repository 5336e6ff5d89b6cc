from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = _("Platform")

    def ready(self):
        from backoffice import signals

        post_migrate.connect(signals.bootstrap_after_migrate, sender=self)
        signals.connect()
        signals.connect_profile()
        signals.connect_page_cache()
        from backoffice import admin_chrome

        admin_chrome.connect()
        admin_chrome.install()
        from backoffice import roles

        roles.connect_kept()
        from backoffice import outbox, task_bridge

        outbox.register(task_bridge.run_django_task, kind=outbox.TASK)
        outbox.connect_search()
