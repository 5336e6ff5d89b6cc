"""Editors and coordinators keep the search synonyms (backoffice.roles lists the permissions),
and a first list of everyday words newcomers and social workers use, in the five public
languages, so that search understands them from the start. Editors change it in
Admin → Synonyms; a database that already has groups is left as it is."""

from django.db import migrations

from backoffice.roles import sync_roles

GROUPS = {
    "nl": [
        "kindergeld, kinderbijslag, groeipakket, geld voor de kinderen, kinderpremie",
        "OCMW, CPAS, sociaal huis",
        "leefloon, bijstand, steun van het OCMW, leefgeld, uitkering van het OCMW",
        "huurwaarborg, waarborg, borg, huurgarantie, caution",
        "werkvergunning, arbeidskaart, single permit, gecombineerde vergunning, toestemming om te werken",
        "verblijfskaart, verblijfsvergunning, verblijfsdocument, verblijfspapieren, vreemdelingenkaart",
        "vervallen, verlopen, niet meer geldig",
        "verloren, kwijt, gestolen, diefstal",
        "gezinshereniging, familiehereniging, gezin laten overkomen, familie laten overkomen",
        "ziekenfonds, mutualiteit, ziekenkas, ziekteverzekering",
        "inburgering, inburgeringscursus, inburgeringstraject, inburgeringsplicht",
        "Belg worden, Belgische nationaliteit, nationaliteitsverklaring, naturalisatie",
        "diploma erkennen, gelijkwaardigheid, NARIC, erkenning diploma",
        "sociale woning, sociale huurwoning, goedkope huurwoning",
        "bevel om het grondgebied te verlaten, BGV, uitwijzing, uitzetting",
        "dringende medische hulp, DMH, dokter zonder papieren",
        "werkzoekende, werk zoeken, job zoeken, werkloos",
        "legalisatie, apostille, documenten laten legaliseren",
        "familienaam, achternaam",
        "huwelijk, getrouwd, trouwen",
        "tijdelijke bescherming, Oekraïners",
    ],
    "fr": [
        "allocations familiales, Groeipakket, kindergeld, argent pour les enfants",
        "CPAS, OCMW, Sociaal Huis",
        "revenu d'intégration, leefloon, RIS, aide sociale, aide du CPAS",
        "garantie locative, caution, huurwaarborg",
        "permis de travail, permis unique, single permit, autorisation de travail",
        "carte de séjour, titre de séjour, papiers, verblijfskaart",
        "périmée, expirée, plus valable",
        "perdue, volée, vol, perte",
        "regroupement familial, faire venir ma famille, gezinshereniging",
        "mutuelle, mutualité, ziekenfonds, assurance maladie",
        "intégration civique, parcours d'intégration, inburgering, cours d'intégration",
        "devenir belge, nationalité belge, déclaration de nationalité, naturalisation",
        "équivalence de diplôme, reconnaissance de diplôme, NARIC",
        "logement social, habitation sociale, sociale woning",
        "ordre de quitter le territoire, OQT, expulsion",
        "aide médicale urgente, AMU, médecin sans papiers",
        "chercheur d'emploi, demandeur d'emploi, chercher du travail",
        "légalisation, apostille",
        "nom de famille, patronyme",
        "mariage, marié, se marier",
        "protection temporaire, Ukrainiens",
    ],
    "en": [
        "child benefit, child money, family allowance, child allowance, Groeipakket, kindergeld",
        "OCMW, CPAS, social welfare office, public social welfare centre, Sociaal Huis",
        "leefloon, minimum income, social assistance, welfare, benefits",
        "rental deposit, deposit, security deposit, huurwaarborg",
        "work permit, single permit, permission to work, right to work",
        "residence card, residence permit, papers, verblijfskaart",
        "expired, out of date, no longer valid",
        "lost, stolen, theft",
        "family reunification, family reunion, bring my family",
        "health insurance, health fund, sickness fund, ziekenfonds, mutualiteit",
        "civic integration, integration course, inburgering, integration programme",
        "become Belgian, Belgian nationality, citizenship, nationality declaration, naturalisation",
        "diploma recognition, recognise my diploma, degree recognition, equivalence, NARIC",
        "social housing, social rental housing, council flat",
        "order to leave the territory, deportation order, expulsion",
        "urgent medical help, urgent medical aid, doctor without papers",
        "jobseeker, job seeker, looking for work, unemployed",
        "legalisation, legalization, apostille",
        "surname, family name, last name",
        "marriage, married, wedding",
        "temporary protection, Ukrainians",
    ],
    "ar": [
        "مخصصات الأطفال، علاوة الأطفال، فلوس الأولاد، مصاري الولاد، المنحة العائلية، "
        "التعويضات العائلية، Groeipakket، kindergeld",
        "OCMW، CPAS، مركز الرعاية الاجتماعية، الشؤون الاجتماعية",
        "دخل الاندماج الاجتماعي، leefloon، مساعدة اجتماعية، معونة، راتب الشؤون",
        "ضمان الإيجار، تأمين البيت، تأمين الشقة، كفالة، huurwaarborg",
        "تصريح عمل، إذن عمل، رخصة عمل، single permit",
        "بطاقة الإقامة، كرت الإقامة، الإقامة، أوراق الإقامة، verblijfskaart",
        "منتهية، انتهت، خلصت، انتهت صلاحيتها",
        "ضاعت، فقدت، سرقت، انسرقت، سرقة",
        "لم شمل الأسرة، لم الشمل، جلب العائلة",
        "التأمين الصحي، صندوق التأمين الصحي، ziekenfonds، mutualiteit",
        "الاندماج المدني، دورة الاندماج، كورس الاندماج، inburgering",
        "الجنسية البلجيكية، صير بلجيكي، التجنس، التصريح بالجنسية",
        "معادلة الشهادة، الاعتراف بالشهادة، NARIC",
        "سكن اجتماعي، بيت اجتماعي، سكن رخيص",
        "أمر بمغادرة التراب، ترحيل، طرد",
        "المساعدة الطبية العاجلة، دكتور بدون أوراق، طبيب بدون أوراق",
        "عمل، شغل، اشتغل",
        "باحث عن عمل، دور على شغل، بدور على شغل",
        "التصديق، الأبوستيل، تصديق الأوراق",
        "اسم العائلة، الكنية",
        "زواج، تزوجت، عرس",
        "الأولاد، الأطفال، الولاد",
        "الحماية المؤقتة، الأوكرانيين",
    ],
    "uk": [
        "допомога на дітей, дитячі гроші, дитячі виплати, гроші на дитину, Groeipakket, "
        "kindergeld",
        "OCMW, CPAS, соціальна служба, соцслужба, Sociaal Huis",
        "leefloon, дохід соціальної інтеграції, соціальна допомога, соцдопомога",
        "орендна застава, застава, депозит, huurwaarborg",
        "дозвіл на роботу, single permit, право на роботу",
        "картка на проживання, посвідка на проживання, посвідка, ВНЖ, verblijfskaart",
        "прострочена, закінчилась, закінчився термін",
        "загублено, загубив, вкрадено, вкрали, крадіжка",
        "возз'єднання сім'ї, перевезти сім'ю, привезти родину",
        "лікарняна каса, медичне страхування, страховка, ziekenfonds, mutualiteit, мютюалітет",
        "інтеграція, курс інтеграції, інтеграційний курс, inburgering",
        "громадянство, стати бельгійцем, бельгійське громадянство, декларація про громадянство",
        "визнання диплома, нострифікація, NARIC",
        "соціальне житло, дешеве житло",
        "наказ залишити територію, депортація, видворення",
        "невідкладна медична допомога, лікар без документів",
        "шукач роботи, шукати роботу, безробітний",
        "легалізація, апостиль",
        "прізвище, фамілія",
        "шлюб, одружився, весілля",
        "тимчасовий захист, українці",
    ],
}


def setup(apps, schema_editor):
    sync_roles(apps)
    SynonymGroup = apps.get_model("search", "SynonymGroup")  # noqa: N806
    if SynonymGroup.objects.exists():
        return
    SynonymGroup.objects.bulk_create(
        SynonymGroup(language=language, terms=terms)
        for language, groups in GROUPS.items()
        for terms in groups
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0004_ranked_postings_and_synonyms")]
    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
