"""What staff write with: reusable answer templates and the drafts kept until sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.models import LegalDomain
from tickets.models.questions import Question


class AnswerTemplate(models.Model):
    """A reusable answer for specialists (a Wagtail snippet). No personal data: the only
    placeholders are {reference}, {region} and {deadline}."""

    title = models.CharField(_("title"), max_length=120)
    legal_domain = models.ForeignKey(
        LegalDomain,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal domain"),
        help_text=_("Empty: offered for every domain."),
    )
    language = models.CharField(_("language"), max_length=12, default="nl")
    body = models.TextField(
        _("text (Markdown)"),
        help_text=_("Placeholders: {reference}, {region}, {deadline}."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        indexes = [models.Index(fields=["legal_domain", "language"], name="template_lookup_idx")]

    def __str__(self):
        return f"{self.title} ({self.language_name})"

    @property
    def language_name(self) -> str:
        from tickets.languages import language_name

        return language_name(self.language, own_name=False)


class MessageDraft(models.Model):
    """What a staff member was writing on a question, kept until they send it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(blank=True)
    internal = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["question", "author"], name="one_draft_per_author")
        ]

    def __str__(self):
        return f"{self.question_id} draft by {self.author_id}"
