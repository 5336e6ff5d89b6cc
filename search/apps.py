from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_build_missing_indexes, sender=self)


def _build_missing_indexes(sender, **kwargs):
    """A database that has data but no search index yet (e.g. one from before search existed)
    gets a rebuild queued for each such kind; a fresh database has nothing to build."""
    from django_q.tasks import async_task

    from search import registry
    from search.models import SearchDocument

    for name, kind in registry.kinds().items():
        source = kind.get_queryset()
        if not hasattr(source, "exists") or not source.exists():
            continue
        if not SearchDocument.objects.filter(kind=name).exists():
            async_task("search.tasks.rebuild_kind", name, group="search")
