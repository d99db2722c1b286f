"""Conferences API: the conferences (read), the follow-up tasks (list, read, report progress,
mark done, accept, send back) and the consolidated reports (the compiled structure, the
.docx).

The same rules as the pages, through the same functions: conferences through
`Conference.objects.restrict` (the host's subtree, the participants and their ancestors),
and what a conference names of other units — participants, papers, tasks — through their
own restricted querysets, so that a province reads its own row of the ministry's conference,
never a sibling's; tasks through `Task.objects.restrict` and the pages' queries
(`views.tasks_query`); every write through `conferences.tasks`, which checks the role and
writes all or nothing: a refusal for the role is a 403, for the task's state a 409, for a
field a 422 naming it. Out of scope: 404, as if missing.
"""

import pydantic
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Query, Router, Status
from ninja.errors import ValidationError

from giaoban.api import errors
from giaoban.api.conference_schemas import (
    ConferenceDetail,
    ConferenceFilters,
    ConferencePage,
    ConsolidationFilters,
    ConsolidationOut,
    ConsolidationPage,
    ProgressIn,
    ReturnIn,
    TaskDetail,
    TaskFilters,
    TaskPage,
)
from giaoban.api.errors import ApiError
from giaoban.api.schemas import ErrorOut, ValidationErrorOut
from giaoban.api.units import get_visible_unit, unit_ref
from giaoban.conferences import compile as compiled
from giaoban.conferences import consolidation as consolidations
from giaoban.conferences import tasks
from giaoban.conferences.models import (
    Conference,
    Consolidation,
    Paper,
    Participant,
    Task,
)
from giaoban.conferences.views import tasks_query as query
from giaoban.conferences.views.tasks import home_unit
from giaoban.conferences.views.tasks_page import history
from giaoban.core import due
from giaoban.core.scope import VIEW
from giaoban.documents import public as documents
from giaoban.exports.docx import DOCX_TYPE
from giaoban.units.models import Unit

router = Router(tags=["Hội nghị giao ban"])

errors.LABELS.update(
    {
        "tab": gettext_lazy("Danh sách (tab)"),
        "owner": gettext_lazy("Đơn vị thực hiện (owner)"),
        "only": gettext_lazy("Không gồm đơn vị cấp dưới (only)"),
        "standing": gettext_lazy("Tình hình thực hiện (standing)"),
        "conference": gettext_lazy("Hội nghị (conference)"),
        "payload.text": gettext_lazy("Nội dung (text)"),
        "payload.evidence_kind": gettext_lazy("Loại minh chứng (evidence_kind)"),
        "payload.evidence_id": gettext_lazy("Mã số minh chứng (evidence_id)"),
        "payload.reason": gettext_lazy("Lý do (reason)"),
    }
)

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}
CONFERENCE_PK = Path(..., ge=1, le=2_147_483_647, description="Mã số (id) của hội nghị.")
TASK_PK = Path(..., ge=1, le=2_147_483_647, description="Mã số (id) của nhiệm vụ.")
CONSOLIDATION_PK = Path(..., ge=1, le=2_147_483_647, description="Mã số (id) của báo cáo tổng hợp.")
T = Task.Status


def _period(form, key):
    try:
        label = str(form.period(key).label)
    except ValueError:
        label = key
    return {"key": key, "label": label}


# ------------------------------------------------------------------ conferences


def get_conference(request, pk):
    found = (
        Conference.objects.restrict(request.auth, VIEW)
        .select_related("unit", "form", "notice")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise ApiError(
            404, _("Không tìm thấy hội nghị mã số %(pk)s trong phạm vi của đồng chí.") % {"pk": pk}
        )
    return found


def conference_row(c):
    return {
        "id": c.pk,
        "title": c.title,
        "unit": unit_ref(c.unit),
        "body": c.body,
        "period": _period(c.form, c.period_key),
        "date": c.date,
        "start_time": c.start_time,
        "end_time": c.end_time,
        "place": c.place,
        "online_link": c.online_link,
        "status": c.status,
        "status_name": str(Conference.Status(c.status).label),
        "is_demo": c.is_demo,
    }


@router.get(
    "/conferences",
    response={200: ConferencePage, **READ_ERRORS},
    url_name="conference_list",
    operation_id="listConferences",
    summary="Danh sách hội nghị giao ban",
)
def list_conferences(request, filters: Query[ConferenceFilters]):
    """Hội nghị của các đơn vị trong phạm vi của đồng chí và hội nghị đơn vị của đồng chí
    được mời dự, mới nhất trước; lọc theo đơn vị chủ trì, kỳ, trạng thái."""
    rows = Conference.objects.restrict(request.auth, VIEW).select_related("unit", "form")
    if filters.unit:
        rows = rows.filter(unit=get_visible_unit(request, filters.unit))
    if filters.period:
        rows = rows.filter(period_key=filters.period.strip().upper())
    if filters.status:
        rows = rows.filter(status=filters.status)
    rows = rows.order_by("-date", "-pk")
    page = rows[filters.offset : filters.offset + filters.limit]
    return {
        "total": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [conference_row(c) for c in page],
    }


def _agenda(user, conference):
    items = list(conference.agenda.select_related("presenter").prefetch_related("documents"))
    presenters = {i.presenter_id for i in items if i.presenter_id}
    seen_units = set(
        Unit.objects.restrict(user, VIEW).filter(pk__in=presenters).values_list("pk", flat=True)
    )
    linked = {d.pk for i in items for d in i.documents.all()}
    seen_docs = documents.visible(user, linked)
    return [
        {
            "order": i.order,
            "title": i.title,
            "presenter": unit_ref(i.presenter) if i.presenter_id in seen_units else None,
            "duration": i.duration,
            "documents": [
                {"id": d.pk if d.pk in seen_docs else None, "label": documents.label(d)}
                for d in i.documents.all()
            ],
        }
        for i in items
    ]


def _task_ref(t, today):
    s = tasks.standing(t, today)
    return {
        "id": t.pk,
        "unit": unit_ref(t.unit),
        "deadline": t.deadline,
        "status": t.status,
        "status_name": str(T(t.status).label),
        "standing": s,
        "standing_name": str(due.STANDING_LABELS[s]),
    }


def _conclusions(user, conference, today):
    visible = (
        Task.objects.restrict(user, VIEW)
        .filter(conclusion__conference=conference)
        .select_related("unit")
        .order_by("path")
    )
    by_conclusion = {}
    for t in visible:
        by_conclusion.setdefault(t.conclusion_id, []).append(_task_ref(t, today))
    return [
        {"number": c.number, "text": c.text, "tasks": by_conclusion.get(c.pk, [])}
        for c in conference.conclusions.order_by("number")
    ]


def conference_detail(user, conference):
    today = timezone.localdate()
    participants = (
        Participant.objects.restrict(user, VIEW)
        .filter(conference=conference)
        .select_related("unit")
        .order_by("path")
    )
    papers = (
        Paper.objects.restrict(user, VIEW)
        .filter(conference=conference)
        .select_related("unit")
        .order_by("path", "pk")
    )
    notice = conference.notice
    seen_notice = notice is not None and bool(documents.visible(user, [notice.pk]))
    visible_report = (
        Consolidation.objects.restrict(user, VIEW).filter(pk=conference.consolidation_id).exists()
    )
    return {
        **conference_row(conference),
        "participant_rule": conference.participant_rule,
        "participant_rule_name": conference.get_participant_rule_display(),
        "papers_due": conference.papers_due,
        "minutes": conference.minutes,
        "notice": {"id": notice.pk if seen_notice else None, "label": documents.label(notice)}
        if notice is not None
        else None,
        "consolidation": conference.consolidation_id if visible_report else None,
        "participants": [
            {
                "unit": unit_ref(p.unit),
                "attendance": p.attendance,
                "attendance_name": str(Participant.Attendance(p.attendance).label),
                "absence_reason": p.absence_reason,
                "delegates": p.delegates,
                "paper_invited": p.paper_invited,
            }
            for p in participants
        ],
        "agenda": _agenda(user, conference),
        "papers": [
            {
                "id": p.pk,
                "unit": unit_ref(p.unit),
                "title": p.title,
                "name": p.name,
                "size": p.size,
                "uploaded_at": p.uploaded_at,
            }
            for p in papers
        ],
        "conclusions": _conclusions(user, conference, today),
        "closed_at": conference.closed_at,
    }


@router.get(
    "/conferences/{pk}",
    response={200: ConferenceDetail, **READ_ERRORS},
    url_name="conference_detail",
    operation_id="getConference",
    summary="Một hội nghị: đơn vị dự và điểm danh, chương trình, tham luận, kết luận, nhiệm vụ",
)
def get_conference_detail(request, pk: int = CONFERENCE_PK):
    """Thông tin hội nghị, đơn vị dự với điểm danh (có mặt; vắng kèm lý do; số đại biểu —
    chỉ số đếm), chương trình, tham luận đã gửi, biên bản, các kết luận và nhiệm vụ giao theo
    từng kết luận. Đơn vị dự, tham luận và nhiệm vụ chỉ gồm những gì trong phạm vi của đồng
    chí: một tỉnh đọc hội nghị của Bộ thấy dòng của chính mình, không thấy tỉnh khác."""
    return conference_detail(request.auth, get_conference(request, pk))


# ------------------------------------------------------------------ tasks


def get_task(request, pk):
    found = (
        Task.objects.restrict(request.auth, VIEW)
        .select_related("unit", "assigner", "conclusion", "conclusion__conference")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise ApiError(
            404, _("Không tìm thấy nhiệm vụ mã số %(pk)s trong phạm vi của đồng chí.") % {"pk": pk}
        )
    return found


def task_row(t, today):
    conclusion, conference = t.conclusion, t.conclusion.conference
    return {
        **_task_ref(t, today),
        "title": t.title,
        "conclusion": {"id": conclusion.pk, "number": conclusion.number, "text": conclusion.text},
        "conference": {"id": conference.pk, "title": conference.title, "date": conference.date},
        "assigner": unit_ref(t.assigner),
        "timing": tasks.timing(t, today).label,
        "done_on": t.done_on,
        "is_demo": t.is_demo,
    }


def _progress_out(p):
    evidence = None
    if p.evidence is not None:
        record = tasks.evidence_of(p)
        evidence = {
            "kind": record[0],
            "kind_name": str(p.evidence["kind"]),
            "id": record[1].pk if p.evidence["url"] else None,
            "label": p.evidence["label"],
        }
    return {
        "id": p.pk,
        "text": p.text,
        "created_at": p.created_at,
        "created_by": p.created_by.full_name or "",
        "evidence": evidence,
        "files": [
            {
                "id": f.pk,
                "name": f.name,
                "content_type": f.content_type,
                "size": f.size,
                "uploaded_at": f.uploaded_at,
            }
            for f in p.files.all()
        ],
    }


def task_detail(user, task):
    today = timezone.localdate()
    return {
        **task_row(task, today),
        "expected_result": task.expected_result,
        "return_reason": task.return_reason,
        "decided_at": task.decided_at,
        "progress": [_progress_out(p) for p in history(user, task)],
        "actions": tasks.actions(user, task),
        "created_at": task.created_at,
        "updated_at": task.updated_at,
    }


def _counts(tally):
    return {"tasks": tally.items, **dict(query.cells(tally))}


def _summary(base, node, today):
    total, rows = query.subtree_rows(base, node, today)
    return {
        "node": unit_ref(node),
        "counts": _counts(total),
        "groups": [
            {"unit": unit_ref(t.unit), "itself": t.itself, "counts": _counts(t)} for t in rows
        ],
    }


def _list_unit(request, code):
    if code:
        return get_visible_unit(request, code)
    unit = home_unit(request.auth)
    if unit is None:
        raise errors.field_error("unit", _("đồng chí chưa có đơn vị nào: ghi mã đơn vị."))
    return unit


def _owner(request, unit, code):
    if not code:
        return None
    owner = get_visible_unit(request, code)
    if not owner.path.startswith(unit.path):
        raise errors.field_error(
            "owner", _("%(o)s không thuộc %(u)s.") % {"o": owner.name, "u": unit.name}
        )
    return owner


@router.get(
    "/tasks",
    response={200: TaskPage, **READ_ERRORS},
    url_name="task_list",
    operation_id="listTasks",
    summary="Danh sách nhiệm vụ sau hội nghị, với tổng hợp theo cây",
)
def list_tasks(request, filters: Query[TaskFilters]):
    """`tab=unit`: nhiệm vụ của đơn vị (mặc định đơn vị của đồng chí) và các đơn vị cấp
    dưới; `tab=assigned`: nhiệm vụ đơn vị đã giao. Chưa thực hiện trước, hạn gần nhất
    trước. Lọc theo tình hình thực hiện (ma trận theo dõi nhiệm vụ: `on_time`, `late`,
    `pending`, `overdue`; `done`, `owed`), trạng thái, hội nghị, đơn vị thực hiện (`owner`,
    cả cây dưới nó), từ khóa không dấu; `only=true`: chỉ nhiệm vụ của chính đơn vị thực
    hiện (hoặc của chính `unit`), không gồm cấp dưới.

    `summary`: số nhiệm vụ theo tình hình thực hiện của từng đơn vị trực thuộc đơn vị gốc
    (`owner` nếu có, không thì `unit`) — tính trên các nhiệm vụ của danh sách, không tính bộ
    lọc `standing`, `status`, `owner`."""
    user, today = request.auth, timezone.localdate()
    unit = _list_unit(request, filters.unit)
    owner = _owner(request, unit, filters.owner)
    base = query.listed(user, unit, filters.tab)
    rows = query.narrowed(
        base,
        today,
        owner,
        filters.standing,
        filters.status,
        filters.conference,
        filters.q,
    )
    if filters.only:
        rows = rows.filter(unit=owner or unit)
    counted = query.narrowed(base, today, conference=filters.conference, q=filters.q)
    node = owner if owner is not None and not filters.only else unit
    page = query.page_of(query.ordered(rows)[filters.offset : filters.offset + filters.limit])
    return {
        "tab": filters.tab,
        "unit": unit_ref(unit),
        "total": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "summary": _summary(counted, node, today),
        "items": [task_row(t, today) for t in page],
    }


@router.get(
    "/tasks/{pk}",
    response={200: TaskDetail, **READ_ERRORS},
    url_name="task_detail",
    operation_id="getTask",
    summary="Một nhiệm vụ: kết luận, hạn, tình hình thực hiện, tiến độ và minh chứng",
)
def get_task_detail(request, pk: int = TASK_PK):
    """Kết luận và hội nghị, đơn vị giao, đơn vị thực hiện, hạn, kết quả cần đạt, trạng thái
    và tình hình thực hiện (tính từ hạn và ngày báo hoàn thành), các báo cáo tiến độ với
    bản ghi minh chứng (văn bản, hoạt động, báo cáo của đơn vị) và tệp kèm, và những việc
    đồng chí làm được (`actions`)."""
    return task_detail(request.auth, get_task(request, pk))


def _refusal(error, fields):
    if error.forbidden:
        return ApiError(403, error.message)
    if error.field:
        return errors.field_error(fields.get(error.field, error.field), error.message, "body")
    return ApiError(409, error.message)


def _body(request, schema):
    """The JSON body, read after the task is found (out of scope is a 404 whatever the body
    holds)."""
    try:
        return schema.model_validate_json(request.body or b"{}")
    except pydantic.ValidationError as exc:
        raise ValidationError(
            [
                {**e, "loc": ("body", "payload", *e["loc"])}
                for e in exc.errors(include_url=False, include_context=True)
            ]
        ) from None


def _body_spec(schema):
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


PROGRESS_FIELDS = {"text": "payload.text", "evidence": "payload.evidence_id"}


@router.post(
    "/tasks/{pk}/progress",
    response={201: TaskDetail, **WRITE_ERRORS},
    url_name="task_progress",
    operation_id="reportTaskProgress",
    summary="Báo cáo tiến độ nhiệm vụ, kèm bản ghi minh chứng",
    openapi_extra=_body_spec(ProgressIn),
)
def report_progress(request, pk: int = TASK_PK):
    """Cán bộ của đơn vị thực hiện báo cáo kết quả đã làm (`text`), nêu bản ghi minh chứng
    của chính đơn vị: văn bản đơn vị đã ban hành (`document`), hoạt động đã ghi
    (`activity`), báo cáo của đơn vị (`report`) với mã số của nó. Tiến độ được thể hiện bằng
    hồ sơ, không bằng tỷ lệ phần trăm gõ tay.

    Không phải cán bộ của đơn vị thực hiện (kể cả đơn vị giao) → 403; nhiệm vụ đã báo hoàn
    thành hoặc đã nghiệm thu → 409; nội dung trống, có ký tự NUL, minh chứng không phải của
    đơn vị → 422. Lỗi thì không ghi gì."""
    user = request.auth
    task = get_task(request, pk)
    refusal = tasks.progress_refusal(user, task)
    if refusal is not None:
        raise _refusal(refusal, PROGRESS_FIELDS)
    payload = _body(request, ProgressIn)
    try:
        tasks.report_progress(
            user, task, payload.text, payload.evidence_kind or "", payload.evidence_id
        )
    except tasks.TaskError as error:
        if error.field == "evidence" and payload.evidence_kind and not payload.evidence_id:
            raise errors.field_error("payload.evidence_id", error.message, "body") from None
        raise _refusal(error, PROGRESS_FIELDS) from None
    return Status(201, task_detail(user, get_task(request, pk)))


@router.post(
    "/tasks/{pk}/done",
    response={200: TaskDetail, **WRITE_ERRORS},
    url_name="task_done",
    operation_id="markTaskDone",
    summary="Báo hoàn thành nhiệm vụ",
)
def mark_done(request, pk: int = TASK_PK):
    """Lãnh đạo đơn vị thực hiện báo hoàn thành (ngày hôm nay là ngày hoàn thành trong ma
    trận theo dõi); cần có báo cáo tiến độ trước (sau khi bị trả lại: báo cáo mới). Không
    phải lãnh đạo đơn vị → 403; đã báo hoàn thành, đã nghiệm thu → 409; chưa có báo cáo tiến
    độ → 422."""
    user = request.auth
    task = get_task(request, pk)
    try:
        tasks.mark_done(user, task)
    except tasks.TaskError as error:
        raise _refusal(error, {"text": "progress", "day": "done_on"}) from None
    return task_detail(user, get_task(request, pk))


@router.post(
    "/tasks/{pk}/accept",
    response={200: TaskDetail, **WRITE_ERRORS},
    url_name="task_accept",
    operation_id="acceptTask",
    summary="Nghiệm thu nhiệm vụ đã báo hoàn thành",
)
def accept_task(request, pk: int = TASK_PK):
    """Lãnh đạo đơn vị giao nghiệm thu nhiệm vụ đơn vị đã báo hoàn thành. Không phải lãnh
    đạo đơn vị giao → 403; nhiệm vụ chưa báo hoàn thành hoặc đã nghiệm thu → 409."""
    user = request.auth
    task = get_task(request, pk)
    try:
        tasks.accept(user, task)
    except tasks.TaskError as error:
        raise _refusal(error, {}) from None
    return task_detail(user, get_task(request, pk))


@router.post(
    "/tasks/{pk}/return",
    response={200: TaskDetail, **WRITE_ERRORS},
    url_name="task_return",
    operation_id="returnTask",
    summary="Trả lại nhiệm vụ kèm lý do",
    openapi_extra=_body_spec(ReturnIn),
)
def return_task(request, pk: int = TASK_PK):
    """Lãnh đạo đơn vị giao trả lại nhiệm vụ đã báo hoàn thành (`{"reason": "…"}`, bắt
    buộc): nhiệm vụ mở lại, ngày hoàn thành bị xóa. Không phải lãnh đạo đơn vị giao → 403;
    chưa báo hoàn thành hoặc đã nghiệm thu → 409; thiếu lý do → 422."""
    user = request.auth
    task = get_task(request, pk)
    refusal = tasks.decision_refusal(user, task, _("trả lại"))
    if refusal is not None:
        raise _refusal(refusal, {})
    payload = _body(request, ReturnIn)
    try:
        tasks.send_back(user, task, payload.reason)
    except tasks.TaskError as error:
        raise _refusal(error, {"reason": "payload.reason"}) from None
    return task_detail(user, get_task(request, pk))


# ------------------------------------------------------------------ consolidated reports


def get_consolidation(request, pk):
    found = (
        Consolidation.objects.restrict(request.auth, VIEW)
        .select_related("unit", "unit__level", "unit__parent", "form", "document")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise ApiError(
            404,
            _("Không tìm thấy báo cáo tổng hợp mã số %(pk)s trong phạm vi của đồng chí.")
            % {"pk": pk},
        )
    return found


def consolidation_row(user, c):
    document = None
    if c.document_id:
        seen = bool(documents.visible(user, [c.document_id]))
        document = {"id": c.document_id if seen else None, "label": documents.label(c.document)}
    return {
        "id": c.pk,
        "unit": unit_ref(c.unit),
        "body": c.body,
        "form": {"code": c.form.code, "name": c.form.name},
        "period": _period(c.form, c.period_key),
        "subject": c.subject,
        "status": c.status,
        "status_name": str(Consolidation.Status(c.status).label),
        "document": document,
        "updated_at": c.updated_at,
        "is_demo": c.is_demo,
    }


@router.get(
    "/consolidations",
    response={200: ConsolidationPage, **READ_ERRORS},
    url_name="consolidation_list",
    operation_id="listConsolidations",
    summary="Danh sách báo cáo tổng hợp",
)
def list_consolidations(request, filters: Query[ConsolidationFilters]):
    """Báo cáo tổng hợp (sơ kết) của các đơn vị đồng chí được xem (đơn vị của đồng chí và cấp
    dưới), kỳ mới nhất trước; lọc theo đơn vị, mẫu báo cáo, kỳ."""
    rows = Consolidation.objects.restrict(request.auth, VIEW).select_related(
        "unit", "form", "document"
    )
    if filters.unit:
        rows = rows.filter(unit=get_visible_unit(request, filters.unit))
    if filters.form:
        rows = rows.filter(form__code=filters.form.strip())
    if filters.period:
        rows = rows.filter(period_key=filters.period.strip().upper())
    rows = rows.order_by("-period_key", "path", "body", "pk")
    page = rows[filters.offset : filters.offset + filters.limit]
    return {
        "total": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [consolidation_row(request.auth, c) for c in page],
    }


@router.get(
    "/consolidations/{pk}",
    response={200: ConsolidationOut, **READ_ERRORS},
    url_name="consolidation_detail",
    operation_id="getConsolidation",
    summary="Báo cáo tổng hợp: cấu trúc đã tổng hợp (số liệu, đoạn trích và nguồn, các phần)",
)
def get_consolidation_detail(request, pk: int = CONSOLIDATION_PK):
    """Bản tổng hợp đúng như trang soạn thảo và tệp Word thể hiện: số liệu của cả cây từ
    tổng hợp trực tiếp (kỳ trước, cùng kỳ năm trước), đơn vị đã/chưa gửi báo cáo, các phần
    thuyết minh — lời của đơn vị tổng hợp và đoạn trích báo cáo đơn vị trực thuộc kèm nguồn —,
    các phần tổng hợp từ hồ sơ, phụ lục nguồn. Đọc không ghi gì; dự thảo được tổng hợp lại
    lúc đọc, kèm những gì đã đổi so với lần xuất tệp gần nhất."""
    user = request.auth
    found = get_consolidation(request, pk)
    last = consolidations.last_export(found)
    changes = []
    snapshot = consolidations.issued_snapshot(found) if not found.is_draft else None
    if snapshot is None:
        snapshot = compiled.compile_report(found)
        changes = compiled.changes(last.snapshot, snapshot) if last is not None else []
    return {
        "consolidation": consolidation_row(user, found),
        "compiled": snapshot,
        "last_export": {
            "at": last.at,
            "by": last.by.full_name or "",
            "issued": last.issued,
        }
        if last is not None
        else None,
        "changes_since_export": [str(c) for c in changes],
    }


DOCX_RESPONSE = {
    "responses": {
        200: {
            "description": "Tệp Word (.docx) của báo cáo.",
            "content": {DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.post(
    "/consolidations/{pk}/docx",
    response={401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    url_name="consolidation_docx",
    operation_id="exportConsolidation",
    summary="Xuất tệp Word (.docx) của báo cáo tổng hợp",
    openapi_extra=DOCX_RESPONSE,
)
def export_consolidation(request, pk: int = CONSOLIDATION_PK):
    """Tệp Word theo thể thức của tổ chức đảng (Hướng dẫn 36-HD/VPTW) hoặc của chỉ huy
    (Nghị định 30/2020/NĐ-CP). Là POST vì lần xuất được ghi lại (bản tổng hợp lúc xuất), để
    lần xuất sau nói được đã thay đổi gì. Báo cáo đã ban hành: tệp đúng như đã ban hành, có
    số."""
    found = get_consolidation(request, pk)
    data, name, _changed = consolidations.export(request.auth, found)
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
