"""A large, realistic and deterministic data set for benchmarks (`manage.py generate_data`).

Everything is drawn from one seeded random generator, so the same seed and anchor date give the
same rows. Rows are written with bulk_create in batches (one transaction per batch): 100,000
questions with their threads take minutes, not hours. The generator never touches real data:
`refuse_reason` tells why a database must not be filled (see the command's --force).

What it makes: regions (slug `gen-…`), municipalities, 50 organisations, 300 people
(specialists, coordinators, professionals; usernames `gen-…`, one shared password), and N
questions over two years with about 4 messages each, attachment metadata (no file content),
consent records and the status history. References follow tickets.references: numbered per year
in order of creation after what the ReferenceCounter already handed out, and the counter is
moved on, so the next real question gets the next number.
"""

import hashlib
import math
import random
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from backoffice import roles
from backoffice.models import LegalDomain, Municipality, Organisation, Region, UserProfile
from backoffice.tasks import refresh_query_statistics
from tickets.access_codes import ALPHABET, GROUP_SIZE, GROUPS, hash_access_code
from tickets.consent_texts import CLIENT_TEXT, CLIENT_VERSION, PROCESSING_TEXT, PROCESSING_VERSION
from tickets.models import (
    Attachment,
    Consent,
    Message,
    Outcome,
    PolicySignal,
    Priority,
    Question,
    ReferenceCounter,
    RequesterKind,
    Status,
    StatusChange,
)
from tickets.rendering import render_markdown
from tickets.sla import calendar, due_dates
from tickets.sla.escalation import escalation_due

GENERATED_PREFIX = "gen-"
NAMESPACE = uuid.UUID("0b6c3e0e-5a55-4c3e-9d55-7b1f5e3a8c21")
LONG_THREAD_MESSAGES = 20
INTERFACE_LANGUAGES = {"nl", "fr", "en", "ar", "uk"}

# slug: (name, municipalities (name, postcode), weight)
REGIONS = {
    "gen-antwerpen": (
        "Regio Antwerpen",
        [("Antwerpen", "2000"), ("Mechelen", "2800"), ("Turnhout", "2300"), ("Boom", "2850"),
         ("Lier", "2500"), ("Geel", "2440"), ("Mol", "2400"), ("Herentals", "2200")],
        26,
    ),
    "gen-gent": (
        "Regio Gent",
        [("Gent", "9000"), ("Sint-Niklaas", "9100"), ("Aalst", "9300"), ("Eeklo", "9900"),
         ("Lokeren", "9160"), ("Dendermonde", "9200"), ("Ronse", "9600")],
        20,
    ),
    "gen-brussel": (
        "Regio Brussel",
        [("Brussel", "1000"), ("Schaarbeek", "1030"), ("Anderlecht", "1070"),
         ("Sint-Jans-Molenbeek", "1080"), ("Elsene", "1050"), ("Vorst", "1190"),
         ("Sint-Gillis", "1060"), ("Jette", "1090")],
        28,
    ),
    "gen-leuven": (
        "Regio Leuven",
        [("Leuven", "3000"), ("Tienen", "3300"), ("Aarschot", "3200"), ("Vilvoorde", "1800"),
         ("Halle", "1500")],
        9,
    ),
    "gen-brugge": (
        "Regio Brugge",
        [("Brugge", "8000"), ("Oostende", "8400"), ("Kortrijk", "8500"), ("Roeselare", "8800"),
         ("Ieper", "8900")],
        9,
    ),
    "gen-hasselt": (
        "Regio Hasselt",
        [("Hasselt", "3500"), ("Genk", "3600"), ("Sint-Truiden", "3800"), ("Tongeren", "3700")],
        8,
    ),
}  # fmt: skip

DOMAIN_WEIGHTS = {
    "residence": 30, "social-law": 22, "family-ipr": 14, "nationality": 10, "housing": 9,
    "work": 7, "education": 4, "civic-integration": 4,
}  # fmt: skip
LANGUAGE_WEIGHTS = {
    "nl": 22, "ar": 18, "fr": 14, "uk": 12, "en": 10, "ti": 5, "fa": 4, "ps": 3, "so": 3,
    "ru": 3, "tr": 3, "es": 2, "ku": 1,
}  # fmt: skip
# Closed questions: how they ended, and where people were referred.
OUTCOME_WEIGHTS = {
    Outcome.ANSWERED: 70, Outcome.OTHER_SERVICE: 12, Outcome.LAWYER: 8,
    Outcome.NO_REACTION: 7, Outcome.OUT_OF_SCOPE: 3,
}  # fmt: skip
OTHER_SERVICES = ["CAW", "OCMW", "Agentschap Integratie en Inburgering", "VDAB", "Huurdersbond"]
# About three questions in a hundred reveal a systemic problem at a service.
SIGNAL_SHARE = 0.03
SIGNAL_WEIGHTS = {
    "wrong_information": 35, "refusal_to_register": 20, "waiting_time": 25,
    "missing_interpreter": 12, "discrimination": 5, "other": 3,
}  # fmt: skip
SIGNAL_TEXTS = {
    "wrong_information": [
        "Het loket vraagt documenten die voor deze aanvraag niet nodig zijn.",
        "Aan het loket wordt gezegd dat een verblijfskaart nodig is voor het groeipakket.",
    ],
    "refusal_to_register": [
        "De dienst bevolking weigert de inschrijving zonder huurcontract.",
        "Inschrijving geweigerd omdat de woning te klein zou zijn.",
    ],
    "waiting_time": [
        "Meer dan zes weken wachten op een afspraak bij de dienst vreemdelingen.",
        "Het OCMW beslist pas na de wettelijke termijn over leefloon.",
    ],
    "missing_interpreter": [
        "Geen tolk beschikbaar voor het intakegesprek; de cliënt begreep de afspraken niet.",
    ],
    "discrimination": ["Verhuurders weigeren systematisch kandidaten met een leefloon."],
    "other": ["De website van de dienst is alleen in het Nederlands beschikbaar."],
}
# Public searches (language: (text, finds something)); the ones that find nothing are the
# knowledge base's gaps on the dashboard.
SEARCHES = {
    "nl": [("verblijfskaart", True), ("gezinshereniging", True), ("leefloon", True),
           ("huurwaarborg", True), ("inburgering", True), ("kinderbijslag buitenland", False),
           ("rijbewijs omwisselen", False), ("studietoelage hoger onderwijs", False)],
    "fr": [("carte de séjour", True), ("regroupement familial", True), ("CPAS", True),
           ("permis de conduire", False), ("équivalence diplôme", False)],
    "en": [("residence permit", True), ("family reunification", True),
           ("driving licence exchange", False), ("student job", False)],
    "ar": [("لم شمل", True), ("بطاقة الإقامة", True), ("رخصة القيادة", False)],
    "uk": [("тимчасовий захист", True), ("житло", True), ("водійське посвідчення", False)],
}  # fmt: skip
PRIORITY_WEIGHTS = {Priority.LOW: 15, Priority.NORMAL: 60, Priority.HIGH: 20, Priority.URGENT: 5}
ORGANISATION_KINDS = [
    ("OCMW", Organisation.Kind.PUBLIC_SOCIAL_SERVICE),
    ("AgII", Organisation.Kind.INTEGRATION_AGENCY),
    ("CAW", Organisation.Kind.CAW),
    ("VDAB", Organisation.Kind.EMPLOYMENT_SERVICE),
    ("Basisschool Het Kompas", Organisation.Kind.SCHOOL),
    ("Vrijwilligers Welkom", Organisation.Kind.NGO),
]
FIRST_NAMES = [
    "Samira", "Pieter", "Lotte", "Youssef", "Marie", "Thomas", "Fatima", "Jonas", "Elif",
    "Bram", "Nadia", "Koen", "Olena", "Hanna", "Mehdi", "Sofie", "Tesfay", "Ines", "Wout",
    "Amina", "Lucas", "Eva", "Dawit", "Sara", "Ruben", "Leen", "Karim", "Ana", "Stijn", "Nour",
]  # fmt: skip
LAST_NAMES = [
    "Peeters", "Janssens", "Maes", "El Amrani", "Claes", "Willems", "Goossens", "Wouters",
    "De Smet", "Yilmaz", "Dubois", "Lambert", "Mertens", "Haile", "Bakker", "Kovalenko",
    "Jacobs", "Vermeulen", "Aydin", "Hermans", "Benali", "Michiels", "Lemmens", "Rahimi",
]  # fmt: skip

# What people ask, per domain: (language, subject, body). Languages without their own text
# use the English one (the requester often writes in English or through a helper).
QUESTION_TEXTS = {
    "residence": [
        ("nl", "Verlenging verblijfskaart", "Mijn A-kaart verloopt over {n} weken en de gemeente "
         "geeft pas een afspraak over twee maanden. Verlies ik mijn verblijfsrecht?"),
        ("nl", "Gezinshereniging met mijn kinderen", "Ik kreeg {n} maanden geleden de "
         "vluchtelingenstatus. Hoe vraag ik gezinshereniging aan voor mijn twee kinderen?"),
        ("fr", "Renouvellement de ma carte F", "Ma carte F expire dans {n} semaines. La commune "
         "ne me donne pas de rendez-vous. Que dois-je faire ?"),
        ("ar", "لمّ شمل زوجتي وأطفالي", "حصلت على الحماية الدولية قبل {n} أشهر. كيف أطلب لمّ شمل "
         "عائلتي؟"),
        ("uk", "Продовження тимчасового захисту", "Моя посвідка закінчується через {n} тижнів. Що "
         "потрібно зробити в комуні?"),
        ("en", "Appeal against refusal of residence", "I received a refusal {n} days ago. How long "
         "do I have to appeal and who can help me?"),
    ],
    "nationality": [
        ("nl", "Documenten voor nationaliteitsverklaring", "Burgerzaken vraagt een gelegaliseerde "
         "geboorteakte, maar die is niet te krijgen. Is er een alternatief? (hier {n} jaar)"),
        ("fr", "Nationalité après cinq ans", "J'habite en Belgique depuis {n} ans. "
         "Quelles preuves d'intégration économique faut-il ?"),
        ("en", "Does my time as asylum seeker count?", "I applied for nationality after {n} "
         "years. Does the time before I got refugee status count?"),
        ("ar", "شهادة الميلاد للجنسية", "البلدية تطلب شهادة ميلاد مصدقة. لا أستطيع الحصول عليها "
         "منذ {n} أشهر."),
    ],
    "social-law": [
        ("nl", "Groeipakket na verhuis", "Het gezin verhuisde {n} weken geleden. Het groeipakket "
         "wordt niet meer betaald. Welke instantie is nu bevoegd?"),
        ("nl", "Leefloon geweigerd", "Het OCMW weigerde het leefloon omdat ik studeer. "
         "Ik heb {n} dagen gekregen om te reageren. Kan ik in beroep gaan?"),
        ("fr", "Aide médicale urgente", "Mon voisin n'a pas de titre de séjour et doit voir un "
         "médecin depuis {n} jours. Le CPAS peut-il payer ?"),
        ("uk", "Медичне страхування після переїзду", "Я переїхала {n} тижнів тому. "
         "Чи потрібно знову реєструватися в лікарняній касі?"),
        ("ar", "رفض دخل الاندماج", "رفض OCMW طلبي قبل {n} أيام لأنني أدرس. هل يمكنني الطعن؟"),
        ("en", "Unemployment benefit after a contract", "My contract ended {n} weeks ago. "
         "Can I get unemployment benefit with an A card?"),
    ],
    "family-ipr": [
        ("nl", "Erkenning van een buitenlands huwelijk", "Wij trouwden in Syrië. De gemeente "
         "weigert het huwelijk te registreren zonder legalisatie. Wat nu? (al {n} maanden bezig)"),
        ("fr", "Reconnaissance de paternité", "Mon compagnon veut reconnaître notre enfant "
         "né il y a {n} mois. Quels documents faut-il ?"),
        ("ar", "تسجيل زواج عُقد في سوريا", "تزوجنا في سوريا قبل {n} سنوات. هل تعترف به البلدية؟"),
        ("en", "Name of my child on the birth certificate", "Our child was born {n} weeks ago. "
         "Which law decides the family name?"),
    ],
    "housing": [
        ("nl", "Huurwaarborg terugkrijgen", "De verhuurder houdt mijn waarborg al {n} maanden "
         "vast. Wat kan ik doen?"),
        ("fr", "Logement insalubre", "Il y a de l'humidité partout depuis {n} mois et le "
         "propriétaire ne fait rien."),
        ("uk", "Договір оренди", "Власник хоче виселити нас через {n} тижнів. Чи це законно?"),
    ],
    "work": [
        ("nl", "Mag ik werken met een oranje kaart?", "Ik wacht al {n} maanden op een beslissing. "
         "Mag ik intussen werken?"),
        ("en", "Salary not paid", "My employer has not paid me for {n} weeks. What are my rights?"),
        ("ar", "تصريح العمل", "هل أحتاج تصريح عمل؟ أنا هنا منذ {n} أشهر."),
    ],
    "education": [
        ("nl", "Inschrijving in het secundair", "Mijn dochter is {n} jaar en kwam net aan. Welke "
         "school moet haar inschrijven?"),
        ("fr", "Reconnaissance de diplôme", "J'ai un diplôme obtenu il y a {n} ans. Comment le "
         "faire reconnaître ?"),
    ],
    "civic-integration": [
        ("nl", "Inburgeringsattest en verhuis", "Ik verhuisde {n} maanden geleden naar een andere "
         "gemeente. Moet ik het inburgeringstraject opnieuw beginnen?"),
        ("uk", "Обов'язкова інтеграція", "Чи обов'язковий курс інтеграції для мене? Я тут {n} "
         "місяців."),
    ],
}  # fmt: skip

STAFF_REPLIES = {
    "nl": [
        "Dank u voor uw vraag. Dit zijn de stappen:\n\n1. Vraag een **attest van aanvraag** aan "
        "bij de gemeente.\n2. Bewaar een kopie van elke brief.\n3. Reageer binnen de termijn van "
        "{n} dagen.\n\nMeer uitleg vindt u in ons artikel over dit onderwerp.",
        "U hoeft dat document **niet** voor te leggen. Toon de gemeente deze regel: de wet vraagt "
        "enkel een bewijs van verblijf. Laat het ons weten als zij blijven weigeren.",
        "Wij hebben nog één document nodig: een kopie van de beslissing die u kreeg. U kunt het "
        "hier opladen.",
    ],
    "fr": [
        "Merci pour votre question. Voici les étapes :\n\n1. Demandez une **attestation** à la "
        "commune.\n2. Gardez une copie de chaque lettre.\n3. Répondez dans le délai de {n} jours.",
        "Vous ne devez **pas** fournir ce document. Montrez cette règle à la commune.",
    ],
    "en": [
        "Thank you for your question. These are the steps:\n\n1. Ask the municipality for a "
        "**certificate of application**.\n2. Keep a copy of every letter.\n3. Answer within "
        "{n} days.",
        "You do **not** need that document. Show the municipality this rule and tell us if they "
        "keep refusing.",
        "We need one more document: a copy of the decision you received. You can upload it here.",
    ],
}
INTERNAL_NOTES = [
    "Zelfde vraag als vorige week in {municipality}: signaal voor het beleid?",
    "Tolk {language} nodig voor het telefoongesprek.",
    "Nagevraagd bij DVZ, antwoord binnen {n} dagen verwacht.",
    "Collega {name} kent dit dossier, even afstemmen.",
]
REQUESTER_REPLIES = [
    "Dank u, dat helpt. De gemeente vraagt nu nog een ander document.",
    "Thank you. I uploaded the letter. What do I do next?",
    "Merci beaucoup. J'ai encore une question sur le délai.",
    "شكراً. أرسلت الوثيقة المطلوبة.",
    "Дякую. Я надіслала документ.",
    "Ik heb de brief opgeladen. Is dit het juiste document?",
]
ATTACHMENT_KINDS = [
    ("application/pdf", ".pdf", "beslissing", 40_000, 900_000),
    ("application/pdf", ".pdf", "brief-gemeente", 30_000, 400_000),
    ("image/jpeg", ".jpg", "foto-brief", 300_000, 3_500_000),
    ("image/png", ".png", "scan", 200_000, 2_000_000),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
        "verslag",
        15_000,
        120_000,
    ),
]


class Progress:
    """`\\r[ 45%] 45,000/100,000 questions` on stderr."""

    def __init__(self, total: int, label: str, stream=None, enabled: bool = True):
        self.total, self.label, self.enabled = total, label, enabled
        self.stream = stream or sys.stderr

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        percent = 100 * done // self.total if self.total else 100
        self.stream.write(f"\r[{percent:3d}%] {done:,}/{self.total:,} {self.label}")
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


@contextmanager
def explicit_timestamps(*models):
    """Let bulk_create keep the timestamps we chose instead of auto_now(_add)'s 'now'."""
    changed = []
    for model in models:
        for model_field in model._meta.concrete_fields:
            if getattr(model_field, "auto_now", False) or getattr(
                model_field, "auto_now_add", False
            ):
                changed.append((model_field, model_field.auto_now, model_field.auto_now_add))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in changed:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def refuse_reason() -> str | None:
    """Why this database must not be filled with generated data (None: it may)."""
    User = get_user_model()
    real_users = User.objects.exclude(username__startswith=GENERATED_PREFIX).count()
    real_questions = Question.objects.exclude(region__slug__startswith=GENERATED_PREFIX).count()
    if real_users or real_questions:
        return (
            f"this database holds data that was not generated ({real_users} accounts, "
            f"{real_questions} questions)"
        )
    generated = Question.objects.count()
    if generated:
        return (
            f"this database already holds {generated:,} generated questions; "
            "generate into a fresh database (bench/run does)"
        )
    return None


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@dataclass
class Options:
    questions: int = 100_000
    seed: int = 1
    anchor: date | None = None  # "today" of the data set; ages count back from it
    years: float = 2.0
    users: int = 300
    organisations: int = 50
    batch_size: int = 5_000
    known_codes: int = 200  # newcomer questions whose access code is written to the manifest
    long_threads: int = 20  # questions with exactly LONG_THREAD_MESSAGES messages
    password: str = ""
    progress: bool = True


@dataclass
class Platform:
    regions: list = field(default_factory=list)
    municipalities: dict = field(default_factory=dict)  # region pk -> [Municipality]
    domains: dict = field(default_factory=dict)  # slug -> LegalDomain
    organisations: dict = field(default_factory=dict)  # region pk -> [Organisation]
    specialists: dict = field(default_factory=dict)  # region pk -> [user pk]
    specialist_domains: dict = field(default_factory=dict)  # user pk -> {legal domain pk}
    professionals: dict = field(default_factory=dict)  # region pk -> [(user pk, org pk)]
    usernames: dict = field(default_factory=dict)  # role -> [username]
    specialist_usernames: dict = field(default_factory=dict)  # region slug -> first specialist


class Generator:
    def __init__(self, options: Options):
        self.options = options
        self.rng = random.Random(options.seed)
        anchor = options.anchor or date.today()
        self.now = datetime.combine(anchor, time(18, 0), tzinfo=UTC)
        self._html_cache: dict[str, str] = {}
        self._policies: dict = {}
        self.manifest: dict = {}

    # --- platform -------------------------------------------------------------------------
    def platform(self) -> Platform:
        rng, options = self.rng, self.options
        platform = Platform()
        platform.domains = {d.slug: d for d in LegalDomain.objects.filter(is_active=True)}
        if not platform.domains:
            raise RuntimeError("no legal domains: run migrate first")
        for slug, (name, municipalities, _weight) in REGIONS.items():
            region, _ = Region.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "email": f"{slug}@wegwijs.example"},
            )
            platform.regions.append(region)
            platform.municipalities[region.pk] = [
                Municipality.objects.get_or_create(
                    name=m_name, postcode=postcode, defaults={"region": region}
                )[0]
                for m_name, postcode in municipalities
            ]
        # Organisations spread over the regions' municipalities.
        existing = {o.name: o for o in Organisation.objects.all()}
        organisations = []
        for index in range(options.organisations):
            region = platform.regions[index % len(platform.regions)]
            municipality = rng.choice(platform.municipalities[region.pk])
            prefix, kind = ORGANISATION_KINDS[(index // len(platform.regions)) % 6]
            name = f"{prefix} {municipality.name}"
            if name in existing or any(o.name == name for o in organisations):
                name = f"{name} ({index + 1})"
            organisations.append(
                Organisation(
                    name=name,
                    kind=kind,
                    municipality=municipality,
                    region=municipality.region,
                    email=f"contact{index + 1}@org.example",
                    shares_consults=index % 3 == 0,
                )
            )
        Organisation.objects.bulk_create(organisations)
        for organisation in organisations:
            platform.organisations.setdefault(organisation.region_id, []).append(organisation)
        self._people(platform, organisations)
        return platform

    def _people(self, platform: Platform, organisations: list) -> None:
        rng, options = self.rng, self.options
        User = get_user_model()
        password_hash = make_password(options.password)  # hashed once: the hasher is slow
        total = options.users
        counts = {
            roles.COORDINATOR: max(1, total // 15),
            roles.SPECIALIST: max(1, total * 2 // 5),
        }
        counts[roles.PROFESSIONAL] = max(1, total - sum(counts.values()))
        groups = {name: Group.objects.get(name=name) for name in counts}
        languages = [code for code, _name in settings.LANGUAGES]
        users, plans = [], []
        for role, count in counts.items():
            for index in range(count):
                username = f"{GENERATED_PREFIX}{role}-{index + 1:03d}"
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                users.append(
                    User(
                        username=username,
                        first_name=first,
                        last_name=last,
                        email=f"{username}@people.example",
                        password=password_hash,
                        is_active=True,
                        date_joined=self.now - timedelta(days=rng.randint(30, 900)),
                    )
                )
                if role == roles.SPECIALIST:
                    region = platform.regions[index % len(platform.regions)]
                    extra = [region]
                    if rng.random() < 0.15:
                        extra.append(rng.choice(platform.regions))
                    organisation = None
                elif role == roles.COORDINATOR:
                    region = platform.regions[index % len(platform.regions)]
                    extra = platform.regions if index == 0 else [region]
                    organisation = None
                else:
                    organisation = organisations[index % len(organisations)]
                    extra = []
                plans.append((role, extra, organisation, rng.choice(languages[:3])))
                platform.usernames.setdefault(role, []).append(username)
                if role == roles.SPECIALIST:
                    platform.specialist_usernames.setdefault(region.slug, username)
        User.objects.bulk_create(users, batch_size=500)
        profiles = [
            UserProfile(user=user, organisation=plan[2], preferred_language=plan[3])
            for user, plan in zip(users, plans, strict=True)
        ]
        UserProfile.objects.bulk_create(profiles, batch_size=500)
        domain_pks = [d.pk for d in platform.domains.values()]
        group_rows, region_rows, domain_rows = [], [], []
        for user, profile, (role, regions, organisation, _lang) in zip(
            users, profiles, plans, strict=True
        ):
            group_rows.append(User.groups.through(user_id=user.pk, group_id=groups[role].pk))
            for region in {r.pk: r for r in regions}.values():
                region_rows.append(
                    UserProfile.regions.through(userprofile_id=profile.pk, region_id=region.pk)
                )
                if role == roles.SPECIALIST:
                    platform.specialists.setdefault(region.pk, []).append(user.pk)
            if role == roles.SPECIALIST:
                chosen = rng.sample(domain_pks, k=min(3, len(domain_pks)))
                platform.specialist_domains[user.pk] = set(chosen)
                for domain_pk in chosen:
                    domain_rows.append(
                        UserProfile.legal_domains.through(
                            userprofile_id=profile.pk, legaldomain_id=domain_pk
                        )
                    )
            if organisation is not None:
                platform.professionals.setdefault(organisation.region_id, []).append(
                    (user.pk, organisation.pk)
                )
        User.groups.through.objects.bulk_create(group_rows, batch_size=500)
        UserProfile.regions.through.objects.bulk_create(region_rows, batch_size=500)
        UserProfile.legal_domains.through.objects.bulk_create(domain_rows, batch_size=500)

    # --- questions ------------------------------------------------------------------------
    def _code(self) -> tuple[str, str]:
        """A code in the intake's format (drawn from the seeded generator, not `secrets`, so
        the data set is reproducible), stored as intake stores it: tickets.access_codes."""
        letters = "".join(self.rng.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
        code = "-".join(letters[i : i + GROUP_SIZE] for i in range(0, len(letters), GROUP_SIZE))
        return code, hash_access_code(code)

    def _handler(self, platform: Platform, question) -> tuple[int | None, bool]:
        """(who writes the staff messages, whether they may be its assignee): a specialist of
        the region who may handle the question (lifecycle.eligible_assignees: of its domain
        too when SPECIALISTS_SEE_ONLY_THEIR_DOMAINS is on); when nobody may, one of the region
        answers without becoming the assignee, as add_message does."""
        specialists = platform.specialists.get(question.region_id) or []
        eligible = specialists
        if settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS:
            eligible = [
                pk
                for pk in specialists
                if question.legal_domain_id in platform.specialist_domains.get(pk, ())
            ]
        if eligible:
            return self.rng.choice(eligible), True
        return (self.rng.choice(specialists) if specialists else None), False

    def _html(self, body: str) -> str:
        html = self._html_cache.get(body)
        if html is None:
            html = self._html_cache[body] = render_markdown(body)
        return html

    def _status_for_age(self, age_days: float) -> str:
        if age_days < 7:
            weights = {"new": 40, "open": 30, "waiting": 10, "answered": 20}
        elif age_days < 30:
            weights = {"new": 8, "open": 25, "waiting": 15, "answered": 42, "closed": 10}
        elif age_days < 90:
            weights = {"open": 8, "waiting": 5, "answered": 35, "closed": 52}
        else:
            weights = {"open": 2, "waiting": 2, "answered": 10, "closed": 86}
        return _weighted(self.rng, weights)

    def _creation_times(self) -> list[datetime]:
        """Sorted creation times over the period, more recent ones a little more frequent
        (a service that grows), in the daytime mostly, and fewer at weekends and in the summer
        holidays (people ask when services are open), so weeks and months differ as real ones
        do. Never after the anchor's 18:00."""
        rng, span = self.rng, self.options.years * 365.0
        today = self.now.date()
        times = []
        while len(times) < self.options.questions:
            days = int(max(0.0, span * (1.0 - math.sqrt(rng.random()) * 0.5 - rng.random() * 0.5)))
            day = today - timedelta(days=days)
            if day.weekday() >= 5 and rng.random() < 0.7:
                continue
            if day.month in (7, 8) and rng.random() < 0.25:
                continue
            hour = min(23.9, max(0.0, rng.gauss(13, 3)))
            if days == 0:
                hour = min(hour, 17.9)
            times.append(datetime.combine(day, time(0, 0), tzinfo=UTC) + timedelta(hours=hour - 1))
        times.sort()
        return times

    def _next_numbers(self, years: set[int]) -> dict[int, int]:
        counters = dict(
            ReferenceCounter.objects.filter(year__in=years).values_list("year", "last_number")
        )
        return {year: counters.get(year, 0) for year in years}

    def questions(self, platform: Platform) -> dict:
        options, rng = self.options, self.rng
        times = self._creation_times()
        numbers = self._next_numbers({t.year for t in times})
        region_weights = {r.pk: REGIONS[r.slug][2] for r in platform.regions}
        regions = {r.pk: r for r in platform.regions}
        n = options.questions
        long_every = max(1, n // options.long_threads) if options.long_threads else 0
        known_codes, long_threads = [], []
        progress = Progress(n, "questions", enabled=options.progress)
        progress.update(0)
        totals = dict.fromkeys(
            ("messages", "attachments", "consents", "status_changes", "policy_signals"), 0
        )
        models = (Question, Message, Attachment, Consent, StatusChange, PolicySignal)
        with explicit_timestamps(*models):
            for start in range(0, n, options.batch_size):
                batch_times = times[start : start + options.batch_size]
                with transaction.atomic():
                    plans = []
                    for offset, created in enumerate(batch_times):
                        index = start + offset
                        numbers[created.year] += 1
                        reference = f"WW-{created.year}-{numbers[created.year]:06d}"
                        region = regions[_weighted(rng, region_weights)]
                        long_thread = bool(long_every) and index % long_every == long_every - 1
                        plans.append(
                            self._plan_question(
                                platform, region, reference, created, index, long_thread
                            )
                        )
                    counts = self._write_children(platform, plans)
                    for key, value in counts.items():
                        totals[key] += value
                    for plan in plans:
                        question = plan["question"]
                        if plan["code"] and len(known_codes) < options.known_codes:
                            known_codes.append(
                                {"reference": question.reference, "code": plan["code"]}
                            )
                        if plan["long_thread"]:
                            long_threads.append(
                                {
                                    "pk": question.pk,
                                    "reference": question.reference,
                                    "region": regions[question.region_id].slug,
                                }
                            )
                progress.update(start + len(batch_times))
        self._move_counters(numbers)
        return {
            "questions": n,
            **totals,
            "known_codes": known_codes,
            "long_threads": long_threads,
        }

    def _plan_question(self, platform, region, reference, created, index, long_thread) -> dict:
        rng = self.rng
        age_days = (self.now - created).total_seconds() / 86400
        status = Status.OPEN if long_thread else self._status_for_age(age_days)
        domain_slug = _weighted(rng, DOMAIN_WEIGHTS)
        domain = platform.domains.get(domain_slug) or rng.choice(list(platform.domains.values()))
        language = _weighted(rng, LANGUAGE_WEIGHTS)
        texts = QUESTION_TEXTS.get(domain.slug) or QUESTION_TEXTS["residence"]
        matching = [t for t in texts if t[0] == language] or [
            t for t in texts if t[0] in ("en", "nl")
        ]
        _lang, subject, body = rng.choice(matching)
        body = body.format(n=rng.randint(2, 11))
        municipality = rng.choice(platform.municipalities[region.pk])
        region_id = municipality.region_id  # the municipality decides the region
        professionals = platform.professionals.get(region_id) or []
        is_professional = bool(professionals) and rng.random() < 0.35 and not long_thread
        professional_id = organisation_id = None
        code = code_hash = ""
        if is_professional:
            professional_id, organisation_id = rng.choice(professionals)
        else:
            code, code_hash = self._code()
        deadline = None
        if rng.random() < 0.2:
            deadline = (created + timedelta(days=rng.randint(8, 90))).date()
        question = Question(
            reference=reference,
            legal_domain_id=domain.pk,
            region_id=region_id,
            municipality_id=municipality.pk,
            contact_language=language,
            requester_kind=RequesterKind.PROFESSIONAL
            if is_professional
            else RequesterKind.NEWCOMER,
            professional_id=professional_id,
            organisation_id=organisation_id,
            client_pseudonym=f"cliënt {rng.choice('ABCDEFGHJK')}{rng.randint(1, 99)}"
            if is_professional
            else "",
            requester_email=""
            if is_professional or rng.random() < 0.35
            else f"requester{index + 1}@mail.example",
            requester_phone=""
            if rng.random() < 0.7
            else f"+32 4{rng.randint(70, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            subject=subject,
            body=body,
            status=status,
            priority=_weighted(rng, PRIORITY_WEIGHTS),
            legal_deadline=deadline,
            access_code_hash=code_hash,
            submission_token=uuid.uuid5(NAMESPACE, reference),
            created_at=created,
            updated_at=created,
        )
        return {
            "question": question,
            "code": code,
            "long_thread": long_thread,
            "municipality": municipality.name,
        }

    def _message_count(self, status: str, long_thread: bool) -> int:
        if long_thread:
            return LONG_THREAD_MESSAGES
        if status == Status.NEW:
            return self.rng.choice((0, 0, 1))
        return self.rng.choices((2, 3, 4, 5, 6, 8), weights=(10, 20, 25, 20, 15, 10))[0]

    def _write_children(self, platform: Platform, plans: list) -> dict:
        rng = self.rng
        messages, message_attachments, attachments, consents, changes = [], [], [], [], []
        signals = []
        for plan in plans:
            question = plan["question"]
            is_professional = question.requester_kind == RequesterKind.PROFESSIONAL
            given_by = (
                Message.AuthorKind.PROFESSIONAL if is_professional else Message.AuthorKind.REQUESTER
            )
            language = question.contact_language
            if language not in INTERFACE_LANGUAGES:
                language = "nl"
            consents.append(
                Consent(
                    question=question,
                    purpose=Consent.Purpose.PROCESSING,
                    text_version=PROCESSING_VERSION,
                    text=str(PROCESSING_TEXT),
                    language=language[:2],
                    given_by=given_by,
                    given_at=question.created_at,
                )
            )
            if is_professional:
                consents.append(
                    Consent(
                        question=question,
                        purpose=Consent.Purpose.CLIENT_CONSENT,
                        text_version=CLIENT_VERSION,
                        text=str(CLIENT_TEXT),
                        language=language[:2],
                        given_by=given_by,
                        given_at=question.created_at,
                    )
                )
            for _ in range(rng.choices((0, 1, 2), weights=(45, 40, 15))[0]):
                attachments.append(self._attachment(question, None, question.created_at))
            # The thread: staff and requester take turns, with an internal note now and then,
            # and it ends as the lifecycle leaves it for the question's status: a staff reply
            # answers (ANSWERED, and WAITING or CLOSED after it), a requester's reply reopens
            # (OPEN); a NEW question has at most an internal note.
            specialist, may_handle = self._handler(platform, question)
            moment = question.created_at
            limit = self.now
            first_response = answered = None
            count = self._message_count(question.status, plan["long_thread"])
            status = question.status
            if status == Status.OPEN and not plan["long_thread"] and rng.random() < 0.3:
                count = 1  # triaged, not answered yet: a note only
            staff_turn = True
            for position in range(count):
                moment = min(limit, moment + timedelta(hours=rng.uniform(2, 60)))
                last = position == count - 1
                if status == Status.NEW or (status == Status.OPEN and count == 1):
                    turn = "internal"
                elif last:
                    turn = "requester" if status == Status.OPEN else "staff"
                elif staff_turn:
                    turn = "internal" if rng.random() < 0.2 else "staff"
                else:
                    turn = "requester"
                if turn == "internal":
                    body = rng.choice(INTERNAL_NOTES).format(
                        municipality=plan["municipality"],
                        language=question.contact_language,
                        n=rng.randint(2, 14),
                        name=rng.choice(FIRST_NAMES),
                    )
                    kind, author_kind, author = "internal", "staff", specialist
                elif turn == "staff":
                    replies = STAFF_REPLIES.get(question.contact_language) or STAFF_REPLIES["nl"]
                    body = rng.choice(replies).format(n=rng.randint(5, 30))
                    kind, author_kind, author = "public", "staff", specialist
                    first_response = first_response or moment
                    answered = moment
                    staff_turn = False
                else:
                    body = rng.choice(REQUESTER_REPLIES)
                    kind, author_kind = "public", given_by
                    author = question.professional_id if is_professional else None
                    staff_turn = True
                message = Message(
                    question=question,
                    kind=kind,
                    author_kind=author_kind,
                    author_id=author,
                    body=body,
                    body_html=self._html(body),
                    created_at=moment,
                )
                messages.append(message)
                if rng.random() < 0.1:
                    message_attachments.append((message, question, moment))
            # As lifecycle.add_message: the first staff reply is the first response and makes
            # its writer the assignee (an eligible specialist of the region); a reply into a
            # question that is not ANSWERED answers it again (answered_at stays after a reopen).
            question.first_response_at = first_response
            question.answered_at = answered
            # Due dates by the service-level rules (tickets.sla), as the lifecycle sets them.
            question.first_response_due, question.answer_due = self._due_dates(question)
            if status != Status.NEW and may_handle:
                question.assignee_id = specialist
            if status == Status.CLOSED:
                question.closed_at = min(limit, moment + timedelta(days=rng.uniform(1, 20)))
            if question.status == Status.CLOSED:
                question.outcome = _weighted(rng, OUTCOME_WEIGHTS)
                if question.outcome == Outcome.OTHER_SERVICE:
                    question.outcome_service = rng.choice(OTHER_SERVICES)
            if question.answered_at and rng.random() < 0.4:  # asked on the follow-up page
                question.helpful = rng.random() < 0.8
            if rng.random() < SIGNAL_SHARE and question.status != Status.NEW:
                signals.append(self._signal(question, specialist, first_response or moment))
            question.updated_at = question.closed_at or moment
            changes.extend(self._history(question, given_by, specialist))
        # The questions are written once, complete (an update of 10 columns per row afterwards
        # took half the time); the rows made above point at them and take their new pks.
        Question.objects.bulk_create([p["question"] for p in plans], batch_size=500)
        PolicySignal.objects.bulk_create(signals, batch_size=500)
        Message.objects.bulk_create(messages, batch_size=500)
        for message, question, moment in message_attachments:
            attachments.append(self._attachment(question, message, moment))
        Attachment.objects.bulk_create(attachments, batch_size=500)
        Consent.objects.bulk_create(consents, batch_size=500)
        StatusChange.objects.bulk_create(changes, batch_size=500)
        return {
            "messages": len(messages),
            "attachments": len(attachments),
            "consents": len(consents),
            "status_changes": len(changes),
            "policy_signals": len(signals),
        }

    def votes(self) -> int:
        """ "Was this helpful?" votes on the live articles, as the public pages record them
        (one per visitor, most of them helpful), spread over the last half year."""
        from knowledge.models import ArticlePage, ArticleVote

        rng = self.rng
        rows = []
        for article_id in ArticlePage.objects.live().values_list("pk", flat=True):
            for _ in range(rng.randint(0, 40)):
                moment = self.now - timedelta(days=rng.uniform(0, 180))
                rows.append(
                    ArticleVote(
                        article_id=article_id,
                        helpful=rng.random() < 0.75,
                        visitor_hash=f"{rng.getrandbits(256):064x}",
                        created=moment,
                    )
                )
        with explicit_timestamps(ArticleVote):
            ArticleVote.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        return len(rows)

    def reads(self) -> int:
        """Twelve months of article reads, added through the service the pages count with
        (knowledge.reads.add_reads): skewed popularity, Dutch most read, quieter weekends and
        summer (demo.knowledge_base.simulated_reads); about one and a half reads a day per live
        article on average. Internal articles are read by staff only, who are not counted."""
        from demo.knowledge_base import simulated_reads
        from knowledge import reads
        from knowledge.models import ArticlePage, Audience

        pages = list(
            ArticlePage.objects.live()
            .exclude(audience=Audience.INTERNAL)
            .order_by("pk")
            .values_list("pk", "translation_key", "locale__language_code")
        )
        today = self.now.date()
        counts = simulated_reads(
            pages, today - timedelta(days=364), today, len(pages) * 3 // 2, self.rng
        )
        with transaction.atomic():
            return reads.add_reads(counts)

    def proposals(self) -> int:
        """About one answered question in forty had its answer proposed as an article draft
        (tickets.promotion), by its assignee, a few days after the answer."""
        from demo.datagen_articles import article_model
        from tickets.models import ArticleProposal

        model = article_model()
        articles = list(model.objects.values_list("pk", flat=True)[:500]) if model else []
        if not articles:
            return 0
        rng = self.rng
        rows = []
        answered = (
            Question.objects.filter(outcome=Outcome.ANSWERED, answered_at__isnull=False)
            .order_by("pk")
            .values_list("pk", "assignee_id", "answered_at")
        )
        for pk, assignee, answered_at in answered.iterator(chunk_size=5000):
            if rng.random() < 0.025:
                rows.append(
                    ArticleProposal(
                        question_id=pk,
                        article_id=rng.choice(articles),
                        proposed_by_id=assignee,
                        redactions=rng.randint(0, 3),
                        created_at=min(self.now, answered_at + timedelta(days=rng.uniform(0, 5))),
                    )
                )
        with explicit_timestamps(ArticleProposal):
            ArticleProposal.objects.bulk_create(rows, batch_size=1000)
        return len(rows)

    def search_log(self) -> int:
        """Public searches of the last twelve months as search.querylog records them (per day,
        language and normalised text, with a count; no person): the common ones find articles,
        some find nothing (the dashboard's "next articles to write")."""
        from search.querylog import SearchQuery, normalise

        rng = self.rng
        rows = []
        today = self.now.date()
        for back in range(365):
            day = today - timedelta(days=back)
            for language, queries in SEARCHES.items():
                for text, found in queries:
                    if rng.random() < (0.5 if found else 0.15):
                        rows.append(
                            SearchQuery(
                                day=day,
                                language=language,
                                query=normalise(text),
                                searches=rng.randint(1, 12 if found else 4),
                                results=rng.randint(1, 40) if found else 0,
                            )
                        )
        SearchQuery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        return len(rows)

    def _due_dates(self, question):
        """tickets.sla's rule, with the policy looked up once per domain and priority."""
        key = (question.legal_domain_id, question.priority)
        if key not in self._policies:
            self._policies[key] = due_dates.policy_for(*key)
        first, answer = self._policies[key]
        start = timezone.localdate(question.created_at)
        return calendar.add_working_days(start, first), calendar.add_working_days(start, answer)

    def _signal(self, question, specialist, moment) -> PolicySignal:
        rng = self.rng
        category = _weighted(rng, SIGNAL_WEIGHTS)
        reviewed = rng.random() < 0.6
        return PolicySignal(
            category=category,
            region_id=question.region_id,
            municipality_id=question.municipality_id,
            organisation_id=question.organisation_id,
            description=rng.choice(SIGNAL_TEXTS[category]),
            question=question,
            source=PolicySignal.Source.SPECIALIST,
            created_by_id=specialist,
            status=PolicySignal.Status.REVIEWED if reviewed else PolicySignal.Status.NEW,
            reviewed_at=min(self.now, moment + timedelta(days=3)) if reviewed else None,
            created_at=moment,
        )

    def _attachment(self, question, message, moment) -> Attachment:
        rng = self.rng
        content_type, extension, stem, low, high = rng.choice(ATTACHMENT_KINDS)
        token = f"{rng.getrandbits(128):032x}"
        return Attachment(
            question=question,
            message=message,
            stored_name=f"generated/{token}{extension}",
            original_name=f"{stem}-{rng.randint(1, 40)}{extension}",
            content_type=content_type,
            size=rng.randint(low, high),
            sha256=hashlib.sha256(token.encode()).hexdigest(),
            created_at=moment,
        )

    def _history(self, question, given_by, specialist) -> list:
        # As the lifecycle goes: a staff reply answers; a requester's reply reopens.
        answered = [Status.ANSWERED] if question.answered_at else [Status.OPEN]
        path = {
            Status.NEW: [],
            Status.OPEN: [Status.ANSWERED, Status.OPEN] if question.answered_at else answered,
            Status.WAITING: [*answered, Status.WAITING],
            Status.ANSWERED: [Status.ANSWERED],
            Status.CLOSED: [*answered, Status.CLOSED],
        }[question.status]
        rows = [
            StatusChange(
                question=question,
                from_status="",
                to_status=Status.NEW,
                actor_id=question.professional_id,
                actor_kind=given_by,
                at=question.created_at,
            )
        ]
        previous, moment = Status.NEW, question.created_at
        for status in path:
            if status == Status.ANSWERED and question.answered_at:
                moment = question.answered_at
            elif status == Status.CLOSED and question.closed_at:
                moment = question.closed_at
            else:
                moment = min(self.now, moment + timedelta(hours=self.rng.uniform(1, 48)))
            rows.append(
                StatusChange(
                    question=question,
                    from_status=previous,
                    to_status=status,
                    actor_id=specialist,
                    actor_kind="staff",
                    at=moment,
                )
            )
            previous = status
        return rows

    def _move_counters(self, numbers: dict[int, int]) -> None:
        """The counter of each year continues after the last generated number."""
        for year, last in numbers.items():
            counter, _ = ReferenceCounter.objects.get_or_create(year=year)
            if counter.last_number < last:
                counter.last_number = last
                counter.save(update_fields=["last_number"])


def generate_votes(options: Options) -> int:
    """After the articles step: votes on them (see Generator.votes)."""
    return Generator(options).votes()


def generate_reads(options: Options) -> int:
    """After the articles step: a year of article reads (see Generator.reads)."""
    return Generator(options).reads()


def generate_proposals(options: Options) -> int:
    """After the articles step: article drafts proposed from answers (Generator.proposals)."""
    return Generator(options).proposals()


def settle_escalations(now: datetime) -> int:
    """What the 15-minute escalation job would have done while the data's past went by: every
    open question that became overdue, or came near its legal deadline, before `now` was
    escalated (its mail sent) on the first day it met tickets.sla.escalation's rule. Without
    this, the worker of a freshly generated data set escalates a backlog of thousands of
    questions, 500 per run, while the benchmark measures."""
    today = timezone.localdate(now)
    warning = timedelta(days=settings.SLA_DEADLINE_WARNING_DAYS)
    job_delay = timedelta(minutes=15)
    questions = list(
        Question.objects.filter(escalation_due(today)).only(
            "pk",
            "created_at",
            "first_response_at",
            "first_response_due",
            "answer_due",
            "legal_deadline",
        )
    )
    for question in questions:
        days = [question.answer_due + timedelta(days=1)] if question.answer_due else []
        if question.first_response_at is None and question.first_response_due:
            days.append(question.first_response_due + timedelta(days=1))
        if question.legal_deadline:
            days.append(question.legal_deadline - warning)
        day = min(d for d in days if d <= today)
        moment = timezone.make_aware(datetime.combine(day, time())) + job_delay
        question.escalated_at = min(now, max(moment, question.created_at + job_delay))
    with transaction.atomic():
        Question.objects.bulk_update(questions, ["escalated_at"], batch_size=1000)
    return len(questions)


def generate(options: Options) -> dict:
    """Make the platform rows and the questions; returns the manifest (counts, accounts,
    known access codes, long threads) that the benchmark reads."""
    generator = Generator(options)
    with transaction.atomic():
        platform = generator.platform()
    summary = generator.questions(platform)
    summary["escalated"] = settle_escalations(generator.now)
    summary["search_queries"] = generator.search_log()
    # A database that has been in use has planner statistics (the daily task): so does this one.
    refresh_query_statistics()
    return {
        "seed": options.seed,
        "anchor": generator.now.date().isoformat(),
        "regions": [r.slug for r in platform.regions],
        "organisations": sum(len(v) for v in platform.organisations.values()),
        "users": {role: len(names) for role, names in platform.usernames.items()},
        "accounts": {role: names[:5] for role, names in platform.usernames.items()},
        "specialist_by_region": platform.specialist_usernames,
        # Valid choices for the intake form the benchmark posts.
        "form": {
            "legal_domain": next(iter(platform.domains.values())).pk,
            "municipality": platform.municipalities[platform.regions[0].pk][0].pk,
            "domains": {slug: d.pk for slug, d in platform.domains.items()},
        },
        **summary,
    }
