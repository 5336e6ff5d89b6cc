"""A referral of a question to a service of the directory (the social map), and whether it
arrived. The rules are in tickets.referrals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Referral(models.Model):
    question = models.ForeignKey(
        "tickets.Question",
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name=_("question"),
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        related_name="referrals",
        verbose_name=_("service"),
    )
    # Kept when the directory entry is removed later.
    service_name = models.CharField(_("service name"), max_length=200)
    created_at = models.DateTimeField(_("referred at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred by"),
    )
    handover = models.OneToOneField(
        "tickets.Handover",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("warm handover"),
    )
    # The one-time link the service opens to confirm receipt: only its hash is kept.
    receipt_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_how = models.CharField(_("how the receipt was confirmed"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        default_permissions = ()

    def __str__(self):
        return f"{self.question_id} → {self.service_name}"
