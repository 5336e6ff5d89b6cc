"""The record of processing activities (GDPR article 30) as DOCX, made from the current settings:
the retention policy, the regions, the organisations that consult, the outside services questions
were handed over to, and the security measures the code enforces."""

import io

import docx
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from backoffice.models import Organisation, Region
from tickets.documents.docx_html import prepare_document
from tickets.models import Handover
from tickets.privacy import retention


def _table(document, rows):
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    return table


def _bullets(document, items):
    for item in items:
        document.add_paragraph(str(item), style="List Bullet")


def record_of_processing(language: str = "nl") -> bytes:
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        policy = retention.policy()
        document = docx.Document()
        prepare_document(document, rtl=language == "ar", language=language)
        document.add_heading(_("Record of processing activities"), level=0)
        document.add_paragraph(
            _("Wegwijs – legal back-office for newcomers. Made on %(date)s from the settings.")
            % {"date": formats.date_format(timezone.localdate(), "DATE_FORMAT")}
        )

        document.add_heading(_("Purposes"), level=1)
        _bullets(document, [
            _("Answering legal questions of newcomers and of professionals about their clients."),
            _("Handing a question over, with consent, to another region or an outside service."),
            _("Statistics on volumes, response times and recurring problems, without names."),
            _("Keeping the knowledge base current with answers, with personal data removed."),
        ])  # fmt: skip

        document.add_heading(_("Data subjects"), level=1)
        _bullets(document, [
            _("Newcomers who ask a question."),
            _("Clients of professionals (pseudonymised: no name is asked)."),
            _("Professionals of partner organisations, and the staff of the regional offices."),
        ])  # fmt: skip

        document.add_heading(_("Categories of personal data"), level=1)
        _bullets(document, [
            _("Contact details: e-mail address and phone number (optional)."),
            _("The question, the messages and the uploaded letters and documents; these can "
              "reveal residence status, family situation, health or nationality (special "
              "categories, processed with explicit consent)."),
            _("A pseudonym of a professional's client."),
            _("Technical data: a keyed hash of the client address in the audit log."),
        ])  # fmt: skip

        document.add_heading(_("Recipients"), level=1)
        regions = ", ".join(Region.objects.filter(is_active=True).values_list("name", flat=True))
        _table(document, [
            (_("Regional offices (legal staff)"), regions or "—"),
            (_("Partner organisations (their own consults only)"),
             Organisation.objects.filter(is_active=True).count()),
            (_("Outside services that received a handover (with consent, one each)"),
             ", ".join(sorted(set(Handover.objects.filter(kind="external")
                                  .exclude(recipient_name="")
                                  .values_list("recipient_name", flat=True))))
             or "—"),
        ])  # fmt: skip

        document.add_heading(_("Retention periods"), level=1)
        _table(document, [
            (_("Closed questions"),
             _("anonymised %(months)d months after closing") % {"months": policy.closed_months}),
            (_("Questions never answered and without contact"),
             _("closed and anonymised %(months)d months after the last message")
             % {"months": policy.unanswered_months}),
            (_("Generated documents (letters, case files, dossiers)"),
             _("deleted after %(days)d days") % {"days": policy.document_days}),
            (_("Files kept while a question form is being corrected"), _("deleted after 1 day")),
            (_("Questions on legal hold"), _("kept until the hold is released")),
            (_("Erasure on request"),
             _("anonymised when a specialist confirms; refused only with a reason")),
        ])  # fmt: skip

        document.add_heading(_("Security measures"), level=1)
        _bullets(document, [
            _("Access per role and region; every view and export of a question is audited."),
            _("Secret follow-up codes and sign-in links are stored only as hashes."),
            _("Uploaded files are checked by content and kept outside the public web folder."),
            _("E-mails contain no question or answer, only a link."),
            _("Anonymisation removes personal data from every table, file, search index and "
              "cache, and keeps only what statistics need."),
        ])  # fmt: skip
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()
