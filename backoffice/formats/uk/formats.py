# "E": the month in the genitive, as Ukrainian writes a date (29 листопада 2026).
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
