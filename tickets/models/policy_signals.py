"""Policy signals: a systemic problem at a service (a counter that gives wrong information, a
municipality that refuses to register people...), flagged by a specialist from a question or
written by a professional, reviewed and grouped by coordinators. Rules: tickets.policy_signals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.models import Municipality, Organisation, Region


class SignalCategory(models.TextChoices):
    WRONG_INFORMATION = "wrong_information", _("Wrong information at a counter")
    REFUSAL_TO_REGISTER = "refusal_to_register", _("Refusal to register")
    WAITING_TIME = "waiting_time", _("Waiting time")
    MISSING_INTERPRETER = "missing_interpreter", _("Missing interpreter")
    DISCRIMINATION = "discrimination", _("Discrimination")
    OTHER = "other", _("Other")


class SignalGroup(models.Model):
    """Signals that coordinators see as one problem (e.g. one counter, one practice)."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("signal group")
        verbose_name_plural = _("signal groups")
        constraints = [
            models.UniqueConstraint(fields=["region", "title"], name="unique_signal_group")
        ]

    def __str__(self):
        return self.title


class PolicySignal(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        REVIEWED = "reviewed", _("Reviewed")

    class Source(models.TextChoices):
        SPECIALIST = "specialist", _("Specialist")
        PROFESSIONAL = "professional", _("Professional")

    category = models.CharField(_("category"), max_length=30, choices=SignalCategory.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service concerned"),
    )
    service_name = models.CharField(
        _("service concerned (if not in the list)"), max_length=200, blank=True
    )
    description = models.TextField(_("description"), max_length=2000)
    question = models.ForeignKey(
        "tickets.Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="policy_signals",
        verbose_name=_("question"),
    )
    source = models.CharField(_("signalled by"), max_length=20, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    # How many possible personal data the redaction service found when the author confirmed.
    personal_data_warnings = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    group = models.ForeignKey(
        SignalGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signals",
        verbose_name=_("group"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("policy signal")
        verbose_name_plural = _("policy signals")
        indexes = [
            models.Index(fields=["region", "status", "-created_at"], name="signal_region_idx"),
            models.Index(fields=["municipality", "-created_at"], name="signal_municipality_idx"),
        ]

    def __str__(self):
        place = self.organisation or self.service_name or self.municipality or self.region
        return f"{self.get_category_display()} · {place}"

    @property
    def service_label(self) -> str:
        return str(self.organisation or self.service_name or "")
