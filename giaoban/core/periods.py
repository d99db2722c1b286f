"""Reporting periods (kỳ báo cáo): keys, windows, previous and same-period-last-year.

A form reports monthly, quarterly, for 6 months, 9 months or a year. Its window is a
property of the form: a cut-off day of 1 gives calendar periods; a cut-off day of 15
gives the state reporting windows of Decree 09/2019/NĐ-CP, where a period runs from
the 15th of the month before it starts to the 14th of its last month (the 6-month
period of 2026 runs 15/12/2025–14/06/2026, the year 15/12/2025–14/12/2026).

Keys are stable strings: 2026-M06, 2026-Q2, 2026-H1, 2026-H2, 2026-9M, 2026-Y.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTHLY = "monthly"
QUARTERLY = "quarterly"
HALF_YEAR = "half_year"
NINE_MONTHS = "nine_months"
ANNUAL = "annual"

PERIOD_TYPES = [MONTHLY, QUARTERLY, HALF_YEAR, NINE_MONTHS, ANNUAL]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
KEY_RE = re.compile(r"^(?P<year>\d{4})-(?P<part>M(0[1-9]|1[0-2])|Q[1-4]|H[12]|9M|Y)$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period of one period type and window (cut-off day)."""

    start: datetime.date
    end: datetime.date
    key: str
    period_type: str
    cutoff_day: int

    @property
    def year(self):
        return int(self.key[:4])

    @property
    def label(self):
        part = self.key[5:]
        if part.startswith("M"):
            return _("Tháng %(m)s/%(y)s") % {"m": part[1:], "y": self.year}
        if part.startswith("Q"):
            return _("Quý %(q)s/%(y)s") % {"q": ROMAN[int(part[1])], "y": self.year}
        if part == "H1":
            return _("6 tháng đầu năm %(y)s") % {"y": self.year}
        if part == "H2":
            return _("6 tháng cuối năm %(y)s") % {"y": self.year}
        if part == "9M":
            return _("9 tháng năm %(y)s") % {"y": self.year}
        return _("Năm %(y)s") % {"y": self.year}

    @property
    def window_label(self):
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    def __str__(self):
        return f"{self.label} ({self.window_label})"

    def contains(self, day):
        return self.start <= day <= self.end


def _months(period_type, part):
    """First and last calendar month (1–12) the period covers, within its year."""
    if period_type == MONTHLY:
        m = int(part[1:])
        return m, m
    if period_type == QUARTERLY:
        q = int(part[1])
        return 3 * q - 2, 3 * q
    if period_type == HALF_YEAR:
        return (1, 6) if part == "H1" else (7, 12)
    if period_type == NINE_MONTHS:
        return 1, 9
    return 1, 12


def _last_day(year, month):
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def _type_of(part):
    if part.startswith("M"):
        return MONTHLY
    if part.startswith("Q"):
        return QUARTERLY
    if part.startswith("H"):
        return HALF_YEAR
    if part == "9M":
        return NINE_MONTHS
    return ANNUAL


def period(key, cutoff_day=1, period_type=None):
    """The period of `key` under a window with this cut-off day (1 = calendar)."""
    match = KEY_RE.match(key or "")
    if not match:
        raise PeriodError(_("Kỳ báo cáo “%(key)s” không hợp lệ.") % {"key": key})
    if not 1 <= int(cutoff_day) <= 28:
        raise PeriodError(_("Ngày chốt số liệu phải từ 1 đến 28."))
    year, part = int(match["year"]), key[5:]
    kind = _type_of(part)
    if period_type and kind != period_type:
        raise PeriodError(_("Kỳ báo cáo “%(key)s” không đúng loại kỳ của mẫu.") % {"key": key})
    first, last = _months(kind, part)
    try:
        if cutoff_day == 1:
            start = datetime.date(year, first, 1)
            end = _last_day(year, last)
        else:
            # The window opens on the cut-off day of the month before the first month…
            start_year, start_month = (year - 1, 12) if first == 1 else (year, first - 1)
            start = datetime.date(start_year, start_month, cutoff_day)
            # …and closes the day before the cut-off day of the last month.
            end = datetime.date(year, last, cutoff_day - 1)
    except ValueError:  # year 0 or 10000: outside the calendar Python can count
        raise PeriodError(_("Kỳ báo cáo “%(key)s” không hợp lệ.") % {"key": key}) from None
    return Period(start, end, key, kind, int(cutoff_day))


# Keys typed by users (pages, API, Excel) are held to these years, so that every period
# they lead to — the previous one, the same one last year — can be counted too.
FIRST_YEAR, LAST_YEAR = 1901, 2998


def parse(key, cutoff_day=1, period_type=None):
    """`period()` for a key from outside: also refuses years before 1901 or after 2998."""
    p = period(key, cutoff_day, period_type)
    if not FIRST_YEAR <= p.year <= LAST_YEAR:
        raise PeriodError(
            _("Năm của kỳ báo cáo phải từ %(first)s đến %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return p


def _key(period_type, year, index):
    if period_type == MONTHLY:
        return f"{year}-M{index:02d}"
    if period_type == QUARTERLY:
        return f"{year}-Q{index}"
    if period_type == HALF_YEAR:
        return f"{year}-H{index}"
    if period_type == NINE_MONTHS:
        return f"{year}-9M"
    return f"{year}-Y"


_PER_YEAR = {MONTHLY: 12, QUARTERLY: 4, HALF_YEAR: 2, NINE_MONTHS: 1, ANNUAL: 1}


def _index(p):
    part = p.key[5:]
    if p.period_type in (MONTHLY, QUARTERLY, HALF_YEAR):
        return int(part[1:])
    return 1


def shift(p, steps):
    """The period `steps` periods after (or before, if negative) `p`, same type and window."""
    per_year = _PER_YEAR[p.period_type]
    ordinal = p.year * per_year + _index(p) - 1 + steps
    year, index = divmod(ordinal, per_year)
    return period(_key(p.period_type, year, index + 1), p.cutoff_day)


def previous(p):
    return shift(p, -1)


def same_period_last_year(p):
    return period(f"{p.year - 1}{p.key[4:]}", p.cutoff_day)


def containing(day, period_type, cutoff_day=1):
    """The period of this type and window that contains `day`."""
    for year in (day.year, day.year + 1):
        for index in range(1, _PER_YEAR[period_type] + 1):
            p = period(_key(period_type, year, index), cutoff_day)
            if p.contains(day):
                return p
    # Cumulative types (9 months) leave a gap each year: take the next one.
    return period(_key(period_type, day.year + 1, 1), cutoff_day)


def latest_ended(day, period_type, cutoff_day=1):
    """The most recent period that has ended on or before `day`."""
    p = containing(day, period_type, cutoff_day)
    while p.end >= day:
        p = previous(p)
    return p


def recent(day, period_type, cutoff_day=1, count=6):
    """The current period and the `count - 1` before it, newest first."""
    p = containing(day, period_type, cutoff_day)
    out = [p]
    while len(out) < count:
        p = previous(p)
        out.append(p)
    return out
