# Day first, the month by its Arabic name; Django's Arabic formats have no short date-time
# format and fell back to the American month-first one (11/29/2026).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
