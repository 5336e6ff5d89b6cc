"""More of the everyday words newcomers use for their family, money, papers and for what happened
to them, next to the words the articles use (a second editorial list: husband and wife, the
children, translations, compulsory...). Added to what editors already keep, never replacing it:
a group is only added when no group of that language has the same first phrase."""

from django.db import migrations

GROUPS = {
    "nl": [
        "echtgenote, echtgenoot, partner, vrouw, man, man of vrouw",
        "kinderen, kind, kids, zoon, dochter, zonen, dochters",
        "land van herkomst, herkomstland, thuisland, buitenland",
        "vertaling, vertalen, beëdigde vertaling, vertaler",
        "verplicht, verplichting, verplichte",
        "goedkope woning, goedkoop huis, betaalbare woning, sociale woning",
    ],
    "fr": [
        "conjoint, conjointe, époux, épouse, partenaire, femme, mari",
        "enfants, enfant, gosses, gamins, fils, fille",
        "pays d'origine, mon pays, étranger",
        "traduction, traduire, traducteur juré",
        "obligatoire, obligation, obligé",
        "logement pas cher, logement bon marché, logement social",
    ],
    "en": [
        "spouse, partner, wife, husband",
        "children, child, kids, son, daughter",
        "country of origin, home country, abroad",
        "translation, translate, sworn translator",
        "compulsory, mandatory, obligatory, required",
        "cheap housing, affordable housing, social housing",
    ],
    "ar": [
        "الزوجة، زوجتي، مرتي، مراتي، الزوج، زوجي، جوزي",
        "الأطفال، أولادي، ولادي، ابني، بنتي، الأبناء",
        "فلوس، مصاري، مال، نقود",
        "البلد الأصلي، بلدي، الخارج",
        "ترجمة، ترجم، مترجم محلف",
        "إلزامي، إجباري، لازم",
        "انتهت الصلاحية، خلص، خلصت، منتهية",
        "سرقت، انسرق، انسرقت، ضاع، ضاعت",
        "انتقال، نقلنا، انتقلنا، عزلنا، تغيير العنوان",
        "تسجيل، سجل، بسجل، أسجل",
    ],
    "uk": [
        "дружина, чоловік, подружжя, партнер",
        "діти, дитина, син, донька, дочка",
        "країна походження, батьківщина, з-за кордону",
        "переклад, перекласти, присяжний перекладач",
        "обов'язковий, обов'язково, обов'язок",
        "загубилась, загубився, загубила, загубив, втратив, втратила",
        "покинути, залишити, виїхати",
        "мутуалітет, мютюалітет, лікарняна каса, ziekenfonds",
    ],
}


def add(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")  # noqa: N806
    for language, groups in GROUPS.items():
        existing = {
            terms.split(",")[0].split("،")[0].strip().casefold()
            for terms in SynonymGroup.objects.filter(language=language).values_list(
                "terms", flat=True
            )
        }
        for terms in groups:
            first = terms.split(",")[0].split("،")[0].strip().casefold()
            if first not in existing:
                SynonymGroup.objects.create(language=language, terms=terms)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_synonyms_for_editors")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
