"""Keep each translation tied to the version of its source it translates."""

from wagtail.signals import copy_for_translation_done, page_published

from knowledge.translations import mark_up_to_date


def _translation_created(sender, source_obj, target_obj, **kwargs):
    from knowledge.models import ArticlePage

    if isinstance(target_obj, ArticlePage):
        mark_up_to_date(target_obj)


def _article_published(sender, instance, **kwargs):
    """Publishing a translation confirms it matches its source as published now."""
    mark_up_to_date(instance)


def connect():
    from django.db.models.signals import post_delete, post_save

    from backoffice.page_cache import bump
    from knowledge.models import ArticlePage, LifeSituation

    # Articles show their life situations: cached public pages are stale when one changes.
    post_save.connect(bump, sender=LifeSituation, dispatch_uid="knowledge-situation-saved")
    post_delete.connect(bump, sender=LifeSituation, dispatch_uid="knowledge-situation-deleted")

    copy_for_translation_done.connect(_translation_created, dispatch_uid="knowledge-copy")
    page_published.connect(_article_published, sender=ArticlePage, dispatch_uid="knowledge-pub")
