"""Seed the legal domains every region works with; coordinators can change them afterwards."""

from django.db import migrations

DOMAINS = [
    # slug, nl, fr, en, ar, uk, summary nl, summary fr, summary en, summary ar, summary uk
    ("residence", "Verblijf", "Séjour", "Residence", "الإقامة", "Перебування",
     "Verblijfsvergunning, verblijfskaart, gezinshereniging, beroep tegen een beslissing.",
     "Titre de séjour, carte de séjour, regroupement familial, recours contre une décision.",
     "Residence permit, residence card, family reunification, appeal against a decision.",
     "تصريح الإقامة، بطاقة الإقامة، لمّ شمل الأسرة، الطعن في قرار.",
     "Дозвіл на проживання, посвідка, возз'єднання сім'ї, оскарження рішення."),
    ("nationality", "Nationaliteit", "Nationalité", "Nationality", "الجنسية", "Громадянство",
     "Belg worden: voorwaarden, documenten, procedure.",
     "Devenir belge : conditions, documents, procédure.",
     "Becoming Belgian: conditions, documents, procedure.",
     "الحصول على الجنسية البلجيكية: الشروط والوثائق والإجراءات.",
     "Стати громадянином Бельгії: умови, документи, процедура."),
    ("social-law", "Sociaal recht", "Droit social", "Social law", "الحقوق الاجتماعية",
     "Соціальне право",
     "Leefloon, groeipakket, ziekteverzekering, werkloosheid.",
     "Revenu d'intégration, allocations familiales, assurance maladie, chômage.",
     "Living wage (leefloon), child benefit, health insurance, unemployment.",
     "دخل الاندماج، إعانات الأطفال، التأمين الصحي، البطالة.",
     "Прожитковий мінімум, допомога на дітей, медичне страхування, безробіття."),
    ("family-ipr", "Familie en internationaal privaatrecht", "Famille et droit international privé",
     "Family and international private law", "الأسرة والقانون الدولي الخاص",
     "Сім'я та міжнародне приватне право",
     "Huwelijk, afstamming, namen, legalisatie van buitenlandse documenten.",
     "Mariage, filiation, noms, légalisation de documents étrangers.",
     "Marriage, parentage, names, legalisation of foreign documents.",
     "الزواج، النسب، الأسماء، تصديق الوثائق الأجنبية.",
     "Шлюб, походження, імена, легалізація іноземних документів."),
    ("work", "Werk", "Travail", "Work", "العمل", "Робота",
     "Toegang tot werk, arbeidskaart, contract en loon.",
     "Accès au travail, permis de travail, contrat et salaire.",
     "Access to work, work permit, contract and pay.",
     "الحق في العمل، تصريح العمل، العقد والأجر.",
     "Доступ до роботи, дозвіл на роботу, договір і зарплата."),
    ("housing", "Wonen", "Logement", "Housing", "السكن", "Житло",
     "Huren, huurwaarborg, sociale huisvesting, domicilie.",
     "Location, garantie locative, logement social, domiciliation.",
     "Renting, rental deposit, social housing, registered address.",
     "الإيجار، ضمان الإيجار، السكن الاجتماعي، العنوان الرسمي.",
     "Оренда, гарантійний депозит, соціальне житло, реєстрація адреси."),
    ("education", "Onderwijs", "Enseignement", "Education", "التعليم", "Освіта",
     "Inschrijving op school, onthaalonderwijs, diploma's erkennen.",
     "Inscription scolaire, classes d'accueil, reconnaissance des diplômes.",
     "School enrolment, reception classes, recognition of diplomas.",
     "التسجيل في المدرسة، صفوف الاستقبال، معادلة الشهادات.",
     "Запис до школи, класи адаптації, визнання дипломів."),
    ("civic-integration", "Inburgering", "Intégration civique", "Civic integration",
     "الاندماج المدني", "Громадянська інтеграція",
     "Inburgeringsplicht, cursussen, attest en vrijstellingen.",
     "Obligation d'intégration, cours, attestation et dispenses.",
     "Civic integration duty, courses, certificate and exemptions.",
     "واجب الاندماج المدني، الدورات، الشهادة والإعفاءات.",
     "Обов'язок інтеграції, курси, сертифікат і звільнення."),
]


def seed(apps, schema_editor):
    LegalDomain = apps.get_model("backoffice", "LegalDomain")
    for order, row in enumerate(DOMAINS):
        slug, nl, fr, en, ar, uk, s_nl, s_fr, s_en, s_ar, s_uk = row
        LegalDomain.objects.update_or_create(
            slug=slug,
            defaults=dict(
                name_nl=nl, name_fr=fr, name_en=en, name_ar=ar, name_uk=uk,
                summary_nl=s_nl, summary_fr=s_fr, summary_en=s_en, summary_ar=s_ar,
                summary_uk=s_uk, sort_order=(order + 1) * 10,
            ),
        )


def unseed(apps, schema_editor):
    apps.get_model("backoffice", "LegalDomain").objects.filter(
        slug__in=[row[0] for row in DOMAINS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
