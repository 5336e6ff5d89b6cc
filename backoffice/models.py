"""Platform models: regions, municipalities, organisations, legal domains, people, audit."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from backoffice.blocks import HomeBodyBlock
from backoffice.i18n import localized_value


class Region(models.Model):
    """A regional back-office with its own specialists."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=4, db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(fields=["name", "postcode"], name="unique_municipality")
        ]

    def __str__(self):
        return f"{self.postcode} {self.name}"


class Organisation(models.Model):
    """A partner service whose professionals consult Wegwijs."""

    class Kind(models.TextChoices):
        PUBLIC_SOCIAL_SERVICE = "ocmw", _("OCMW / public social welfare centre")
        INTEGRATION_AGENCY = "integration", _("Integration agency")
        CAW = "caw", _("CAW (general welfare centre)")
        EMPLOYMENT_SERVICE = "employment", _("Employment service")
        SCHOOL = "school", _("School")
        NGO = "ngo", _("NGO or volunteer group")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region")
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    shares_consults = models.BooleanField(
        _("colleagues see each other's consults"),
        default=False,
        help_text=_("When on, every professional of this organisation sees all its consults."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "municipality"], name="unique_organisation")
        ]

    def __str__(self):
        return self.name


class LegalDomain(models.Model):
    """A field of law questions are sorted by; configurable by coordinators."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=100, blank=True)
    summary_nl = models.CharField(_("one-line explanation (Dutch)"), max_length=250, blank=True)
    summary_fr = models.CharField(_("one-line explanation (French)"), max_length=250, blank=True)
    summary_en = models.CharField(_("one-line explanation (English)"), max_length=250, blank=True)
    summary_ar = models.CharField(_("one-line explanation (Arabic)"), max_length=250, blank=True)
    summary_uk = models.CharField(_("one-line explanation (Ukrainian)"), max_length=250, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("legal domain")
        verbose_name_plural = _("legal domains")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized_value(self, "name")

    @property
    def summary(self) -> str:
        return localized_value(self, "summary")


class UserProfile(models.Model):
    """What Wegwijs needs to know about a person beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="staff", verbose_name=_("regions")
    )
    legal_domains = models.ManyToManyField(
        LegalDomain, blank=True, related_name="staff", verbose_name=_("legal domains")
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    # Raised by "sign out everywhere": sessions made with an older value end (backoffice.sessions).
    session_generation = models.PositiveIntegerField(
        _("session generation"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class AuditEvent(models.Model):
    """One sensitive read or change: who, what, on which object, when, from where (hashed)."""

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # No index of their own: audit_actor_idx and audit_target_idx begin with them, and each
    # index is one more write for every event (see Meta.indexes).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        db_index=False,
    )
    # Kept when the user is deleted, and used for actors without an account (a requester).
    actor_label = models.CharField(_("actor label"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target type"),
        db_index=False,
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    request_method = models.CharField(_("method"), max_length=10, blank=True)
    request_path = models.CharField(_("path"), max_length=500, blank=True)
    ip_hash = models.CharField(_("client (hashed)"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-time"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id", "-time"], name="audit_target_idx"),
            models.Index(fields=["actor", "-time"], name="audit_actor_idx"),
            # The audit log's filter by action, newest first, and retention's count of recent
            # anonymisations. (The index Django makes for db_index=True also had, on
            # PostgreSQL, a LIKE twin that no query uses: the log's search is a contains.)
            models.Index(fields=["action", "-time"], name="audit_action_idx"),
        ]
        # Audit events are written by the system only; nobody adds or edits them by hand.
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"


class WorkerHeartbeat(models.Model):
    """Last sign of life of a background worker cluster, shown on /health/."""

    cluster = models.CharField(max_length=100, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.cluster} {self.last_seen:%Y-%m-%d %H:%M:%S}"


class ContentGeneration(models.Model):
    """One counter that any change to public content moves on: the key of every cached public
    page holds it (backoffice.page_cache). Row 2 is the admin chrome's (backoffice.admin_chrome)."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return str(self.value)


class PublicPageCacheMixin:
    """Pages whose response may be kept for anonymous visitors (see backoffice.page_cache)."""

    def serve(self, request, *args, **kwargs):
        from backoffice.page_cache import mark_cacheable

        return mark_cacheable(super().serve(request, *args, **kwargs))


class HomePage(PublicPageCacheMixin, Page):
    """The public front door: what Wegwijs is, for whom, and how to ask."""

    lead = models.TextField(
        _("lead"), help_text=_("Two or three plain sentences: what this service does for you.")
    )
    body = StreamField(HomeBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("lead"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")


class OutboxTask(models.Model):
    """A side effect (a mail, a search-index update, a document, a task of Wagtail's) written in
    the same transaction as the change that causes it, and run by the worker after the commit
    (backoffice.outbox). A row stays until its handler succeeded: a lost task, a killed worker
    or a broker outage delays the effect, it never loses it."""

    handler = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the sweep hands the row to the worker again if it is not done by then.
    due_at = models.DateTimeField()
    # A worker that runs the row holds it until then; after that another may take it over.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    dispatches = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    result = models.CharField(max_length=200, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ("view",)
        verbose_name = _("side effect")
        verbose_name_plural = _("side effects")
        indexes = [
            models.Index(
                fields=["due_at"],
                name="outbox_pending_due",
                condition=models.Q(done_at__isnull=True, given_up_at__isnull=True),
            ),
            models.Index(fields=["done_at"], name="outbox_done"),
        ]

    def __str__(self):
        return f"{self.handler}{tuple(self.args)}"


class SentMail(models.Model):
    """A mail that left (or is leaving) for one recipient, by its reason (e.g.
    "question:12:new:"): a replayed side effect finds it and sends nothing twice. The address
    is kept only as a keyed hash."""

    key = models.CharField(max_length=200)
    recipient = models.CharField(max_length=64)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="sent_mail_once"),
        ]
        indexes = [models.Index(fields=["claimed_at"], name="sent_mail_claimed")]

    def __str__(self):
        return self.key
