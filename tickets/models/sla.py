"""Service levels: how many working days a question may wait (the rules are in tickets.sla)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.models import LegalDomain
from tickets.models.questions import Priority


class SLAPolicy(models.Model):
    """How many working days a question of a legal domain and priority may wait. Empty domain or
    priority means "any"; the most specific policy wins (tickets.sla.due_dates.policy_for)."""

    legal_domain = models.ForeignKey(
        LegalDomain,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal domain"),
        help_text=_("Empty: every domain without its own policy."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        choices=Priority.choices,
        null=True,
        blank=True,
        help_text=_("Empty: every priority without its own policy."),
    )
    first_response_days = models.PositiveSmallIntegerField(
        _("first response within (working days)")
    )
    answer_days = models.PositiveSmallIntegerField(_("answer within (working days)"))

    class Meta:
        ordering = ["legal_domain__sort_order", "priority"]
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        constraints = [
            models.UniqueConstraint(
                fields=["legal_domain", "priority"],
                name="unique_sla_policy",
            ),
            models.CheckConstraint(
                name="sla_answer_not_before_first_response",
                condition=models.Q(answer_days__gte=models.F("first_response_days")),
            ),
        ]

    def __str__(self):
        domain = self.legal_domain.name if self.legal_domain else _("any domain")
        priority = self.get_priority_display() if self.priority else _("any priority")
        return f"{domain} · {priority}"

    def validate_unique(self, exclude=None):
        # A unique constraint lets NULLs repeat; "any domain" or "any priority" may not.
        super().validate_unique(exclude)
        twins = SLAPolicy.objects.filter(
            legal_domain=self.legal_domain_id, priority=self.priority
        ).exclude(pk=self.pk)
        if twins.exists():
            raise ValidationError(
                _("There is already a service level for this domain and priority.")
            )
