"""Template filters for figures, backed by the project's one formatter (core.formatting):
{{ value|vnnum }} → 1.234,5 · {{ change|vnpct }} → +12,5% · {{ covered|share:expected }}."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from giaoban.core.formatting import format_number, format_percent, to_decimal

register = template.Library()


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
    part, whole = to_decimal(part), to_decimal(whole)
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
    number = to_decimal(value)
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
