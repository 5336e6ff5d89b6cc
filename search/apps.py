from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from search.models import SynonymGroup

        post_migrate.connect(_build_missing_indexes, sender=self)
        post_save.connect(_synonyms_changed, sender=SynonymGroup, dispatch_uid="synonyms-save")
        post_delete.connect(_synonyms_changed, sender=SynonymGroup, dispatch_uid="synonyms-del")


def _synonyms_changed(sender, **kwargs):
    from django.db import transaction

    from search import synonyms

    synonyms.forget()
    transaction.on_commit(synonyms.forget)


def _build_missing_indexes(sender, **kwargs):
    """A database that has data but no search index yet (e.g. one from before search existed)
    gets a rebuild queued for each such kind; a fresh database has nothing to build. So does a
    ranked kind indexed before its postings existed (search.backends.ranked)."""
    from django_q.tasks import async_task

    from search import registry
    from search.models import SearchDocument, SearchPosting

    for name, kind in registry.kinds().items():
        source = kind.get_queryset()
        if not hasattr(source, "exists") or not source.exists():
            continue
        documents = SearchDocument.objects.filter(kind=name)
        if not documents.exists() or (
            registry.is_ranked(name) and not SearchPosting.objects.filter(kind=name).exists()
        ):
            async_task("search.tasks.rebuild_kind", name, group="search")
