"""Per-language text analysis: the same tokens for the index and for the query, on every database.

`analyse(text, language)` turns a text into (term, word) pairs: `word` is the normalised word as
written (what "did you mean" shows), `term` its stem, which is what is indexed and matched.

- Dutch, French, English: accents and case folded, then the Snowball stemmer
  (snowballstemmer; Dutch uses the classic Porter-based algorithm, the one PostgreSQL's `dutch`
  configuration uses: the newer one strips "ge-" and makes "gemeente" and "gezin" into "meen"
  and "zin"), with a final double consonant undone ("gezinnen" and "gezin" meet).
- Arabic: normalised (tashkeel, tatweel, alef/hamza forms, taa marbuta, alef maqsura), then a
  light stemmer of the Light10 family (Larkey et al., as Lucene's ArabicStemmer): attached
  prefixes (ال، وال، بال، كال، فال، لل، و) and common suffixes. Snowball's Arabic stemmer strips
  too much and not consistently ("بطاقة" and "البطاقة" get different stems, "فلوس" loses its
  first letter).
- Ukrainian: apostrophes inside words (' ’ ʼ `) are one apostrophe, the word is lemmatised
  with pymorphy3 and its Ukrainian dictionary (Snowball has no Ukrainian stemmer; a lemmatiser
  knows the case endings and the alternations, e.g. "дозволу" -> "дозвіл"), and the apostrophe
  is then dropped, so "сім'я", "сімʼя", "сім’ї" and "сімя" meet. A word typed without its
  apostrophe is looked up with one where Ukrainian writes one (after б п в м ф р before я ю є ї).
- Any other language (Tigrinya, Dari, ...): folded words, no stemming.

Stop words are dropped from queries (not from the index: a phrase keeps its words), so that
"what", "hoe", "comment", "як" do not count as terms a document must have.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from search.text import fold

LANGUAGES = ("nl", "fr", "en", "ar", "uk")

APOSTROPHES = "'’ʼ`´‘"
TOKEN = re.compile(rf"[\w{re.escape(APOSTROPHES)}]+", re.UNICODE)
_APOSTROPHE = re.compile(rf"[{re.escape(APOSTROPHES)}]")

STOPWORDS = {
    "nl": set(
        """
        de het een en of in op aan van voor met bij als dat die dit deze is zijn was wordt worden
        ik je jij u we wij ze zij hij mijn mij me ons onze uw hun hoe wat wie waar wanneer waarom
        niet geen ook nog al maar om te tot naar over uit door kan kunnen moet moeten wil willen
        heb hebt heeft hebben ben bent er hier daar dan nu zo wel mag mogen ga gaat gaan doe doen
        krijg krijgt iets welke welk zou zouden kun kunt mee dus na toch nou hoeveel
        graag iemand alles erin eraan ermee echt heel veel moeten
        """.split()
    ),
    "fr": set(
        """
        le la les un une des du de et ou en dans sur pour avec par au aux ce cet cette ces est
        sont je tu il elle nous vous ils elles mon ma mes ton ta tes son sa ses notre votre leur
        leurs comment que qui quoi quand pourquoi pas ne plus peut puis dois doit veux faire
        mais si se me te y a ai as avez avons ont quel quelle quels quelles est-ce on suis es
        etre avoir fait faut peux pouvez combien ici tres beaucoup quelqu chose
        """.split()
    ),
    "en": set(
        """
        the a an and or in on at of for with by to from is are was be been i you he she we they
        my your our their how what who where when why not can could should would do does have
        has it its me us them this that these those there here if so no any some get got am
        will shall may might must did done now which much many am im need want please
        """.split()
    ),
    "ar": {
        fold(word)
        for word in """
        في من على إلى الى عن مع هل ما ماذا كيف متى أين لماذا هذا هذه ذلك تلك التي الذي الذين
        أنا انا أنت انت هو هي نحن هم أو او و ثم لا لم لن قد كان كانت يكون عند كل بعض أي اي
        إذا اذا لكن لي لك له لها لنا بها به فيه فيها عندي هناك هنا يا ان أن إن
        شو ايش إيش بدي بدنا معي معنا هون هيك ليش وين لازم ممكن يمكن يمكنني أريد اريد كم
        تبع عم رح حتى بس كتير كثير شي شيء
        ديال ديالي ديالو ديالها ديالنا شنو اشنو واش فين كيفاش علاش بغيت نبغي دابا
        شلون ليه ازاي إزاي عايز عاوز
        أفعل افعل اعمل أعمل نعمل ندير نديرو
        """.split()
    },
    "uk": set(
        """
        і й та а але або чи що як де коли чому хто який яка яке які мій моя моє мої твій наш
        ваш їх його її я ти він вона воно ми ви вони в у на з із зі до від по за для про при
        не ні так це цей ця ці той та те ті є бути був була було мені мене тобі мені нам вам
        їм можна треба чи якщо щоб же вже ще тільки дуже скільки нема немає мені можу
        хочу потрібно маю мати буде будь ласка
        """.split()
    ),
}

_snowball = {}


def _snowball_stemmer(name):
    if name not in _snowball:
        import snowballstemmer

        _snowball[name] = snowballstemmer.stemmer(name)
    return _snowball[name]


_DOUBLE_END = re.compile(r"([bcdfghjklmnpqrstvwxz])\1$")


@lru_cache(maxsize=200_000)
def _stem_latin(word: str, language: str) -> str:
    if language == "nl":
        stem = _snowball_stemmer("dutch_porter").stemWord(word)
        return _DOUBLE_END.sub(r"\1", stem)
    if language == "fr":
        return _snowball_stemmer("french").stemWord(word)
    if language == "en":
        return _snowball_stemmer("english").stemWord(word)
    return word


# --- Arabic

_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ى": "ي",
        "ة": "ه",
        "ـ": None,  # tatweel
        "ء": None,
    }
)
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


def normalise_arabic(word: str) -> str:
    return _TASHKEEL.sub("", word).translate(_ARABIC_MAP)


@lru_cache(maxsize=200_000)
def _stem_arabic(word: str) -> str:
    """Light10: one attached prefix, a leading و, then the common suffixes (each once, in
    order), always keeping at least two letters (three for و)."""
    for prefix in _AR_PREFIXES:
        if word.startswith(prefix) and len(word) >= len(prefix) + 2:
            word = word[len(prefix) :]
            break
    if word.startswith("و") and len(word) > 3:
        word = word[1:]
    for suffix in _AR_SUFFIXES:
        if word.endswith(suffix) and len(word) >= len(suffix) + 2:
            word = word[: -len(suffix)]
    return word


# --- Ukrainian

_UK_APOSTROPHE_PLACE = re.compile("([бпвмфр])([яюєї])")


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="uk")


@lru_cache(maxsize=200_000)
def _lemma_ukrainian(word: str) -> str:
    morph = _morph()
    if "'" not in word and not morph.word_is_known(word):
        # Typed without its apostrophe ("сімя"): try the spelling with one.
        for match in _UK_APOSTROPHE_PLACE.finditer(word):
            candidate = f"{word[: match.start() + 1]}'{word[match.start() + 1 :]}"
            if morph.word_is_known(candidate):
                word = candidate
                break
    parses = morph.parse(word)
    lemma = parses[0].normal_form if parses else word
    return lemma.replace("'", "").replace("ґ", "г")


# --- the pipeline


def normalise_word(token: str, language: str) -> str:
    """A token as written, normalised the way the language's words are compared."""
    if language == "uk":
        return _APOSTROPHE.sub("'", token.casefold()).strip("'")
    if language == "ar":
        return normalise_arabic(fold(token))
    return fold(token)


def _words(text: str, language: str) -> list[str]:
    """Normalised words. Apostrophes join a Ukrainian word; elsewhere they separate (l'ambassade
    -> l, ambassade; don't -> don, t)."""
    # Marks first (they are not word characters: "البِطَاقَة" is one word), on the whole text.
    text = unicodedata.normalize("NFC", text or "")
    if language == "uk":
        text = text.replace("\u0301", "")  # stress marks in teaching texts
    else:
        text = fold(text)
        if language == "ar":
            text = normalise_arabic(text)
    words = []
    for token in TOKEN.findall(text):
        if language == "uk":
            word = normalise_word(token, language)
            if word:
                words.append(word)
            continue
        for part in _APOSTROPHE.split(token):
            word = normalise_word(part, language)
            if word:
                words.append(word)
    return words


def stem(word: str, language: str) -> str:
    """The index term of one normalised word."""
    if word.isdigit():
        return word
    if language == "ar":
        return _stem_arabic(word)
    if language == "uk":
        if any("а" <= char <= "я" or char in "іїєґ" for char in word):
            return _lemma_ukrainian(word)
        return word.replace("'", "")
    return _stem_latin(word, language)


def is_stopword(word: str, language: str) -> bool:
    return word in STOPWORDS.get(language, ()) or (
        language not in STOPWORDS and word in STOPWORDS["nl"] | STOPWORDS["fr"] | STOPWORDS["en"]
    )


def analyse(text: str, language: str, query: bool = False) -> list[tuple[str, str]]:
    """(term, word) for every word of a text, in order. For a query, stop words and one-letter
    words are dropped (unless nothing else is left) and repeats are removed."""
    language = (language or "").split("-")[0].lower()
    pairs = []
    for word in _words(text, language):
        if len(word) < 2 and not word.isdigit():
            continue
        pairs.append((stem(word, language), word))
    if not query:
        return pairs
    meaningful = [pair for pair in pairs if not is_stopword(pair[1], language)]
    seen, result = set(), []
    for term, word in meaningful or pairs:
        if term not in seen:
            seen.add(term)
            result.append((term, word))
    return result


def terms_of(text: str, language: str) -> list[str]:
    return [term for term, _word in analyse(text, language)]


@lru_cache(maxsize=20_000)
def phrase_terms(text: str, language: str) -> tuple[str, ...]:
    """The terms of a short phrase (a synonym), stop words kept out unless only they remain."""
    return tuple(term for term, _word in analyse(text, language, query=True))
