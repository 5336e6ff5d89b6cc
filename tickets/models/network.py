"""The support network of a question: who already helps the family (tickets.referrals.network)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportContact(models.Model):
    question = models.ForeignKey(
        "tickets.Question",
        on_delete=models.CASCADE,
        related_name="support_contacts",
        verbose_name=_("question"),
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service of the directory"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(
        _("role"), max_length=120, blank=True, help_text=_("For example: social worker at OCMW.")
    )
    since = models.CharField(
        _("since when"), max_length=60, blank=True, help_text=_("For example: since March 2025.")
    )
    consent_to_contact = models.BooleanField(
        _("the requester agrees that we contact them"), default=False
    )
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("support contact")
        verbose_name_plural = _("support network")
        default_permissions = ()

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        name = self.service.name if self.service_id and self.service else self.organisation
        return f"{name} ({self.role})" if self.role else name
