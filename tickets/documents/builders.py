"""The DOCX documents of a question: the answer letter, the case file (for a handover) and the
requester's own dossier (GDPR right of access). Each builder returns the file's bytes.

The fixed parts are written in the reader's language when the interface has it (nl, fr, en,
ar, uk), otherwise in Dutch; Arabic documents are right-to-left.
"""

import io
from collections.abc import Callable
from urllib.parse import urlsplit

import docx
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt

from tickets.documents.docx_html import (
    add_hyperlink,
    add_paragraph,
    apply_directions,
    prepare_document,
    write_markdown,
)
from tickets.models import Letterhead, Message, Question, RequesterKind, Status

RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "prs", "ckb", "yi"}
# Paths of the public site that are not articles.
NOT_ARTICLES = {"ask", "follow-up", "pro", "files", "login", "logout", "downloads", "search"}


def document_language(code: str | None) -> str:
    """The reader's language if the interface has it, else Dutch."""
    code = (code or "").lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def article_links(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The links that point to the site's own articles (/<language>/...), once each."""
    site = urlsplit(settings.PUBLIC_BASE_URL).netloc
    languages = dict(settings.LANGUAGES)
    found, seen = [], set()
    for text, url in links:
        parts = urlsplit(url)
        segments = [segment for segment in parts.path.split("/") if segment]
        if parts.netloc != site or len(segments) < 2 or segments[0] not in languages:
            continue
        if segments[1] in NOT_ARTICLES or url in seen:
            continue
        seen.add(url)
        found.append((text or url, url))
    return found


class DocumentWriter:
    """One python-docx document in one language, with the region's letterhead."""

    def __init__(self, question: Question, language: str):
        self.question = question
        self.language = language
        self.rtl = language in RTL_LANGUAGES
        self.document = docx.Document()
        self.auto: set = set()  # paragraphs of written text: direction from their content
        prepare_document(self.document, rtl=self.rtl, language=language)
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(2.2))
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)

    # -- building blocks
    def letterhead(self) -> None:
        region = self.question.region
        letterhead = Letterhead.objects.filter(region=region).select_related("logo").first()
        header = self.document.sections[0].header
        first = header.paragraphs[0]
        if letterhead and letterhead.logo_id:
            rendition = letterhead.logo.get_rendition("max-600x200|format-png")
            with rendition.file.open("rb") as handle:
                first.add_run().add_picture(io.BytesIO(handle.read()), height=Cm(1.5))
            first = header.add_paragraph()
        name = letterhead.name if letterhead else f"Wegwijs {region.name}"
        first.add_run(name).bold = True
        address = letterhead.address if letterhead else region.address
        contact = [
            letterhead.phone if letterhead else region.phone,
            letterhead.email if letterhead else region.email,
            letterhead.website if letterhead else "",
        ]
        paragraph = first
        for line in [*address.splitlines(), " · ".join(item for item in contact if item)]:
            if line.strip():
                paragraph = header.add_paragraph(line.strip())
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(9)
        paragraph.paragraph_format.space_after = Pt(18)  # room between letterhead and letter

    def heading(self, text: str, level: int = 1):
        return add_paragraph(self.document, self.document, f"Heading {level}", text)

    def paragraph(self, text: str = "", *, written: bool = False, style=None):
        paragraph = add_paragraph(self.document, self.document, style, text)
        if written:
            self.auto.add(paragraph._p)
        return paragraph

    def markdown(self, text: str, container=None):
        return write_markdown(
            self.document,
            text,
            container=container,
            base_url=settings.PUBLIC_BASE_URL + "/",
            auto=self.auto,
        )

    def facts(self, rows: list[tuple[str, str]]) -> None:
        table = self.document.add_table(rows=0, cols=2)
        table.style = self.document.styles["Table Grid"]
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text = label
            cells[1].text = value or "—"
            self.auto.add(cells[1].paragraphs[0]._p)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = self.document.styles["Table Grid"]
        for cell, label in zip(table.rows[0].cells, header, strict=True):
            cell.text = label
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
                self.auto.add(cell.paragraphs[0]._p)

    def all_paragraphs(self):
        document = self.document
        yield from document.paragraphs
        for section in document.sections:
            yield from section.header.paragraphs
            yield from section.footer.paragraphs
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from cell.paragraphs

    def save(self, title: str) -> bytes:
        properties = self.document.core_properties
        properties.title = title
        properties.author = "Wegwijs"
        properties.created = timezone.now()
        apply_directions(self.all_paragraphs(), default_rtl=self.rtl, auto=self.auto)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def when(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def latest_answer(question: Question) -> Message | None:
    return (
        question.messages.filter(kind=Message.Kind.PUBLIC, author_kind=Message.AuthorKind.STAFF)
        .select_related("author")
        .order_by("-created_at", "-pk")
        .first()
    )


def _referrals_section(writer, question: Question) -> None:
    """Where the requester was referred (tickets.referrals): address, hours, languages."""
    from tickets.referrals import for_requester

    items = for_requester(question)
    if not items:
        return
    writer.heading(_("Where we referred you"), level=2)
    for item in items:
        service = item["service"]
        rows = [(_("Service"), item["name"])]
        if service is not None:
            rows.append((_("Address"), f"{service.address}, {service.postcode} {service.town}"))
            if service.opening_hours:
                rows.append((_("Opening hours"), service.opening_hours))
            rows.append(
                (
                    _("Walk in without appointment"),
                    service.walk_in_times or _("No: by appointment only."),
                )
            )
            if item["languages"]:
                rows.append((_("Languages at the counter"), ", ".join(item["languages"])))
            if service.phone:
                rows.append((_("Phone"), service.phone))
        writer.facts(rows)


def _network_section(writer, question: Question) -> None:
    """Who already supports the family (tickets.referrals.network), with consent to contact them."""
    writer.heading(_("Support network"), level=2)
    contacts = list(question.support_contacts.select_related("service"))
    if not contacts:
        writer.paragraph(_("No contacts recorded."))
    for contact in contacts:
        parts = [contact.label]
        if contact.since:
            parts.append(contact.since)
        parts.append(
            _("may be contacted (consent %(time)s)") % {"time": when(contact.consent_at)}
            if contact.consent_to_contact and contact.consent_at
            else _("no consent to contact")
        )
        writer.paragraph(" · ".join(parts), style="List Bullet", written=True)


def answer_letter(question: Question, answer: Message, language: str | None = None) -> bytes:
    """The answer letter: letterhead, reference, date, the question in short, the answer, the
    articles it refers to, a fixed disclaimer."""
    language = document_language(language or question.contact_language)
    with translation.override(language):
        writer = DocumentWriter(question, language)
        writer.letterhead()
        writer.paragraph(day(timezone.localdate()))
        writer.paragraph(_("Our reference: %(reference)s") % {"reference": question.reference})
        writer.heading(_("Answer to your question"), level=1)
        writer.heading(_("Your question"), level=2)
        subject = writer.paragraph(written=True)
        subject.add_run(question.subject).bold = True
        writer.paragraph(Truncator(question.body).chars(400), written=True)
        writer.heading(_("Our answer"), level=2)
        links = writer.markdown(answer.body).links
        articles = article_links(links)
        if articles:
            writer.heading(_("Articles we referred to"), level=2)
            for text, url in articles:
                item = writer.paragraph(style="List Bullet", written=True)
                add_hyperlink(item, url, text)
                item.add_run(f" – {url}")
        _referrals_section(writer, question)
        writer.paragraph(_("Kind regards,"))
        signature = writer.paragraph()
        author = answer.author.get_full_name() if answer.author else ""
        if author:
            signature.add_run(author).add_break()
        signature.add_run(_("Legal staff, Wegwijs %(region)s") % {"region": question.region})
        disclaimer = writer.paragraph(
            _(
                "This letter explains the rules that apply to your situation as you described "
                "it to us. It is not a decision of an authority and does not replace a lawyer. "
                "Deadlines in letters you received still apply. If your situation changes, "
                "write to us on your follow-up page with reference %(reference)s."
            )
            % {"reference": question.reference}
        )
        for run in disclaimer.runs:
            run.italic = True
            run.font.size = Pt(9)
        return writer.save(
            _("Answer to question %(reference)s") % {"reference": question.reference}
        )


def _author_label(message: Message, *, for_requester: bool) -> str:
    if message.author_kind == Message.AuthorKind.STAFF:
        if for_requester or message.author is None:
            return _("Wegwijs")
        return f"{_('Wegwijs')} ({message.author.get_full_name() or message.author.get_username()})"
    if message.author_kind == Message.AuthorKind.PROFESSIONAL:
        return _("Professional")
    return _("Requester")


def case_file(
    question: Question,
    *,
    language: str = "nl",
    include_internal: bool = False,
    for_requester: bool = False,
    handover=None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Everything about a question: its data, timeline, thread, files, consents, handovers.
    `for_requester` makes the requester's own dossier (never internal notes, no staff names).
    """
    include_internal = include_internal and not for_requester
    language = document_language(language)
    question = Question.objects.select_related(
        "legal_domain", "region", "municipality", "organisation", "professional"
    ).get(pk=question.pk)
    with translation.override(language):
        writer = DocumentWriter(question, language)
        writer.letterhead()
        if for_requester:
            title = _("Your dossier %(reference)s") % {"reference": question.reference}
            writer.heading(title, level=1)
            writer.paragraph(
                _(
                    "This is everything Wegwijs keeps about your question: what you wrote, our "
                    "answers, your files, what you agreed to and to whom your question was "
                    "passed on. Made on %(date)s at your request (your right of access)."
                )
                % {"date": when(timezone.now())}
            )
        else:
            title = _("Case file %(reference)s") % {"reference": question.reference}
            writer.heading(title, level=1)
            made = _("Made on %(date)s.") % {"date": when(timezone.now())}
            notes = (
                _("Internal notes are included.")
                if include_internal
                else _("Internal notes are not included.")
            )
            writer.paragraph(f"{made} {notes}")
            if handover is not None:
                writer.paragraph(
                    _("Handed over to %(recipient)s.") % {"recipient": handover.recipient}
                )

        writer.heading(_("Question"), level=2)
        rows = [
            (_("Reference"), question.reference),
            (_("Subject"), question.subject),
            (_("Legal domain"), question.legal_domain.name),
            (_("Region"), str(question.region)),
            (_("Municipality"), str(question.municipality or "")),
            (_("Contact language"), question.contact_language),
            (_("Requester"), question.get_requester_kind_display()),
        ]
        if question.requester_kind == RequesterKind.PROFESSIONAL:
            rows += [
                (_("Organisation"), str(question.organisation or "")),
                (_("Client"), question.client_pseudonym),
            ]
        rows += [
            (_("E-mail address"), question.requester_email),
            (_("Phone number"), question.requester_phone),
            (_("Status"), Status(question.status).label),
            (_("Legal deadline"), day(question.legal_deadline)),
            (_("Asked on"), when(question.created_at)),
            (_("Answered on"), when(question.answered_at)),
            (_("Closed on"), when(question.closed_at)),
        ]
        writer.facts(rows)
        writer.heading(_("The question"), level=3)
        for block in question.body.split("\n\n"):
            writer.paragraph(block.strip(), written=True)

        writer.heading(_("Timeline"), level=2)
        events = [
            (change.at, _("Status: %(from)s → %(to)s")
             % {"from": Status(change.from_status).label if change.from_status else "—",
                "to": Status(change.to_status).label}
             + (f" ({change.reason})" if change.reason and not for_requester else ""))
            for change in question.status_changes.all()
        ]  # fmt: skip
        handovers = list(question.handovers.select_related("from_region", "to_region", "consent"))
        events += [
            (item.at, _("Handed over from %(from)s to %(to)s")
             % {"from": item.from_region, "to": item.recipient})
            for item in handovers
        ]  # fmt: skip
        events.sort(key=lambda event: event[0])
        writer.table([_("Time"), _("What happened")], [[when(at), text] for at, text in events])

        messages = question.messages.select_related("author").prefetch_related("attachments")
        if not include_internal:
            messages = messages.filter(kind=Message.Kind.PUBLIC)
        messages = list(messages)
        writer.heading(_("Messages"), level=2)
        if not messages:
            writer.paragraph(_("No messages yet."))
        for number, message in enumerate(messages, start=1):
            kind = _("Internal note") if message.kind == Message.Kind.INTERNAL else _("Message")
            writer.heading(
                f"{when(message.created_at)} · {kind} · "
                f"{_author_label(message, for_requester=for_requester)}",
                level=3,
            )
            writer.markdown(message.body)
            files = [file.original_name for file in message.attachments.all()]
            if files:
                writer.paragraph(_("Files: %(names)s") % {"names": ", ".join(files)}, written=True)
            if progress and number % 20 == 0:
                progress(10 + int(80 * number / len(messages)))

        writer.heading(_("Files"), level=2)
        files = question.attachments.select_related("message")
        if not include_internal:
            files = files.exclude(message__kind=Message.Kind.INTERNAL)
        writer.table(
            [_("File"), _("Type"), _("Size"), _("Received"), "SHA-256"],
            [
                [
                    file.original_name,
                    file.content_type,
                    f"{file.size:,} B".replace(",", " "),
                    when(file.created_at),
                    file.sha256,
                ]
                for file in files
            ],
        )

        writer.heading(_("Consent"), level=2)
        for consent in question.consents.select_related("recorded_by"):
            line = writer.paragraph(style="List Bullet")
            line.add_run(f"{consent.get_purpose_display()}: ").bold = True
            line.add_run(
                f"{when(consent.given_at)} · {consent.get_given_by_display()} · "
                f"{consent.text_version} ({consent.language})"
            )
            if consent.recorded_by_id and not for_requester:
                line.add_run(
                    " · "
                    + _("recorded by %(name)s: %(note)s")
                    % {"name": consent.recorded_by.get_username(), "note": consent.note}
                )
            elif consent.note:
                line.add_run(f" · {consent.note}")
            writer.paragraph(consent.text, written=True).runs[0].italic = True

        writer.heading(_("Handovers"), level=2)
        if not handovers:
            writer.paragraph(_("This question was not handed over."))
        for item in handovers:
            text = _("%(time)s: from %(from)s to %(to)s") % {
                "time": when(item.at),
                "from": item.from_region,
                "to": item.recipient,
            }
            if item.recipient_contact:
                text += f" ({item.recipient_contact})"
            writer.paragraph(text, style="List Bullet", written=True)
        _network_section(writer, question)
        _referrals_section(writer, question)
        if progress:
            progress(95)
        return writer.save(title)
