"""Activity log API (nhật ký hoạt động): list, record one, record many at once.

Reading goes through `Activity.objects.restrict(caller, VIEW)`; a unit outside the caller's
subtree is a 404 that reads like a missing one. Writing goes through the activity log's
own services — `record` for one, `import_rows` for many (all or nothing, every problem
named with its item's index and field) — which check the caller's right to record for
each unit and keep the totals and the documents' dissemination records in step.
"""

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.errors import ValidationError

from giaoban.activities import services
from giaoban.activities.models import Activity, ActivityKind
from giaoban.activities.services import ActivityError
from giaoban.activities.validation import Kinds
from giaoban.api import errors
from giaoban.api.activity_schemas import (
    MAX_ITEMS,
    ActivityBulkErrorOut,
    ActivityBulkIn,
    ActivityBulkOut,
    ActivityFilters,
    ActivityIn,
    ActivityKindOut,
    ActivityOut,
    ActivityPage,
)
from giaoban.api.errors import ApiError
from giaoban.api.schemas import ErrorOut, ValidationErrorOut
from giaoban.api.units import get_visible_unit, unit_ref
from giaoban.core.paths import subtree_q
from giaoban.core.scope import VIEW
from giaoban.core.text import fold

router = Router(tags=["Nhật ký hoạt động"])

MAX_WORDS = 12

errors.LABELS.update(
    {
        "subtree": gettext_lazy("Gồm đơn vị cấp dưới (subtree)"),
        "date_from": gettext_lazy("Từ ngày (date_from)"),
        "date_to": gettext_lazy("Đến ngày (date_to)"),
        "document": gettext_lazy("Văn bản (document)"),
        "payload.items": gettext_lazy("Danh sách mục (items)"),
        "payload.dry_run": gettext_lazy("Chạy thử (dry_run)"),
    }
)

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def activity_out(activity):
    document = activity.document
    return {
        "id": activity.pk,
        "unit": unit_ref(activity.unit),
        "date": activity.date,
        "kind": {"code": activity.kind.code, "name": activity.kind.name},
        "title": activity.title,
        "form": activity.form,
        "form_name": str(Activity.Form(activity.form).label),
        "party_members": activity.party_members,
        "officers": activity.officers,
        "others": activity.others,
        "participants": activity.participants,
        "notes": activity.notes,
        # A session's document was addressed to the activity's unit: whoever sees the
        # activity may open the document.
        "document": (
            {
                "id": document.pk,
                "symbol": document.symbol,
                "subject": document.subject,
                "status": document.status,
            }
            if document is not None
            else None
        ),
        "files": (
            activity.file_count if hasattr(activity, "file_count") else activity.files.count()
        ),
        "created_at": activity.created_at,
        "is_demo": activity.is_demo,
    }


def _kind_ids(text):
    kinds = Kinds()
    kind = kinds.by_key.get(text.strip().lower()) or kinds.by_key.get(fold(text))
    if kind is None:
        raise errors.field_error(
            "kind", _("“%(v)s” không có trong danh mục loại hoạt động.") % {"v": text[:60]}
        )
    return kind.pk


@router.get(
    "/activity-kinds",
    response={200: list[ActivityKindOut], 401: ErrorOut},
    url_name="activity_kinds",
    operation_id="listActivityKinds",
    summary="Danh mục loại hoạt động",
)
def activity_kinds(request):
    """Các loại hoạt động đang dùng; `code` (hoặc tên) dùng cho trường `kind`."""
    kinds = ActivityKind.objects.filter(is_active=True).order_by("order", "name")
    return [{"code": k.code, "name": k.name} for k in kinds]


@router.get(
    "/activities",
    response={200: ActivityPage, **READ_ERRORS},
    url_name="activity_list",
    operation_id="listActivities",
    summary="Nhật ký hoạt động: danh sách có lọc",
)
def list_activities(request, filters: Query[ActivityFilters]):
    """Hoạt động của các đơn vị trong phạm vi của đồng chí, mới nhất trước: lọc theo đơn vị
    (`unit`, cả cấp dưới hoặc không: `subtree`), loại, khoảng ngày, văn bản được quán triệt
    (`document`) và từ khóa (`q`, không phân biệt dấu). Người tham dự chỉ là số đếm."""
    rows = Activity.objects.restrict(request.auth, VIEW)
    if filters.unit:
        unit = get_visible_unit(request, filters.unit)
        rows = (
            rows.filter(subtree_q(unit.path, "path")) if filters.subtree else rows.filter(unit=unit)
        )
    if filters.kind:
        rows = rows.filter(kind_id=_kind_ids(filters.kind))
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise errors.field_error("date_to", _("phải từ ngày date_from trở đi."))
    if filters.date_from:
        rows = rows.filter(date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(date__lte=filters.date_to)
    if filters.document:
        rows = rows.filter(document_id=filters.document)
    if filters.q:
        for word in fold(filters.q).split()[:MAX_WORDS]:
            rows = rows.filter(search_text__contains=word)
    page = (
        rows.select_related("unit", "kind", "document")
        .annotate(file_count=Count("files"))
        .order_by("-date", "-pk")[filters.offset : filters.offset + filters.limit]
    )
    return {
        "total": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [activity_out(a) for a in page],
    }


FIELDS = ActivityIn.model_fields.keys() - {"unit"}


@router.post(
    "/activities",
    response={
        201: ActivityOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    url_name="activity_create",
    operation_id="createActivity",
    summary="Ghi một hoạt động",
)
def create_activity(request, payload: ActivityIn):
    """Một hoạt động của một đơn vị: ngày, loại, tên, hình thức, số người tham dự (đảng
    viên, cán bộ chiến sĩ, người khác — chỉ số đếm, không ghi tên) và ghi chú. Kèm
    `document` (văn bản đơn vị đã nhận) thì đó là một buổi quán triệt: việc quán triệt của
    đơn vị với văn bản đó được tính từ các buổi đã ghi.

    Cán bộ của đơn vị hoặc cấp trên mới ghi được (khác → 403); mỗi trường sai → 422 nêu
    trường đó, không ghi gì.
    """
    user = request.auth
    unit = get_visible_unit(request, payload.unit)
    if not services.may_record(user, unit):
        raise ApiError(
            403, _("Đồng chí không ghi được hoạt động của %(unit)s.") % {"unit": unit.name}
        )
    fields = {name: getattr(payload, name) for name in FIELDS}
    try:
        activity = services.record(user, unit, **fields)
    except ActivityError as error:
        if error.forbidden:
            raise ApiError(403, error.message) from None
        raise ValidationError(
            [
                {"field": f"payload.{p.field}", "location": "body", "message": p.message}
                for p in error.problems
            ]
        ) from None
    activity = Activity.objects.select_related("unit", "kind", "document").get(pk=activity.pk)
    return Status(201, activity_out(activity))


class _Rollback(Exception):
    """Undo a dry run after import_rows has done its work."""

    def __init__(self, result):
        super().__init__("rollback")
        self.result = result


def _item_code(row):
    value = row.get("unit")
    return value.strip().upper()[:30] if isinstance(value, str) and value.strip() else None


def _item_error(problem, rows):
    index = problem.index if 0 <= problem.index < len(rows) else None
    if index is None:
        where = _("Yêu cầu")
        code = None
    else:
        code = _item_code(rows[index])
        where = _("Mục items[%(index)s] (đơn vị %(unit)s)") % {"index": index, "unit": code or "?"}
    return {
        "field": problem.field,
        "location": "body",
        "message": f"{where}: {problem.message}",
        "index": index,
        "unit": code,
    }


@router.post(
    "/activities/bulk",
    response={
        200: ActivityBulkOut,
        400: ErrorOut,
        401: ErrorOut,
        413: ErrorOut,
        422: ActivityBulkErrorOut,
    },
    url_name="activity_bulk",
    operation_id="importActivities",
    summary="Ghi nhiều hoạt động trong một yêu cầu (tất cả hoặc không gì cả)",
)
def bulk_activities(request, payload: ActivityBulkIn):
    """Nhiều hoạt động của nhiều đơn vị: `{"items": [{"unit": "X05500", "date": …}, …]}`,
    mỗi mục như khi ghi một hoạt động.

    - **Tất cả hoặc không gì cả**: một lỗi ở bất kỳ mục nào → 422, không ghi gì; `detail`
      liệt kê mọi lỗi với `index` (vị trí mục), `unit` và `field` (trường sai). Lỗi gồm cả
      đơn vị ngoài phạm vi (không được nêu tên) và đơn vị đồng chí chỉ được xem.
    - `dry_run: true`: kiểm tra đầy đủ như thật, nhưng không ghi gì.
    - Tối đa 10.000 mục và 10 MB mỗi yêu cầu.
    """
    user = request.auth
    if len(payload.items) > MAX_ITEMS:
        raise errors.field_error(
            "payload.items",
            _("tối đa %(max)s mục mỗi yêu cầu (đã gửi %(n)s); chia thành nhiều yêu cầu.")
            % {"max": "10.000", "n": f"{len(payload.items):,}".replace(",", ".")},
            location="body",
        )
    rows = [item.model_dump() for item in payload.items]
    try:
        with transaction.atomic():
            result = services.import_rows(user, rows, max_rows=MAX_ITEMS)
            if payload.dry_run:
                raise _Rollback(result)
    except ActivityError as error:
        found = [_item_error(p, rows) for p in error.problems]
        found.sort(key=lambda e: e["index"] if e["index"] is not None else -1)
        raise ValidationError(found) from None
    except _Rollback as undone:
        result = undone.result
    return {
        "dry_run": payload.dry_run,
        "items": len(rows),
        "created": result.created,
        "ids": [] if payload.dry_run else list(result.ids),
        "sessions": result.sessions,
    }
