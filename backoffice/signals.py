"""Signal receivers of the platform: bootstrap after migrate, audit of sign-ins, heartbeats."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django_q.signals import post_spawn

from backoffice.audit import record_event


def bootstrap_after_migrate(sender, using="default", **kwargs):
    from backoffice.site_setup import ensure_home_pages
    from backoffice.tasks import ensure_schedules

    ensure_home_pages()
    ensure_schedules()


def audit_login(sender, request, user, **kwargs):
    from backoffice import sessions, signin

    record_event("auth.login", request=request, actor=user)
    signin.record_success(request, user)
    sessions.start(request, user)


def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event("auth.logout", request=request, actor=user)


def audit_login_failed(sender, credentials, request=None, **kwargs):
    from backoffice import signin

    signin.record_failure(request, credentials.get("username", ""))


def heartbeat_on_spawn(sender, proc_name=None, **kwargs):
    from backoffice.tasks import record_heartbeat

    record_heartbeat()


def connect():
    user_logged_in.connect(audit_login, dispatch_uid="audit_login")
    user_logged_out.connect(audit_logout, dispatch_uid="audit_logout")
    user_login_failed.connect(audit_login_failed, dispatch_uid="audit_login_failed")
    post_spawn.connect(heartbeat_on_spawn, dispatch_uid="heartbeat_on_spawn")


def create_profile(sender, instance, created, raw=False, **kwargs):
    from backoffice.models import UserProfile

    if created and not raw:
        UserProfile.objects.get_or_create(user=instance)


def connect_profile():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save

    post_save.connect(create_profile, sender=get_user_model(), dispatch_uid="create_profile")


def page_cache_bump_on_delete(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        from backoffice.page_cache import bump

        bump()


def connect_page_cache():
    """What public pages show changes: cached copies of them are stale (backoffice.page_cache).
    Other apps connect their own public snippets with `page_cache.bump`."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Locale, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from backoffice.models import LegalDomain
    from backoffice.page_cache import bump

    page_published.connect(bump, dispatch_uid="page_cache_published")
    page_unpublished.connect(bump, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(bump, dispatch_uid="page_cache_moved")
    post_delete.connect(page_cache_bump_on_delete, dispatch_uid="page_cache_page_deleted")
    for model in (PageViewRestriction, Site, Locale, LegalDomain):
        post_save.connect(bump, sender=model, dispatch_uid=f"page_cache_saved_{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"page_cache_deleted_{model.__name__}")
