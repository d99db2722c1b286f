"""The consolidated report compiled: one consistent snapshot, as JSON-able data.

`compile_report(consolidation)` reads, inside one consistent read (`core.reads`):

- every figure from the live roll-up of the unit's subtree (`reports.public.figures`),
  with the previous period and the same period last year, like with like — never a
  figure typed by hand — and each direct child's figures for the annex;
- who was expected to report and who sent: "x/y đơn vị đã gửi báo cáo", the others
  listed with their state;
- the report's paragraphs in order, per narrative section of the form: the unit's own
  words, and excerpts checked against the text the child sent (an excerpt whose source
  changed since it was picked is left out and listed under `stale`);
- the sections other apps contribute through `core.registry.report_sections`;
- the sources annex: each excerpt → unit, report, version, date sent.

The snapshot is what the editor shows, what the .docx prints, what the API returns and
what an export records; `digest` fingerprints it and `changes(old, new)` says, in words,
what differs between two of them.
"""

import hashlib
import json
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.conferences import excerpts
from giaoban.core import periods, registry
from giaoban.core.formatting import format_number
from giaoban.core.reads import consistent_read
from giaoban.reports import public as reports

OPENING = ""  # the section code of the paragraphs before the first heading


def _num(value):
    return None if value is None else str(value)


def _figures(view):
    out = []
    for indicator in view.indicators:
        c = view.comparisons.get(indicator.code)
        out.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit_of_measure": indicator.unit_of_measure,
                "main": indicator.is_main,
                "value": _num(view.totals.get(indicator.code)),
                "base_value": _num(c.base_value) if c and c.basis.kind == "common" else None,
                "previous": _num(c.shown_previous) if c else None,
                "last_year": _num(c.shown_last_year) if c else None,
                "vs_previous": _num(c.vs_previous) if c else None,
                "vs_last_year": _num(c.vs_last_year) if c else None,
            }
        )
    return out


def _children(view):
    return [
        {
            "code": row.unit.code,
            "name": row.unit.name,
            "covered": row.covered,
            "expected": row.expected,
            "values": {code: _num(v) for code, v in row.values.items()},
        }
        for row in view.children
    ]


def _source_of(part, submission, field_title):
    return {
        "unit": {"code": submission.unit.code, "name": submission.unit.name},
        "report": part.source_report_id,
        "field": part.source_field,
        "field_title": field_title,
        "version": part.source_version,
        "sent_at": timezone.localtime(part.source_sent_at).isoformat()
        if part.source_sent_at
        else None,
    }


def standing_of(part, by_report):
    """(current source text or None, reason it is stale or "") of an excerpt."""
    submission = by_report.get(part.source_report_id)
    if submission is None or not submission.sent:
        return None, _("báo cáo của đơn vị không còn ở trạng thái đã gửi")
    source = submission.texts.get(part.source_field, "")
    if excerpts.digest(source) != part.source_digest:
        return source, _("đơn vị đã gửi lại báo cáo với nội dung khác (phiên bản %(v)s)") % {
            "v": submission.version
        }
    if not excerpts.verify(source, part.fragments, part.text):
        return source, _("đoạn trích không khớp với nội dung đơn vị đã gửi")
    return source, ""


def _sections(consolidation, narratives, by_report):
    """(opening paragraphs, [section], stale, sources) from the stored parts."""
    titles = dict(narratives)
    grouped = {}
    for part in consolidation.parts.all().order_by("section", "order", "pk"):
        grouped.setdefault(part.section, []).append(part)
    stale, sources = [], []

    def paragraphs(parts):
        out = []
        for part in parts:
            if not part.is_excerpt:
                out.append({"id": part.pk, "kind": "own", "text": part.text})
                continue
            _source, reason = standing_of(part, by_report)
            submission = by_report.get(part.source_report_id)
            if reason:
                name = submission.unit.name if submission is not None else ""
                stale.append({"id": part.pk, "reason": str(reason), "unit": name})
                continue
            source = _source_of(part, submission, titles.get(part.source_field, ""))
            sources.append({"n": len(sources) + 1, "part": part.pk, **source})
            out.append(
                {
                    "id": part.pk,
                    "kind": "excerpt",
                    "text": part.text,
                    "source": source,
                    "n": len(sources),
                }
            )
        return out

    opening = paragraphs(grouped.get(OPENING, []))
    sections = [
        {"code": code, "title": title, "paragraphs": paragraphs(grouped.get(code, []))}
        for code, title in narratives
    ]
    return opening, sections, stale, sources


def as_of_day(period, today=None):
    """The day the records are counted to: the period's end, or today while it runs."""
    today = today or timezone.localdate()
    return min(today, period.end)


def compile_report(consolidation, today=None, submissions=None):
    """The snapshot (a dict of JSON-able values) of the consolidated report now.

    `submissions`: the children's `reports.submissions` when the caller (the editor page)
    has read them already, in the same consistent read."""
    with consistent_read():
        return _compile(consolidation, today or timezone.localdate(), submissions)


def _compile(consolidation, today, submissions=None):
    unit, form = consolidation.unit, consolidation.form
    period = form.period(consolidation.period_key)
    as_of = as_of_day(period, today)
    view = reports.figures(unit, form, period)
    subs = reports.submissions(unit, form, period) if submissions is None else submissions
    by_report = {s.report_id: s for s in subs if s.report_id}
    narratives = reports.narratives(form, period)
    opening, sections, stale, sources = _sections(consolidation, narratives, by_report)
    records = []
    for provider in registry.report_sections:
        found = provider(unit, period, as_of)
        if found is not None:
            records.append(found.as_dict())
    previous = periods.previous(period)
    last_year = periods.same_period_last_year(period)
    return {
        "consolidation": consolidation.pk,
        "unit": {"code": unit.code, "name": unit.name},
        "body": consolidation.body,
        "form": {"code": form.code, "name": form.name},
        "period": {
            "key": period.key,
            "label": str(period.label),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "previous": str(previous.label),
            "last_year": str(last_year.label),
        },
        "as_of": as_of.isoformat(),
        "subject": consolidation.subject,
        "signer_title": consolidation.signer_title,
        "signer_position": consolidation.signer_position,
        "recipients": [line for line in consolidation.recipients_text.splitlines() if line.strip()],
        "submitted": {
            "sent": sum(1 for s in subs if s.sent),
            "expected": len(subs),
            "missing": [
                {"code": s.unit.code, "name": s.unit.name, "status": str(s.status_label)}
                for s in subs
                if not s.sent
            ],
        },
        "figures": _figures(view),
        "basis_notes": [str(n) for n in reports.basis_notes(view, _("cột “Kỳ này, cùng đơn vị”"))],
        "coverage": {"covered": view.covered, "expected": view.expected},
        "children": _children(view),
        "totals": {code: _num(v) for code, v in view.totals.items()},
        "opening": opening,
        "sections": sections,
        "records": records,
        "stale": stale,
        "sources": sources,
    }


# ------------------------------------------------------------------ fingerprints, changes


def _canonical(snapshot):
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=str)


def digest(snapshot):
    return hashlib.sha256(_canonical(snapshot).encode("utf-8")).hexdigest()


def _figure_text(value):
    return format_number(Decimal(value)) if value is not None else "—"


def _paragraph_map(snapshot):
    out = {}
    for p in snapshot.get("opening", []):
        out[p["id"]] = p
    for section in snapshot.get("sections", []):
        for p in section["paragraphs"]:
            out[p["id"]] = p
    return out


def changes(old, new):
    """What differs from `old` to `new`, as sentences a user reads (empty: nothing)."""
    if old is None:
        return []
    out = []
    olds = {f["code"]: f for f in old.get("figures", [])}
    for f in new.get("figures", []):
        before = olds.get(f["code"])
        if before is not None and before["value"] != f["value"]:
            out.append(
                _("Chỉ tiêu “%(name)s”: %(old)s → %(new)s")
                % {
                    "name": f["name"],
                    "old": _figure_text(before["value"]),
                    "new": _figure_text(f["value"]),
                }
            )
    was = {m["code"] for m in old.get("submitted", {}).get("missing", [])}
    now = {m["code"] for m in new.get("submitted", {}).get("missing", [])}
    sent_since = [m for m in old.get("submitted", {}).get("missing", []) if m["code"] not in now]
    if sent_since:
        out.append(
            _("Đã gửi báo cáo từ lần xuất trước: %(units)s")
            % {"units": ", ".join(m["name"] for m in sent_since)}
        )
    unsent = [m for m in new.get("submitted", {}).get("missing", []) if m["code"] not in was]
    if unsent:
        out.append(
            _("Không còn ở trạng thái đã gửi: %(units)s")
            % {"units": ", ".join(m["name"] for m in unsent)}
        )
    out.extend(_paragraph_changes(_paragraph_map(old), _paragraph_map(new)))
    old_order = {s["code"]: [p["id"] for p in s["paragraphs"]] for s in old.get("sections", [])}
    for section in new.get("sections", []):
        ids = [p["id"] for p in section["paragraphs"]]
        kept = [i for i in old_order.get(section["code"], []) if i in ids]
        if kept != [i for i in ids if i in kept]:
            out.append(_("Phần “%(title)s”: thứ tự các đoạn đã đổi") % {"title": section["title"]})
    old_records = {r["key"]: r for r in old.get("records", [])}
    for record in new.get("records", []):
        before = old_records.get(record["key"])
        if before is None or before["data"] != record["data"]:
            out.append(_("Phần “%(title)s”: số liệu đã thay đổi") % {"title": record["title"]})
    for key in ("subject", "signer_title", "signer_position", "recipients"):
        if old.get(key) != new.get(key):
            out.append(_("Thể thức (trích yếu, người ký, nơi nhận) đã sửa"))
            break
    return out


def _paragraph_changes(before, after):
    out = []
    added = [p for pid, p in after.items() if pid not in before]
    removed = [p for pid, p in before.items() if pid not in after]
    edited = [p for pid, p in after.items() if pid in before and before[pid]["text"] != p["text"]]
    for label, items in (
        (_("Đoạn thêm"), added),
        (_("Đoạn bỏ"), removed),
        (_("Đoạn sửa"), edited),
    ):
        for p in items:
            who = p["source"]["unit"]["name"] if p.get("source") else _("lời đơn vị tổng hợp")
            out.append(f"{label} ({who}): {_clip(p['text'])}")
    return out


def _clip(text, n=90):
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
