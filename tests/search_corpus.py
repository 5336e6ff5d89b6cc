"""A small fixture corpus for the search contract: questions (real tickets.Question rows) and
articles of a stand-in article kind (the knowledge base registers the real one)."""

from dataclasses import dataclass, field

from backoffice import roles
from search.registry import Entry, Kind, Visibility
from tests import factories
from tests.conftest import make_user


@dataclass
class FakeArticle:
    pk: int
    title: str
    body: str
    language: str = "nl"
    audience: str = "public"
    domains: list = field(default_factory=lambda: ["residence"])
    live: bool = True


ARTICLES = [
    FakeArticle(
        1,
        "Gezinshereniging aanvragen",
        "Wie hier verblijft, kan een echtgenote of "
        "kinderen laten overkomen. De aanvraag van gezinshereniging gebeurt bij de "
        "ambassade. Financiële steun: u moet voldoende inkomen hebben.",
    ),
    FakeArticle(
        2,
        "Leefloon: de voorwaarden",
        "Het OCMW beoordeelt het leefloon. Voor "
        "begeleiders: zo controleer je de financiele toestand.",
        audience="professionals",
        domains=["social-law"],
    ),
    FakeArticle(
        3,
        "Interne nota over weigeringen",
        "Interne werkwijze bij een weigering van een verblijfskaart.",
        audience="internal",
    ),
    FakeArticle(
        4,
        "Regroupement familial : la procédure",
        "Le regroupement familial permet "
        "de faire venir son conjoint. Les démarches commencent à l'ambassade.",
        language="fr",
    ),
    FakeArticle(
        5,
        "Uw kaart verlengen bij de gemeente",
        "De elektronische kaart verlengt u "
        "bij de gemeente, twee maanden voor ze vervalt. <script>alert(1)</script>",
    ),
    FakeArticle(6, "Oud artikel over gezinshereniging", "Niet meer gepubliceerd.", live=False),
]


def readable_audiences(user):
    if user is None or not user.is_authenticated:
        return ["public"]
    if user.is_superuser or user.groups.filter(name__in=roles.STAFF_ROLES).exists():
        return ["public", "professionals", "internal"]
    if user.groups.filter(name=roles.PROFESSIONAL).exists():
        return ["public", "professionals"]
    return ["public"]


class ArticleKind(Kind):
    name = "article"
    model = FakeArticle
    public = True
    suggestible = True

    def __init__(self, articles):
        self.store = {article.pk: article for article in articles}

    def get_queryset(self):
        return list(self.store.values())

    def get(self, pk):
        return self.store.get(int(pk))

    def should_index(self, article):
        return article.live

    def entry(self, article):
        return Entry(
            title=article.title,
            text=article.body,
            language=article.language,
            url=f"/{article.language}/kennisbank/{article.pk}/",
            facets={"legal_domain": article.domains, "audience": [article.audience]},
        )

    def visibility(self, user):
        return Visibility(terms={"audience": readable_audiences(user)})


def make_questions():
    regions = {
        "antw": factories.region("antw", postcode="2000"),
        "gnt": factories.region("gnt", postcode="9000"),
    }

    def ask(place, domain, subject, body, language="nl"):
        return factories.question(
            domain=domain,
            subject=subject,
            body=body,
            contact_language=language,
            municipality=regions[place].municipalities.get(),
        )

    questions = {
        "reunion": ask(
            "antw",
            "residence",
            "Gezinshereniging voor mijn echtgenote",
            "Hoe vraag ik gezinshereniging aan? Mijn echtgenote woont in Eritrea.",
        ),
        "reunion_kids": ask(
            "antw",
            "residence",
            "Gezinshereniging met mijn kinderen",
            "Kunnen mijn kinderen via gezinshereniging komen? Mijn echtgenote is er al.",
        ),
        "card_gent": ask(
            "gnt",
            "residence",
            "Verlenging van mijn kaart",
            "Mijn kaart vervalt volgende maand, wat moet ik doen?",
        ),
        "leefloon": ask(
            "antw",
            "social-law",
            "Leefloon aanvragen",
            "Kan ik een leefloon krijgen bij het OCMW?",
            language="ar",
        ),
    }
    users = {
        "specialist_antw": make_user(roles.SPECIALIST, "spec-antw", regions=[regions["antw"]]),
        "specialist_gnt": make_user(roles.SPECIALIST, "spec-gnt", regions=[regions["gnt"]]),
        "editor": make_user(roles.EDITOR, "ed"),
        "professional": make_user(roles.PROFESSIONAL, "pro"),
        "superuser": make_user("superuser", "root"),
    }
    return questions, users, regions


class fake_articles:  # noqa: N801 - used like a function
    """Stand the fixture articles in for the knowledge base's kind, and put it back after."""

    def __enter__(self):
        from search import registry

        self.previous = registry.kinds().get("article")
        self.kind = ArticleKind(ARTICLES)
        registry.register(self.kind)
        return self.kind

    def __exit__(self, *exc):
        from search import registry

        registry.unregister("article")
        if self.previous is not None:
            registry.register(self.previous)
