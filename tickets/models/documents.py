"""Documents made from questions (answer letters, case files, the requester's dossier), the
letterhead they carry, and handovers to another region or an outside service.

Imported at the end of tickets.models, so the models belong to the tickets app.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet

from backoffice.models import Region
from tickets.models.questions import Consent, Question


@register_snippet
class Letterhead(models.Model):
    """What a region prints at the top of its letters. A snippet in tickets, not fields on
    backoffice.Region: documents belong to tickets (the platform app stays free of Wagtail
    images), and a coordinator edits it in the admin with Wagtail's image chooser."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="letterhead", verbose_name=_("region")
    )
    name = models.CharField(
        _("name on the letter"),
        max_length=150,
        help_text=_("For example “Wegwijs – juridisch steunpunt Gent”."),
    )
    address = models.TextField(_("postal address"))
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )

    panels = [
        FieldPanel("region"),
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("website"),
        FieldPanel("logo"),
    ]

    class Meta:
        ordering = ["region__name"]
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterheads")

    def __str__(self):
        return self.name


class Handover(models.Model):
    """A question passed on with the requester's consent: to another Wegwijs region (internal)
    or to an outside service such as an OCMW or a lawyer (external)."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("To another region")
        EXTERNAL = "external", _("To an outside service")

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="handovers", verbose_name=_("question")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    from_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("from region")
    )
    to_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to region"),
    )
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    recipient_contact = models.CharField(
        _("recipient's contact details"), max_length=300, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    # One consent for one handover: agreeing once is not agreeing to every later handover.
    consent = models.OneToOneField(
        Consent, on_delete=models.PROTECT, related_name="handover", verbose_name=_("consent")
    )
    include_internal = models.BooleanField(_("internal notes in the case file"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        default_permissions = ()
        permissions = [("hand_over_question", _("Can hand a question over"))]
        indexes = [models.Index(fields=["from_region", "-at"], name="handover_from_idx")]
        constraints = [
            models.CheckConstraint(
                name="handover_has_a_recipient",
                condition=models.Q(kind="internal", to_region__isnull=False)
                | models.Q(kind="external", to_region__isnull=True) & ~models.Q(recipient_name=""),
            )
        ]

    def __str__(self):
        return f"{self.question.reference} → {self.to_region or self.recipient_name}"

    @property
    def recipient(self) -> str:
        return str(self.to_region) if self.to_region_id else self.recipient_name


class GeneratedDocument(models.Model):
    """One generated DOCX: who asked, its progress, and the file in private storage (deleted
    after GENERATED_DOCUMENT_DAYS)."""

    class Kind(models.TextChoices):
        ANSWER_LETTER = "letter", _("Answer letter")
        CASE_FILE = "case_file", _("Case file")
        DOSSIER = "dossier", _("Your dossier")

    class Audience(models.TextChoices):
        STAFF = "staff", _("Staff")
        REQUESTER = "requester", _("Requester")
        PROFESSIONAL = "professional", _("Professional")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="documents", verbose_name=_("question")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    audience = models.CharField(_("for"), max_length=20, choices=Audience.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    include_internal = models.BooleanField(_("with internal notes"), default=False)
    message = models.ForeignKey(
        "tickets.Message",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer"),
    )
    handover = models.ForeignKey(
        Handover,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("handover"),
    )
    language = models.CharField(_("language"), max_length=12)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stored_name = models.CharField(max_length=100, blank=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=150, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        default_permissions = ()
        permissions = [("export_question", _("Can export answer letters and case files"))]

    def __str__(self):
        return f"{self.question.reference} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
