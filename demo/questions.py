"""Demo questions modelled on what newcomers and frontline workers actually ask."""

import io
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from backoffice.models import LegalDomain, Municipality, Region
from tickets import lifecycle
from tickets.models import (
    AnswerTemplate,
    Letterhead,
    Outcome,
    Priority,
    Question,
    SLAPolicy,
    Status,
)
from tickets.sla import due_dates

NAMESPACE = uuid.UUID("6f1c0a52-8d1e-4a57-9a49-0c8f1c6f3b10")

# (domain, municipality, contact language, subject, body, professional or None, outcome)
QUESTIONS = [
    (
        "residence",
        "Antwerpen",
        "ar",
        "لمّ شمل زوجتي وأطفالي",
        "حصلت على الحماية الدولية قبل ثمانية أشهر. كيف أطلب لمّ شمل زوجتي وأطفالي الثلاثة؟ "
        "سمعت أن هناك مهلة سنة واحدة.",
        None,
        "answered",
    ),
    (
        "residence",
        "Gent",
        "uk",
        "Продовження тимчасового захисту",
        "Моя посвідка (A-картка) закінчується наступного місяця. Що потрібно зробити в комуні?",
        None,
        "new",
    ),
    (
        "residence",
        "Schaarbeek",
        "fr",
        "Renouvellement de ma carte F",
        "Ma carte F expire dans trois semaines et la commune ne me donne pas de rendez-vous avant "
        "deux mois. Est-ce que je perds mon droit de séjour ?",
        None,
        "open",
    ),
    (
        "residence",
        "Mechelen",
        "nl",
        "Bijlage 13quinquies ontvangen",
        "Mijn cliënt kreeg een bevel om het grondgebied te verlaten. Binnen welke termijn kan hij "
        "beroep aantekenen bij de Raad voor Vreemdelingenbetwistingen?",
        "professional.ocmw",
        "answered",
    ),
    (
        "nationality",
        "Antwerpen",
        "nl",
        "Welke documenten voor nationaliteitsverklaring?",
        "De dienst burgerzaken vraagt een gelegaliseerde geboorteakte uit Eritrea, maar die is "
        "niet te krijgen. Is er een alternatief?",
        "professional.ocmw",
        "open",
    ),
    (
        "nationality",
        "Gent",
        "en",
        "Does my time as asylum seeker count?",
        "I applied for Belgian nationality. Does the time before I got refugee status count for "
        "the five years of legal stay?",
        None,
        "answered",
    ),
    (
        "social-law",
        "Gent",
        "ar",
        "رفض دخل الاندماج",
        "رفض OCMW طلبي للحصول على دخل الاندماج لأنني أدرس. هل يمكنني الطعن؟",
        None,
        "waiting",
    ),
    (
        "social-law",
        "Aalst",
        "nl",
        "Groeipakket na verhuis",
        "Een gezin verhuisde van Brussel naar Aalst. Het groeipakket wordt niet meer betaald. "
        "Welke instantie is nu bevoegd?",
        "professional.agii",
        "new",
    ),
    (
        "social-law",
        "Sint-Niklaas",
        "uk",
        "Медичне страхування після переїзду",
        "Я переїхала до іншої громади. Чи потрібно знову реєструватися в лікарняній касі?",
        None,
        "answered",
    ),
    (
        "social-law",
        "Anderlecht",
        "fr",
        "Aide médicale urgente",
        "Mon voisin n'a pas de titre de séjour et doit voir un médecin. Le CPAS peut-il payer ?",
        None,
        "new",
    ),
    (
        "family-ipr",
        "Brussel",
        "ar",
        "تسجيل زواج عُقد في سوريا",
        "تزوجنا في سوريا ولدينا عقد زواج من المحكمة الشرعية. هل تعترف به البلدية؟",
        None,
        "open",
    ),
    (
        "family-ipr",
        "Gent",
        "nl",
        "Naam van kind volgens Afghaans recht",
        "Ouders willen voor hun baby de naam volgens Afghaanse gewoonte. Kan dat bij aangifte?",
        "professional.agii",
        "answered",
    ),
    (
        "family-ipr",
        "Turnhout",
        "ti",
        "Legalisatie geboorteakte Eritrea",
        "(ingediend via tolk) Hoe kan ik mijn geboorteakte laten legaliseren als de ambassade "
        "dat weigert?",
        None,
        "new",
    ),
    (
        "work",
        "Aalst",
        "uk",
        "Чи можу я працювати з A-карткою?",
        "Мені запропонували роботу на складі. Чи потрібен окремий дозвіл на роботу?",
        None,
        "closed",
    ),
    (
        "work",
        "Antwerpen",
        "en",
        "Employer pays less than agreed",
        "My employer pays me less than in my contract and says I will lose my permit if I "
        "complain. What can I do?",
        None,
        "open",
    ),
    (
        "housing",
        "Gent",
        "nl",
        "Huurwaarborg via OCMW",
        "Een gezin vindt een woning maar kan de huurwaarborg niet betalen. Kan het OCMW een "
        "waarborg geven en hoe werkt dat?",
        "professional.agii",
        "answered",
    ),
    (
        "housing",
        "Sint-Jans-Molenbeek",
        "ar",
        "المالك يرفض إرجاع الضمان",
        "غادرت الشقة منذ ثلاثة أشهر والمالك لا يرجع ضمان الإيجار. ماذا أفعل؟",
        None,
        "waiting",
    ),
    (
        "housing",
        "Boom",
        "fr",
        "Domiciliation refusée",
        "La commune refuse de m'inscrire à mon adresse parce que le logement serait trop petit.",
        None,
        "new",
    ),
    (
        "education",
        "Sint-Niklaas",
        "nl",
        "Inschrijving in het OKAN",
        "Een 15-jarige nieuwkomer kan nergens terecht in een onthaalklas. Heeft hij recht op "
        "een plaats en wie moet die vinden?",
        "professional.agii",
        "open",
    ),
    (
        "education",
        "Schaarbeek",
        "ar",
        "معادلة شهادة الثانوية",
        "أريد أن أدرس في الجامعة. كيف أعادل شهادة الثانوية من العراق؟",
        None,
        "answered",
    ),
    (
        "education",
        "Mechelen",
        "uk",
        "Запис дитини до школи посеред року",
        "Ми приїхали в березні. Чи може школа відмовити в записі дитини?",
        None,
        "new",
    ),
    (
        "civic-integration",
        "Antwerpen",
        "ar",
        "واجب الاندماج المدني",
        "وصلتني رسالة بأنني ملزم بدورة الاندماج المدني وإلا سأدفع غرامة. أنا أعمل بدوام كامل.",
        None,
        "answered",
    ),
    (
        "civic-integration",
        "Gent",
        "en",
        "Exemption from the civic integration course",
        "I have a Belgian master's degree. Am I exempt from the civic integration obligation?",
        None,
        "closed",
    ),
    (
        "civic-integration",
        "Brussel",
        "fr",
        "Parcours d'accueil à Bruxelles",
        "Je viens d'arriver à Bruxelles. Dois-je suivre le parcours néerlandophone ou "
        "francophone ?",
        None,
        "open",
    ),
]

STAFF_ANSWER = (
    "Dank u voor uw vraag. Hieronder vindt u de **belangrijkste stappen**:\n\n"
    "1. Verzamel de documenten die in de brief staan.\n"
    "2. Ga binnen de termijn naar de bevoegde dienst.\n\n"
    "Hebt u nog vragen? Antwoord gerust op dit bericht."
)


# (domain slug or None, priority or None, first response days, answer days)
SLA_POLICIES = [
    (None, None, 2, 10),
    (None, Priority.URGENT, 1, 3),
    ("residence", None, 1, 7),
    ("residence", Priority.URGENT, 0, 2),
    ("nationality", None, 3, 15),
    ("social-law", None, 2, 8),
]

# (title, domain slug or None, language, body)
ANSWER_TEMPLATES = [
    (
        "Ontvangstbevestiging",
        None,
        "nl",
        "Dank u voor uw vraag {reference}. Een jurist van Wegwijs {region} bekijkt ze en "
        "antwoordt u zo snel mogelijk.",
    ),
    (
        "Beroepstermijn",
        "residence",
        "nl",
        "Uw vraag {reference}: u kunt beroep aantekenen bij de Raad voor "
        "Vreemdelingenbetwistingen. Doe dat **uiterlijk op {deadline}**. Neem de beslissing "
        "en uw verblijfsdocument mee naar een advocaat (pro-Deo is mogelijk).",
    ),
    (
        "Accusé de réception",
        None,
        "fr",
        "Merci pour votre question {reference}. Un juriste de Wegwijs {region} vous répondra "
        "dans les meilleurs délais.",
    ),
    (
        "Documents for nationality",
        "nationality",
        "en",
        "About your question {reference}: the municipality may only ask for the documents the "
        "Nationality Code lists. When a birth certificate cannot be obtained, ask for the "
        "alternative proof procedure at the family court.",
    ),
]


def _seed_service_levels() -> None:
    domains = {domain.slug: domain for domain in LegalDomain.objects.all()}
    for slug, priority, first, answer in SLA_POLICIES:
        SLAPolicy.objects.update_or_create(
            legal_domain=domains.get(slug) if slug else None,
            priority=priority,
            defaults={"first_response_days": first, "answer_days": answer},
        )
    for title, slug, language, body in ANSWER_TEMPLATES:
        AnswerTemplate.objects.update_or_create(
            title=title,
            language=language,
            defaults={"legal_domain": domains.get(slug) if slug else None, "body": body},
        )


# slug: (name on the letter, address, phone, logo colour)
LETTERHEADS = {
    "antwerpen": (
        "Wegwijs – juridisch steunpunt Antwerpen",
        "Kerkstraat 1\n2000 Antwerpen",
        "03 123 45 67",
        (0, 94, 130),
    ),
    "gent": (
        "Wegwijs – juridisch steunpunt Gent",
        "Sint-Pietersnieuwstraat 10\n9000 Gent",
        "09 123 45 67",
        (20, 110, 60),
    ),
    "brussel": (
        "Wegwijs – juridisch steunpunt Brussel",
        "Wetstraat 100\n1000 Brussel",
        "02 123 45 67",
        (150, 40, 60),
    ),
}


def logo_png(text: str, colour: tuple[int, int, int]) -> bytes:
    """A plain logo for demo letterheads: the region's name on a coloured band."""
    from PIL import Image as PillowImage
    from PIL import ImageDraw, ImageFont

    image = PillowImage.new("RGB", (600, 160), colour)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 54)
        small = ImageFont.truetype("DejaVuSans.ttf", 30)
    except OSError:
        font = small = ImageFont.load_default()
    draw.text((30, 20), "Wegwijs", fill="white", font=font)
    draw.text((30, 100), text, fill="white", font=small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seed_letterheads() -> int:
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image

    made = 0
    for slug, (name, address, phone, colour) in LETTERHEADS.items():
        region = Region.objects.filter(slug=slug).first()
        if region is None or Letterhead.objects.filter(region=region).exists():
            continue
        logo = Image.objects.create(
            title=f"Logo {region.name}",
            file=ImageFile(io.BytesIO(logo_png(region.name, colour)), name=f"logo-{slug}.png"),
        )
        Letterhead.objects.create(
            region=region,
            name=name,
            address=address,
            phone=phone,
            email=region.email,
            logo=logo,
        )
        made += 1
    return made


def seed_demo(password: str) -> dict:
    _seed_service_levels()
    User = get_user_model()
    specialists = {
        s.profile.regions.first().slug: s
        for s in User.objects.filter(groups__name="specialist").prefetch_related("profile__regions")
        if s.profile.regions.exists()
    }
    created = 0
    for index, (domain, place, language, subject, body, pro, outcome) in enumerate(QUESTIONS):
        token = uuid.uuid5(NAMESPACE, str(index))
        if Question.objects.filter(submission_token=token).exists():
            continue
        municipality = Municipality.objects.get(name=place)
        professional = User.objects.get(username=pro) if pro else None
        question = lifecycle.create_question(
            legal_domain=LegalDomain.objects.get(slug=domain),
            subject=subject,
            body=body,
            contact_language=language,
            processing_consent=True,
            municipality=municipality,
            professional=professional,
            client_pseudonym="cliënt " + chr(65 + index) if pro else "",
            client_consent=bool(pro),
            submission_token=token,
            legal_deadline=timezone.localdate() + timedelta(days=5 + index)
            if index % 4 == 0
            else None,
        ).question
        if index % 5 == 1:
            # Came in a week ago: due dates from then, so the queue shows overdue work.
            Question.objects.filter(pk=question.pk).update(
                created_at=timezone.now() - timedelta(days=7)
            )
            question.refresh_from_db()
            due_dates.apply_due_dates(question)
            question.save(update_fields=["first_response_due", "answer_due"])
        if index % 3 == 2:
            question.priority = Priority.URGENT if index % 2 else Priority.HIGH
            lifecycle.update_triage(question, ["priority"], actor=None)
        staff = specialists.get(municipality.region.slug)
        if outcome != "new":
            lifecycle.change_status(question, Status.OPEN, actor=staff, actor_kind="staff")
        if outcome in ("answered", "closed", "waiting"):
            lifecycle.add_message(question, body=STAFF_ANSWER, author_kind="staff", author=staff)
        if outcome == "waiting":
            lifecycle.change_status(question, Status.WAITING, actor=staff, actor_kind="staff")
        if outcome == "open" and staff is not None and lifecycle.can_be_assigned(question, staff):
            lifecycle.assign(question, staff, actor=staff)
        if outcome == "closed":
            lifecycle.close(question, Outcome.ANSWERED, actor=staff)
        created += 1
    return {
        "questions": created,
        "service levels": SLAPolicy.objects.count(),
        "answer templates": AnswerTemplate.objects.count(),
        "letterheads": seed_letterheads(),
    }
