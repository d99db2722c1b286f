"""Checking report figures against a form version's rules (errors block, warnings show)."""

import operator
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

OPS = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
MAX_ABS = Decimal("1e15")
# The same limits on every path: the fill-in page, the API and Excel uploads.
MAX_NUMBER_CHARS = 40
MAX_TEXT_CHARS = 20000
MAX_INT = 10**15
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


@dataclass(frozen=True)
class Problem:
    field: str  # indicator or narrative code ("" for the whole report)
    message: str
    severity: str = "error"

    @property
    def is_error(self):
        return self.severity == "error"


class NumberError(ValueError):
    pass


def _from_text(raw, indicator):
    """A number typed as text: "1.234" (thousands), "12,5", "1.234,5", "−3" → Decimal."""
    # Figures come back as pages show them: 1.234,5 with a real minus sign (U+2212).
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if text == "":
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    elif indicator.value_type == "int" and _THOUSANDS.match(text):
        text = text.replace(".", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise NumberError(
            _("%(name)s: “%(raw)s” không phải là số.") % {"name": indicator.name, "raw": raw}
        ) from None


def _read(raw, indicator):
    if type(raw) is int:  # the common case from JSON and Excel: no text to read
        if -MAX_INT < raw < MAX_INT:
            return Decimal(raw)
        raise NumberError(_("%(name)s: số quá lớn.") % {"name": indicator.name})
    if isinstance(raw, bool):
        raise NumberError(_("%(name)s: phải là một số.") % {"name": indicator.name})
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    return _from_text(raw, indicator)


def parse_number(raw, indicator):
    """A cell or field as typed by a Vietnamese officer → Decimal, or NumberError (Vietnamese)."""
    if raw is None:
        return None
    if type(raw) is int and -MAX_INT < raw < MAX_INT and indicator.value_type == "int":
        return Decimal(raw)  # the fast path of bulk imports
    value = _read(raw, indicator)
    if value is None:
        return None
    if not value.is_finite() or abs(value) >= MAX_ABS:
        raise NumberError(_("%(name)s: số quá lớn.") % {"name": indicator.name})
    if indicator.value_type == "int" and value != value.to_integral_value():
        raise NumberError(_("%(name)s: phải là số nguyên.") % {"name": indicator.name})
    if indicator.value_type == "int":
        return value.quantize(Decimal(1))
    if value.as_tuple().exponent < -4:
        raise NumberError(_("%(name)s: tối đa 4 chữ số thập phân.") % {"name": indicator.name})
    return value


def check(version, values, texts, rules=None, indicators=None):
    """Apply the version's rules to {indicator_code: Decimal|None} and {narrative_code: str}."""
    rules = (
        list(version.rules.select_related("indicator", "other", "narrative"))
        if rules is None
        else rules
    )
    problems = []
    for rule in rules:
        problem = _apply(rule, values, texts)
        if problem:
            problems.append(problem)
    return problems


def _apply(rule, values, texts):
    severity = rule.severity
    if rule.kind == "required":
        if rule.narrative_id:
            if not (texts.get(rule.narrative.code) or "").strip():
                return Problem(rule.narrative.code, rule.message, severity)
        elif values.get(rule.indicator.code) is None:
            return Problem(rule.indicator.code, rule.message, severity)
        return None
    if rule.kind == "bounds":
        value = values.get(rule.indicator.code)
        if value is None:
            return None
        if (rule.min_value is not None and value < rule.min_value) or (
            rule.max_value is not None and value > rule.max_value
        ):
            return Problem(rule.indicator.code, rule.message, severity)
        return None
    left, right = values.get(rule.indicator.code), values.get(rule.other.code)
    if left is None or right is None:
        return None
    if not OPS[rule.operator](left, right):
        return Problem(rule.indicator.code, rule.message, severity)
    return None
