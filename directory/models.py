"""The directory of local services (the social map) and the facts about municipalities it needs.

A municipality itself is the platform's `backoffice.Municipality` (questions point to it); this
app adds its other postcodes and the region (Flanders or Brussels) it lies in.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, RevisionMixin

from backoffice.models import LegalDomain, Municipality, Region


class Area(models.TextChoices):
    FLANDERS = "flanders", _("Flanders")
    BRUSSELS = "brussels", _("Brussels-Capital Region")


class MunicipalityFacts(models.Model):
    """What the directory knows of a municipality beyond the platform's row."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="facts",
        verbose_name=_("municipality"),
    )
    area = models.CharField(_("region"), max_length=10, choices=Area.choices)
    province = models.CharField(_("province"), max_length=40, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("municipality facts")
        verbose_name_plural = _("municipality facts")

    def __str__(self):
        return str(self.municipality)


class PostalCode(models.Model):
    """Every postcode of a municipality (a merged municipality has several)."""

    code = models.CharField(_("postcode"), max_length=4, db_index=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="postal_codes",
        verbose_name=_("municipality"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        constraints = [
            models.UniqueConstraint(fields=["code", "municipality"], name="unique_postal_code")
        ]

    def __str__(self):
        return f"{self.code} {self.municipality.name}"


class ServiceKind(models.TextChoices):
    OCMW = "ocmw", _("OCMW / public social welfare centre")
    INTEGRATION = "integration", _("Integration agency office")
    EMPLOYMENT = "employment", _("VDAB / Actiris (work)")
    CAW = "caw", _("CAW (general welfare centre)")
    MUTUALITY = "mutuality", _("Mutuality (health insurance)")
    SCHOOL = "school", _("School")
    LEGAL_AID = "legal-aid", _("Legal aid office")
    FAMILY = "family", _("Huis van het Kind (family support)")
    VOLUNTEER = "volunteer", _("Volunteer initiative")
    PRO_DEO = "pro-deo", _("Lawyer for pro-deo help")
    OTHER = "other", _("Other")


class Service(DraftStateMixin, RevisionMixin, ClusterableModel):
    """One local service a newcomer can go to. Kept with revisions; the public sees the
    published version only, and only while its review date has not passed."""

    key = models.SlugField(
        _("key"),
        max_length=100,
        unique=True,
        help_text=_("Stable identifier used by imports: a row with this key updates this entry."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="directory_services",
        verbose_name=_("maintained by region"),
        help_text=_("The regional back-office whose coordinators keep this entry up to date."),
    )
    municipalities = ParentalManyToManyField(
        Municipality,
        related_name="directory_services",
        verbose_name=_("municipalities served"),
    )
    legal_domains = ParentalManyToManyField(
        LegalDomain,
        blank=True,
        related_name="directory_services",
        verbose_name=_("legal domains"),
        help_text=_("Topics this service helps with. None: shown for every topic."),
    )
    description = models.TextField(_("what they do for you"), blank=True)
    languages = models.CharField(
        _("languages at the counter"),
        max_length=200,
        blank=True,
        help_text=_("Language codes separated by spaces, e.g. 'nl fr en uk'."),
    )
    interpreter_available = models.BooleanField(_("interpreter available"), default=False)
    address = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    town = models.CharField(_("town"), max_length=100)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    walk_in_times = models.TextField(
        _("walk-in times"),
        blank=True,
        help_text=_("When people can come without an appointment. Empty: appointment only."),
    )
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    accessibility = models.CharField(_("accessibility"), max_length=250, blank=True)
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    review_date = models.DateField(
        _("review date"),
        help_text=_("After this date the entry is no longer shown to the public until checked."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("local service")
        verbose_name_plural = _("local services")

    def __str__(self):
        return self.name

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.replace(",", " ").split() if code]

    @property
    def has_walk_in(self) -> bool:
        return bool(self.walk_in_times.strip())
