"""The knowledge base's place in the page tree.

    HomePage (one per locale)
    └── KnowledgeLandingPage   /<lang>/<landing slug>/
        └── KnowledgeIndexPage (one per legal domain)   /<lang>/<landing>/<domain slug>/
            └── ArticlePage   /<lang>/<landing>/<domain>/<article slug>/

Pages of the same place share one translation key across locales, so the language switcher
and Wagtail's translation tools link them. Creation is idempotent and never overwrites what
editors changed.
"""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Locale

from backoffice.i18n import localized_value
from backoffice.models import HomePage, LegalDomain
from knowledge.models import KnowledgeIndexPage, KnowledgeLandingPage

LANDING_SLUGS = {"nl": "kennisbank", "fr": "connaissances"}
DEFAULT_LANDING_SLUG = "knowledge"


def landing_slug(language_code: str) -> str:
    return LANDING_SLUGS.get(language_code, DEFAULT_LANDING_SLUG)


def _home(locale) -> HomePage:
    home = HomePage.objects.filter(locale=locale).first()
    if home is None:
        from backoffice.site_setup import ensure_home_pages

        ensure_home_pages()
        home = HomePage.objects.get(locale=locale)
    return home


def _publish(page) -> None:
    page.save_revision().publish()


@transaction.atomic
def ensure_landing(locale) -> KnowledgeLandingPage:
    existing = KnowledgeLandingPage.objects.filter(locale=locale).first()
    if existing is not None:
        return existing
    source = None
    if locale.language_code != settings.LANGUAGE_CODE:
        source = ensure_landing(Locale.objects.get(language_code=settings.LANGUAGE_CODE))
    home = _home(locale)
    with translation.override(locale.language_code):
        landing = KnowledgeLandingPage(
            title=_("Knowledge base"),
            slug=landing_slug(locale.language_code),
            locale=locale,
            intro=_(
                "Find answers about your rights in Belgium, written in plain language. "
                "Choose what your question is about."
            ),
        )
    if source is not None:
        landing.translation_key = source.translation_key
    home.add_child(instance=landing)
    _publish(landing)
    return landing


@transaction.atomic
def ensure_index(locale, domain: LegalDomain) -> KnowledgeIndexPage:
    existing = KnowledgeIndexPage.objects.filter(locale=locale, legal_domain=domain).first()
    if existing is not None:
        return existing
    source = None
    if locale.language_code != settings.LANGUAGE_CODE:
        source = ensure_index(Locale.objects.get(language_code=settings.LANGUAGE_CODE), domain)
    landing = ensure_landing(locale)
    index_page = KnowledgeIndexPage(
        title=localized_value(domain, "name", locale.language_code),
        slug=domain.slug,
        locale=locale,
        legal_domain=domain,
        intro=localized_value(domain, "summary", locale.language_code),
    )
    if source is not None:
        index_page.translation_key = source.translation_key
    landing.add_child(instance=index_page)
    _publish(index_page)
    return index_page


def ensure_tree() -> None:
    """A landing page in every language and an index per active legal domain."""
    for code, _name in settings.LANGUAGES:
        locale, _created = Locale.objects.get_or_create(language_code=code)
        ensure_landing(locale)
        for domain in LegalDomain.objects.filter(is_active=True):
            ensure_index(locale, domain)
