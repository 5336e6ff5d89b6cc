"""The figures as files (CSV, XLSX): one section per table, headings in the reader's language.
Callers pass a report that went through figures.suppressed: files leave the team."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from tickets.reports.figures import Report


def _lines(report: Report):
    for table in report.tables:
        yield [table.title]
        yield table.columns
        yield from table.values()
        yield []


def to_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in _lines(report):
        writer.writerow(line)
    # A byte order mark so that spreadsheet programs read the accents right.
    return ("\ufeff" + buffer.getvalue()).encode()


def to_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in report.tables:
        title = "".join(" " if char in "[]:*?/\\" else char for char in table.title)
        sheet = workbook.create_sheet(title[:31])
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(
                [
                    cell.value
                    if cell.kind == "count" and isinstance(cell.value, int)
                    else str(cell)
                    for cell in row
                ]
            )
        sheet.column_dimensions["A"].width = 45
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
