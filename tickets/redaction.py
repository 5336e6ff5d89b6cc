"""Removal of personal data from answer texts before they become public articles.

Finds e-mail addresses, phone numbers, Belgian national register numbers, IBANs, street
addresses, dates of birth, question references, and names: the ones the question knows
(requester, client pseudonym, author) and names introduced by a title or "my name is".
An editor always reviews the result: this lowers the risk, it does not remove it.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

LABELS = {
    "email": _("[e-mail address]"),
    "phone": _("[phone number]"),
    "national_number": _("[national register number]"),
    "iban": _("[bank account]"),
    "address": _("[address]"),
    "birth_date": _("[date of birth]"),
    "reference": _("[reference]"),
    "name": _("[name]"),
}

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
REFERENCE = re.compile(r"\bWW-\d{4}-\d{6}\b")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
NATIONAL_NUMBER = re.compile(r"\b\d{2}[.\s]?\d{2}[.\s]?\d{2}[-.\s]?\d{3}[.\s]?\d{2}\b")
PHONE = re.compile(
    r"(?<![\w+])(?<!\d[\s./-])(?:\+|00)\d{2,3}[\s./-]?(?:\(0\))?\d(?:[\s./-]?\d){6,11}\b"
    r"|(?<![\w+])(?<!\d[\s./-])0\d{1,3}(?:[\s./-]?\d{2,3}){2,4}\b"  # 0470 12 34 56, 02/123.45.67
)
STREET_WORDS = (
    r"straat|str\.|laan|steenweg|plein|lei|dreef|weg|kaai|markt|singel|vest|dijk|baan|hof|"
    r"rue|avenue|av\.|chaussée|boulevard|bd|place|quai|square|street|road|lane"
)
ADDRESS = re.compile(
    # "Kerkstraat 12 bus 3" and "rue de la Loi 16" and "12 Main Street", then an optional
    # ", 2000 Antwerpen"
    rf"(?:(?-i:\b[A-Z][\w'-]+\s+){{0,2}}\b[\w'-]*(?:{STREET_WORDS})\b(?:\s+[\w'-]+){{0,3}}?\s+\d{{1,4}}[a-zA-Z]?"
    rf"|\b(?:{STREET_WORDS})\s+(?:[\w'-]+\s+){{0,4}}?\d{{1,4}}[a-zA-Z]?)"
    r"(?:\s*(?:bus|boîte|bte|box)\s*\d+)?"
    r"(?:,?\s+[1-9]\d{3}\s+[A-Z][\w'-]+(?:-[A-Z][\w'-]+)*)?",
    re.IGNORECASE,
)
POSTCODE_CITY = re.compile(r"\b[1-9]\d{3}\s+[A-Z][a-zà-ÿ'-]+(?:-[A-Z][a-zà-ÿ'-]+)*\b")
DATE = r"\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}|\d{1,2}\s+\w+\s+(?:19|20)\d{2}"
BIRTH_DATE = re.compile(
    rf"(?P<cue>\b(?:geboren(?:\s+op)?|geboortedatum:?|°|né(?:e)?\s+le|date\s+de\s+naissance:?"
    rf"|born(?:\s+on)?|date\s+of\s+birth:?|DOB:?)\s*)(?P<date>{DATE})",
    re.IGNORECASE,
)
NAME_CUES = (
    r"mevrouw|meneer|mevr\.|dhr\.|juffrouw|madame|monsieur|mme|mr\.?|mrs\.?|ms\.?|miss"
    r"|mijn naam is|ik heet|genaamd|je m'appelle|mon nom est|my name is|named|called"
    r"|cliënt(?:e)?|client(?:e)?|zoon|dochter|echtgeno(?:ot|te)|son|daughter|husband|wife"
    r"|fils|fille|mari|épouse"
)
NAME_WORD = r"[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)*"
CUED_NAME = re.compile(
    rf"(?P<cue>\b(?i:{NAME_CUES})\s+)(?P<name>{NAME_WORD}(?:\s+(?:(?:van|de|der|den|el|al|ben|"
    rf"bin|le|la|du|des)\s+)*{NAME_WORD}){{0,3}})"
)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


def _national_number_is_valid(digits: str) -> bool:
    """Belgian rijksregisternummer: 97 minus (first 9 digits mod 97), for 19xx or 20xx births."""
    if len(digits) != 11:
        return False
    body, check = int(digits[:9]), int(digits[9:])
    return 97 - body % 97 == check or 97 - int("2" + digits[:9]) % 97 == check


def _iban_is_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def find_personal_data(text: str, known_names=()) -> list[Finding]:
    findings: list[Finding] = []

    def add(kind, start, end):
        findings.append(Finding(kind, start, end, text[start:end]))

    for match in EMAIL.finditer(text):
        add("email", *match.span())
    for match in REFERENCE.finditer(text):
        add("reference", *match.span())
    for match in IBAN.finditer(text):
        if _iban_is_valid(match.group()):
            add("iban", *match.span())
    for match in NATIONAL_NUMBER.finditer(text):
        if _national_number_is_valid(re.sub(r"\D", "", match.group())):
            add("national_number", *match.span())
    for match in BIRTH_DATE.finditer(text):
        add("birth_date", *match.span("date"))
    for match in ADDRESS.finditer(text):
        add("address", *match.span())
    for match in PHONE.finditer(text):
        add("phone", *match.span())
    for match in CUED_NAME.finditer(text):
        add("name", *match.span("name"))
    for name in {n.strip() for n in known_names if n and len(n.strip()) >= 2}:
        for part in [name, *name.split()]:
            if len(part) < 3:
                continue
            # A capitalised word right before a known surname is taken as its first name
            # ("van Amina Benali"); the editor reviews what this over-reaches.
            pattern = rf"(?:(?-i:\b{NAME_WORD})\s+)?\b{re.escape(part)}\b"
            for match in re.finditer(pattern, text, re.IGNORECASE):
                add("name", *match.span())
    return _without_overlaps(findings)


PRIORITY = [
    "email",
    "reference",
    "iban",
    "national_number",
    "birth_date",
    "address",
    "phone",
    "name",
]


def cued_names(*texts: str) -> set[str]:
    """Names introduced by a cue ("mevrouw Benali") anywhere in the texts: once seen, a name is
    removed everywhere, also where no cue precedes it (a subject line, a greeting)."""
    return {match.group("name") for text in texts for match in CUED_NAME.finditer(text)}


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep the most specific finding where spans overlap (an IBAN is not also a phone)."""
    ordered = sorted(findings, key=lambda f: (PRIORITY.index(f.kind), f.start - f.end))
    kept: list[Finding] = []
    for finding in ordered:
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def redact(text: str, known_names=()) -> tuple[str, list[Finding]]:
    """The text with every finding replaced by a label, and the findings for the editor."""
    findings = find_personal_data(text, known_names)
    parts, position = [], 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(str(LABELS[finding.kind]))
        position = finding.end
    parts.append(text[position:])
    return "".join(parts), findings
