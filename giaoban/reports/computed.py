"""Chỉ tiêu tính từ hồ sơ — indicators that fill themselves from the records (no double entry).

An indicator of a form version may name a source (`Indicator.source`, a key of
`core.registry.indicator_sources`, which the apps keeping the records register) and its
parameters (`Indicator.source_params`). For such an indicator of one report:

- the records are the unit's OWN (its unit id, never its subtree: each unit reports its
  own figures and the roll-up adds the subtree up) dated within the report's period
  window (the form's: Decree 09's 15th-to-14th for the demo form);
- while the report is a draft or returned, its figure is what the records say now
  (`live`): a page shows it (a GET never writes), every save stores it — `value` and
  `computed` alike — unless the officer overrode it, with a reason: then `value` is the
  officer's, `computed` what the records said, `override_reason` why;
- submission freezes it: `freeze` runs in the transition's transaction, before the
  roll-up reads the figures, so the roll-up holds exactly what was frozen;
- once sent, `Computed.changed` tells the reviewer that the records now say otherwise.

Past figures imported as accepted history are stored as given with `HISTORY` as their
reason and no `computed`: nothing was computed, so nothing can have changed since.
Nothing here knows an app by name: sources are read from the registry.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.core import registry
from giaoban.core.formatting import format_number
from giaoban.core.text import nfc
from giaoban.reports.models import Report, ReportValue

EDITABLE = (Report.Status.DRAFT, Report.Status.RETURNED)
MAX_REASON_CHARS = 2000
HISTORY = gettext_lazy("Số liệu lịch sử đã duyệt, nhập trực tiếp (không tính từ hồ sơ).")


# ---------------------------------------------------------------------------- sources


def source_of(indicator):
    """The registered source of a computed indicator; None for a typed-in one (or for a
    source no app registers any more: the figure is then typed in)."""
    return registry.indicator_sources.get(indicator.source) if indicator.source else None


def computed_of(indicators):
    """[(indicator, source)] of the indicators computed from a registered source."""
    pairs = ((ind, source_of(ind)) for ind in indicators)
    return [(ind, source) for ind, source in pairs if source is not None]


def params_of(indicator):
    return {key: list(values) for key, values in (indicator.source_params or {}).items()}


def clean_params(source, raw):
    """({key: [values]}, {key: message}): `raw` read against the source's parameters.

    Every parameter needs at least one value, each among its choices; a value the source
    does not know (a kind that does not exist) or a parameter it does not take is refused.
    The messages do not repeat the parameter's label: the field they are shown by names it.
    """
    raw = dict(raw or {})
    params, problems = {}, {}
    for param in source.params:
        given = raw.pop(param.key, None)
        values = [given] if isinstance(given, str) else list(given or [])
        values = [str(v).strip() for v in values if str(v).strip()]
        choices = dict(param.choices())
        unknown = [v for v in values if v not in choices]
        if not values:
            problems[param.key] = _("cần chọn ít nhất một giá trị.")
        elif unknown:
            problems[param.key] = _("không có “%(value)s” để chọn.") % {"value": unknown[0]}
        elif not param.multiple and len(values) > 1:
            problems[param.key] = _("chỉ chọn một giá trị.")
        else:
            params[param.key] = [v for v in choices if v in values]  # in the choices' order
    for key in raw:
        problems[key] = _("nguồn số liệu “%(source)s” không có tham số “%(key)s”.") % {
            "source": source.label,
            "key": key,
        }
    return params, problems


def describe(indicator, source=None, choices=None):
    """The rule in words: "Nhật ký hoạt động — Số hoạt động (theo loại). Loại hoạt động: …".

    `choices`, a dict, keeps each parameter's choices between calls (a page's indicators)."""
    source = source or source_of(indicator)
    if source is None:
        return _("Nguồn số liệu “%(key)s” không còn; số liệu nhập tay.") % {"key": indicator.source}
    parts = [f"{source.group} — {source.label}"]
    params = params_of(indicator)
    choices = {} if choices is None else choices
    for param in source.params:
        if param not in choices:
            choices[param] = dict(param.choices())
        labels = choices[param]
        chosen = [str(labels.get(v, v)) for v in params.get(param.key, [])]
        parts.append(f"{param.label}: {'; '.join(chosen)}")  # labels may hold commas
    return ". ".join(str(p) for p in parts) + "."


# ---------------------------------------------------------------------------- values


def live(pairs, unit_ids, start, end):
    """{unit id: {code: Decimal}}: each computed indicator's value from the units' own
    records dated start…end, one batch per distinct source and parameters."""
    unit_ids = list(unit_ids)
    out = {uid: {} for uid in unit_ids}
    groups = {}
    for ind, source in pairs:
        key = (source.key, json.dumps(ind.source_params, sort_keys=True))
        groups.setdefault(key, (source, params_of(ind), []))[2].append(ind.code)
    if not unit_ids:
        return out
    for source, params, codes in groups.values():
        found = source.compute(unit_ids, start, end, params)
        for uid in unit_ids:
            value = Decimal(found.get(uid) or 0)
            for code in codes:
                out[uid][code] = value
    return out


def live_of(report, pairs):
    """{code: Decimal} of one report's computed indicators, from the records now."""
    return live(pairs, [report.unit_id], report.period_start, report.period_end)[report.unit_id]


@dataclass
class StoredValue:
    value: Decimal
    computed: Decimal | None
    reason: str


def stored(report):
    """{code: StoredValue} of everything the report holds."""
    rows = ReportValue.objects.filter(report=report).values_list(
        "indicator__code", "value", "computed", "override_reason"
    )
    return {code: StoredValue(value, computed, reason) for code, value, computed, reason in rows}


def current_values(report, pairs=None, rows=None, now=None):
    """The report's figures as they stand: what it holds, and — while it is editable — each
    computed indicator's live value unless the officer overrode it."""
    rows = stored(report) if rows is None else rows
    values = {code: row.value for code, row in rows.items()}
    if report.status not in EDITABLE:
        return values
    if pairs is None:
        pairs = computed_of(report.version.indicators.all())
    now = live_of(report, pairs) if now is None else now
    for ind, _source in pairs:
        row = rows.get(ind.code)
        if row is None or not row.reason:
            values[ind.code] = now.get(ind.code)
    return values


def clean_reason(raw):
    """(NFC text, or None, and a message when it cannot be kept)."""
    text = nfc(str(raw or "")).strip()
    if "\x00" in text:
        return None, _("lý do chứa ký tự NUL (mã 0), không lưu được.")
    if len(text) > MAX_REASON_CHARS:
        return None, _("lý do dài quá %(max)s ký tự.") % {"max": "2.000"}
    return text, None


def override_problem(indicator, live_value):
    """The message for a value that differs from the records, sent without a reason."""
    return _(
        "%(name)s (%(code)s) được tính tự động từ hồ sơ (hiện là %(live)s); muốn ghi số khác "
        "phải ghi rõ lý do."
    ) % {"name": indicator.name, "code": indicator.code, "live": _plain(live_value)}


def _plain(value):
    return format_number(value, empty="0")


def rows_to_store(pairs, now, rows, overrides):
    """{code: (value, computed, reason)} to store for the computed indicators on a save.

    `overrides` maps a code to (value, reason) — the officer's figure — or to None — back
    to the records; a code not in it keeps an earlier override, and otherwise takes the
    records' value now."""
    out = {}
    for ind, _source in pairs:
        code = ind.code
        records = now.get(code, Decimal(0))
        if code in overrides:
            chosen = overrides[code]
            if chosen is None:
                out[code] = (records, records, "")
            else:
                out[code] = (chosen[0], records, chosen[1])
            continue
        row = rows.get(code)
        if row is not None and row.reason:
            out[code] = (row.value, records, row.reason)
        else:
            out[code] = (records, records, "")
    return out


def write(report, wanted):
    """Store {code: (value, computed, reason)} on the report's rows (create or update)."""
    ids = dict(report.version.indicators.filter(code__in=list(wanted)).values_list("code", "id"))
    existing = {v.indicator_id: v for v in ReportValue.objects.filter(report=report)}
    create, update = [], []
    for code, (value, computed, reason) in wanted.items():
        row = existing.get(ids[code])
        if row is None:
            create.append(
                ReportValue(
                    report=report,
                    indicator_id=ids[code],
                    value=value,
                    computed=computed,
                    override_reason=reason,
                )
            )
        elif (row.value, row.computed, row.override_reason) != (value, computed, reason):
            row.value, row.computed, row.override_reason = value, computed, reason
            update.append(row)
    ReportValue.objects.bulk_create(create)
    ReportValue.objects.bulk_update(update, ["value", "computed", "override_reason"])


def freeze(report, pairs):
    """Store the records' values now on a report being submitted (in the transition's
    transaction, before the roll-up reads its figures); an override keeps its figure and
    records what the records said at submission."""
    if not pairs:
        return
    write(report, rows_to_store(pairs, live_of(report, pairs), stored(report), {}))


# ---------------------------------------------------------------------------- pages


@dataclass
class Computed:
    """What a page shows of one computed indicator of one report (or of the sheet of a
    report not yet opened)."""

    indicator: object
    source: object
    description: str
    link: str
    live: Decimal  # the records now
    value: Decimal | None  # the report's figure (live while editable unless overridden)
    records_then: Decimal | None  # what the records said when it was stored (sent: frozen)
    reason: str
    editable: bool

    @property
    def overridden(self):
        return bool(self.reason)

    @property
    def changed(self):
        """Sent, and the records say something else now than when it was submitted."""
        return (
            not self.editable and self.records_then is not None and self.live != self.records_then
        )

    def as_dict(self):
        return {
            "source": {
                "key": self.source.key,
                "label": str(self.source.label),
                "group": str(self.source.group),
                "params": params_of(self.indicator),
            },
            "description": self.description,
            "records_url": self.link,
            "records_value": self.live,
            "submitted_records_value": None if self.editable else self.records_then,
            "overridden": self.overridden,
            "override_reason": self.reason,
            "changed_since_submission": self.changed,
        }


def states(indicators, unit, start, end, report=None, rows=None):
    """{code: Computed} of the computed indicators, for `unit` over start…end."""
    pairs = computed_of(indicators)
    if not pairs:
        return {}
    now = live(pairs, [unit.pk], start, end)[unit.pk]
    rows = (stored(report) if report else {}) if rows is None else rows
    editable = report is None or report.status in EDITABLE
    out, choices = {}, {}
    for ind, source in pairs:
        row = rows.get(ind.code)
        reason = row.reason if row else ""
        if editable and not reason:
            value = now[ind.code]
        else:
            value = row.value if row else None
        out[ind.code] = Computed(
            indicator=ind,
            source=source,
            description=describe(ind, source, choices),
            link=source.link(unit, start, end, params_of(ind)),
            live=now[ind.code],
            value=value,
            records_then=row.computed if row else None,
            reason=reason,
            editable=editable,
        )
    return out


def report_states(report, indicators=None):
    indicators = report.version.indicators.all() if indicators is None else indicators
    return states(indicators, report.unit, report.period_start, report.period_end, report)
