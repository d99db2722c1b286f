import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from giaoban.core import periods
from giaoban.core.periods import PeriodError, period

D = datetime.date


def test_the_six_month_period_under_decree_09_starts_in_the_previous_year():
    p = period("2026-H1", cutoff_day=15)
    assert (p.start, p.end) == (D(2025, 12, 15), D(2026, 6, 14))
    assert p.label == "6 tháng đầu năm 2026"


def test_the_annual_period_runs_15_12_to_14_12():
    p = period("2026-Y", cutoff_day=15)
    assert (p.start, p.end) == (D(2025, 12, 15), D(2026, 12, 14))


def test_calendar_windows():
    assert (period("2024-M02").start, period("2024-M02").end) == (D(2024, 2, 1), D(2024, 2, 29))
    assert (period("2026-Q4").start, period("2026-Q4").end) == (D(2026, 10, 1), D(2026, 12, 31))
    assert period("2026-9M").end == D(2026, 9, 30)


def test_cutoff_months_and_quarters():
    assert (period("2026-M01", 15).start, period("2026-M01", 15).end) == (
        D(2025, 12, 15),
        D(2026, 1, 14),
    )
    assert (period("2026-Q1", 15).start, period("2026-Q1", 15).end) == (
        D(2025, 12, 15),
        D(2026, 3, 14),
    )
    assert period("2026-H2", 15).start == D(2026, 6, 15)


def test_previous_and_last_year():
    p = period("2026-H1", 15)
    assert periods.previous(p).key == "2025-H2"
    assert periods.same_period_last_year(p).key == "2025-H1"
    assert periods.same_period_last_year(p).start == D(2024, 12, 15)
    assert periods.previous(period("2026-M01")).key == "2025-M12"
    assert periods.previous(period("2026-Q1")).key == "2025-Q4"


def test_containing_a_day_between_15_12_and_31_12_belongs_to_next_year():
    p = periods.containing(D(2025, 12, 20), periods.HALF_YEAR, 15)
    assert p.key == "2026-H1"
    assert periods.containing(D(2025, 12, 14), periods.HALF_YEAR, 15).key == "2025-H2"


@pytest.mark.parametrize("key", ["2026", "2026-M13", "2026-Q5", "26-H1", "2026-H3", ""])
def test_bad_keys_are_refused_in_vietnamese(key):
    with pytest.raises(PeriodError, match="không hợp lệ"):
        period(key)


def test_a_key_of_another_type_is_refused():
    with pytest.raises(PeriodError):
        period("2026-Q1", 15, period_type=periods.HALF_YEAR)


@given(
    kind=st.sampled_from(periods.PERIOD_TYPES),
    cutoff=st.sampled_from([1, 15, 20]),
    day=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)),
)
def test_consecutive_periods_tile_the_calendar(kind, cutoff, day):
    p = periods.containing(day, kind, cutoff)
    assert p.start <= p.end
    if kind in (periods.MONTHLY, periods.QUARTERLY, periods.HALF_YEAR, periods.ANNUAL):
        assert p.contains(day)
        nxt = periods.shift(p, 1)
        assert nxt.start == p.end + datetime.timedelta(days=1)
        assert periods.previous(nxt) == p


@pytest.mark.parametrize("key", ["0001-H1", "0000-Y", "9999-H2", "1900-H1", "2999-Q1"])
def test_keys_typed_by_users_keep_to_years_whose_neighbours_can_be_counted(key):
    with pytest.raises(periods.PeriodError):
        periods.parse(key, cutoff_day=15)


def test_a_year_outside_the_calendar_is_a_period_error_not_a_crash():
    with pytest.raises(periods.PeriodError):
        periods.period("0000-H2", cutoff_day=15)
    assert periods.previous(periods.parse("1901-H1", cutoff_day=15)).key == "1900-H2"
