"""The project's date formats per language (Django's FORMAT_MODULE_PATH).

Every public page shows a date with the `public_date` / `public_datetime` filters of
backoffice.templatetags.wegwijs, which read DATE_FORMAT and DATETIME_FORMAT from here: day first
with the month written out, in the page's language (29 november 2026, 29 نوفمبر 2026,
29 листопада 2026). Django's own Arabic formats lack a SHORT_DATETIME_FORMAT and so fell back to
the month-first American default (11/29/2026); the Arabic module gives a day-first one.
"""
