"""What the activity log's pages share: the unit a page is about, the log's query, links."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from giaoban.activities import excel
from giaoban.activities.forms import SUBTREE
from giaoban.activities.models import Activity
from giaoban.activities.records import may_record
from giaoban.core import roles
from giaoban.core.formatting import format_date
from giaoban.core.paths import subtree_q
from giaoban.core.scope import VIEW, can, get_in_scope_or_404
from giaoban.core.text import fold
from giaoban.units.models import Unit

PAGE_SIZE = 50
MAX_WORDS = 12


def home_unit(user):
    """The unit a page opens on: the user's own, else the first unit they hold a role at."""
    if user.unit_id is not None and can(user, VIEW, user.unit):
        return user.unit
    ids = roles.role_unit_ids(user)
    return Unit.objects.filter(pk__in=ids[:1]).first()


def unit_from(request, action=VIEW, param="unit"):
    """The unit named by ?unit=<code> (404 outside the user's scope, 403 without `action`),
    else the user's own (403 when the user has none)."""
    code = (request.GET.get(param) or "").strip().upper()
    if code and "\x00" not in code:
        return get_in_scope_or_404(
            Unit.objects.select_related("level"), request.user, action, code=code
        )
    if code:
        raise PermissionDenied
    unit = home_unit(request.user)
    if unit is None or not can(request.user, action, unit):
        raise PermissionDenied
    return unit


def bound(form_class, request, **kwargs):
    """The filter form, bound when the URL carries any of its fields."""
    form = form_class(user=request.user, **kwargs)
    if any(name in request.GET for name in form.fields):
        form = form_class(request.GET, user=request.user, **kwargs)
    return form


def search(queryset, text):
    """Each word, folded (no diacritics, lower case, đ→d), must occur in the search text."""
    for word in fold(text).split()[:MAX_WORDS]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def log_queryset(user, unit, data):
    """The activities of the log: in the user's scope, of `unit` (or its subtree), filtered."""
    rows = Activity.objects.restrict(user, VIEW)
    if data.get("scope") == SUBTREE:
        rows = rows.filter(subtree_q(unit.path, "path"))
    else:
        rows = rows.filter(unit=unit)
    if data.get("kind"):
        rows = rows.filter(kind__code=data["kind"])
    if data.get("kinds"):
        rows = rows.filter(kind__code__in=data["kinds"])
    if data.get("document"):
        rows = rows.filter(document_id=data["document"])
    window = data.get("window_days")
    if window:
        rows = rows.filter(date__gte=window[0], date__lte=window[1])
    if data.get("q"):
        rows = search(rows, data["q"])
    return rows


def describe(unit, data, kinds):
    """The filters in words (the export's header line)."""
    parts = [_("cả các đơn vị cấp dưới") if data.get("scope") == SUBTREE else _("chỉ đơn vị này")]
    window = data.get("window_days")
    if window:
        parts.append(
            _("từ %(a)s đến %(b)s") % {"a": format_date(window[0]), "b": format_date(window[1])}
        )
    if data.get("kind"):
        parts.append(kinds.get(data["kind"], data["kind"]))
    if data.get("kinds"):
        parts.append(", ".join(kinds.get(code, code) for code in data["kinds"]))
    if data.get("q"):
        parts.append(_("tìm “%(q)s”") % {"q": data["q"]})
    return _("Phạm vi: %(parts)s.") % {"parts": "; ".join(str(p) for p in parts)}


def paginate(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def decorate(user, activities):
    """What a list shows of each activity: may the user change it."""
    out = list(activities)
    rights = {}
    for a in out:
        if a.unit_id not in rights:
            rights[a.unit_id] = may_record(user, a.unit)
        a.may_change = rights[a.unit_id]
    return out


def get_activity(request, pk, action=VIEW):
    return get_in_scope_or_404(
        Activity.objects.select_related("unit", "kind", "document", "created_by"),
        request.user,
        action,
        pk=pk,
    )


def log_url(unit, **params):
    query = {"unit": unit.code, **{k: v for k, v in params.items() if v}}
    return f"{reverse('activities:log')}?{urlencode(query)}"


def xlsx_response(data, filename):
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
