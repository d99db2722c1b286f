"""What the consolidated report's pages show, read in one consistent read.

The editor (`editor_context`) shows the report as it stands: the heading, the layout, who
has reported, the main figures with their comparisons, the sections compiled from other
apps' records, then every narrative part with its paragraphs — the unit's own words apart
from the excerpts, each excerpt beside its source — and, for one part at a time, what the
units below wrote for it (the candidates, a page of them at once: a province has up to 168
communes). What changed since the last export is computed here, on the page (a read).

An issued report shows what was issued: the snapshot recorded when it was issued.

`print_context` gives the print view the same snapshot laid out as the Word file reads.
"""

from collections import namedtuple
from decimal import Decimal

from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from giaoban.conferences import compile as compiled
from giaoban.conferences import consolidation as svc
from giaoban.conferences import excerpts, layout
from giaoban.conferences.forms_consolidation import LayoutForm, span_value
from giaoban.conferences.layout import COLUMNS_PER_ANNEX
from giaoban.conferences.models import Consolidation
from giaoban.core.formatting import format_number
from giaoban.core.reads import consistent_read
from giaoban.documents import public as documents
from giaoban.exports.docx import PARTY, date_line, number_line
from giaoban.reports import public as reports

CANDIDATES_PER_PAGE = 20
HISTORY = 20  # exports listed
OPENING_ANCHOR = "mo-dau"
OPENING_PARAM = "mo-dau"  # ?section= of the paragraphs before the first heading
_Code = namedtuple("_Code", "code")  # a unit as reports.public's URLs need it
STATUS_CSS = {Consolidation.Status.DRAFT: "info", Consolidation.Status.ISSUED: "ok"}
ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split()


def anchor_of(section):
    return f"phan-{section}" if section else OPENING_ANCHOR


def section_param(section):
    """The ?section= value that opens a part for editing."""
    return section or OPENING_PARAM


def heading(consolidation):
    """The facts the page's head shows."""
    issuer = documents.issuer(consolidation.unit, consolidation.body)
    return {
        "issuer": issuer,
        "period": consolidation.period,
        "status_label": consolidation.get_status_display(),
        "status_css": STATUS_CSS.get(consolidation.status, ""),
        "body_label": consolidation.get_body_display(),
    }


def _cell(value, label):
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return {"text": format_number(value), "num": True, "label": label}
    return {"text": "" if value is None else str(value), "num": False, "label": label}


def records_of(snapshot):
    """The sections other apps compiled, each table cell formatted and labelled (a phone
    shows a row as a card, each cell named by its column)."""
    out = []
    for record in snapshot["records"]:
        table = record.get("table")
        header = table["header"] if table else []
        rows = [
            [_cell(v, h) for v, h in zip(row, header, strict=False)]
            for row in (table["rows"] if table else [])
        ]
        out.append({**record, "header": header, "rows": rows})
    return out


def main_figures(snapshot):
    figures = snapshot["figures"]
    return [f for f in figures if f["main"]] or figures[:10]


# ------------------------------------------------------------------ sentences


def sentence_choices(source, chosen=()):
    """The sentences of a unit's text as checkboxes: value "start-end", the sentence, whether
    it is chosen, and whether it begins a new paragraph of the source."""
    chosen = {tuple(int(x) for x in c) for c in chosen if _is_pair(c)}
    out, previous_end = [], 0
    for start, end in excerpts.sentences(source):
        out.append(
            {
                "value": span_value(start, end),
                "text": source[start:end],
                "checked": (start, end) in chosen,
                "new_paragraph": bool(out) and "\n" in source[previous_end:start],
            }
        )
        previous_end = end
    return out


def _is_pair(item):
    try:
        return len(item) == 2 and all(str(x).isdigit() for x in item)
    except TypeError:
        return False


# ------------------------------------------------------------------ paragraphs


def _source_of(part, form, period, titles):
    unit = part.source_unit
    return {
        "unit": unit,
        "url": reports.report_url(form, period, unit) if unit is not None else "",
        "version": part.source_version,
        "sent_at": part.source_sent_at,
        "field_title": titles.get(part.source_field, part.source_field),
    }


def paragraph_rows(consolidation, parts, snapshot, by_report, chosen, problem=None, posted=None):
    """{section: [row]} of the stored paragraphs, in order, each with what the page shows
    (the sentences to shorten an excerpt by only in the part being edited, `chosen`)."""
    form, period = consolidation.form, consolidation.period
    titles = {s["code"]: s["title"] for s in snapshot["sections"]}
    stale = {s["id"]: s["reason"] for s in snapshot.get("stale", [])}
    numbers = {s["part"]: s["n"] for s in snapshot.get("sources", [])}
    grouped = {}
    for part in parts:
        grouped.setdefault(part.section, []).append(part)
    out = {}
    for section, items in grouped.items():
        rows = []
        for index, part in enumerate(items):
            row = {
                "part": part,
                "anchor": f"doan-{part.pk}",
                "first": index == 0,
                "last": index == len(items) - 1,
                "lines": [line for line in part.text.split("\n") if line.strip()],
                "problem": problem["message"] if problem and problem["key"] == part.pk else "",
                "posted": posted if problem and problem["key"] == part.pk else None,
            }
            if part.is_excerpt:
                row["source"] = _source_of(part, form, period, titles)
                row["n"] = numbers.get(part.pk)
                row["stale"] = stale.get(part.pk, "")
                row["sentences"] = (
                    _shorten_choices(part, by_report, row) if section == chosen else []
                )
            rows.append(row)
        out[section] = rows
    return out


def _shorten_choices(part, by_report, row):
    if row["stale"]:
        return []
    submission = by_report.get(part.source_report_id)
    source = submission.texts.get(part.source_field, "") if submission else ""
    chosen = row["posted"] if row["posted"] is not None else part.fragments
    return sentence_choices(source, chosen)


# ------------------------------------------------------------------ candidates


def candidates(consolidation, subs, parts, section, page_number, problem=None, posted=None):
    """The page of the children's sent texts for `section` (the candidates), and counts."""
    form, period = consolidation.form, consolidation.period
    quoted = {
        p.source_report_id
        for p in parts
        if p.is_excerpt and p.section == section and p.source_field == section
    }
    with_text = [s for s in subs if s.sent and s.texts.get(section, "").strip()]
    page = Paginator(with_text, CANDIDATES_PER_PAGE).get_page(page_number)
    rows = []
    for s in page.object_list:
        text = s.texts[section]
        key = f"{s.report_id}:{section}"
        mine = problem is not None and problem["key"] == key
        rows.append(
            {
                "submission": s,
                "key": key,
                "anchor": f"ung-vien-{s.report_id}",
                "url": reports.report_url(form, period, s.unit),
                "lines": [line for line in text.split("\n") if line.strip()],
                "sentences": sentence_choices(text, posted if mine and posted else ()),
                "quoted": s.report_id in quoted,
                "problem": problem["message"] if mine else "",
                "open": mine,
            }
        )
    sent = sum(1 for s in subs if s.sent)
    return {
        "page": page,
        "rows": rows,
        "with_text": len(with_text),
        "without": sent - len(with_text),
    }


def section_blocks(consolidation, snapshot, rows_by_section, subs, chosen, problem, posted):
    """The opening and each narrative part, in the form's order."""
    counts = {}
    for s in subs:
        if s.sent:
            for code, text in s.texts.items():
                if text.strip():
                    counts[code] = counts.get(code, 0) + 1
    blocks = [
        {
            "code": compiled.OPENING,
            "title": _("Mở đầu (trước phần thứ nhất)"),
            "anchor": OPENING_ANCHOR,
            "rows": rows_by_section.get(compiled.OPENING, []),
            "candidate_count": 0,
            "chosen": chosen == compiled.OPENING,
        }
    ]
    for n, section in enumerate(snapshot["sections"], start=1):
        code = section["code"]
        blocks.append(
            {
                "code": code,
                "number": ROMAN[n - 1] if n <= len(ROMAN) else str(n),
                "title": section["title"],
                "anchor": anchor_of(code),
                "rows": rows_by_section.get(code, []),
                "candidate_count": counts.get(code, 0),
                "chosen": code == chosen,
            }
        )
    for block in blocks:
        block["param"] = section_param(block["code"])
        key = f"own:{block['code']}"
        block["problem"] = problem["message"] if problem and problem["key"] == key else ""
        block["posted"] = posted if problem and problem["key"] == key else ""
    return blocks


def chosen_section(snapshot, wanted):
    """The part being edited: ?section=, else the first narrative part."""
    codes = [s["code"] for s in snapshot["sections"]]
    if wanted == OPENING_PARAM or not codes:
        return compiled.OPENING
    return wanted if wanted in codes else codes[0]


def page_number(raw):
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


# ------------------------------------------------------------------ the editor


def editor_context(request, consolidation, section=None, page=1, **state):
    """The editor's context. `state`: `problem` ({key, message, anchor}) of a refused
    action, `posted` (what the user had typed or chosen), `layout_form` (bound, with errors)."""
    problem, posted = state.get("problem"), state.get("posted")
    form, period = consolidation.form, consolidation.period
    draft = consolidation.is_draft
    with consistent_read():
        subs = reports.submissions(consolidation.unit, form, period) if draft else []
        snapshot = None if draft else svc.issued_snapshot(consolidation)
        if snapshot is None:
            snapshot = compiled.compile_report(consolidation, submissions=subs or None)
        parts = list(
            consolidation.parts.select_related("source_unit").order_by("section", "order", "pk")
        )
        history = list(
            consolidation.exports.select_related("by").defer("snapshot").order_by("-at", "-pk")
        )
        last = svc.last_export(consolidation) if draft and history else None
    by_report = {s.report_id: s for s in subs if s.report_id}
    chosen = chosen_section(snapshot, section) if draft else None
    rows = paragraph_rows(consolidation, parts, snapshot, by_report, chosen, problem, posted)
    user = request.user
    may_edit = svc.may_edit(user, consolidation)
    blocks = section_blocks(consolidation, snapshot, rows, subs, chosen, problem, posted)
    for block in blocks:
        block["editing"] = may_edit and block["chosen"]
    context = {
        "consolidation": consolidation,
        **heading(consolidation),
        "snapshot": snapshot,
        "may_edit": may_edit,
        "may_issue": svc.may_issue(user, consolidation),
        "layout_form": state.get("layout_form") or LayoutForm.of(consolidation),
        "missing": _missing(consolidation, snapshot),
        "figures": main_figures(snapshot),
        "rollup_url": reports.rollup_url(form, period, consolidation.unit),
        "records": records_of(snapshot),
        "blocks": blocks,
        "chosen": chosen,
        "chosen_param": section_param(chosen) if chosen is not None else "",
        "candidates": (
            candidates(consolidation, subs, parts, chosen, page, problem, posted)
            if chosen
            else None
        ),
        "changes": compiled.changes(last.snapshot, snapshot) if last is not None else None,
        "history": history[:HISTORY],
        "history_more": max(0, len(history) - HISTORY),
        "problem": problem,
        "document_url": documents.url(consolidation.document) if consolidation.document else "",
    }
    return context


def _missing(consolidation, snapshot):
    form, period = consolidation.form, consolidation.period
    return [
        {**m, "url": reports.report_url(form, period, _Code(m["code"]))}
        for m in snapshot["submitted"]["missing"]
    ]


# ------------------------------------------------------------------ the print view


def print_context(consolidation):
    """The report laid out as the Word file reads (the snapshot the file would print)."""
    snapshot = None if consolidation.is_draft else svc.issued_snapshot(consolidation)
    if snapshot is None:
        snapshot = compiled.compile_report(consolidation)
    issuer = layout.issuer_of(consolidation)
    document = consolidation.document
    number = document.number if document is not None else None
    day = document.issue_date if document is not None else None
    figures = main_figures(snapshot)
    records = records_of(snapshot)
    sections = []
    for n, section in enumerate(layout.printed_sections(snapshot), start=1):
        sections.append({**section, "number": ROMAN[n - 1] if n <= len(ROMAN) else str(n)})
    return {
        "consolidation": consolidation,
        **heading(consolidation),
        "issuer": issuer,  # its long names broken as in the Word file
        "snapshot": snapshot,
        "is_party": issuer.layout == PARTY,
        "number_line": number_line(issuer.layout, issuer.symbol, "BC", number),
        "date_line": date_line(issuer.place, day),
        "subject_lines": snapshot["subject"].split("\n"),
        "sections": sections,
        "figures": figures,
        "records": records,
        "records_start": 2 if figures else 1,
        "children_groups": annex_groups(snapshot),
        "sources": [{**s, "sent": layout.sent_text(s["sent_at"])} for s in snapshot["sources"]],
        "sources_note": layout.sources_note(snapshot),
        "demo_note": layout.demo_note(consolidation),
        "submitted_line": layout.submitted_line(snapshot),
        "print_unit": issuer.name,
        "print_form": consolidation.form.name,
        "print_period": consolidation.period.label,
    }


def annex_groups(snapshot):
    """The per-child annex in groups of COLUMNS_PER_ANNEX indicators, as the Word file."""
    figures, children = snapshot["figures"], snapshot["children"]
    if not figures or not children:
        return []
    groups = []
    for i in range(0, len(figures), COLUMNS_PER_ANNEX):
        group = figures[i : i + COLUMNS_PER_ANNEX]
        rows = [
            {"name": c["name"], "values": [c["values"].get(f["code"]) for f in group]}
            for c in children
        ]
        groups.append({"figures": group, "rows": rows, "totals": [f["value"] for f in group]})
    return groups
