"""Import of knowledge base articles from Markdown files with front matter.

The format is described in docs/article-format.md (one file per article and language,
`<dir>/<language>/<slug>.md`). Importing is idempotent: an article is matched by locale and
slug, updated when its file changed, left alone when it did not (so re-running never makes
translations look outdated), and never duplicated. Imported content counts as legally
reviewed: it is published with the review date of its file.

`import_directory` is the one entry point; the `import_articles` command and the demo data call it.
"""

import datetime
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import nh3
from django.conf import settings
from django.db import transaction
from wagtail.models import Locale

from backoffice.models import LegalDomain
from knowledge import tree
from knowledge.audiences import ALL_AUDIENCES
from knowledge.models import ArticlePage, LifeSituation
from knowledge.situations import SITUATIONS
from knowledge.translations import mark_up_to_date

REQUIRED_KEYS = ("title", "slug", "language", "domains", "audience", "situations", "summary")
KNOWN_KEYS = {
    *REQUIRED_KEYS,
    "tags",
    "review_date",
    "reviewer",
    "review_interval_months",
    "translation_of",
    "demo",
}
BLOCK_NAMES = {"checklist", "steps", "legal", "warning", "where"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Markdown becomes Wagtail rich text: only what the article editor offers survives.
RICH_TAGS = {"p", "br", "b", "i", "a", "ul", "ol", "li", "h2", "h3"}
WARNING_TAGS = {"p", "br", "b", "i", "a", "ul", "ol", "li"}


class ArticleFileError(Exception):
    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class ParsedArticle:
    path: Path
    meta: dict
    body: list[dict]
    checksum: str
    lines: dict = field(default_factory=dict)  # front matter key → line number

    @property
    def language(self) -> str:
        return self.meta["language"]

    @property
    def slug(self) -> str:
        return self.meta["slug"]


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[ArticleFileError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def __str__(self):
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.errors)} errors"
        )


# --- Markdown ---------------------------------------------------------------------------------


def markdown_to_richtext(text: str, tags=RICH_TAGS) -> str:
    """Markdown → sanitised HTML in Wagtail's rich text storage format (b/i, h2/h3)."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    html = re.sub(r"<(/?)strong>", r"<\1b>", html)
    html = re.sub(r"<(/?)em>", r"<\1i>", html)
    # Article headings start at h2 (the page title is h1); deeper levels become h3.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    html = re.sub(r"<(/?)h[4-6]>", r"<\1h3>", html)
    html = nh3.clean(
        html,
        tags=tags,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )
    return html.strip()


# --- Parsing ----------------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _fields(line: str, count: int) -> list[str]:
    """`a | b | c` → ["a", "b", "c"], padded to `count`; an empty last field may lose its
    space (`instrument | art. 3 |`)."""
    parts = [part.strip() for part in line.split("|")]
    return parts + [""] * (count - len(parts))


def parse_file(path: Path) -> ParsedArticle:
    """Parse one article file; raises ArticleFileError with the line of the first problem."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArticleFileError(path, None, f"not UTF-8 ({error.reason})") from error
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ArticleFileError(path, 1, "the file must start with a '---' line (front matter)")
    meta: dict = {}
    meta_lines: dict = {}
    end = None
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            end = number
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not key:
            raise ArticleFileError(path, number, f"expected 'key: value', got {line!r}")
        if key not in KNOWN_KEYS:
            raise ArticleFileError(path, number, f"unknown front matter key {key!r}")
        if key in meta:
            raise ArticleFileError(path, number, f"{key!r} is given twice")
        meta[key] = value.strip()
        meta_lines[key] = number
    if end is None:
        raise ArticleFileError(path, None, "the front matter is not closed by a '---' line")
    _validate_meta(path, meta, meta_lines)
    body = _parse_body(path, lines[end:], first_line=end + 1)
    checksum = hashlib.sha256(raw).hexdigest()
    return ParsedArticle(path=path, meta=meta, body=body, checksum=checksum, lines=meta_lines)


def _validate_meta(path: Path, meta: dict, lines: dict) -> None:
    def fail(key, message):
        raise ArticleFileError(path, lines.get(key), message)

    for key in REQUIRED_KEYS:
        if not meta.get(key):
            fail(key, f"{key!r} is required")
    languages = [code for code, _name in settings.LANGUAGES]
    if meta["language"] not in languages:
        fail("language", f"language must be one of {', '.join(languages)}")
    if not SLUG_RE.match(meta["slug"]):
        fail("slug", "slug: lowercase letters, digits and hyphens only")
    meta["domains"] = _split(meta["domains"])
    known = set(LegalDomain.objects.values_list("slug", flat=True))
    unknown = [slug for slug in meta["domains"] if slug not in known]
    if unknown or not meta["domains"]:
        fail("domains", f"unknown legal domain(s): {', '.join(unknown) or '(none given)'}")
    if meta["audience"] not in ALL_AUDIENCES:
        fail("audience", f"audience must be one of {', '.join(ALL_AUDIENCES)}")
    meta["situations"] = _split(meta["situations"])
    unknown = [key for key in meta["situations"] if key not in SITUATIONS]
    if unknown or not meta["situations"]:
        fail("situations", f"unknown life situation(s): {', '.join(unknown) or '(none given)'}")
    meta["tags"] = _split(meta.get("tags", ""))
    if meta.get("review_date"):
        try:
            meta["review_date"] = datetime.date.fromisoformat(meta["review_date"])
        except ValueError:
            fail("review_date", "review_date must be an ISO date (YYYY-MM-DD)")
    else:
        meta["review_date"] = None
    interval = meta.get("review_interval_months") or "6"
    if not interval.isdigit() or not 1 <= int(interval) <= 120:
        fail("review_interval_months", "review_interval_months must be a number of months")
    meta["review_interval_months"] = int(interval)
    demo = (meta.get("demo") or "false").lower()
    if demo not in ("true", "false", "yes", "no"):
        fail("demo", "demo must be true or false")
    meta["demo"] = demo in ("true", "yes")
    meta["translation_of"] = meta.get("translation_of", "")
    if meta["translation_of"] and meta["language"] == settings.LANGUAGE_CODE:
        fail("translation_of", "a Dutch article is a source: leave translation_of empty")
    meta["reviewer"] = meta.get("reviewer", "")


def _parse_body(path: Path, lines: list[str], first_line: int) -> list[dict]:
    blocks: list[dict] = []
    prose: list[str] = []
    block_name = None
    block_lines: list[tuple[int, str]] = []
    opened_at = 0

    def flush_prose():
        text = "\n".join(prose).strip()
        prose.clear()
        if text:
            html = markdown_to_richtext(text)
            if html:
                blocks.append({"type": "rich_text", "value": html})

    for number, line in enumerate(lines, start=first_line):
        stripped = line.strip()
        if block_name is None:
            if stripped.startswith(":::"):
                name = stripped[3:].strip()
                if name not in BLOCK_NAMES:
                    known = ", ".join(sorted(BLOCK_NAMES))
                    raise ArticleFileError(path, number, f"unknown block {name!r} (use {known})")
                flush_prose()
                block_name, block_lines, opened_at = name, [], number
            else:
                prose.append(line)
        elif stripped == ":::":
            blocks.extend(_block(path, block_name, block_lines, opened_at))
            block_name = None
        elif stripped.startswith(":::"):
            raise ArticleFileError(
                path, number, f"block {block_name!r} (line {opened_at}) is not closed"
            )
        else:
            block_lines.append((number, line))
    if block_name is not None:
        raise ArticleFileError(path, opened_at, f"block {block_name!r} is not closed by ':::'")
    flush_prose()
    return blocks


def _block(path: Path, name: str, lines: list[tuple[int, str]], opened_at: int) -> list[dict]:
    items = [(number, line.strip()) for number, line in lines if line.strip()]
    if name == "warning":
        text = "\n".join(line for _number, line in lines).strip()
        if not text:
            raise ArticleFileError(path, opened_at, "empty warning block")
        return [{"type": "warning", "value": markdown_to_richtext(text, WARNING_TAGS)}]
    if not items:
        raise ArticleFileError(path, opened_at, f"empty {name} block")
    if name == "checklist":
        value = []
        for number, line in items:
            if not line.startswith(("- ", "* ")):
                raise ArticleFileError(path, number, "a checklist item starts with '- '")
            fields = _fields(line[2:], 2)
            if len(fields) > 2:
                raise ArticleFileError(path, number, "a checklist item has two fields")
            item, when_needed = fields
            if not item:
                raise ArticleFileError(path, number, "a checklist item needs a text")
            value.append({"item": item, "when_needed": when_needed})
        return [{"type": "checklist", "value": value}]
    if name == "steps":
        value = []
        for number, line in items:
            match = re.match(r"^\d+[.)]\s+(.+)$", line)
            if not match:
                raise ArticleFileError(path, number, "a step starts with its number, e.g. '1. '")
            value.append(match.group(1).strip())
        return [{"type": "steps", "value": value}]
    if name == "legal":
        result = []
        for number, line in items:
            fields = _fields(line, 3)
            if len(fields) > 3:
                raise ArticleFileError(path, number, "a legal reference has three fields")
            instrument, article, url = fields
            if not instrument:
                raise ArticleFileError(path, number, "a legal reference needs an instrument")
            if url and not url.startswith(("https://", "http://")):
                raise ArticleFileError(path, number, f"not a web address: {url!r}")
            value = {"instrument": instrument, "article": article, "url": url}
            result.append({"type": "legal_reference", "value": value})
        return result
    # where
    result = []
    for number, line in items:
        fields = _fields(line, 3)
        if len(fields) > 3:
            raise ArticleFileError(path, number, "'where to go' has three fields")
        service, place, contact = fields
        if not service:
            raise ArticleFileError(path, number, "'where to go' needs a service")
        value = {"service": service, "place": place, "contact": contact}
        result.append({"type": "where_to_go", "value": value})
    return result


# --- Import -----------------------------------------------------------------------------------


def article_files(directory: Path) -> list[Path]:
    """Article files, Dutch sources first (translations need their source)."""
    files = sorted(directory.rglob("*.md"))
    files = [path for path in files if not path.name.upper().startswith("README")]
    return sorted(files, key=lambda path: (path.parent.name != settings.LANGUAGE_CODE, str(path)))


def import_directory(directory, progress: Callable[[str], None] | None = None) -> ImportReport:
    directory = Path(directory)
    report = ImportReport()
    files = article_files(directory)
    for position, path in enumerate(files, start=1):
        label = f"{path.parent.name}/{path.stem}"
        try:
            parsed = parse_file(path)
            status = import_article(parsed)
        except ArticleFileError as error:
            report.errors.append(error)
            if progress:
                progress(f"[{position}/{len(files)}] {label}... ERROR {error}")
            continue
        getattr(report, status).append(label)
        if progress:
            progress(f"[{position}/{len(files)}] {label}... {status}")
    return report


@transaction.atomic
def import_article(parsed: ParsedArticle) -> str:
    """Create or update one article; returns 'created', 'updated' or 'unchanged'."""
    meta = parsed.meta
    if parsed.path.parent.name in dict(settings.LANGUAGES) and (
        parsed.path.parent.name != meta["language"]
    ):
        raise ArticleFileError(
            parsed.path,
            parsed.lines.get("language"),
            f"language {meta['language']!r} does not match the folder {parsed.path.parent.name!r}",
        )
    locale = Locale.objects.get(language_code=meta["language"])
    domains = list(LegalDomain.objects.filter(slug__in=meta["domains"]))
    domains.sort(key=lambda domain: meta["domains"].index(domain.slug))
    source = None
    if meta["translation_of"]:
        source = ArticlePage.objects.filter(
            locale__language_code=settings.LANGUAGE_CODE, slug=meta["translation_of"]
        ).first()
        if source is None:
            raise ArticleFileError(
                parsed.path,
                parsed.lines.get("translation_of"),
                f"the Dutch source {meta['translation_of']!r} does not exist (import it first)",
            )

    parent = tree.ensure_index(locale, domains[0])
    page = ArticlePage.objects.filter(locale=locale, slug=meta["slug"]).first()
    if page is not None and page.import_checksum == parsed.checksum and page.live:
        return "unchanged"
    status = "updated" if page is not None else "created"
    if page is None:
        page = ArticlePage(locale=locale, slug=meta["slug"])
        if source is not None:
            page.translation_key = source.translation_key
    elif source is not None and page.translation_key != source.translation_key:
        taken = ArticlePage.objects.filter(
            translation_key=source.translation_key, locale=locale
        ).exclude(pk=page.pk)
        if taken.exists():
            raise ArticleFileError(
                parsed.path, None, "another article is already this source's translation"
            )
        page.translation_key = source.translation_key

    page.title = meta["title"]
    page.summary = meta["summary"]
    page.body = parsed.body
    page.audience = meta["audience"]
    page.last_review_date = meta["review_date"] or datetime.date.today()
    page.reviewer = meta["reviewer"]
    page.review_interval_months = meta["review_interval_months"]
    page.is_demo = meta["demo"]
    page.import_checksum = parsed.checksum
    page.legal_domains.set(domains)
    page.situations.set(_situations(meta["situations"]))
    page.tags.set(meta["tags"])

    if page.pk is None:
        parent.add_child(instance=page)
    else:
        page.save()
        if page.get_parent().pk != parent.pk:
            page.move(parent, pos="last-child")
            page.refresh_from_db()
    page.save_revision().publish()
    if source is not None:
        mark_up_to_date(page, source)
    return status


def _situations(keys: list[str]) -> list[LifeSituation]:
    order = list(SITUATIONS)
    found = []
    for key in keys:
        situation, _created = LifeSituation.objects.get_or_create(
            key=key, defaults={"sort_order": order.index(key)}
        )
        found.append(situation)
    return found
