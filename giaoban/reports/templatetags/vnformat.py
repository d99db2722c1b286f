"""Vietnamese number formatting for report pages: 1.234,5 and signed percentages.

Figures are Decimals (sums of reports, lineage-weighted sums); Django's own
`floatformat` goes through float and localisation settings, so the grouping is
done here explicitly, the same way on every page and in every chart.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

MINUS = "\u2212"  # a real minus sign, not a hyphen
EMPTY = "—"


def _decimal(value):
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value, decimals=None, max_decimals=4):
    """1234567.5 → "1.234.567,5"; None → "—".

    `decimals` fixes the number of decimals; otherwise up to `max_decimals`, trailing
    zeros dropped (an integer shows no comma at all).
    """
    number = _decimal(value)
    if number is None or not number.is_finite():
        return EMPTY
    places = max_decimals if decimals is None else int(decimals)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    negative = number < 0
    text = format(abs(number), "f")
    whole, _, frac = text.partition(".")
    if decimals is None:
        frac = frac.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups) + ("," + frac if frac else "")
    if negative and out.strip("0.,"):
        out = MINUS + out
    return out


def format_percent(value, decimals=1, signed=True):
    """12.34 → "+12,3%"; −5 → "−5,0%"; None → "—"."""
    number = _decimal(value)
    if number is None or not number.is_finite():
        return EMPTY
    text = format_number(number, decimals=decimals)
    if signed and number > 0 and text.strip("0,"):
        text = "+" + text
    return f"{text}%"


@register.filter
def vnnum(value, decimals=None):
    """{{ value|vnnum }} → 1.234,5; {{ value|vnnum:0 }} rounds to a whole number."""
    return format_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def vnpct(value, decimals=1):
    """A change in percent with its sign: {{ comparison.vs_previous|vnpct }} → +12,5%."""
    return format_percent(value, int(decimals))


@register.filter
def ratio(part, whole):
    """Share of `part` in `whole` as a percentage (Decimal, 1 decimal), or None if whole is 0."""
    part, whole = _decimal(part), _decimal(whole)
    if part is None or not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@register.filter
def share(part, whole):
    """{{ covered|share:expected }} → "37,5%" (unsigned), "—" when nothing is expected."""
    return format_percent(ratio(part, whole), 1, signed=False)


@register.filter
def trend(value):
    """CSS class for a change: "up", "down" or "flat" (direction only, not good or bad)."""
    number = _decimal(value)
    if number is None:
        return "none"
    if number > 0:
        return "up"
    if number < 0:
        return "down"
    return "flat"


@register.filter
def get_item(mapping, key):
    """{{ dict|get_item:key }} for templates (None when absent)."""
    if mapping is None:
        return None
    return mapping.get(key)
