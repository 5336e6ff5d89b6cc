"""Import and export of the directory as CSV or XLSX.

One row per service, keyed by the stable `key` column: importing the same file twice changes
nothing the second time. A dry run checks every row and reports the errors per row without
writing. A real run writes only when no row has an error (all or nothing), so a half-imported
file never leaves the directory in a state nobody chose. Each changed entry gets a revision and
is published; rows for regions the importing person does not maintain are refused.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.models import LegalDomain, Municipality, Region
from directory import services as directory
from directory.languages import is_language_code
from directory.models import Service, ServiceKind

COLUMNS = [
    "key",
    "name",
    "kind",
    "region",
    "municipalities",
    "legal_domains",
    "description",
    "languages",
    "interpreter_available",
    "address",
    "postcode",
    "town",
    "opening_hours",
    "walk_in_times",
    "phone",
    "email",
    "website",
    "accessibility",
    "last_checked",
    "review_date",
]
REQUIRED_COLUMNS = {"key", "name", "kind", "region", "municipalities", "address", "postcode"}
REQUIRED_COLUMNS |= {"town", "review_date"}
LIST_SEPARATOR = ";"
TRUE_WORDS = {"1", "yes", "true", "ja", "oui", "y", "x"}
FALSE_WORDS = {"", "0", "no", "false", "nee", "non", "n"}
# The columns written straight onto the service (the others are its key and its relations).
RELATION_COLUMNS = {"key", "region", "municipalities", "legal_domains"}
PLAIN_FIELDS = [column for column in COLUMNS if column not in RELATION_COLUMNS]


class ImportError_(Exception):
    """The file as a whole cannot be read (wrong format, missing columns)."""


class _RowForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["key", *PLAIN_FIELDS]


@dataclass
class RowResult:
    line: int
    key: str
    action: str = ""  # "create", "update", "unchanged"
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    dry_run: bool = True
    written: bool = False

    @property
    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)


# --- Reading ------------------------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV (comma or semicolon, UTF-8) or XLSX file as dicts of text."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if name and not name.endswith((".csv", ".txt")):
        raise ImportError_(_("Upload a CSV or XLSX file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportError_(_("The CSV file is not UTF-8 text.")) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    _check_columns(reader.fieldnames or [])
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def _read_xlsx(content: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportError_(_("The XLSX file could not be read.")) from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, [])]
    _check_columns(header)
    table = []
    for values in rows:
        if values is None or all(value in (None, "") for value in values):
            continue
        table.append({header[i]: _cell_text(v) for i, v in enumerate(values) if i < len(header)})
    workbook.close()
    return table


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_columns(header: list[str]) -> None:
    missing = sorted(REQUIRED_COLUMNS - {name.strip() for name in header})
    if missing:
        raise ImportError_(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})


# --- Checking and writing -----------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("\n", LIST_SEPARATOR).split(LIST_SEPARATOR)]


def _resolve_municipalities(value: str, errors: list[str]) -> list[Municipality]:
    found = []
    for part in filter(None, _split(value)):
        municipality = directory.find_municipality(part)
        if municipality is None:
            errors.append(_("Unknown municipality or postcode: “%(value)s”.") % {"value": part})
        else:
            found.append(municipality)
    if not found and not errors:
        errors.append(_("Name at least one municipality served."))
    return found


def _resolve_domains(value: str, errors: list[str]) -> list[LegalDomain]:
    slugs = [part for part in _split(value) if part]
    domains = list(LegalDomain.objects.filter(slug__in=slugs))
    for slug in sorted(set(slugs) - {domain.slug for domain in domains}):
        errors.append(_("Unknown legal domain: “%(value)s”.") % {"value": slug})
    return domains


def _check_row(line: int, row: dict[str, str], user, seen: set[str]):
    result = RowResult(line=line, key=row.get("key", ""))
    errors = result.errors
    data = {name: row.get(name, "") for name in ["key", *PLAIN_FIELDS]}
    interpreter = data["interpreter_available"].lower()
    if interpreter not in TRUE_WORDS | FALSE_WORDS:
        errors.append(_("Interpreter available: write yes or no."))
    data["interpreter_available"] = interpreter in TRUE_WORDS
    kind = data["kind"].strip().lower()
    labels = {str(label).lower(): value for value, label in ServiceKind.choices}
    data["kind"] = labels.get(kind, kind)
    languages = data["languages"].replace(",", " ").split()
    unknown = [code for code in languages if not is_language_code(code)]
    if unknown:
        errors.append(_("Unknown language codes: %(codes)s.") % {"codes": ", ".join(unknown)})
    data["languages"] = " ".join(languages)

    key = data["key"]
    if key in seen:
        errors.append(_("The key “%(key)s” appears twice in the file.") % {"key": key})
    seen.add(key)
    existing = Service.objects.filter(key=key).first() if key else None
    form = _RowForm(data=data, instance=existing)
    if not form.is_valid():
        for name, messages in form.errors.items():
            label = Service._meta.get_field(name).verbose_name if name != "__all__" else ""
            for message in messages:
                errors.append(f"{label}: {message}" if label else message)

    region = Region.objects.filter(slug=row.get("region", "").strip()).first()
    if region is None:
        errors.append(_("Unknown region: “%(value)s”.") % {"value": row.get("region", "")})
    elif user is not None and not directory.can_manage(user, region=region):
        errors.append(
            _("You do not maintain the entries of region %(region)s.") % {"region": region}
        )
    if existing is not None and user is not None and not directory.can_manage(user, existing):
        errors.append(_("This entry belongs to a region you do not maintain."))
    municipalities = _resolve_municipalities(row.get("municipalities", ""), errors)
    domains = _resolve_domains(row.get("legal_domains", ""), errors)
    return result, form, region, municipalities, domains, existing


def _changed(existing: Service, form, region, municipalities, domains) -> bool:
    if existing is None:
        return True
    if existing.has_unpublished_changes or not existing.live:
        return True
    current = Service.objects.get(pk=existing.pk)
    for name in PLAIN_FIELDS:
        if getattr(current, name) != form.cleaned_data[name]:
            return True
    return (
        current.region_id != region.pk
        or set(current.municipalities.values_list("pk", flat=True))
        != {m.pk for m in municipalities}
        or set(current.legal_domains.values_list("pk", flat=True)) != {d.pk for d in domains}
    )


def import_services(rows: list[dict[str, str]], *, user=None, dry_run: bool = True) -> ImportResult:
    """Check (and unless `dry_run`, write) the rows. `user` None: a command run by the operator."""
    result = ImportResult(dry_run=dry_run)
    seen: set[str] = set()
    checked = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        row_result, form, region, municipalities, domains, existing = _check_row(
            line, row, user, seen
        )
        if not row_result.errors:
            if existing is None:
                row_result.action = "create"
            elif _changed(existing, form, region, municipalities, domains):
                row_result.action = "update"
            else:
                row_result.action = "unchanged"
        result.rows.append(row_result)
        checked.append((row_result, form, region, municipalities, domains))
    if dry_run or result.errors:
        return result
    with transaction.atomic():
        for row_result, form, region, municipalities, domains in checked:
            if row_result.action == "unchanged":
                continue
            service = form.save(commit=False)
            service.region = region
            service.municipalities.set(municipalities)
            service.legal_domains.set(domains)
            if service.pk is None:
                service.live = False
                service.save()
            directory.publish(service, user=user)
    result.written = True
    return result


# --- Export -------------------------------------------------------------------------------------


def export_rows(queryset=None) -> list[list[str]]:
    queryset = (queryset if queryset is not None else Service.objects.all()).order_by("key")
    queryset = queryset.select_related("region").prefetch_related("municipalities", "legal_domains")
    rows = [COLUMNS]
    for service in queryset:
        values = {
            "region": service.region.slug,
            "municipalities": LIST_SEPARATOR.join(
                sorted(m.name for m in service.municipalities.all())
            ),
            "legal_domains": LIST_SEPARATOR.join(
                sorted(d.slug for d in service.legal_domains.all())
            ),
            "interpreter_available": "yes" if service.interpreter_available else "no",
        }
        row = []
        for column in COLUMNS:
            value = values.get(column, getattr(service, column, ""))
            row.append(value.isoformat() if isinstance(value, date) else str(value or ""))
        rows.append(row)
    return rows


def export_csv(queryset=None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(export_rows(queryset))
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(queryset=None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "services"
    for row in export_rows(queryset):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
