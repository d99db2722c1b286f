"""Template filters for figures, backed by the project's one formatter (core.formatting):
{{ value|vnnum }} → 1.234,5 · {{ change|vnpct }} → +12,5% · {{ covered|share:expected }}."""

import functools
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from giaoban.core.formatting import format_number, format_percent, to_decimal

register = template.Library()


# A page of figures formats hundreds of numbers, most of them seen before (the same totals
# on every read): the text of a value is a pure function of the value (and of its type:
# True is not 1), so it is memoised; values that cannot be hashed are formatted each time.
_memo_number = functools.lru_cache(maxsize=8192, typed=True)(format_number)
_memo_percent = functools.lru_cache(maxsize=4096, typed=True)(format_percent)


def _memoised(memo, plain, value, decimals):
    try:
        return memo(value, decimals)
    except TypeError:  # unhashable
        return plain(value, decimals)


@register.filter
def vnnum(value, decimals=None):
    """{{ value|vnnum }} → 1.234,5; {{ value|vnnum:0 }} rounds to a whole number."""
    decimals = None if decimals in (None, "") else int(decimals)
    return _memoised(_memo_number, format_number, value, decimals)


@register.filter
def vnpct(value, decimals=1):
    """A change in percent with its sign: {{ comparison.vs_previous|vnpct }} → +12,5%."""
    return _memoised(_memo_percent, format_percent, value, int(decimals))


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


def _above(value, zero=0):
    """`value > zero` as a template's {% if %} reads it: False when they cannot be compared."""
    try:
        return value > zero
    except TypeError:
        return False


def _below(value, zero=0):
    try:
        return value < zero
    except TypeError:
        return False


@register.filter
def vnchange(pct):
    """{{ pct|vnchange }}: a change with its arrow, <span class="chg up">▲ +12,5%</span> —
    the same HTML as reports/analysis/_change.html, made without an include (a table of
    figures shows dozens)."""
    if pct is None:
        arrow = ""
    else:
        arrow = "▲ " if _above(pct) else "▼ " if _below(pct) else "= "
    # The include's output ends with the template file's newline: kept, for the same bytes.
    return format_html('<span class="chg {}">{}{}</span>\n', trend(pct), arrow, vnpct(pct))


@register.filter
def num_cells(values):
    """{{ row.cells|num_cells }}: one <td class="num"> per figure, as
    `{% for v in values %}<td class="num">{{ v|vnnum }}</td>{% endfor %}` writes them, made
    in one pass (a table of figures has hundreds of cells)."""
    return mark_safe(  # noqa: S308 — every figure's text is escaped here
        "".join(f'<td class="num">{conditional_escape(vnnum(v))}</td>' for v in values)
    )


@register.filter
def get_item(mapping, key):
    """{{ dict|get_item:key }} for templates (None when absent)."""
    if mapping is None:
        return None
    return mapping.get(key)
