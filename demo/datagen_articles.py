"""Knowledge base articles for the benchmark data set: a separate step of `generate_data`.

It runs only when `knowledge.models.ArticlePage` exists (the knowledge base issue), so the
question generator works before and after that lands. Written against this contract: an
ArticlePage has title, slug, summary, body (StreamField with a `rich_text` block),
legal_domains (M2M LegalDomain), audience (public / professionals / internal),
last_review_date and is_demo; its parent is a KnowledgeIndexPage per legal domain under one
KnowledgeLandingPage per locale (under that locale's home page).

Pages are added with treebeard's add_child under a parent that is fetched once per index (the
parent's numchild is bumped in memory), with no revision per page: the articles are published
rows as an import would make them. Translations of one article share a translation_key.
"""

import importlib
import random
import uuid
from datetime import date, timedelta

from django.db import transaction
from django.utils.text import slugify

from demo.datagen import GENERATED_PREFIX, NAMESPACE, Progress

LOCALES = ("nl", "fr", "en", "ar", "uk")
AUDIENCE_WEIGHTS = {"public": 70, "professionals": 25, "internal": 5}
TOPICS = {
    "nl": ["Verblijfskaart verlengen", "Gezinshereniging aanvragen", "Leefloon en studeren",
           "Groeipakket na een verhuis", "Huwelijk uit het buitenland laten erkennen",
           "Huurwaarborg terugkrijgen", "Werken tijdens de asielprocedure",
           "Nationaliteitsverklaring: de documenten", "Inschrijven in een school",
           "Inburgeringstraject na een verhuis"],
    "fr": ["Renouveler sa carte de séjour", "Demander le regroupement familial",
           "Revenu d'intégration et études", "Allocations familiales après un déménagement",
           "Faire reconnaître un mariage étranger", "Récupérer sa garantie locative"],
    "en": ["Renewing your residence card", "Applying for family reunification",
           "Living wage while studying", "Child benefit after moving",
           "Recognition of a foreign marriage", "Getting your rental deposit back"],
    "ar": ["تجديد بطاقة الإقامة", "طلب لمّ شمل الأسرة", "دخل الاندماج والدراسة",
           "إعانات الأطفال بعد الانتقال"],
    "uk": ["Продовження посвідки на проживання", "Возз'єднання сім'ї",
           "Допомога на дітей після переїзду", "Медичне страхування"],
}  # fmt: skip
PARAGRAPH = {
    "nl": "<p>Dit artikel legt uit wat u moet doen, welke documenten u nodig hebt en binnen "
    "welke termijn. <b>Bewaar altijd een kopie</b> van wat u indient.</p>",
    "fr": "<p>Cet article explique ce que vous devez faire, quels documents sont nécessaires et "
    "dans quel délai. <b>Gardez toujours une copie</b>.</p>",
    "en": "<p>This article explains what to do, which documents you need and by when. "
    "<b>Always keep a copy</b> of what you hand in.</p>",
    "ar": "<p>يشرح هذا المقال ما يجب عليك فعله والوثائق اللازمة والمواعيد. <b>احتفظ دائماً "
    "بنسخة</b>.</p>",
    "uk": "<p>Ця стаття пояснює, що робити, які документи потрібні і в який строк. <b>Завжди "
    "зберігайте копію</b>.</p>",
}


def article_model():
    """knowledge.models.ArticlePage, or None while the knowledge base has not landed."""
    try:
        module = importlib.import_module("knowledge.models")
    except ImportError:
        return None
    return getattr(module, "ArticlePage", None)


def _parents(domains):
    """{(locale code, domain pk): KnowledgeIndexPage}, through the knowledge base's own tree
    service (landing and index pages as an installation has them)."""
    from wagtail.models import Locale

    from knowledge import tree

    parents = {}
    for locale in Locale.objects.filter(language_code__in=LOCALES):
        for domain in domains:
            parents[(locale.language_code, domain.pk)] = tree.ensure_index(locale, domain)
    return parents


def generate_articles(count: int, *, seed: int = 1, anchor: date | None = None, progress=True):
    """Make `count` published articles over the locales and domains; returns a summary with the
    URLs of a few public ones (for the benchmark)."""
    ArticlePage = article_model()
    if ArticlePage is None:
        return {"articles": 0, "skipped": "knowledge.models.ArticlePage does not exist yet"}
    from backoffice.models import LegalDomain

    rng = random.Random(seed * 7919)
    today = anchor or date.today()
    domains = list(LegalDomain.objects.filter(is_active=True))
    with transaction.atomic():
        parents = _parents(domains)
    if not parents:
        return {"articles": 0, "skipped": "no home pages (run migrate first)"}
    bar = Progress(count, "articles", enabled=progress)
    made, public_urls = 0, []
    groups = (count + len(LOCALES) - 1) // len(LOCALES)
    with transaction.atomic():
        for group in range(groups):
            domain = domains[group % len(domains)]
            key = uuid.uuid5(NAMESPACE, f"article-{group}")
            audience = rng.choices(list(AUDIENCE_WEIGHTS), weights=list(AUDIENCE_WEIGHTS.values()))[
                0
            ]
            reviewed = today - timedelta(days=rng.randint(0, 400))
            for code in LOCALES:  # one article and its translations
                if made >= count:
                    break
                parent = parents.get((code, domain.pk))
                if parent is None:
                    continue
                topic = rng.choice(TOPICS[code])
                title = f"{topic} ({group + 1})"
                page = ArticlePage(
                    title=title,
                    slug=f"{slugify(topic, allow_unicode=True)[:60]}-{group + 1}",
                    summary=title,
                    body=[
                        ("rich_text", PARAGRAPH[code]),
                        ("rich_text", PARAGRAPH[code] * rng.randint(1, 4)),
                    ],
                    audience=audience,
                    last_review_date=reviewed,
                    is_demo=True,
                    locale=parent.locale,
                    translation_key=key,
                    live=True,
                )
                page.legal_domains = [domain]  # written by add_child's save (modelcluster)
                parent.add_child(instance=page)
                if audience == "public" and len(public_urls) < 50:
                    public_urls.append(page.get_url())
                made += 1
                if made % 50 == 0 or made == count:
                    bar.update(made)
    return {"articles": made, "prefix": GENERATED_PREFIX, "article_urls": public_urls}
