"""The consolidated report's pages (báo cáo tổng hợp): opening a draft, the editor, the
print view, the Word file, issuing. The paragraph and layout actions are in
`consolidation_parts`, what the pages show in `consolidation_page`.

Who may do what is the service's (`conferences.consolidation`): anyone who may see the
report (its unit's subtree or above) reads it, prints it and exports it; an officer of the
unit (or above) edits the draft; a leader of the unit issues it. Out of view scope: 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giaoban.conferences import consolidation as svc
from giaoban.conferences.forms_consolidation import NewForm, openable_units
from giaoban.conferences.models import Consolidation
from giaoban.conferences.views import consolidation_parts as parts
from giaoban.conferences.views.consolidation_page import (
    editor_context,
    page_number,
    print_context,
)
from giaoban.core import periods
from giaoban.core.scope import CHANGE, VIEW, get_in_scope_or_404
from giaoban.exports.docx import DOCX_TYPE
from giaoban.units.models import Unit

EDITOR = "conferences/consolidation/editor.html"
NEW = "conferences/consolidation/new.html"
PRINT = "conferences/consolidation/print.html"


def get_consolidation(request, pk):
    """The report if the user may see it (its unit's subtree, or above it), else 404."""
    source = Consolidation.objects.select_related(
        "unit", "unit__level", "unit__parent", "form", "document", "created_by"
    )
    return get_in_scope_or_404(source, request.user, VIEW, pk=pk)


def editor_url(consolidation):
    return reverse("conferences:consolidation", kwargs={"pk": consolidation.pk})


def docx_response(data, filename):
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------------ opening a draft


def _unit_by_code(user, code):
    """A unit the user may open a report for, given by its code (?unit=, or posted)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return Unit.objects.restrict(user, CHANGE).filter(code=code).first()


def _new_initial(request, forms_list, units, extra):
    initial = {"body": svc.PARTY}
    mine = request.user.unit
    chosen = extra or (mine if mine in units else (units[0] if units else None))
    if chosen is not None:
        initial["unit"] = chosen.code
    if forms_list:
        form = forms_list[0]
        initial["form"] = form.code
        today = timezone.localdate()
        initial["period"] = periods.latest_ended(today, form.period_type, form.cutoff_day).key
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def consolidation_new(request):
    """Lập báo cáo tổng hợp: the unit, the body, the form and the period; the draft opens
    (or the one already opened for them)."""
    user = request.user
    units = openable_units(user)
    if not units:
        context = {"form": None, "refusal": _("Đồng chí không có đơn vị nào được lập báo cáo.")}
        return render(request, NEW, context, status=403)
    if request.method == "GET":
        extra = _unit_by_code(user, request.GET.get("unit"))
        form = NewForm(user=user, extra_unit=extra)
        form.initial = _new_initial(request, form.forms_list, units, extra)
        return render(request, NEW, {"form": form})
    extra = _unit_by_code(user, request.POST.get("unit"))
    form = NewForm(request.POST, user=user, extra_unit=extra)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            consolidation = svc.open_draft(
                user, data["unit"], data["body"], data["form"], data["period"]
            )
        except svc.ConsolidationError as error:
            status = 403 if error.forbidden else 400
            field = error.field if error.field in form.fields else "unit"
            form.add_error(field, error.message)
        else:
            messages.success(
                request,
                _(
                    "Báo cáo tổng hợp %(period)s của %(unit)s: trích báo cáo của đơn vị trực "
                    "thuộc, viết lời của đơn vị, rồi xuất tệp Word."
                )
                % {"period": consolidation.period.label, "unit": consolidation.unit.name},
            )
            return redirect(editor_url(consolidation))
    return render(request, NEW, {"form": form}, status=status)


# ------------------------------------------------------------------ the editor, the print view


@login_required
@require_GET
def consolidation(request, pk):
    """The editor (for who may edit it) or the report as it stands (for who may see it);
    ?section=KQ shows that part's candidates, ?trang=2 their next page."""
    found = get_consolidation(request, pk)
    context = editor_context(
        request,
        found,
        section=request.GET.get("section"),
        page=page_number(request.GET.get("trang")),
    )
    return render(request, EDITOR, context)


@login_required
@require_GET
def consolidation_print(request, pk):
    """Bản in: the report as it will read, for the browser's print (A4)."""
    found = get_consolidation(request, pk)
    return render(request, PRINT, print_context(found))


# ------------------------------------------------------------------ Word, issue


def _issued_file(consolidation):
    found = svc.issued_file(consolidation)
    if found is None:
        raise Http404(_("Báo cáo chưa ban hành."))
    return found


@login_required
@require_POST
def consolidation_export(request, pk):
    """Xuất tệp Word: the snapshot is recorded (a later export says what changed since).
    An issued report gives the file as it was issued, numbered."""
    found = get_consolidation(request, pk)
    data, name, _changed = svc.export(request.user, found)
    return docx_response(data, name)


@login_required
@require_GET
def consolidation_word(request, pk):
    """The issued report's Word file, with its number (what the register holds). A draft's
    file is an export (a POST, recorded): its link leads back to the draft's page."""
    found = get_consolidation(request, pk)
    if found.is_draft:
        return redirect(editor_url(found))
    data, name = _issued_file(found)
    return docx_response(data, name)


@login_required
@require_POST
def consolidation_issue(request, pk):
    """Ban hành: a leader of the unit; the report enters the register with its number."""
    found = get_consolidation(request, pk)
    try:
        document = svc.issue(request.user, found)
    except svc.ConsolidationError as error:
        problem = {
            "key": "issue",
            "message": error.message,
            "anchor": "ban-hanh",
            "where": _("Ban hành"),
        }
        context = editor_context(request, found, problem=problem)
        return render(request, EDITOR, context, status=403 if error.forbidden else 400)
    messages.success(
        request,
        _("Đã ban hành báo cáo số %(symbol)s; báo cáo đã vào sổ văn bản đi.")
        % {"symbol": document.symbol},
    )
    return redirect(editor_url(found))


urlpatterns = [
    path("bao-cao-tong-hop/lap/", consolidation_new, name="consolidation_new"),
    path("bao-cao-tong-hop/<int:pk>/", consolidation, name="consolidation"),
    path("bao-cao-tong-hop/<int:pk>/ban-in/", consolidation_print, name="consolidation_print"),
    path("bao-cao-tong-hop/<int:pk>/xuat-word/", consolidation_export, name="consolidation_export"),
    path("bao-cao-tong-hop/<int:pk>/word/", consolidation_word, name="consolidation_word"),
    path("bao-cao-tong-hop/<int:pk>/ban-hanh/", consolidation_issue, name="consolidation_issue"),
    *parts.urlpatterns,
]
