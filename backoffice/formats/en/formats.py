DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
# Belgium writes the day first, also in English (Django's default English is American).
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
