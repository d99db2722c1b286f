"""The consolidated report's editing actions, each a POST and one service call: the layout
(trích yếu, người ký, nơi nhận), the unit's own words (add, edit), excerpts (add all or some
sentences of a child's text, shorten), and any paragraph's order and removal.

A refused action shows the editor again with the service's message beside the form it came
from (400; 403 when it is not the user's to do), and nothing written; a done one goes back
to the paragraph (or the section) it changed, on the part and page of candidates the user
was looking at (`view`, `page` in the form).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giaoban.conferences import consolidation as svc
from giaoban.conferences.forms_consolidation import LayoutForm, fragments_of
from giaoban.conferences.models import Consolidation
from giaoban.conferences.views.consolidation_page import (
    anchor_of,
    editor_context,
    page_number,
    section_param,
)
from giaoban.core.scope import VIEW, get_in_scope_or_404

EDITOR = "conferences/consolidation/editor.html"


def _consolidation(request, pk):
    source = Consolidation.objects.select_related(
        "unit", "unit__level", "unit__parent", "form", "document", "created_by"
    )
    return get_in_scope_or_404(source, request.user, VIEW, pk=pk)


def _part(consolidation, part):
    found = consolidation.parts.filter(pk=part).first()
    if found is None:
        raise Http404(_("Không có đoạn này trong báo cáo."))
    return found


def _param(request, section):
    """The ?section= to come back to: the part the action changed (None: the one the user
    was on, posted as `view`)."""
    if section is None:
        return request.POST.get("view") or ""
    return section_param(section)


def _page(request, param):
    """The page of candidates to come back to, when the user stays on the same part."""
    return page_number(request.POST.get("page")) if request.POST.get("view") == param else 1


def _back(request, consolidation, section, anchor):
    param = _param(request, section)
    page = _page(request, param)
    query = {k: v for k, v in (("section", param), ("trang", page if page > 1 else None)) if v}
    url = reverse("conferences:consolidation", kwargs={"pk": consolidation.pk})
    return redirect(f"{url}?{urlencode(query)}#{anchor}" if query else f"{url}#{anchor}")


def _refused(request, consolidation, error, section, key, anchor, where, **state):
    """The editor again, on the part concerned, the refusal at the top (`where`: what was
    being done) and beside the form it came from."""
    param = _param(request, section)
    problem = {"key": key, "message": error.message, "anchor": anchor, "where": where}
    context = editor_context(
        request, consolidation, param, _page(request, param), problem=problem, **state
    )
    return render(request, EDITOR, context, status=403 if error.forbidden else 400)


def _report_id(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1


# ------------------------------------------------------------------ the layout


@login_required
@require_POST
def consolidation_layout(request, pk):
    """Thể thức: trích yếu, thẩm quyền ký, chức vụ, nơi nhận."""
    consolidation = _consolidation(request, pk)
    form = LayoutForm(request.POST)
    error = None
    if form.is_valid():
        try:
            svc.save_layout(request.user, consolidation, **form.cleaned_data)
        except svc.ConsolidationError as refused:
            error = refused
            form.add_error(refused.field if refused.field in form.fields else None, error.message)
    else:
        error = svc.ConsolidationError(_("chưa lưu được, xem thông báo bên dưới."))
    if error is not None:
        field = form.fields.get(getattr(error, "field", None) or "")
        where = field.label if field is not None else _("Thể thức")
        return _refused(
            request, consolidation, error, None, "layout", "the-thuc", where, layout_form=form
        )
    messages.success(request, _("Đã lưu thể thức: trích yếu, người ký, nơi nhận."))
    return _back(request, consolidation, None, "the-thuc")


# ------------------------------------------------------------------ own words, excerpts


@login_required
@require_POST
def consolidation_own_add(request, pk):
    """A paragraph of the unit's own words at the end of a part."""
    consolidation = _consolidation(request, pk)
    section = request.POST.get("section", "")
    text = request.POST.get("text", "")
    try:
        part = svc.add_own(request.user, consolidation, section, text)
    except svc.ConsolidationError as error:
        key, anchor = f"own:{section}", anchor_of(section)
        where = _("Thêm lời của đơn vị")
        return _refused(request, consolidation, error, section, key, anchor, where, posted=text)
    messages.success(request, _("Đã thêm đoạn lời của đơn vị."))
    return _back(request, consolidation, section, f"doan-{part.pk}")


@login_required
@require_POST
def consolidation_excerpt_add(request, pk):
    """An excerpt of a child's sent text for a part: the whole text (`whole`), or the
    sentences ticked (`fragments`)."""
    consolidation = _consolidation(request, pk)
    section = request.POST.get("section", "")
    report = _report_id(request.POST.get("report"))
    field = request.POST.get("field") or section
    chosen = fragments_of(request.POST.getlist("fragments"))
    fragments = None if request.POST.get("whole") else chosen
    try:
        part = svc.add_excerpt(request.user, consolidation, section, report, field, fragments)
    except svc.ConsolidationError as error:
        key = f"{report}:{field}"
        anchor, where = f"ung-vien-{report}", _("Trích báo cáo đơn vị")
        posted = chosen or None
        return _refused(request, consolidation, error, section, key, anchor, where, posted=posted)
    messages.success(
        request,
        _("Đã trích báo cáo của %(unit)s (phiên bản %(v)s).")
        % {"unit": part.source_unit.name, "v": part.source_version},
    )
    return _back(request, consolidation, section, f"doan-{part.pk}")


@login_required
@require_POST
def consolidation_part_edit(request, pk, part):
    """Sửa lời của đơn vị (an excerpt is not edited: it is shortened)."""
    consolidation = _consolidation(request, pk)
    found = _part(consolidation, part)
    text = request.POST.get("text", "")
    try:
        svc.edit_own(request.user, found, text)
    except svc.ConsolidationError as error:
        where, anchor = _("Sửa lời của đơn vị"), f"doan-{found.pk}"
        return _refused(
            request, consolidation, error, found.section, found.pk, anchor, where, posted=text
        )
    messages.success(request, _("Đã sửa đoạn lời của đơn vị."))
    return _back(request, consolidation, found.section, f"doan-{found.pk}")


@login_required
@require_POST
def consolidation_part_shorten(request, pk, part):
    """Rút gọn đoạn trích: keep only the sentences ticked."""
    consolidation = _consolidation(request, pk)
    found = _part(consolidation, part)
    chosen = fragments_of(request.POST.getlist("fragments"))
    try:
        svc.shorten(request.user, found, chosen)
    except svc.ConsolidationError as error:
        anchor, where = f"doan-{found.pk}", _("Rút gọn đoạn trích")
        return _refused(
            request, consolidation, error, found.section, found.pk, anchor, where, posted=chosen
        )
    messages.success(request, _("Đã rút gọn đoạn trích."))
    return _back(request, consolidation, found.section, f"doan-{found.pk}")


# ------------------------------------------------------------------ order, removal


@login_required
@require_POST
def consolidation_part_move(request, pk, part):
    """One place up (step -1) or down (step 1) within its part."""
    consolidation = _consolidation(request, pk)
    found = _part(consolidation, part)
    step = {"-1": -1, "1": 1}.get(request.POST.get("step", ""))
    try:
        if step is None:
            raise svc.ConsolidationError(_("Chỉ chuyển được lên hoặc xuống một đoạn."))
        svc.move(request.user, found, step)
    except svc.ConsolidationError as error:
        where, anchor = _("Chuyển đoạn"), f"doan-{found.pk}"
        return _refused(request, consolidation, error, found.section, found.pk, anchor, where)
    return _back(request, consolidation, found.section, f"doan-{found.pk}")


@login_required
@require_POST
def consolidation_part_delete(request, pk, part):
    consolidation = _consolidation(request, pk)
    found = _part(consolidation, part)
    try:
        svc.delete_part(request.user, found)
    except svc.ConsolidationError as error:
        where, anchor = _("Xóa đoạn"), f"doan-{found.pk}"
        return _refused(request, consolidation, error, found.section, found.pk, anchor, where)
    messages.success(request, _("Đã xóa đoạn khỏi báo cáo."))
    return _back(request, consolidation, found.section, anchor_of(found.section))


PART = "bao-cao-tong-hop/<int:pk>/doan/<int:part>"
urlpatterns = [
    path(
        "bao-cao-tong-hop/<int:pk>/the-thuc/",
        consolidation_layout,
        name="consolidation_layout",
    ),
    path(
        "bao-cao-tong-hop/<int:pk>/doan/them/",
        consolidation_own_add,
        name="consolidation_own_add",
    ),
    path(
        "bao-cao-tong-hop/<int:pk>/doan/trich/",
        consolidation_excerpt_add,
        name="consolidation_excerpt_add",
    ),
    path(f"{PART}/sua/", consolidation_part_edit, name="consolidation_part_edit"),
    path(f"{PART}/rut-gon/", consolidation_part_shorten, name="consolidation_part_shorten"),
    path(f"{PART}/di-chuyen/", consolidation_part_move, name="consolidation_part_move"),
    path(f"{PART}/xoa/", consolidation_part_delete, name="consolidation_part_delete"),
]
