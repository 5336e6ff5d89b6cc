"""The Wagtail admin's chrome, kept: what every staff page draws the same way for the same user
(the sidebar's menu and account, the keyboard-shortcuts dialog, Wagtail's configuration for its
scripts) and the fragments a page names with `{% chrome_fragment %}`
(backoffice.templatetags.admin_chrome: the queue's header with its filters, the bulk form's
fields). Drawing them was most of a staff page's template time.

Correct invalidation. A key holds:
- the chrome generation: a random token in the database (ContentGeneration row CHROME) that any
  change to what the chrome shows replaces (`bump`): accounts (names, active, superuser), their
  Wagtail preferences (avatar, dismissed tips), groups and group membership, permissions of
  users and groups (model, page and collection permissions), staff scopes (profiles' regions
  and legal domains), regions, municipalities, legal domains, collections, locales, page moves
  and page deletions. Every web worker reads it once per request, so a change is seen by every
  worker at its next request, with a shared cache or a cache per process. A random token (not a
  counter) is never used twice: a rolled-back change cannot bring back copies made while it was
  seen;
- the user (a menu, a scope and a name are the user's own), the active language, Wagtail's
  version, the settings a test changed (`setting_changed`), and what else the fragment depends
  on (e.g. the query string for a listing's header).
ADMIN_CHROME_CACHE_SECONDS bounds anything no signal reports (0 turns the copies off).
"""

from __future__ import annotations

import hashlib
import re
import secrets

import wagtail
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import mark_safe

CHROME = 2  # the ContentGeneration row of the admin chrome (row 1 is the public pages')
_settings_epoch = 0  # moved on by override_settings in tests: what a setting shows may change


def enabled() -> bool:
    return settings.ADMIN_CHROME_CACHE_SECONDS > 0


def generation(request=None) -> int:
    """The chrome generation, read once per request."""
    cached = getattr(request, "_admin_chrome_generation", None)
    if cached is not None:
        return cached
    from backoffice.models import ContentGeneration

    value = ContentGeneration.objects.filter(pk=CHROME).values_list("value", flat=True).first() or 0
    if request is not None:
        request._admin_chrome_generation = value
    return value


def version(request=None) -> tuple[int, int]:
    """The settings epoch and the chrome generation: what a kept copy that is the same for
    every user and language (e.g. tickets.queue_views.kept_rows) depends on."""
    return (_settings_epoch, generation(request))


def bump(**_signal_kwargs) -> None:
    """Every kept chrome fragment is stale from now on."""
    from backoffice.models import ContentGeneration

    token = secrets.randbits(62)
    if not ContentGeneration.objects.filter(pk=CHROME).update(value=token):
        ContentGeneration.objects.update_or_create(pk=CHROME, defaults={"value": token})


def key(request, name: str, *vary, per_user: bool = True) -> str | None:
    """The cache key of fragment `name` for this request, or None when it is not kept (copies
    off, nobody signed in)."""
    if not enabled() or request is None:
        return None
    user = getattr(request, "user", None)
    if per_user and (user is None or not user.is_authenticated):
        return None
    parts = [
        wagtail.__version__,
        str(_settings_epoch),
        translation.get_language() or "",
        str(generation(request)) if per_user else "-",
        str(user.pk) if per_user else "-",
        *(str(part) for part in vary),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"admin-chrome:{name}:{digest}"


def kept(cache_key: str | None, make) -> str:
    """The fragment under `cache_key`, made (and kept) when missing."""
    if cache_key is None:
        return make()
    html = cache.get(cache_key)
    if html is None:
        html = str(make())
        cache.set(cache_key, html, settings.ADMIN_CHROME_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - made by the template tag or template named above


# --- Wagtail's own template tags, kept --------------------------------------------------------

_MAC = re.compile(r"Mac|iPod|iPhone|iPad")


def sidebar_props(context):
    """Wagtail's `{% sidebar_props %}` (the menu as the user may see it, their name and avatar),
    kept per user, language and chrome generation."""
    from wagtail.admin.templatetags import wagtailadmin_tags

    request = context["request"]
    return kept(key(request, "sidebar"), lambda: wagtailadmin_tags.sidebar_props(context))


def keyboard_shortcuts_dialog(context):
    """Wagtail's `{% keyboard_shortcuts_dialog %}`, kept per language, keyboard (Mac or other)
    and whether the user turned the shortcuts off: the same for everyone who shares these."""
    from wagtail.admin.templatetags import wagtailadmin_tags

    def make():
        values = wagtailadmin_tags.keyboard_shortcuts_dialog(context)
        template = context.template.engine.get_template(
            "wagtailadmin/shared/keyboard_shortcuts_dialog.html"
        )
        return template.render(context.new(values))

    request = context.get("request")
    if request is None:
        return make()
    profile = getattr(getattr(request, "user", None), "wagtail_userprofile", None)
    shortcuts_on = bool(getattr(profile, "keyboard_shortcuts", True)) if profile else True
    mac = bool(_MAC.search(request.headers.get("User-Agent", "")))
    cache_key = key(
        request,
        "keyboard-shortcuts",
        shortcuts_on,
        mac,
        wagtailadmin_tags.get_comments_enabled(),
        per_user=False,
    )
    return kept(cache_key, make)


# What wagtail_config takes from the request, not from the language and the chrome generation.
_REQUEST_CONFIG = ("CSRF_TOKEN", "KEYBOARD_SHORTCUTS_ENABLED", "ACTIVE_CONTENT_LOCALE")


def wagtail_config(context):
    """Wagtail's `{% wagtail_config %}` (the admin's URLs, the locales, the JavaScript's
    strings: a query and some forty translations on every admin page), kept per language and
    chrome generation (a locale added or removed moves it on); what is the request's own (its
    CSRF token, the user's keyboard shortcuts, the page's content locale) is added each time as
    Wagtail does."""
    from django.middleware.csrf import get_token
    from wagtail.admin.templatetags import wagtailadmin_tags

    request = context.get("request")
    cache_key = (
        key(request, "wagtail-config", generation(request), per_user=False) if request else None
    )
    kept_config = cache.get(cache_key) if cache_key else None
    if kept_config is None:
        config = wagtailadmin_tags.wagtail_config(context)
        if cache_key:
            shared = {k: v for k, v in config.items() if k not in _REQUEST_CONFIG}
            cache.set(cache_key, shared, settings.ADMIN_CHROME_CACHE_SECONDS)
        return config
    config = dict(kept_config)
    config["CSRF_TOKEN"] = get_token(request)
    if locale := context.get("locale"):
        config["ACTIVE_CONTENT_LOCALE"] = locale.language_code
    user = getattr(request, "user", None)
    config["KEYBOARD_SHORTCUTS_ENABLED"] = (
        user.wagtail_userprofile.keyboard_shortcuts
        if hasattr(user, "wagtail_userprofile")
        else True
    )
    return config


def install() -> None:
    """Put the kept versions in place of Wagtail's tags (called from BackofficeConfig.ready,
    before any template is compiled): every admin page's base template uses them."""
    from wagtail.admin.templatetags import wagtailadmin_tags

    library = wagtailadmin_tags.register
    library.simple_tag(takes_context=True, name="sidebar_props")(sidebar_props)
    library.simple_tag(takes_context=True, name="keyboard_shortcuts_dialog")(
        keyboard_shortcuts_dialog
    )
    library.simple_tag(takes_context=True, name="wagtail_config")(wagtail_config)


# --- What makes kept copies stale ---------------------------------------------------------------


def _bump_unless_sign_in(sender, instance=None, update_fields=None, **kwargs):
    # A sign-in saves last_login only: nothing the chrome shows.
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    bump()


def _bump_after_m2m(sender, action=None, **kwargs):
    if action and action.startswith("post_"):
        bump()


def _bump_on_page_delete(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        bump()


def _settings_changed(**kwargs):
    global _settings_epoch
    _settings_epoch += 1


def connect() -> None:
    """Called from BackofficeConfig.ready."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from django.test.signals import setting_changed
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale
    from wagtail.signals import post_page_move
    from wagtail.users.models import UserProfile as WagtailUserProfile

    from backoffice.models import LegalDomain, Municipality, Region, UserProfile

    User = get_user_model()
    post_save.connect(_bump_unless_sign_in, sender=User, dispatch_uid="admin_chrome_user")
    post_delete.connect(bump, sender=User, dispatch_uid="admin_chrome_user_deleted")
    for model in (
        Group,
        Permission,
        UserProfile,
        WagtailUserProfile,
        Region,
        Municipality,
        LegalDomain,
        Collection,
        GroupPagePermission,
        GroupCollectionPermission,
        Locale,
    ):
        name = f"{model._meta.app_label}_{model.__name__}"
        post_save.connect(bump, sender=model, dispatch_uid=f"admin_chrome_saved_{name}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"admin_chrome_deleted_{name}")
    for through in (
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
        UserProfile.regions.through,
        UserProfile.legal_domains.through,
    ):
        m2m_changed.connect(
            _bump_after_m2m, sender=through, dispatch_uid=f"admin_chrome_m2m_{through._meta.label}"
        )
    post_page_move.connect(bump, dispatch_uid="admin_chrome_page_moved")
    post_delete.connect(_bump_on_page_delete, dispatch_uid="admin_chrome_page_deleted")
    setting_changed.connect(_settings_changed, dispatch_uid="admin_chrome_settings")
