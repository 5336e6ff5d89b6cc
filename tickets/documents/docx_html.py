"""Markdown → HTML (Markdown library, cleaned by nh3) → python-docx paragraphs and runs.

Headings become Word heading styles, lists Word list paragraphs (numbered lists restart at 1),
bold and italic become run properties, links real hyperlinks. Right-to-left text (Arabic,
Hebrew, Persian...) gets right-to-left paragraphs and runs, and a font with Arabic glyphs.
"""

import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import urljoin

import markdown
import nh3
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

LATIN_FONT = "Noto Sans"
ARABIC_FONT = "Noto Naskh Arabic"
CODE_FONT = "DejaVu Sans Mono"
HYPERLINK_STYLE = "Hyperlink"
LRM = "\u200e"  # left-to-right mark

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
# An answer's own headings sit below the letter's sections (Heading 1).
HEADING_STYLES = {
    "h1": "Heading 2",
    "h2": "Heading 2",
    "h3": "Heading 3",
    "h4": "Heading 4",
    "h5": "Heading 4",
    "h6": "Heading 4",
}
BLOCK_TAGS = {"p", "li", "pre", "blockquote", "hr", *HEADING_STYLES}
# Elements that come after w:bidi inside w:pPr (the schema fixes the order).
_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip


def markdown_to_html(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["sane_lists", "nl2br"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )


def strong_direction(text: str) -> str | None:
    """ "rtl" or "ltr" after the first strongly directional character (like dir="auto")."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def prepare_document(document, *, rtl: bool, language: str) -> None:
    """Fonts with Latin and Arabic glyphs on every style we use, the language, a link style."""
    styles = document.styles
    for name in ("Normal", "Title", *(f"Heading {n}" for n in range(1, 5))):
        rpr = styles[name].element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme), None)
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
        fonts.set(qn("w:cs"), ARABIC_FONT)
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    size_cs = OxmlElement("w:szCs")
    size_cs.set(qn("w:val"), "21")  # half-points, like w:sz
    normal.element.get_or_add_rPr().insert_element_before(
        size_cs, "w:highlight", "w:u", "w:effect", "w:vertAlign", "w:rtl", "w:cs", "w:lang"
    )
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    lang.set(qn("w:bidi"), language if rtl else "ar-SA")
    normal.element.get_or_add_rPr().append(lang)
    if HYPERLINK_STYLE not in [style.name for style in styles]:
        link = styles.add_style(HYPERLINK_STYLE, WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        link.font.underline = True
    document.core_properties.language = language


def style_id(document, name: str) -> str:
    """A style's id, looked up once per document (python-docx searches every style by name
    on each assignment, which made a 200-message case file several times slower)."""
    cache = document.__dict__.setdefault("_wegwijs_style_ids", {})
    if name not in cache:
        cache[name] = document.styles[name].style_id
    return cache[name]


def add_paragraph(document, container, style: str | None = None, text: str = ""):
    paragraph = container.add_paragraph(text)
    if style:
        paragraph._p.style = style_id(document, style)
    return paragraph


def set_paragraph_rtl(paragraph_element) -> None:
    ppr = paragraph_element.get_or_add_pPr()
    if ppr.find(qn("w:bidi")) is None:
        ppr.insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)


def apply_directions(paragraphs, *, default_rtl: bool, auto: set) -> int:
    """Give right-to-left paragraphs w:bidi and their right-to-left runs w:rtl.

    A paragraph whose element is in `auto` (text someone wrote) takes its direction from its
    first strong character; the others (the document's fixed parts) from the language."""
    count = 0
    for paragraph in paragraphs:
        element = paragraph._p
        direction = strong_direction(paragraph.text) if element in auto else None
        rtl = default_rtl if direction is None else direction == "rtl"
        if not rtl:
            continue
        set_paragraph_rtl(element)
        count += 1
        texts = list(element.iter(qn("w:t")))
        if texts and strong_direction(paragraph.text) is None:
            # Only digits and punctuation (a phone number, a date, a size): the bidi algorithm
            # would reverse the groups of "03 123 45 67"; marks keep them in reading order.
            texts[0].text = LRM + (texts[0].text or "")
            texts[-1].text = (texts[-1].text or "") + LRM
        for run in element.iter(qn("w:r")):
            if has_rtl("".join(t.text or "" for t in run.iter(qn("w:t")))):
                run.get_or_add_rPr().get_or_add_rtl()
    return count


def add_hyperlink(paragraph, url: str, text: str, *, bold=False, italic=False):
    """A real hyperlink (w:hyperlink with an external relationship) holding one run."""
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship)
    run = paragraph.add_run(text)
    run._r.style = style_id(paragraph.part.document, HYPERLINK_STYLE)
    run.bold = run.font.cs_bold = bold or None
    run.italic = run.font.cs_italic = italic or None
    hyperlink.append(run._r)  # moves the run inside the hyperlink
    paragraph._p.append(hyperlink)
    return run


def _new_numbering(document, style_name: str) -> tuple[int, int]:
    """Numbered lists each start at 1: a new w:num over the style's list definition.
    Returns (numId, level) for every item of the list."""
    numbering = document.part.numbering_part.element
    num_pr = document.styles[style_name].element.pPr.numPr
    abstract_id = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
    num = numbering.add_num(abstract_id)
    level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    num.add_lvlOverride(ilvl=level).add_startOverride(1)
    return num.numId, level


def _number(paragraph, num_id: int, level: int) -> None:
    para_num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    para_num_pr.get_or_add_ilvl().val = level
    para_num_pr.get_or_add_numId().val = num_id


class HtmlToDocx(HTMLParser):
    """Walks cleaned HTML and writes it into a python-docx document (or table cell)."""

    def __init__(self, document, *, container=None, base_url: str = "", auto: set | None = None):
        super().__init__(convert_charrefs=True)
        self.document = document
        self.container = container if container is not None else document
        self.base_url = base_url
        self.auto = auto if auto is not None else set()
        self.paragraph = None
        self.has_text = False
        self.bold = self.italic = self.code = self.pre = self.quote = 0
        self.href = None
        self.lists: list[dict] = []
        self.links: list[tuple[str, str]] = []
        self.paragraphs = []

    # -- paragraphs
    def _new_paragraph(self, style=None):
        if self.quote and style is None:
            style = "Quote"
        paragraph = add_paragraph(self.document, self.container, style)
        if self.quote:
            paragraph.paragraph_format.left_indent = Pt(18 * self.quote)
        self.auto.add(paragraph._p)
        self.paragraphs.append(paragraph)
        self.paragraph = paragraph
        self.has_text = False  # cheaper than asking python-docx for the paragraph's text
        return paragraph

    def _list_style(self):
        current = self.lists[-1]
        depth = min(len(self.lists), 3)
        base = "List Number" if current["ordered"] else "List Bullet"
        return base if depth == 1 else f"{base} {depth}"

    # -- parser callbacks
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("ul", "ol"):
            self.lists.append({"ordered": tag == "ol", "num": None})
            self.paragraph = None
        elif tag == "li":
            style = self._list_style() if self.lists else None
            paragraph = self._new_paragraph(style)
            current = self.lists[-1] if self.lists else None
            if current and current["ordered"]:
                if current["num"] is None:
                    current["num"] = _new_numbering(self.document, style)
                _number(paragraph, *current["num"])
        elif tag == "p":
            # A loose list item wraps its text in <p>: keep writing into the item.
            in_fresh_item = self.lists and self.paragraph is not None and not self.has_text
            if not in_fresh_item:
                self._new_paragraph(
                    "List Continue" if self.lists and self.paragraph is not None else None
                )
        elif tag in HEADING_STYLES:
            self._new_paragraph(HEADING_STYLES[tag])
        elif tag == "blockquote":
            self.quote += 1
            self.paragraph = None
        elif tag == "pre":
            self.pre += 1
            self._new_paragraph()
        elif tag == "hr":
            self._new_paragraph().add_run("—" * 12)
            self.paragraph = None
        elif tag == "br":
            if self.paragraph is not None:
                self.paragraph.add_run().add_break()
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "a":
            href = attrs.get("href") or ""
            self.href = urljoin(self.base_url, href) if href else None

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.paragraph = None
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.paragraph = None
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.paragraph = None
        elif tag in BLOCK_TAGS:
            self.paragraph = None
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "code":
            self.code = max(0, self.code - 1)
        elif tag == "a":
            self.href = None

    def handle_data(self, data):
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        if self.paragraph is None:
            if not data.strip():
                return
            self._new_paragraph()
        if not self.has_text:
            data = data.lstrip()
        if not data:
            return
        self.has_text = True
        if self.href:
            add_hyperlink(
                self.paragraph, self.href, data, bold=bool(self.bold), italic=bool(self.italic)
            )
            self.links.append((data.strip(), self.href))
            return
        run = self.paragraph.add_run(data)
        # Complex scripts (Arabic) take their own bold and italic properties (w:bCs, w:iCs).
        if self.bold:
            run.bold = run.font.cs_bold = True
        if self.italic:
            run.italic = run.font.cs_italic = True
        if self.code or self.pre:
            run.font.name = CODE_FONT


def write_markdown(document, text: str, *, container=None, base_url: str = "", auto=None):
    """Write Markdown into the document; return the writer (its `links` and `paragraphs`)."""
    writer = HtmlToDocx(document, container=container, base_url=base_url, auto=auto)
    writer.feed(markdown_to_html(text))
    writer.close()
    return writer
