"""Service levels: the holiday calendar and working days.

Working days are Monday to Friday minus Belgium's national public holidays (the `holidays`
library's calendar for "BE": New Year, Easter Monday, 1 May, Ascension, Whit Monday, 21 July,
15 August, 1 and 11 November, Christmas). Community holidays such as 11 July (Flemish
community) or 27 September (French community) are not national and do not move a due date:
the back-offices of Brussels and Flanders share one calendar.
"""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _calendar(year: int):
    return holidays.country_holidays("BE", years=[year])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _calendar(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (0: `start` itself when it is a working day,
    else the next working day)."""
    current = start
    while not is_working_day(current):
        current += timedelta(days=1)
    added = 0
    while added < days:
        current += timedelta(days=1)
        if is_working_day(current):
            added += 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days from `start` to `end`, counted as `add_working_days` counts them:
    `working_days_between(start, add_working_days(start, n)) == n`. A question that came in on a
    Saturday and was answered on Monday took 0 working days; an end before the start gives 0."""
    current = add_working_days(start, 0)
    count = 0
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
