"""Promotion of an answer to a draft knowledge base article (the rules are in
tickets.promotion)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models.questions import Question


class ArticleProposal(models.Model):
    """A draft knowledge base article made from this question's answer (promotion).

    Owned by tickets: the knowledge base never knows which question an article came from.
    """

    question = models.OneToOneField(
        Question,
        on_delete=models.CASCADE,
        related_name="article_proposal",
        verbose_name=_("question"),
    )
    article = models.ForeignKey(
        "knowledge.ArticlePage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("article"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    redactions = models.PositiveIntegerField(_("personal data removed"), default=0)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        verbose_name = _("article proposal")
        verbose_name_plural = _("article proposals")

    def __str__(self):
        return f"{self.question} → {self.article_id}"
