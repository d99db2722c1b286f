"""Many reports at once: the bulk path behind the API's data-value sets, Excel uploads,
historical imports, the demo and the benchmark. All or nothing, with every problem listed.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.audit import context as audit_context
from giaoban.audit.models import AuditEntry
from giaoban.core import scope
from giaoban.core.bulkwrite import insert_rows, insert_values
from giaoban.core.text import nfc
from giaoban.reports import rollup
from giaoban.reports.models import Report, ReportEvent, ReportText, ReportValue, Rollup
from giaoban.reports.validation import NumberError, check, parse_number
from giaoban.reports.workflow import deadline_for, reports_on
from giaoban.units import history
from giaoban.units.models import PATH_SEP, Unit

S = Report.Status


@dataclass(frozen=True)
class ItemProblem:
    index: int  # position of the item in the request (0-based)
    unit: str
    field: str
    message: str
    severity: str = "error"


class BulkError(Exception):
    def __init__(self, problems):
        super().__init__(_("Dữ liệu có lỗi, chưa ghi gì."))
        self.problems = problems


@dataclass
class BulkResult:
    reports_created: int
    reports_updated: int
    values_written: int
    warnings: list


def import_values(
    form, period_key, items, user, *, accept_history=False, is_demo=False, check_scope=True
):
    """Write {unit, values, texts} items for one form and period; raise BulkError on any error.

    Reports are created as drafts (or, with accept_history, as accepted historical data
    — for administrators at the top migrating past periods); existing drafts and returned
    reports are updated; submitted or accepted reports are refused.
    """
    period = form.period(period_key)
    # reports_on and deadline_for read the form's levels and deadlines for every item.
    form = type(form).objects.prefetch_related("levels", "deadlines").get(pk=form.pk)
    version = form.current_version()
    indicators = {i.code: i for i in version.indicators.all()}
    narratives = {n.code: n for n in version.narratives.all()}
    rules = list(version.rules.select_related("indicator", "other", "narrative"))
    codes = [str(item.get("unit", "")).strip().upper() for item in items]
    # A NUL cannot be sent to PostgreSQL even as a query parameter: such a code simply
    # matches no unit (and is reported so below).
    lookup = [c for c in codes if "\x00" not in c]
    units = {u.code: u for u in Unit.objects.filter(code__in=lookup).select_related("level")}
    existing = {
        r.unit_id: r
        for r in Report.objects.filter(form=form, period_key=period.key, unit__code__in=lookup)
    }
    old_values = defaultdict(dict)
    for rid, code, value in ReportValue.objects.filter(report__in=existing.values()).values_list(
        "report_id", "indicator__code", "value"
    ):
        old_values[rid][code] = value
    if accept_history and not _is_top_admin(user):
        raise BulkError(
            [
                ItemProblem(
                    -1, "", "", _("Chỉ quản trị viên cấp Bộ được nhập số liệu lịch sử đã duyệt.")
                )
            ]
        )

    problems, parsed, seen = [], [], set()
    for index, (item, code) in enumerate(zip(items, codes, strict=True)):
        unit = units.get(code)

        def problem(field, message, severity="error", index=index, code=code):
            problems.append(ItemProblem(index, code, field, message, severity))

        if unit is None:
            problem("unit", _("Không có đơn vị mã “%(code)s”.") % {"code": code})
            continue
        if code in seen:
            problem("unit", _("Đơn vị %(code)s xuất hiện hai lần.") % {"code": code})
            continue
        seen.add(code)
        if check_scope and not scope.can(user, scope.CHANGE, unit):
            problem(
                "unit", _("Đơn vị %(name)s nằm ngoài phạm vi của đồng chí.") % {"name": unit.name}
            )
            continue
        if not reports_on(form, unit, period):
            problem("unit", _("%(name)s không thuộc diện báo cáo kỳ này.") % {"name": unit.name})
            continue
        report = existing.get(unit.pk)
        if report and report.status not in (S.DRAFT, S.RETURNED):
            problem(
                "unit",
                _("Báo cáo của %(name)s đã gửi hoặc đã chấp nhận, không ghi đè được.")
                % {"name": unit.name},
            )
            continue
        values = {}
        for icode, raw in (item.get("values") or {}).items():
            ind = indicators.get(str(icode).strip().upper())
            if ind is None:
                problem(
                    str(icode), _("Mã chỉ tiêu “%(code)s” không có trong mẫu.") % {"code": icode}
                )
                continue
            try:
                values[ind.code] = parse_number(raw, ind)
            except NumberError as exc:
                problem(ind.code, str(exc))
        texts = {}
        for ncode, text in (item.get("texts") or {}).items():
            if ncode not in narratives:
                problem(
                    str(ncode),
                    _("Mã phần thuyết minh “%(code)s” không có trong mẫu.") % {"code": ncode},
                )
                continue
            text = nfc(str(text) if text is not None else "")
            if "\x00" in text:
                problem(
                    ncode,
                    _("Phần thuyết minh “%(code)s” chứa ký tự NUL (mã 0), không lưu được.")
                    % {"code": ncode},
                )
                continue
            texts[ncode] = text
        merged = {**(old_values.get(report.pk, {}) if report else {}), **values}
        for p in check(version, merged, texts, rules=rules):
            if p.is_error and not (accept_history or p.field in values or p.field in texts):
                continue  # a rule about figures this item does not touch is for the fill-in page
            if p.is_error and p.field in narratives and not accept_history:
                continue  # narratives may follow later; submission enforces them
            problem(p.field, p.message, p.severity)
        parsed.append((unit, report, values, texts))

    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise BulkError(errors)
    return _write(
        form,
        period,
        version,
        parsed,
        user,
        accept_history,
        is_demo,
        [p for p in problems if p.severity != "error"],
    )


@transaction.atomic
def _write(form, period, version, parsed, user, accept_history, is_demo, warnings):
    now = timezone.now()
    paths = history.paths_on(period.end)
    status = S.ACCEPTED if accept_history else S.DRAFT
    new_reports = []
    for unit, report, _values, _texts in parsed:
        if report is None:
            new_reports.append(
                Report(
                    form=form,
                    version=version,
                    unit=unit,
                    period_key=period.key,
                    period_start=period.start,
                    period_end=period.end,
                    path=paths[unit.pk],
                    deadline=deadline_for(form, unit.level, period),
                    status=status,
                    is_demo=is_demo,
                    submitted_at=now if accept_history else None,
                    first_submitted_at=now if accept_history else None,
                    decided_at=now if accept_history else None,
                )
            )
    Report.objects.bulk_create(new_reports, batch_size=2000)
    created = {
        r.unit_id: r
        for r in Report.objects.filter(
            form=form, period_key=period.key, unit_id__in=[r.unit_id for r in new_reports]
        )
    }
    ind_ids = dict(version.indicators.values_list("code", "id"))
    nar_ids = dict(version.narratives.values_list("code", "id"))
    touched = [(created.get(u.pk) or r, values, texts) for u, r, values, texts in parsed]
    # Only reports that existed before may hold values or texts to replace.
    earlier = [r for _u, r, _v, _t in parsed if r is not None]
    if earlier:
        ReportValue.objects.filter(
            report__in=earlier, indicator__code__in={c for _r, v, _t in touched for c in v}
        ).delete()
        ReportText.objects.filter(
            report__in=earlier, field__code__in={c for _r, _v, t in touched for c in t}
        ).delete()
    values_written = _insert_values(touched, ind_ids)
    insert_values(
        ReportText,
        [ReportText._meta.get_field(n) for n in ("report", "field", "text")],
        ((r.pk, nar_ids[c], t) for r, _v, texts in touched for c, t in texts.items()),
        prepare=False,
    )
    if accept_history:
        insert_rows(
            ReportEvent,
            [
                ReportEvent(
                    report=r,
                    actor=user,
                    from_status="",
                    to_status=S.ACCEPTED,
                    reason=_("Nhập số liệu lịch sử đã duyệt"),
                )
                for r in created.values()
            ],
        )
    # Only the new reports change the roll-up: an existing draft or returned report whose
    # figures were replaced keeps its status, and such reports count no figures.
    today = timezone.localtime(now).date()
    tally = Tally()
    for unit, report, values, _texts in parsed:
        if report is None:
            new = created[unit.pk]
            late = accept_history and today > new.deadline
            tally.add(new.path, status, unit.level.code, accept_history, late, values)
    _merge(form, period.key, tally)
    _audit_bulk(form, period, touched, created, accept_history)
    return BulkResult(len(created), len(touched) - len(created), values_written, warnings)


def _insert_values(touched, ind_ids):
    """Write the figures straight from the parsed items (no model instance per value)."""
    written = 0

    def rows():
        nonlocal written
        for report, values, _texts in touched:
            for code, value in values.items():
                if value is not None:
                    written += 1
                    yield (report.pk, ind_ids[code], value)

    fields = [ReportValue._meta.get_field(n) for n in ("report", "indicator", "value")]
    insert_values(ReportValue, fields, rows(), prepare=False)
    return written


def _audit_bulk(form, period, touched, created, accept_history):
    actor = audit_context.current()
    created_ids = {r.pk for r in created.values()}
    insert_rows(
        AuditEntry,
        [
            AuditEntry(
                actor=actor.user,
                actor_label=actor.label[:150],
                request_id=actor.request_id or "",
                action="import",
                model="reports.Report",
                object_id=str(r.pk),
                object_repr=f"{form.code} {period.key} — {r.unit_id}"[:255],
                unit_path=r.path,
                before=None,
                after={
                    "status": r.status,
                    "created": r.pk in created_ids,
                    "values": {
                        c: format(v.normalize(), "f") for c, v in values.items() if v is not None
                    },
                    "texts": texts,
                    "historical": accept_history,
                },
            )
            for r, values, texts in touched
        ],
    )


# ---------------------------------------------------------------- from-scratch roll-up


class Tally:
    """Roll-up contents built bottom-up, as `Rollup` rows hold them.

    Each report is counted once, at its own node (its unit on the period's tree); then
    `drain()` adds every node into its parent, deepest first, handing each node over as
    soon as its subtree is complete. That is one pass over the figures plus one merge
    per node, instead of one pass per ancestor of each report. Figures are Decimals
    while adding up; the stored strings are made once, when a node is handed over.

    Memory: a node keeps accepted figures and submitted-only ones apart ("counted" is
    their sum), so accepted data is not held twice, and a node handed over is dropped.
    """

    def __init__(self):
        # path → [statuses Counter, late, accepted {code: [Σ, n, min, max]}, submitted]
        self.nodes = {}

    def _node(self, path):
        node = self.nodes.get(path)
        if node is None:
            node = self.nodes[path] = [Counter(), 0, {}, {}]
        return node

    def add(self, path, status, level_code, sent, late, values):
        node = self._node(path)
        node[0][status] += 1
        if sent:
            node[0][f"sent:{level_code}"] += 1
            node[1] += bool(late)
        if status == S.ACCEPTED:
            _accumulate(node[2], values)
        elif status == S.SUBMITTED:
            _accumulate(node[3], values)

    def drain(self):
        """Yield (node code, statuses, late, accepted bucket, counted bucket) for every node,
        each over its whole subtree, deepest first; the tally is empty afterwards."""
        by_depth = defaultdict(list)
        for path in self.nodes:
            by_depth[path.count(PATH_SEP)].append(path)
        for depth in range(max(by_depth, default=0), 0, -1):
            for path in by_depth.pop(depth, ()):
                node = self.nodes.pop(path)
                if depth > 1:
                    parent_path = path[: path.rindex(PATH_SEP, 0, len(path) - 1) + 1]
                    if parent_path not in self.nodes:
                        by_depth[depth - 1].append(parent_path)
                    parent = self._node(parent_path)
                    parent[0].update(node[0])
                    parent[1] += node[1]
                    _merge_bucket(parent[2], node[2])
                    _merge_bucket(parent[3], node[3])
                statuses, late, accepted, submitted = node
                stored = _as_bucket(accepted)
                if submitted:
                    both = {code: list(entry) for code, entry in accepted.items()}
                    counted = _as_bucket(_merge_bucket(both, submitted))
                else:
                    counted = stored  # the same figures: one object, written twice
                yield (
                    rollup.path_codes(path)[-1],
                    {k: n for k, n in statuses.items() if n},
                    late,
                    stored,
                    counted,
                )


def recompute(form, period_key):
    """Every node's Rollup contents computed from the reports alone: {node_id: dict}."""
    reports = list(
        Report.objects.filter(form=form, period_key=period_key).values_list(
            "id", "path", "status", "first_submitted_at", "deadline", "unit__level__code"
        )
    )
    values = defaultdict(dict)
    for rid, code, value in (
        ReportValue.objects.filter(report__form=form, report__period_key=period_key)
        .values_list("report_id", "indicator__code", "value")
        .iterator(chunk_size=20000)
    ):
        values[rid][code] = value
    tally = Tally()
    for rid, path, status, first_sent, deadline, level in reports:
        late = first_sent is not None and timezone.localtime(first_sent).date() > deadline
        tally.add(path, status, level, first_sent is not None, late, values.pop(rid, {}))
    folded = {code: rest for code, *rest in tally.drain()}
    ids = dict(Unit.objects.filter(code__in=list(folded)).values_list("code", "id"))
    return {
        ids[code]: {"statuses": st, "late": late, "accepted": acc, "counted": cnt}
        for code, (st, late, acc, cnt) in folded.items()
    }


def _merge(form, period_key, tally, batch=2000):
    """Add a tally to the period's stored Rollup rows (creating the missing ones)."""
    nodes = tally.drain()
    while chunk := list(islice(nodes, batch)):
        ids = dict(Unit.objects.filter(code__in=[c[0] for c in chunk]).values_list("code", "id"))
        existing = Rollup.objects.filter(form=form, period_key=period_key, node_id__in=ids.values())
        if connection.features.has_select_for_update:
            existing = existing.select_for_update()
        rows = {r.node_id: r for r in existing}
        fresh = []
        for code, statuses, late, accepted, counted in chunk:
            row = rows.get(ids[code])
            if row is None:
                fresh.append(
                    Rollup(
                        node_id=ids[code],
                        form=form,
                        period_key=period_key,
                        statuses=statuses,
                        late=late,
                        accepted=accepted,
                        counted=counted,
                    )
                )
                continue
            row.statuses = dict(Counter(row.statuses) + Counter(statuses))
            row.late += late
            if accepted:
                row.accepted = _as_bucket(_merge_bucket(_parsed(row.accepted), _parsed(accepted)))
            if counted:
                row.counted = _as_bucket(_merge_bucket(_parsed(row.counted), _parsed(counted)))
        insert_rows(Rollup, fresh)
        Rollup.objects.bulk_update(
            list(rows.values()), ["statuses", "late", "accepted", "counted"], batch_size=500
        )


def _accumulate(acc, values):
    for code, value in values.items():
        if value is None:
            continue
        entry = acc.get(code)
        if entry is None:
            acc[code] = [value, 1, value, value]
        else:
            entry[0] += value
            entry[1] += 1
            if value < entry[2]:
                entry[2] = value
            if value > entry[3]:
                entry[3] = value


def _merge_bucket(acc, other):
    """Add bucket `other` into `acc` (both {code: [Σ, n, min, max]} of Decimals); → acc."""
    for code, (total, count, low, high) in other.items():
        entry = acc.get(code)
        if entry is None:
            acc[code] = [total, count, low, high]
            continue
        entry[0] += total
        entry[1] += count
        if low is not None and (entry[2] is None or low < entry[2]):
            entry[2] = low
        if high is not None and (entry[3] is None or high > entry[3]):
            entry[3] = high
    return acc


def _parsed(bucket):
    d = rollup._d
    return {code: [d(t), n, d(lo), d(hi)] for code, (t, n, lo, hi) in bucket.items()}


def _as_bucket(acc):
    s = rollup._s
    return {code: [s(total), n, s(low), s(high)] for code, (total, n, low, high) in acc.items()}


def _is_top_admin(user):
    root = Unit.objects.filter(depth=0).order_by("path").first()
    return root is not None and scope.can(user, scope.ADMINISTER, root)
