"""Privacy records of questions: the retention policy coordinators edit, legal holds and erasure
requests (the rules are in tickets.privacy.retention and tickets.privacy.anonymisation).

Imported at the end of tickets.models, so the models belong to the tickets app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from tickets.models.questions import Question


@register_setting(icon="lock")
class RetentionPolicy(BaseGenericSetting):
    """How long questions keep their personal data. The public privacy page shows these numbers
    in plain words; the daily retention task applies them."""

    closed_months = models.PositiveSmallIntegerField(
        _("closed questions: months after closing"),
        default=24,
        help_text=_("A closed question is anonymised this many months after it was closed."),
    )
    unanswered_months = models.PositiveSmallIntegerField(
        _("questions never answered: months after the last message"),
        default=12,
        help_text=_(
            "A question that was never answered and had no contact for this many months is "
            "closed and anonymised."
        ),
    )

    panels = [FieldPanel("closed_months"), FieldPanel("unanswered_months")]

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policy")
        default_permissions = ("change",)
        permissions = [
            ("manage_privacy", _("Can put questions on legal hold and read privacy reports")),
            ("decide_erasure", _("Can confirm or refuse erasure requests")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.closed_months < 1:
            errors["closed_months"] = _("Keep closed questions at least one month.")
        if self.unanswered_months < 1:
            errors["unanswered_months"] = _("Keep unanswered questions at least one month.")
        if errors:
            raise ValidationError(errors)


class LegalHold(models.Model):
    """A question that must be kept (a court case, an inspection): retention and erasure skip
    it until a coordinator releases the hold."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="legal_holds", verbose_name=_("question")
    )
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("placed by"),
    )
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    release_reason = models.CharField(_("reason for release"), max_length=300, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=models.Q(released_at__isnull=True),
                name="one_active_hold_per_question",
            )
        ]

    def __str__(self):
        return f"{self.question.reference} hold {self.placed_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class ErasureRequest(models.Model):
    """The requester (or the professional, for a consult) asks to have the question erased; a
    specialist or coordinator confirms (the question is anonymised) or refuses with a reason."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        CONFIRMED = "confirmed", _("Erased")
        REFUSED = "refused", _("Refused")

    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="erasure_requests",
        verbose_name=_("question"),
    )
    requested_by = models.CharField(
        _("asked by"), max_length=20, choices=[("requester", _("Requester")),
                                                ("professional", _("Professional"))],
    )  # fmt: skip
    reason = models.TextField(_("what the requester wrote"), blank=True)
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True, db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=models.Q(state="pending"),
                name="one_pending_erasure_per_question",
            )
        ]

    def __str__(self):
        return f"{self.question.reference} erasure {self.requested_at:%Y-%m-%d}"
