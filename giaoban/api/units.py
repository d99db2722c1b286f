"""Units API: list, detail, lineage — every query narrowed to the caller's subtree."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from giaoban.api.errors import field_error
from giaoban.api.schemas import (
    ErrorOut,
    LineageOut,
    UnitCode,
    UnitDetail,
    UnitFilters,
    UnitPage,
    ValidationErrorOut,
)
from giaoban.core import scope
from giaoban.units.models import Level, Lineage, Unit

router = Router(tags=["Đơn vị"])

ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
CODE_PARAM = Path(..., description="Mã đơn vị, ví dụ T19 (không phân biệt hoa/thường).")


def visible_units(request):
    return Unit.objects.restrict(request.auth, scope.VIEW).select_related("level", "parent")


def get_visible_unit(request, code):
    """The unit, or a 404 that reads the same whether it is missing or out of scope."""
    message = _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của đồng chí.") % {"code": code}
    units = Unit.objects.select_related("level", "parent")
    return scope.get_in_scope_or_404(units, request.auth, scope.VIEW, message=message, code=code)


def unit_ref(unit):
    return {"code": unit.code, "name": unit.name, "short_name": unit.short_name}


def unit_row(unit):
    return {
        **unit_ref(unit),
        "level": unit.level.code,
        "level_name": unit.level.name,
        "parent_code": unit.parent.code if unit.parent_id else None,
        "depth": unit.depth,
        "active_from": unit.active_from,
        "active_to": unit.active_to,
    }


@router.get(
    "/units",
    response={200: UnitPage, **ERRORS},
    url_name="unit_list",
    operation_id="listUnits",
    summary="Danh sách đơn vị trong phạm vi",
)
def list_units(request, filters: Query[UnitFilters]):
    """Đơn vị thuộc cây đơn vị của đồng chí, theo thứ tự cây, có phân trang (limit/offset)."""
    units = visible_units(request)
    if filters.level:
        if not Level.objects.filter(code=filters.level).exists():
            known = ", ".join(Level.objects.values_list("code", flat=True))
            raise field_error(
                "level",
                _("không có cấp “%(code)s”; các cấp hiện có: %(known)s.")
                % {"code": filters.level, "known": known},
            )
        units = units.filter(level__code=filters.level)
    if filters.parent:
        units = units.filter(parent__code=filters.parent)
    if filters.q:
        units = units.search(filters.q)
    if filters.active_on:
        units = units.active_on(filters.active_on)
    page = units[filters.offset : filters.offset + filters.limit]
    return {
        "total": units.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [unit_row(u) for u in page],
    }


@router.get(
    "/units/{code}",
    response={200: UnitDetail, **ERRORS},
    url_name="unit_detail",
    operation_id="getUnit",
    summary="Thông tin một đơn vị",
)
def unit_detail(request, code: UnitCode = CODE_PARAM):
    """Danh tính, tổ chức đảng và chỉ huy, thời gian hoạt động, số đơn vị trực thuộc."""
    unit = get_visible_unit(request, code)
    children = visible_units(request).filter(parent=unit).aggregate(n=Count("pk"))["n"]
    return {
        **unit_row(unit),
        "parent_name": unit.parent.name if unit.parent_id else None,
        "party_name": unit.party_name,
        "command_name": unit.command_name,
        "is_active": unit.is_active,
        "children_count": children,
    }


def _link(request, link, other):
    return {
        "kind": link.kind,
        "kind_name": str(link.get_kind_display()),
        "date": link.date,
        "share": float(link.share),
        "unit": unit_ref(other),
        "in_scope": scope.can(request.auth, scope.VIEW, other),
        "note": link.note,
    }


@router.get(
    "/units/{code}/lineage",
    response={200: LineageOut, **ERRORS},
    url_name="unit_lineage",
    operation_id="getUnitLineage",
    summary="Quan hệ kế thừa của một đơn vị",
)
def unit_lineage(request, code: UnitCode = CODE_PARAM):
    """Đơn vị cũ đã trở thành đơn vị này, đơn vị mới kế thừa nó, và các lần chuyển cấp trên.

    Đơn vị ở đầu kia luôn được nêu tên, kể cả khi ngoài phạm vi của đồng chí; `in_scope`
    cho biết đồng chí có mở được nó hay không.
    """
    # History must survive a reorganisation: the other end of a link of a unit you may
    # see is named (code and name only), even outside your subtree.
    unit = get_visible_unit(request, code)
    links = (
        Lineage.objects.filter(Q(predecessor=unit) | Q(successor=unit))
        .select_related("predecessor", "successor", "old_parent", "new_parent")
        .order_by("date", "pk")
    )
    result = {"unit": unit_ref(unit), "predecessors": [], "successors": [], "moves": []}
    for link in links:
        if link.kind == Lineage.Kind.MOVE:
            result["moves"].append(
                {
                    "date": link.date,
                    "old_parent_code": link.old_parent.code if link.old_parent_id else None,
                    "new_parent_code": link.new_parent.code if link.new_parent_id else None,
                    "note": link.note,
                }
            )
        elif link.successor_id == unit.pk:
            result["predecessors"].append(_link(request, link, link.predecessor))
        else:
            result["successors"].append(_link(request, link, link.successor))
    return result
