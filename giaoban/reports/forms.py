"""Forms of the report pages: the fill-in sheet (phiếu nhập) and the reason for a return.

Numbers are read by `validation.parse_number` (through `workflow.save_entries`), not by
Django's DecimalField, so that "1.234" and "12,5" mean what a Vietnamese officer means;
the form only carries the raw text and shows figures back with Vietnamese separators.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.core.formatting import format_number
from giaoban.reports.validation import MAX_NUMBER_CHARS, MAX_TEXT_CHARS

VALUE_PREFIX = "v-"
TEXT_PREFIX = "t-"
REASON_PREFIX = "r-"
# Beside each box, hidden: what the page showed in it, so that a save keeps what another
# person saved in the meantime (conflicts.Shown). "b-v-GD01", "b-t-KQ", "b-r-GD01".
SHOWN_PREFIX = "b-"
MAX_REASON_CHARS = 2000


def input_text(value, indicator):
    """A stored figure as the fill-in box shows it: 1.234 for whole numbers, 1234,5 for
    decimals — never "1.234" for a decimal, which reads back as one point two three four."""
    if value is None:
        return ""
    text = format_number(value, empty="")
    return text if indicator.value_type == "int" else text.replace(".", "")


class EntryForm(forms.Form):
    """Phiếu nhập báo cáo — one text box per indicator, one text area per narrative field.

    Field names are `v-<indicator code>` and `t-<narrative code>`. An indicator computed
    from the records (`computed`: its codes) also has `r-<code>`, the reason of an
    override; its `v-` box holds only an override (empty: the records' value counts).
    """

    def __init__(
        self,
        version,
        *args,
        values=None,
        texts=None,
        reasons=None,
        computed=(),
        editable=True,
        indicators=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.version = version
        self.indicators = list(version.indicators.all()) if indicators is None else indicators
        self.narratives = list(version.narratives.all())
        self.computed = set(computed)
        values, texts, reasons = values or {}, texts or {}, reasons or {}
        for ind in self.indicators:
            decimal = ind.value_type == "decimal"
            self.fields[VALUE_PREFIX + ind.code] = forms.CharField(
                label=ind.name,
                required=False,
                max_length=MAX_NUMBER_CHARS,
                initial=input_text(values.get(ind.code), ind),
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal" if decimal else "numeric",
                        "autocomplete": "off",
                        "class": "num-input",
                        "data-code": ind.code,
                    }
                ),
            )
            if ind.code in self.computed:
                self.fields[REASON_PREFIX + ind.code] = forms.CharField(
                    label=_("Lý do sửa số liệu tự tính %(code)s") % {"code": ind.code},
                    required=False,
                    max_length=MAX_REASON_CHARS,
                    initial=reasons.get(ind.code, ""),
                    widget=forms.Textarea(
                        attrs={
                            "rows": 3,
                            "data-code": ind.code,
                            "data-pair": VALUE_PREFIX + ind.code,
                        }
                    ),
                )
                self.fields[VALUE_PREFIX + ind.code].widget.attrs["data-pair"] = (
                    REASON_PREFIX + ind.code
                )
        for nar in self.narratives:
            self.fields[TEXT_PREFIX + nar.code] = forms.CharField(
                label=nar.title,
                required=False,
                max_length=MAX_TEXT_CHARS,
                strip=False,
                initial=texts.get(nar.code, ""),
                widget=forms.Textarea(attrs={"rows": 5, "data-code": nar.code}),
            )
        self.read_only = not editable
        if not editable:
            for f in self.fields.values():
                f.disabled = True

    def raw_entries(self, present=None):
        """({indicator code: raw text}, {narrative code: text}) of the fields sent.

        With `present` (the names in the request), only those fields: the autosave sends
        just what changed, and a field left out is left as it is. A field with an error
        of its own (too long, a NUL character) is left out too: it keeps its stored value.
        """
        values, texts = {}, {}
        for ind in self.indicators:
            name = VALUE_PREFIX + ind.code
            if (present is None or name in present) and name not in self.errors:
                values[ind.code] = self.cleaned_data.get(name, "")
        for nar in self.narratives:
            name = TEXT_PREFIX + nar.code
            if (present is None or name in present) and name not in self.errors:
                texts[nar.code] = self.cleaned_data.get(name, "")
        return values, texts

    def shown_texts(self):
        """{field name: the text its box shows} of an unbound form (what is stored)."""
        return {name: f.initial or "" for name, f in self.fields.items()}

    def shown_in(self, data):
        """(values, texts, reasons) the page showed, from the `b-…` fields of a POST, each
        {code: text}; None when the page sent none (an older page, a script)."""
        out = ({}, {}, {})
        for index, prefix in enumerate((VALUE_PREFIX, TEXT_PREFIX, REASON_PREFIX)):
            for name in self.fields:
                if name.startswith(prefix) and SHOWN_PREFIX + name in data:
                    out[index][name[len(prefix) :]] = data[SHOWN_PREFIX + name]
        return out if any(out) else None

    def initial_text(self, code):
        return self.fields[TEXT_PREFIX + code].initial or ""

    def raw_reasons(self, present=None):
        """{indicator code: reason} of the overrides sent (computed indicators only)."""
        out = {}
        for code in self.computed:
            name = REASON_PREFIX + code
            if (present is None or name in present) and name not in self.errors:
                out[code] = self.cleaned_data.get(name, "")
        return out

    def size_errors(self):
        """The fields' own errors (too long, NUL) as (code, message) pairs naming the field."""
        out = []
        for name, errors in self.errors.items():
            code = name[len(VALUE_PREFIX) :]
            label = self.fields[name].label if name in self.fields else name
            out.extend((code, f"{label}: {e}") for e in errors)
        return out


class ReasonForm(forms.Form):
    """Lý do trả lại / mở lại — required, shown to the unit in the report's history."""

    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Cần ghi rõ lý do.")},
    )

    LABELS = {
        "return": gettext_lazy("Lý do trả lại"),
        "reopen": gettext_lazy("Lý do mở lại"),
    }

    def __init__(self, *args, action="return", **kwargs):
        super().__init__(*args, prefix=action, **kwargs)
        self.fields["reason"].label = self.LABELS.get(action, self.fields["reason"].label)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Cần ghi rõ lý do."))
        return reason
