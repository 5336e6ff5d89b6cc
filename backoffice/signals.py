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
    record_event("auth.login", request=request, actor=user)


def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event("auth.logout", request=request, actor=user)


def audit_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is not kept: it may be someone's e-mail address or a typo of it.
    record_event("auth.login_failed", request=request, actor_label="anonymous")


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
