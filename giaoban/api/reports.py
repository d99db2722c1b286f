"""Periodic reports API (báo cáo định kỳ): bulk values, one report, workflow, roll-up, completeness.

Every unit is looked up through `Unit.objects.restrict(caller, VIEW)` first, so a unit
outside the caller's subtree is a 404 that reads like a missing one. Writing goes
through the same code the pages use: `bulk.import_values` (all or nothing, the caller's
CHANGE scope checked per item) and `workflow` (roles checked there).

Numbers go out as JSON numbers (integers when whole, else floats; at most four decimal
places are stored) and come in as numbers or as strings written the Vietnamese way
("1.234", "95,5"). Shapes are in `report_schemas`.
"""

import pydantic
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Query, Router
from ninja.errors import ValidationError

from giaoban.api import errors
from giaoban.api.errors import ApiError
from giaoban.api.report_schemas import (
    MAX_ITEMS,
    BulkErrorOut,
    BulkIn,
    BulkOut,
    CompletenessOut,
    MissingPage,
    PageQuery,
    PeriodKey,
    ReasonIn,
    ReportOut,
    RollupOut,
    RollupQuery,
)
from giaoban.api.schemas import ErrorOut, UnitCode, ValidationErrorOut
from giaoban.api.units import CODE_PARAM, get_visible_unit, unit_ref
from giaoban.core import periods, roles, scope
from giaoban.reports import bulk, computed, rollup, services, versioning, workflow
from giaoban.reports.models import Report, ReportForm
from giaoban.reports.workflow import WorkflowError
from giaoban.units.models import Unit

router = Router(tags=["Báo cáo định kỳ"])

S = Report.Status

errors.LABELS.update(
    {
        "form": gettext_lazy("Mã mẫu báo cáo (form)"),
        "period": gettext_lazy("Kỳ báo cáo (period)"),
        "mode": gettext_lazy("Cách tính (mode)"),
        "payload": gettext_lazy("Nội dung gửi lên"),
        "payload.items": gettext_lazy("Danh sách mục (items)"),
        "payload.dry_run": gettext_lazy("Chạy thử (dry_run)"),
        "payload.accept_history": gettext_lazy("Số liệu lịch sử đã duyệt (accept_history)"),
        "payload.reason": gettext_lazy("Lý do (reason)"),
    }
)

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}

FORM_PARAM = Path(
    ...,
    description="Mã mẫu báo cáo, ví dụ CTD-CTCT-6T.",
    max_length=30,
    examples=["CTD-CTCT-6T"],
)
PERIOD_PARAM = Path(
    ...,
    description=(
        "Kỳ báo cáo: 2026-M06 (tháng), 2026-Q2 (quý), 2026-H1 / 2026-H2 (6 tháng), "
        "2026-9M (9 tháng), 2026-Y (năm) — đúng loại kỳ của mẫu."
    ),
    examples=["2026-H1"],
)


# ------------------------------------------------------------------ helpers


def number(value):
    """A Decimal as a JSON number: an int when whole, else a float."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _form_ref(form):
    return {
        "code": form.code,
        "name": form.name,
        "period_type": form.period_type,
        "cutoff_day": form.cutoff_day,
    }


def _period_out(period):
    return {"key": period.key, "label": period.label, "start": period.start, "end": period.end}


def get_form(code):
    forms = ReportForm.objects.prefetch_related("levels", "deadlines")
    # No form's code holds a NUL, and PostgreSQL refuses one in any query: no such form.
    form = None if "\x00" in code else forms.filter(code=code).first()
    if form is None:
        raise ApiError(404, _("Không có mẫu báo cáo “%(code)s”.") % {"code": code})
    return form


EXAMPLE_KEYS = {
    periods.MONTHLY: "2026-M06",
    periods.QUARTERLY: "2026-Q2",
    periods.HALF_YEAR: "2026-H1, 2026-H2",
    periods.NINE_MONTHS: "2026-9M",
    periods.ANNUAL: "2026-Y",
}


# Years the period arithmetic (previous, same period last year) can always work with.
YEARS = (periods.FIRST_YEAR, periods.LAST_YEAR)  # as the pages: see periods.parse


def get_period(form, key):
    well_formed = bool(periods.KEY_RE.match(key))
    if well_formed and not YEARS[0] <= int(key[:4]) <= YEARS[1]:
        raise errors.field_error(
            "period",
            _("năm của kỳ báo cáo phải từ %(first)s đến %(last)s.")
            % {"first": YEARS[0], "last": YEARS[1]},
            location="path",
        )
    try:
        return form.period(key)
    except periods.PeriodError:
        raise errors.field_error(
            "period",
            (
                _("“%(key)s” không đúng loại kỳ của mẫu %(form)s (%(type)s): dùng %(example)s.")
                if well_formed
                else _("“%(key)s” không hợp lệ; mẫu %(form)s báo cáo %(type)s: dùng %(example)s.")
            )
            % {
                "key": key,
                "form": form.code,
                "type": form.get_period_type_display().lower(),
                "example": EXAMPLE_KEYS[form.period_type],
            },
            location="path",
        ) from None


def _lookup(request, form_code, period_key, code):
    form = get_form(form_code)
    period = get_period(form, period_key)
    unit = get_visible_unit(request, code)
    return form, period, unit


def _page(rows, query):
    return {
        "total": len(rows),
        "limit": query.limit,
        "offset": query.offset,
        "items": rows[query.offset : query.offset + query.limit],
    }


# ------------------------------------------------------------------ bulk values
# Registered before /reports/{form}/{period}/{code}, so that …/values is this route.


class _Rollback(Exception):
    """Undo a dry run (or a run with refused items) after import_values has done its work."""

    def __init__(self, result):
        super().__init__("rollback")
        self.result = result


def _item_error(index, unit, field, message):
    if index is None:
        where = _("Yêu cầu")
    else:
        where = _("Mục items[%(index)s] (đơn vị %(unit)s)") % {"index": index, "unit": unit or "?"}
    return {
        "field": field or "unit",
        "location": "body",
        "message": f"{where}: {message}",
        "index": index,
        "unit": unit or None,
    }


def _screen(items, user):
    """Items the caller may not even see are refused here, in the words used for a code that
    does not exist — a unit outside the subtree is never named. Returns (problems, items
    for import_values, their positions in the request)."""
    codes = [item.unit.strip().upper() if isinstance(item.unit, str) else None for item in items]
    visible = set(
        Unit.objects.restrict(user, scope.VIEW)
        .filter(code__in={c for c in codes if c and "\x00" not in c})  # NUL: no such unit
        .values_list("code", flat=True)
    )
    problems, passed, positions = [], [], []
    for index, (item, code) in enumerate(zip(items, codes, strict=True)):
        if not code:
            problems.append(
                _item_error(index, "", "unit", _("thiếu mã đơn vị (unit), một chuỗi như X05500."))
            )
            continue
        if code not in visible:
            problems.append(
                _item_error(
                    index,
                    code,
                    "unit",
                    _("không có đơn vị mã “%(code)s” trong phạm vi của đồng chí.") % {"code": code},
                )
            )
            continue
        texts = {}
        for key, text in item.texts.items():
            if text is None or isinstance(text, str):
                texts[key] = text
            else:
                problems.append(
                    _item_error(
                        index,
                        code,
                        key,
                        _("phần thuyết minh “%(code)s” phải là một chuỗi ký tự.") % {"code": key},
                    )
                )
        reasons = {k: r for k, r in item.reasons.items() if r is None or isinstance(r, str)}
        for key in item.reasons.keys() - reasons.keys():
            message = _("lý do sửa số liệu tự tính “%(code)s” phải là một chuỗi ký tự.")
            problems.append(_item_error(index, code, key, message % {"code": key}))
        passed.append({"unit": code, "values": item.values, "texts": texts, "reasons": reasons})
        positions.append(index)
    return problems, passed, positions


def _from_bulk(problem, positions):
    index = positions[problem.index] if 0 <= problem.index < len(positions) else None
    return _item_error(index, problem.unit, problem.field, problem.message)


@router.post(
    "/reports/{form}/{period}/values",
    response={
        200: BulkOut,
        400: ErrorOut,  # a body that is not JSON
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: BulkErrorOut,
    },
    url_name="report_values",
    operation_id="importReportValues",
    summary="Gửi số liệu của nhiều đơn vị trong một yêu cầu (tất cả hoặc không gì cả)",
)
def report_values(
    request, payload: BulkIn, form: str = FORM_PARAM, period: PeriodKey = PERIOD_PARAM
):
    """Số liệu và thuyết minh của nhiều đơn vị cho một mẫu và một kỳ, giống dataValueSets
    của DHIS2: `{"items": [{"unit": "X05500", "values": {"GD01": 4}, "texts": {"KQ": "…"}}]}`.

    - Báo cáo chưa có được lập ở trạng thái đang soạn; báo cáo đang soạn hoặc bị trả lại
      được cập nhật những ô gửi lên (null xóa ô).
    - **Tất cả hoặc không gì cả**: một lỗi ở bất kỳ mục nào → 422, không ghi gì; `detail`
      liệt kê mọi lỗi với `index` (vị trí mục), `unit` và `field` (mã chỉ tiêu). Lỗi gồm cả
      đơn vị ngoài phạm vi nhập liệu của đồng chí và báo cáo đã gửi/đã chấp nhận (không ghi
      đè được: cấp trên trả lại hoặc mở lại trước).
    - Chỉ tiêu tính tự động từ hồ sơ (nhật ký hoạt động, sổ văn bản, nhiệm vụ): số gửi lên
      bằng số tính từ hồ sơ, hoặc null, thì theo hồ sơ; số khác là **sửa số liệu** và phải
      kèm lý do trong `reasons` (mã chỉ tiêu → lý do), nếu không là lỗi 422. Số liệu lịch sử
      (`accept_history`) được ghi nguyên như gửi.
    - Cảnh báo theo quy tắc của mẫu không chặn việc ghi; chúng có trong `warnings`.
    - `dry_run: true`: kiểm tra đầy đủ và trả về kết quả như thật, nhưng không ghi gì.
    - Tối đa 5.000 mục và 10 MB mỗi yêu cầu.
    """
    user = request.auth
    form_obj = get_form(form)
    period_obj = get_period(form_obj, period)
    if len(payload.items) > MAX_ITEMS:
        raise errors.field_error(
            "payload.items",
            _("tối đa %(max)s mục mỗi yêu cầu (đã gửi %(n)s); chia thành nhiều yêu cầu.")
            % {"max": "5.000", "n": f"{len(payload.items):,}".replace(",", ".")},
            location="body",
        )
    if not form_obj.is_active:
        raise ApiError(409, _("Mẫu báo cáo này đã ngừng sử dụng, không nhận số liệu mới."))
    if payload.accept_history and not roles.is_top_admin(user):
        raise ApiError(403, _("Chỉ quản trị viên cấp Bộ được nhập số liệu lịch sử đã duyệt."))
    if not payload.accept_history and period_obj.start > timezone.localdate():
        raise errors.field_error(
            "period",
            _("kỳ %(period)s chưa bắt đầu (từ ngày %(start)s), chưa nhập số liệu được.")
            % {"period": period_obj.label, "start": period_obj.start.strftime("%d/%m/%Y")},
            location="path",
        )
    refused, passed, positions = _screen(payload.items, user)
    try:
        with transaction.atomic():  # import_values locks the existing reports it reads
            result = bulk.import_values(
                form_obj,
                period_obj.key,
                passed,
                user,
                accept_history=payload.accept_history,
                check_scope=True,
            )
            if refused or payload.dry_run:
                raise _Rollback(result)
    except bulk.BulkError as exc:
        found = refused + [_from_bulk(p, positions) for p in exc.problems]
        raise ValidationError(sorted(found, key=_error_order)) from None
    except _Rollback as undone:
        result = undone.result
        if refused:
            raise ValidationError(refused) from None
    except IntegrityError:
        raise ApiError(
            409, _("Một yêu cầu khác vừa ghi cùng báo cáo; chưa ghi gì, hãy gửi lại yêu cầu.")
        ) from None
    return {
        "dry_run": payload.dry_run,
        "items": len(payload.items),
        "reports_created": result.reports_created,
        "reports_updated": result.reports_updated,
        "values_written": result.values_written,
        "warnings": [_from_bulk(p, positions) for p in result.warnings],
    }


def _error_order(error):
    return (error["index"] if error["index"] is not None else -1, error["field"])


# ------------------------------------------------------------------ one report


def _report_out(report):
    report = (
        Report.objects.select_related("form", "version", "unit")
        .prefetch_related("events__actor")
        .get(pk=report.pk)
    )
    values, texts = workflow.current_entries(report)
    problems = workflow.validate(report)
    states = computed.report_states(report)
    return {
        "form": _form_ref(report.form),
        "period": _period_out(report.period),
        "unit": unit_ref(report.unit),
        "path": report.path,
        "version": report.version.number,
        "status": report.status,
        "status_name": str(report.get_status_display()),
        "deadline": report.deadline,
        "late": report.is_late,
        "submitted_at": report.submitted_at,
        "first_submitted_at": report.first_submitted_at,
        "decided_at": report.decided_at,
        "updated_at": report.updated_at,
        "is_demo": report.is_demo,
        "values": {code: number(v) for code, v in sorted(values.items()) if v is not None},
        "computed": {code: _computed_out(state) for code, state in sorted(states.items())},
        "texts": texts,
        "problems": [
            {"field": p.field, "message": p.message, "severity": p.severity} for p in problems
        ],
        "events": [
            {
                "at": e.at,
                "actor": str(e.actor) if e.actor_id else None,
                "from_status": e.from_status or None,
                "to_status": e.to_status,
                "reason": e.reason,
            }
            for e in report.events.all()
        ],
    }


def _computed_out(state):
    out = state.as_dict()
    for key in ("records_value", "submitted_records_value"):
        out[key] = number(out[key])
    return out


def _get_report(request, form_code, period_key, code):
    form, period, unit = _lookup(request, form_code, period_key, code)
    report = (
        Report.objects.restrict(request.auth, scope.VIEW)
        .filter(form=form, unit=unit, period_key=period.key)
        .first()
    )
    if report is None:
        raise ApiError(
            404,
            _("%(unit)s chưa lập báo cáo %(form)s kỳ %(period)s.")
            % {"unit": unit.name, "form": form.code, "period": period.label},
        )
    return report


@router.get(
    "/reports/{form}/{period}/{code}",
    response={200: ReportOut, **READ_ERRORS},
    url_name="report_detail",
    operation_id="getReport",
    summary="Một báo cáo: trạng thái, số liệu, thuyết minh, lịch sử",
)
def report_detail(
    request, form: str = FORM_PARAM, period: PeriodKey = PERIOD_PARAM, code: UnitCode = CODE_PARAM
):
    """Báo cáo của một đơn vị trong phạm vi của đồng chí cho một mẫu và một kỳ.

    Chưa lập báo cáo → 404 với thông báo rõ ràng.
    """
    return _report_out(_get_report(request, form, period, code))


ACTION_ERRORS = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}


def _problems_error(exc):
    return ValidationError(
        [
            {"field": p.field or "report", "location": "body", "message": p.message}
            for p in exc.problems
        ]
        or [{"field": "report", "location": "body", "message": exc.message}]
    )


# The reason is read by the endpoint itself, after the report is found: a report outside
# the caller's subtree is a 404 whatever the body holds (ninja would read the body first).
REASON_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ReasonIn.model_json_schema()}},
    }
}


def _reason(request):
    try:
        return ReasonIn.model_validate_json(request.body or b"{}").reason
    except pydantic.ValidationError as exc:
        raise ValidationError(
            [
                {**e, "loc": ("body", "payload", *e["loc"])}
                for e in exc.errors(include_url=False, include_context=True)
            ]
        ) from None


def _act(request, form, period, code, action, with_reason=False):
    report = _get_report(request, form, period, code)
    reason = _reason(request) if with_reason else ""
    user = request.auth
    try:
        if action == "submit":
            workflow.submit(report, user)
        elif action == "accept":
            workflow.accept(report, user)
        elif action == "return":
            workflow.return_report(report, user, reason)
        else:
            workflow.reopen(report, user, reason)
    except WorkflowError as exc:
        if exc.forbidden:
            raise ApiError(403, exc.message) from None
        if exc.problems:
            raise _problems_error(exc) from None
        needs = {"return": S.SUBMITTED, "reopen": S.ACCEPTED}.get(action)
        if needs and report.status == needs and not (reason or "").strip():
            raise errors.field_error(
                "payload.reason", _("cần ghi rõ lý do."), location="body"
            ) from None
        raise ApiError(409, exc.message) from None
    return _report_out(report)


@router.post(
    "/reports/{form}/{period}/{code}/submit",
    response={200: ReportOut, **ACTION_ERRORS},
    url_name="report_submit",
    operation_id="submitReport",
    summary="Ký gửi báo cáo lên cấp trên",
)
def report_submit(
    request, form: str = FORM_PARAM, period: PeriodKey = PERIOD_PARAM, code: UnitCode = CODE_PARAM
):
    """Lãnh đạo của đơn vị ký gửi báo cáo đang soạn hoặc bị trả lại.

    Không phải lãnh đạo đơn vị → 403; trạng thái không cho gửi → 409; báo cáo còn lỗi
    theo quy tắc của mẫu → 422 với từng lỗi (field là mã chỉ tiêu).
    """
    return _act(request, form, period, code, "submit")


@router.post(
    "/reports/{form}/{period}/{code}/accept",
    response={200: ReportOut, **ACTION_ERRORS},
    url_name="report_accept",
    operation_id="acceptReport",
    summary="Chấp nhận báo cáo của đơn vị cấp dưới",
)
def report_accept(
    request, form: str = FORM_PARAM, period: PeriodKey = PERIOD_PARAM, code: UnitCode = CODE_PARAM
):
    """Lãnh đạo đơn vị cấp trên chấp nhận báo cáo đã gửi; số liệu vào tổng hợp ngay."""
    return _act(request, form, period, code, "accept")


@router.post(
    "/reports/{form}/{period}/{code}/return",
    response={200: ReportOut, **ACTION_ERRORS},
    url_name="report_return",
    operation_id="returnReport",
    summary="Trả lại báo cáo kèm lý do",
    openapi_extra=REASON_BODY,
)
def report_return(
    request, form: str = FORM_PARAM, period: PeriodKey = PERIOD_PARAM, code: UnitCode = CODE_PARAM
):
    """Lãnh đạo đơn vị cấp trên trả lại báo cáo đã gửi; lý do là bắt buộc."""
    return _act(request, form, period, code, "return", with_reason=True)


@router.post(
    "/reports/{form}/{period}/{code}/reopen",
    response={200: ReportOut, **ACTION_ERRORS},
    url_name="report_reopen",
    operation_id="reopenReport",
    summary="Mở lại báo cáo đã chấp nhận kèm lý do",
    openapi_extra=REASON_BODY,
)
def report_reopen(
    request, form: str = FORM_PARAM, period: PeriodKey = PERIOD_PARAM, code: UnitCode = CODE_PARAM
):
    """Lãnh đạo đơn vị cấp trên mở khóa số liệu đã chấp nhận; báo cáo về trạng thái bị
    trả lại và số liệu ra khỏi tổng hợp cho đến khi được chấp nhận lại."""
    return _act(request, form, period, code, "reopen", with_reason=True)


# ------------------------------------------------------------------ roll-up


def _pct(value):
    return float(value) if value is not None else None


@router.get(
    "/rollups/{form}/{period}/{code}",
    response={200: RollupOut, **READ_ERRORS},
    url_name="rollup_detail",
    operation_id="getRollup",
    summary="Số liệu tổng hợp của một đơn vị: mọi chỉ tiêu, so sánh, từng đơn vị trực thuộc",
)
def rollup_detail(
    request,
    query: Query[RollupQuery],
    form: str = FORM_PARAM,
    period: PeriodKey = PERIOD_PARAM,
    code: UnitCode = CODE_PARAM,
):
    """Mỗi chỉ tiêu cộng (hoặc trung bình, nhỏ nhất, lớn nhất) trên toàn bộ cây đơn vị dưới
    đơn vị này, tính ngay khi báo cáo được chấp nhận; so với kỳ trước và cùng kỳ năm trước
    (qua quan hệ kế thừa khi cây đơn vị đã thay đổi); số đơn vị được tính trên số phải báo
    cáo. Kỳ đã qua tổng hợp theo cây đơn vị vào ngày cuối kỳ.

    `children` là các đơn vị trực thuộc vào ngày cuối kỳ, phân trang bằng limit/offset.
    """
    form_obj, period_obj, unit = _lookup(request, form, period, code)
    mode = query.mode or rollup.mode_for(form_obj)
    if mode not in (rollup.ACCEPTED, rollup.COUNTED):
        raise errors.field_error(
            "mode",
            _(
                "“%(mode)s” không hợp lệ: dùng accepted (chỉ báo cáo đã chấp nhận) hoặc "
                "counted (cả báo cáo đã gửi, chờ duyệt)."
            )
            % {"mode": query.mode},
        )
    version = versioning.version_for_period(form_obj, period_obj.key)
    view = services.rollup_view(unit, form_obj, period_obj, mode, version=version)
    sections = dict(version.sections.values_list("pk", "title")) if version else {}
    indicators = []
    for ind in view.indicators:
        comparison = view.comparisons[ind.code]
        indicators.append(
            {
                "code": ind.code,
                "name": ind.name,
                "section": sections.get(ind.section_id, ""),
                "unit_of_measure": ind.unit_of_measure,
                "value_type": ind.value_type,
                "aggregation": ind.aggregation,
                "value": number(comparison.value),
                "previous": number(comparison.previous),
                "last_year": number(comparison.last_year),
                "compared_value": number(comparison.base_value),
                "compared_previous": number(comparison.shown_previous),
                "compared_last_year": number(comparison.shown_last_year),
                "vs_previous_pct": _pct(comparison.vs_previous),
                "vs_last_year_pct": _pct(comparison.vs_last_year),
            }
        )
    page = _page(view.children, query)
    page["items"] = [
        {
            "unit": unit_ref(row.unit),
            "level": row.unit.level.code,
            "in_scope": scope.can(request.auth, scope.VIEW, row.unit),
            "covered": row.covered,
            "expected": row.expected,
            "statuses": {s: row.statuses.get(s, 0) for s in S.values},
            "values": {code: number(v) for code, v in row.values.items()},
        }
        for row in page["items"]
    ]
    return {
        "form": _form_ref(form_obj),
        "period": _period_out(period_obj),
        "previous_period": _period_out(periods.previous(period_obj)),
        "last_year_period": _period_out(periods.same_period_last_year(period_obj)),
        "unit": unit_ref(unit),
        "mode": mode,
        "default_mode": rollup.mode_for(form_obj),
        "existed": view.node_path is not None,
        "path": view.node_path,
        "covered": view.covered,
        "expected": view.expected,
        "comparison_basis": {
            "kind": view.basis.kind,
            "units": view.basis.units,
            "last_year_kind": view.last_year_basis.kind,
            "notes": services.basis_notes(view),
        },
        "indicators": indicators,
        "children": page,
    }


# ------------------------------------------------------------------ completeness


def _completeness_row(request, c, child=True):
    done = c.submitted + c.accepted
    return {
        "unit": unit_ref(c.unit),
        "level": c.unit.level.code,
        "in_scope": scope.can(request.auth, scope.VIEW, c.unit) if child else True,
        "expected": c.expected,
        "drafted": c.drafted,
        "submitted": c.submitted,
        "accepted": c.accepted,
        "returned": c.returned,
        "missing": c.missing,
        "late": c.late,
        "rate_pct": round(done * 100 / c.expected, 1) if c.expected else None,
    }


def _existed_or_404(unit, period):
    """Completeness is counted on the tree at the period's end: the unit must be in it."""
    if services.node_path(unit, period) is None:
        raise ApiError(
            404,
            _("%(unit)s không hoạt động vào ngày cuối kỳ %(period)s (%(end)s).")
            % {"unit": unit.name, "period": period.label, "end": period.end.strftime("%d/%m/%Y")},
        )


@router.get(
    "/completeness/{form}/{period}/{code}",
    response={200: CompletenessOut, **READ_ERRORS},
    url_name="completeness_detail",
    operation_id="getCompleteness",
    summary="Tiến độ gửi báo cáo: chung và từng đơn vị trực thuộc",
)
def completeness_detail(
    request,
    query: Query[PageQuery],
    form: str = FORM_PARAM,
    period: PeriodKey = PERIOD_PARAM,
    code: UnitCode = CODE_PARAM,
):
    """Số đơn vị phải báo cáo, đang soạn, đã gửi, đã chấp nhận, bị trả lại, chưa gửi và gửi
    trễ hạn — của cả cây dưới đơn vị và của từng đơn vị trực thuộc (phân trang bằng
    limit/offset). Danh sách đơn vị chưa gửi ở `/api/completeness/{form}/{period}/{code}/missing`.
    """
    form_obj, period_obj, unit = _lookup(request, form, period, code)
    _existed_or_404(unit, period_obj)
    overall, per_child = services.completeness(unit, form_obj, period_obj)
    page = _page(per_child, query)
    page["items"] = [_completeness_row(request, c) for c in page["items"]]
    return {
        "form": _form_ref(form_obj),
        "period": _period_out(period_obj),
        "unit": unit_ref(unit),
        "overall": _completeness_row(request, overall, child=False),
        "children": page,
        "missing_total": services.missing_units(unit, form_obj, period_obj).count(),
    }


@router.get(
    "/completeness/{form}/{period}/{code}/missing",
    response={200: MissingPage, **READ_ERRORS},
    url_name="completeness_missing",
    operation_id="listMissingReports",
    summary="Các đơn vị chưa gửi báo cáo (phân trang)",
)
def completeness_missing(
    request,
    query: Query[PageQuery],
    form: str = FORM_PARAM,
    period: PeriodKey = PERIOD_PARAM,
    code: UnitCode = CODE_PARAM,
):
    """Đơn vị phải báo cáo trong cây dưới đơn vị này mà chưa gửi (chưa lập, đang soạn hoặc bị
    trả lại), theo thứ tự cây, với hạn gửi của từng đơn vị."""
    form_obj, period_obj, unit = _lookup(request, form, period, code)
    _existed_or_404(unit, period_obj)
    units = services.missing_units(unit, form_obj, period_obj)
    rows = list(units[query.offset : query.offset + query.limit])
    statuses = dict(
        Report.objects.filter(
            form=form_obj, period_key=period_obj.key, unit__in=[u.pk for u in rows]
        ).values_list("unit_id", "status")
    )
    today = timezone.localdate()
    items = []
    for row in rows:
        deadline = workflow.deadline_for(form_obj, row.level, period_obj)
        items.append(
            {
                "unit": unit_ref(row),
                "level": row.level.code,
                "in_scope": scope.can(request.auth, scope.VIEW, row),
                "status": statuses.get(row.pk),
                "deadline": deadline,
                "overdue": today > deadline,
            }
        )
    return {"total": units.count(), "limit": query.limit, "offset": query.offset, "items": items}
