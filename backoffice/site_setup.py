"""Bootstrap of the public site: locales, and a home page per language if there is none.

Runs after every `migrate` (idempotent, never overwrites what editors changed), so a new
installation serves a real home page in every language without loading demo data.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"


def home_content() -> dict:
    """The default home page text in the active language (translations live in the .po files)."""
    language = translation.get_language()

    def paragraphs(*texts):
        return "".join(f"<p>{escape(text)}</p>" for text in texts)

    return {
        "title": "Wegwijs",
        "seo_title": _("Wegwijs – free legal answers for newcomers"),
        "search_description": _(
            "Questions about residence, nationality, family or social rights in Flanders and "
            "Brussels, answered in writing by legal specialists."
        ),
        "lead": _(
            "Do you have a question about your residence, nationality, family or social rights "
            "in Belgium? The legal specialists of Wegwijs answer you in writing, free of charge, "
            "in a language you understand."
        ),
        "body": [
            {
                "type": "call_to_action",
                "value": {
                    "label": _("Ask a question"),
                    "link": f"/{language}/ask/",
                    "note": _("Free and confidential. No appointment needed."),
                },
            },
            {
                "type": "section",
                "value": {
                    "heading": _("Who is Wegwijs for?"),
                    "text": paragraphs(
                        _(
                            "For newcomers in Flanders and Brussels, and for the social workers, "
                            "counsellors, teachers and volunteers who help them."
                        ),
                        _("You do not need an account. You do not need to read Dutch."),
                    ),
                },
            },
            {
                "type": "steps",
                "value": {
                    "heading": _("How does it work?"),
                    "steps": [
                        {
                            "title": _("Write your question"),
                            "text": _(
                                "Tell us in your own words what it is about. Add a photo of the "
                                "letter you received, if you have one."
                            ),
                        },
                        {
                            "title": _("Keep your reference and code"),
                            "text": _(
                                "You receive a reference and a secret code. With them you follow "
                                "your question. An e-mail address is not required."
                            ),
                        },
                        {
                            "title": _("Read the answer"),
                            "text": _(
                                "A legal specialist of your region answers you. If there is a "
                                "deadline, for example to appeal a decision, tell us: we take it "
                                "into account."
                            ),
                        },
                    ],
                },
            },
            {
                "type": "section",
                "value": {
                    "heading": _("For professionals"),
                    "text": paragraphs(
                        _(
                            "Social workers and counsellors of an OCMW, an integration agency, a "
                            "CAW or another service can consult a specialist about a client, "
                            "without giving the client's name. Sign in with your personal "
                            "account."
                        )
                    ),
                },
            },
            {
                "type": "section",
                "value": {
                    "heading": _("Your privacy"),
                    "text": paragraphs(
                        _(
                            "We only ask what we need to answer you. Only the legal staff of "
                            "your region read your question. We never pass it on without your "
                            "consent."
                        )
                    ),
                },
            },
        ],
    }


def ensure_locales() -> None:
    from wagtail.models import Locale

    for code, _name in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


def _fill(page, content: dict) -> None:
    for field in ("title", "seo_title", "search_description", "lead", "body"):
        setattr(page, field, content[field])


@transaction.atomic
def ensure_home_pages() -> None:
    """One HomePage per language, the Dutch one as the default site's root."""
    from wagtail.models import Locale, Page, Site

    from backoffice.models import HomePage

    root = Page.get_first_root_node()
    if root is None:  # an emptied database (e.g. between transactional tests)
        return
    ensure_locales()
    default_locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)

    home = HomePage.objects.filter(locale=default_locale).first()
    if home is None:
        with translation.override(settings.LANGUAGE_CODE):
            home = HomePage(slug="home-nl", locale=default_locale)
            _fill(home, home_content())
        welcome = root.get_children().filter(title=WAGTAIL_WELCOME_TITLE).first()
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name="Wegwijs",
            )
        else:
            site.root_page = home
            site.site_name = "Wegwijs"
            site.save()
        if welcome is not None and welcome.specific_class is Page:
            welcome.delete()
        logger.info("Created the Dutch home page")

    for code, _name in settings.LANGUAGES:
        locale = Locale.objects.get(language_code=code)
        if code == settings.LANGUAGE_CODE or home.has_translation(locale):
            continue
        translated = home.copy_for_translation(locale)
        with translation.override(code):
            _fill(translated, home_content())
        translated.slug = f"home-{code}"
        translated.save_revision().publish()
        logger.info("Created the %s home page", code)
