"""Knowledge base pages: a public landing (by life situation), an index per legal domain, and
articles with an audience, a review cycle and outdated-translation tracking."""

import calendar
import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from backoffice.models import PublicPageCacheMixin
from knowledge.blocks import ArticleBodyBlock
from knowledge.panels import LegalReviewStatusPanel, TranslationStatusPanel
from knowledge.review import ArticleParentPermissionTester, LegalReviewMixin
from knowledge.situations import SITUATION_CHOICES, situation_description, situation_label


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (31 August + 6 → 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class Audience(models.TextChoices):
    PUBLIC = "public", _("Public (everyone)")
    PROFESSIONALS = "professionals", _("Professionals (signed-in professionals and staff)")
    INTERNAL = "internal", _("Internal (staff only)")


class LifeSituation(models.Model):
    """A life situation newcomers browse by; the keys are fixed, labels come from gettext."""

    key = models.SlugField(_("key"), max_length=50, unique=True, choices=SITUATION_CHOICES)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "key"]
        verbose_name = _("life situation")
        verbose_name_plural = _("life situations")

    def __str__(self):
        return situation_label(self.key)

    @property
    def label(self) -> str:
        return situation_label(self.key)

    @property
    def description(self) -> str:
        return situation_description(self.key)


class KnowledgeLandingPage(PublicPageCacheMixin, Page):
    """The public front of the knowledge base: browse by life situation, then by domain."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["backoffice.HomePage"]
    subpage_types = ["knowledge.KnowledgeIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("knowledge base landing page")

    def get_context(self, request, *args, **kwargs):
        from knowledge import listings

        context = super().get_context(request, *args, **kwargs)
        context.update(listings.landing_context(self, request))
        return context


class KnowledgeIndexPage(PublicPageCacheMixin, Page):
    """All articles of one legal domain in one language."""

    legal_domain = models.ForeignKey(
        "backoffice.LegalDomain",
        on_delete=models.PROTECT,
        related_name="knowledge_indexes",
        verbose_name=_("legal domain"),
    )
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("legal_domain"), FieldPanel("intro")]

    parent_page_types = ["knowledge.KnowledgeLandingPage"]
    subpage_types = ["knowledge.ArticlePage"]

    class Meta:
        verbose_name = _("knowledge base index (legal domain)")

    def clean(self):
        super().clean()
        if not self.legal_domain_id:
            return
        twin = KnowledgeIndexPage.objects.filter(
            locale_id=self.locale_id, legal_domain_id=self.legal_domain_id
        ).exclude(pk=self.pk)
        if twin.exists():
            raise ValidationError(
                {"legal_domain": _("This language already has an index for this legal domain.")}
            )

    def get_context(self, request, *args, **kwargs):
        from knowledge import listings

        context = super().get_context(request, *args, **kwargs)
        context.update(listings.index_context(self, request))
        return context

    def permissions_for_user(self, user):
        return ArticleParentPermissionTester(user, self)


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "knowledge.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePageForm(WagtailAdminPageForm):
    """The article form: approving (or asking to publish) a text that is not complete yet shows
    what is missing at the fields, and keeps what the editor typed."""

    def clean(self):
        cleaned_data = super().clean()
        from knowledge import review

        data = self.data
        approving = data.get("action-workflow-action") and str(
            data.get("workflow-action-name", "")
        ).startswith("approve")
        if approving:
            problems = review.content_problems(
                summary=cleaned_data.get("summary"),
                body=cleaned_data.get("body"),
                slug=cleaned_data.get("slug"),
            )
            for field_name, message in problems.items():
                if field_name in self.fields:
                    self.add_error(field_name, message)
                else:
                    self.add_error(None, message)
        return cleaned_data


class ArticlePage(PublicPageCacheMixin, LegalReviewMixin, Page):
    """One knowledge base article in one language."""

    base_form_class = ArticlePageForm

    summary = models.TextField(
        _("summary"),
        help_text=_("Two or three plain sentences (A2 level): what the reader needs to know."),
    )
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("body"))
    legal_domains = ParentalManyToManyField(
        "backoffice.LegalDomain",
        related_name="articles",
        verbose_name=_("legal domains"),
        blank=False,
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))
    situations = ParentalManyToManyField(
        LifeSituation,
        related_name="articles",
        verbose_name=_("life situations"),
        blank=True,
        help_text=_("Where newcomers find this article when they browse by life situation."),
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )
    last_review_date = models.DateField(_("last legal review"), null=True, blank=True)
    reviewer = models.CharField(_("reviewer"), max_length=150, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"), default=6, validators=[MinValueValidator(1)]
    )
    is_demo = models.BooleanField(
        _("demo content"), default=False, help_text=_("Shown to readers as demo content.")
    )
    # When this page is a translation: when its source was last published at the time the
    # translation was made (or last brought up to date). A later publication of the source
    # makes the translation outdated.
    translation_source_published_at = models.DateTimeField(
        _("source version translated"), null=True, blank=True, editable=False
    )

    # SHA-256 of the Markdown file this article was last imported from (import_articles skips
    # unchanged files, so re-running it does not republish, nor make translations outdated).
    import_checksum = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = [
        LegalReviewStatusPanel(),
        TranslationStatusPanel(),
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("legal_domains", widget=forms.CheckboxSelectMultiple),
                FieldPanel("situations", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
                FieldPanel("audience"),
            ],
            heading=_("Classification"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("last_review_date"),
                FieldPanel("reviewer"),
                FieldPanel("review_interval_months"),
                FieldPanel("is_demo"),
            ],
            heading=_("Legal review"),
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body_text"),
        index.FilterField("audience"),
    ]

    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("knowledge base article")
        verbose_name_plural = _("knowledge base articles")

    # --- helpers -----------------------------------------------------------------------------

    def body_text(self) -> str:
        """The body as plain text, block by block (for search indexing and previews)."""
        parts: list[str] = []
        for block in self.body:
            value = block.value
            kind = block.block_type
            if kind in ("rich_text", "warning"):
                parts.append(strip_tags(str(value.source if hasattr(value, "source") else value)))
            elif kind == "checklist":
                parts.extend(
                    " – ".join(filter(None, [item["item"], item["when_needed"]])) for item in value
                )
            elif kind == "steps":
                parts.extend(str(step) for step in value)
            elif kind == "legal_reference":
                parts.append(" ".join(filter(None, [value["instrument"], value["article"]])))
            elif kind == "where_to_go":
                parts.append(
                    " ".join(filter(None, [value["service"], value["place"], value["contact"]]))
                )
        text = "\n".join(part.strip() for part in parts if part and part.strip())
        return normalize_newlines(text)

    @property
    def review_due_date(self) -> datetime.date | None:
        """The date the next legal review is due (None when the article was never reviewed)."""
        if self.last_review_date is None:
            return None
        return add_months(self.last_review_date, self.review_interval_months)

    def is_review_due(self, today: datetime.date | None = None) -> bool:
        due = self.review_due_date
        today = today or datetime.date.today()
        return due is None or due <= today

    @property
    def is_source_language(self) -> bool:
        return self.locale.language_code == settings.LANGUAGE_CODE

    def get_translation_source(self) -> "ArticlePage | None":
        """The Dutch (default-locale) article this page translates, or None for a source."""
        from knowledge.translations import translation_source

        return translation_source(self)

    def other_languages(self) -> list["ArticlePage"]:
        """The live versions of this article in the other languages (for "Also in ...")."""
        return list(
            self.get_translations()
            .live()
            .select_related("locale")
            .order_by("locale__language_code")
        )

    @property
    def is_outdated_translation(self) -> bool:
        from knowledge.translations import is_outdated

        return is_outdated(self)

    def situation_keys(self) -> list[str]:
        return [situation.key for situation in self.situations.all()]

    def get_context(self, request, *args, **kwargs):
        from knowledge import reading

        context = super().get_context(request, *args, **kwargs)
        context.update(reading.article_context(self, request))
        return context

    def get_sitemap_urls(self, request=None):
        from django.contrib.auth.models import AnonymousUser

        from knowledge.audiences import can_read

        if not can_read(AnonymousUser(), self):
            return []
        return super().get_sitemap_urls(request)

    def serve(self, request, *args, **kwargs):
        from knowledge.audiences import deny_unreadable

        denied = deny_unreadable(self, request)
        if denied is not None:
            return denied
        response = super().serve(request, *args, **kwargs)
        if response.status_code == 200:
            from backoffice.page_cache import tag
            from knowledge import reads

            reads.count_read(request, self.pk)
            tag(response, reads.tag(self.pk))  # a kept copy counts its reads too
        return response


class ArticleVote(models.Model):
    """One "Was this helpful?" answer: anonymous, one per article and visitor."""

    article = models.ForeignKey(
        ArticlePage, on_delete=models.CASCADE, related_name="votes", verbose_name=_("article")
    )
    helpful = models.BooleanField(_("helpful"))
    visitor_hash = models.CharField(_("visitor (hashed)"), max_length=64)
    # Keyed hash of the client address: recognises a visitor who came back without the cookie.
    client_hash = models.CharField(_("client (hashed)"), max_length=64, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("article vote")
        verbose_name_plural = _("article votes")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "visitor_hash"], name="one_vote_per_article_and_visitor"
            )
        ]
        indexes = [
            models.Index(fields=["article", "client_hash"], name="vote_client_idx"),
            # The dashboard counts a period's votes (helpful or not) from this index alone.
            models.Index(fields=["created", "helpful"], name="vote_period_idx"),
        ]

    def __str__(self):
        return f"{self.article_id} {'+' if self.helpful else '-'}"


class ArticleRead(models.Model):
    """How often one article (one language version) was read on one day, and nothing else: no
    address, no account, no cookie, no time of day (knowledge.reads says what counts)."""

    article = models.ForeignKey(
        ArticlePage, on_delete=models.CASCADE, related_name="reads", verbose_name=_("article")
    )
    day = models.DateField(_("day"))
    reads = models.PositiveIntegerField(_("reads"), default=0)

    class Meta:
        verbose_name = _("article reads of a day")
        verbose_name_plural = _("article reads per day")
        # Day first: the dashboard reads a range of days over all articles. The second index
        # holds the count too, so summing a period reads the index alone.
        constraints = [
            models.UniqueConstraint(
                fields=["day", "article"], name="one_read_count_per_article_and_day"
            )
        ]
        indexes = [models.Index(fields=["day", "article", "reads"], name="read_day_sum_idx")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.reads}"
