"""Numbers and dates as Vietnamese offices write them: 1.234.567,5 · −3 · +12,5% · 01/07/2025.

The one formatter of the project: pages, charts, Excel notes, Word documents and the
fill-in sheet all show figures through `format_number`, so a figure reads the same
wherever it appears. Grouping is Django's `numberformat` with the separators fixed (not
the request's locale): a dot between thousands, a comma before decimals, a real minus
sign (U+2212). `parse_number` in `reports.validation` reads all of it back.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import numberformat, timezone

MINUS = "\u2212"  # a real minus sign, not a hyphen
EMPTY = "—"
THOUSANDS, DECIMAL = ".", ","
DATE = "%d/%m/%Y"
DATETIME = "%d/%m/%Y %H:%M"


def to_decimal(value):
    """A Decimal from a number or numeric text, or None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value, decimals=None, max_decimals=4, empty=EMPTY):
    """1234567.5 → "1.234.567,5"; −5 → "−5"; None → `empty` ("—").

    `decimals` fixes the number of decimals; otherwise up to `max_decimals`, trailing
    zeros dropped (a whole number shows no comma at all).
    """
    number = to_decimal(value)
    if number is None or not number.is_finite():
        return empty
    places = max_decimals if decimals is None else int(decimals)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if decimals is None:
        number = number.normalize() if number else Decimal(0)
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
    text = numberformat.format(
        abs(number),
        DECIMAL,
        decimal_pos=int(decimals) if decimals is not None else None,
        grouping=3,
        thousand_sep=THOUSANDS,
        force_grouping=True,
    )
    if number < 0 and text.strip("0.,"):
        text = MINUS + text
    return text


def format_percent(value, decimals=1, signed=True, empty=EMPTY):
    """12.34 → "+12,3%"; −5 → "−5,0%"; None → `empty`."""
    number = to_decimal(value)
    if number is None or not number.is_finite():
        return empty
    text = format_number(number, decimals=decimals)
    if signed and number > 0 and text.strip("0,"):
        text = "+" + text
    return f"{text}%"


def format_date(day, empty=EMPTY):
    """A date (or a datetime, in local time) as dd/mm/yyyy."""
    if day is None:
        return empty
    if hasattr(day, "tzinfo") and hasattr(day, "hour"):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
    return day.strftime(DATE)


def format_datetime(moment, empty=EMPTY):
    """A datetime in local time as dd/mm/yyyy hh:mm."""
    if moment is None:
        return empty
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime(DATETIME)
