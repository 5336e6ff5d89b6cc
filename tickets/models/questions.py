"""Questions (tickets), their thread, attachments, consents and status history; the queue's
quick views and orders (QuestionQuerySet)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.models import LegalDomain, Municipality, Organisation, Region

REFERENCE_PATTERN = r"^WW-\d{4}-\d{6}$"


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting for requester")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class RequesterKind(models.TextChoices):
    NEWCOMER = "newcomer", _("Newcomer")
    PROFESSIONAL = "professional", _("Professional")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    LAWYER = "lawyer", _("Referred to a lawyer")
    OTHER_SERVICE = "other_service", _("Referred to another service")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    NO_REACTION = "no_reaction", _("No reaction from the requester")


class ReferenceCounter(models.Model):
    """The last reference number handed out in a year (see tickets.references)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.year}: {self.last_number}"


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)

# The queue's quick views: one rule each (QuestionQuerySet.quick_view), applied to what the user
# may already see (tickets.access).
QUICK_VIEWS = {
    "mine": _("My open"),
    "unassigned": _("Unassigned in my regions"),
    "overdue": _("Overdue"),
    "deadline": _("Deadline within 7 days"),
    "waiting": _("Waiting for requester"),
}


def open_work_only(statuses, quick_view: str, query: str) -> bool:
    """The queue shows the open work unless the user chose statuses, a quick view or searches
    (search covers every status, so closed questions are found by reference or words)."""
    return not (statuses or quick_view or query.strip())


def overdue_q(today: date) -> models.Q:
    """Open and past a due date or legal deadline (the "Overdue" view, and the figures)."""
    return models.Q(status__in=OPEN_STATUSES) & (
        models.Q(first_response_at__isnull=True, first_response_due__lt=today)
        | models.Q(answer_due__lt=today)
        | models.Q(legal_deadline__lt=today)
    )


class QuestionQuerySet(models.QuerySet):
    """The queue's quick views and orders, chained on whatever the user may see:
    `access.staff_questions(user).quick_view("overdue", user).queue_order()`."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None):
        return self.filter(overdue_q(today or timezone.localdate()))

    def quick_view(self, name: str, user, today: date | None = None):
        """One of QUICK_VIEWS; an unknown name leaves the queryset as it is."""
        today = today or timezone.localdate()
        if name == "mine":
            return self.open().filter(assignee=user)
        if name == "unassigned":
            regions = user.profile.regions.all() if hasattr(user, "profile") else []
            return self.open().filter(assignee__isnull=True, region__in=regions)
        if name == "overdue":
            return self.overdue(today)
        if name == "deadline":
            return self.open().filter(
                legal_deadline__gte=today, legal_deadline__lte=today + timedelta(days=7)
            )
        if name == "waiting":
            return self.filter(status=Status.WAITING)
        return self

    def with_effective_due(self):
        """A legal deadline outranks the SLA: `effective_due` is the deadline when there is one."""
        return self.annotate(effective_due=Coalesce("legal_deadline", "answer_due"))

    def queue_order(self):
        """Questions with a legal deadline first, by that deadline; then by the answer due date."""
        return self.order_by(
            F("legal_deadline").asc(nulls_last=True), F("answer_due").asc(nulls_last=True), "pk"
        )

    def default_order(self, statuses, quick_view: str, query: str):
        """The queue's order when no column was chosen: open work by urgency (queue_order); a
        listing of chosen statuses that include closed ones is an archive, newest first (and
        the database walks an index instead of sorting every row)."""
        if quick_view or query.strip() or set(statuses) <= set(OPEN_STATUSES):
            return self.queue_order()
        return self.order_by("-created_at", "-pk")


class Question(models.Model):
    reference = models.CharField(
        _("reference"),
        max_length=14,
        unique=True,
        editable=False,
        validators=[RegexValidator(REFERENCE_PATTERN)],
    )
    legal_domain = models.ForeignKey(
        LegalDomain,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("legal domain"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="questions", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("municipality"),
    )
    # Any ISO 639 code (e.g. "ti" for Tigrinya), not only the interface languages: the team
    # sees when an interpreter is needed.
    contact_language = models.CharField(_("contact language"), max_length=12)
    requester_kind = models.CharField(
        _("requester"),
        max_length=20,
        choices=RequesterKind.choices,
        default=RequesterKind.NEWCOMER,
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consults",
        verbose_name=_("professional"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consults",
        verbose_name=_("organisation"),
    )
    client_pseudonym = models.CharField(
        _("client pseudonym"),
        max_length=60,
        blank=True,
        help_text=_("A label that lets you recognise the client, never their name."),
    )
    requester_email = models.EmailField(_("e-mail address"), blank=True)
    requester_phone = models.CharField(_("phone number"), max_length=40, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("question"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    legal_deadline = models.DateField(
        _("legal deadline"),
        null=True,
        blank=True,
        help_text=_("For example the last day to appeal a decision."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_questions",
        verbose_name=_("assignee"),
    )
    # Service levels (tickets.sla): the last working day for a first response and an answer.
    first_response_due = models.DateField(_("first response due"), null=True, blank=True)
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_service = models.CharField(
        _("referred to"),
        max_length=200,
        blank=True,
        help_text=_("The service the requester was referred to."),
    )
    access_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    # One per intake form shown: a double submit finds the question the first one created.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    helpful = models.BooleanField(_("the answer helped"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The family said it is moving (tickets.referrals.moving): where to, and from when. Personal
    # data, removed by tickets.privacy.anonymisation.
    moving_to = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moving to"),
    )
    moving_on = models.DateField(_("moving on"), null=True, blank=True)
    moving_said_at = models.DateTimeField(_("move reported"), null=True, blank=True)
    # Set by tickets.privacy.anonymisation: the personal data is gone, the statistics stay.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            # The queue's archive (chosen statuses, newest first): a page's keys are read from
            # this index alone, in the listing's order (the key breaks ties between equal times).
            models.Index(
                fields=["region", "status", "-created_at", "-id"], name="question_archive_order_idx"
            ),
            # The queue's open work in its default order (queue_order): a page's keys are the
            # first entries of a region's part of this small index, nothing sorted.
            models.Index(
                fields=["region", "legal_deadline", "answer_due", "id"],
                name="question_open_queue_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # The same within one legal domain (the queue filtered by domain): its keys and its
            # count without reading the region's other open questions.
            models.Index(
                fields=["region", "legal_domain", "legal_deadline", "answer_due", "id"],
                name="question_open_domain_queue_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(fields=["legal_deadline"], name="question_deadline_idx"),
            models.Index(fields=["professional", "-created_at"], name="question_pro_idx"),
            models.Index(fields=["organisation", "-created_at"], name="question_org_idx"),
            models.Index(fields=["assignee", "status"], name="question_assignee_idx"),
            models.Index(fields=["region", "first_response_due"], name="question_first_due_idx"),
            models.Index(fields=["answer_due"], name="question_answer_due_idx"),
            models.Index(fields=["priority"], name="question_priority_idx"),
            models.Index(
                Coalesce("legal_deadline", "answer_due"), name="question_effective_due_idx"
            ),
            # The escalation task reads only questions that were never escalated.
            models.Index(
                fields=["status", "first_response_due"],
                name="question_unescalated_idx",
                condition=models.Q(escalated_at__isnull=True),
            ),
            # The staff queue lists newest first, filtered by status and/or legal domain: these
            # let the database walk the rows in order instead of sorting every row of a region
            # (bench/run: the sort grew with the number of questions).
            models.Index(fields=["status", "-created_at"], name="question_status_new_idx"),
            models.Index(fields=["legal_domain", "-created_at"], name="question_domain_new_idx"),
            models.Index(
                fields=["status", "legal_domain", "-created_at"], name="question_status_domain_idx"
            ),
            # The dashboard counts the questions answered or closed in a period (and draws them
            # per day) by these: without them it read every question (tickets.reports.figures).
            models.Index(fields=["answered_at"], name="question_answered_at_idx"),
            models.Index(fields=["closed_at"], name="question_closed_at_idx"),
            # The dashboard's "open / overdue / waiting now" reads the open questions' due dates
            # from the index alone (status first: the open ones are a small share of all).
            models.Index(
                fields=[
                    "status",
                    "region",
                    "first_response_due",
                    "answer_due",
                    "legal_deadline",
                    "first_response_at",
                ],
                name="question_open_state_idx",
            ),
            # The daily retention task reads only questions not yet anonymised.
            models.Index(
                fields=["status", "closed_at"],
                name="question_retention_idx",
                condition=models.Q(anonymised_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="professional_consult_has_professional",
                condition=models.Q(requester_kind="newcomer", professional__isnull=True)
                | models.Q(requester_kind="professional", professional__isnull=False),
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def assignee_label(self) -> str:
        if self.assignee is None:
            return ""
        return self.assignee.get_full_name() or self.assignee.get_username()

    @property
    def contact_language_name(self) -> str:
        """The contact language by name, in the reader's interface language."""
        from tickets.languages import language_name

        return language_name(self.contact_language, own_name=False)


class Message(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")

    class AuthorKind(models.TextChoices):
        STAFF = "staff", _("Staff")
        PROFESSIONAL = "professional", _("Professional")
        REQUESTER = "requester", _("Requester")

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="messages", verbose_name=_("question")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PUBLIC)
    author_kind = models.CharField(_("author"), max_length=20, choices=AuthorKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["question", "created_at"], name="message_thread_idx")]

    def __str__(self):
        return f"{self.question.reference} {self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class Attachment(models.Model):
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("question"),
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    # Random name inside private storage; never under MEDIA_URL.
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class Consent(models.Model):
    """What the requester (or the professional, for their client) agreed to, word for word."""

    class Purpose(models.TextChoices):
        PROCESSING = "processing", _("Processing of the question")
        CLIENT_CONSENT = "client", _("Client agreed to the consult")
        HANDOVER = "handover", _("Handover to another service")

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="consents", verbose_name=_("question")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    text_version = models.CharField(_("text version"), max_length=40)
    text = models.TextField(_("text agreed to"))
    language = models.CharField(_("language"), max_length=12)
    given_by = models.CharField(_("given by"), max_length=20, choices=Message.AuthorKind.choices)
    given_at = models.DateTimeField(_("time"), auto_now_add=True)
    # Consent given by phone or at a counter is recorded by a staff member, with a note of how.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.question.reference} {self.purpose} {self.text_version}"


class SignInLink(models.Model):
    """A one-click link to a question's follow-up page, sent by e-mail. Only its hash is kept;
    the token is made by the worker when it sends the mail, so it never sits in the queue."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.question.reference} link {self.created_at:%Y-%m-%d}"


class StatusChange(models.Model):
    """The question's timeline; the audit log holds who looked, this holds what happened."""

    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("question"),
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_kind = models.CharField(max_length=20, choices=Message.AuthorKind.choices)
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        default_permissions = ()

    def __str__(self):
        return f"{self.question.reference}: {self.from_status} → {self.to_status}"
