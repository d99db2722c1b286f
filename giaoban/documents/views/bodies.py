"""Cơ quan ban hành: a unit's party organisation ("Đảng ủy Công an tỉnh …") and its command
("Công an tỉnh …") — the name printed on their documents, the symbol their numbers carry,
the place on the date line, and how their numbers run (by calendar year by default, or
through the party committee's term).

- bodies: the two bodies of a unit of the user's scope (as they are, or the defaults of
  numbering.py for one never used yet — a GET writes nothing); a POST sets a body up with
  those defaults, to edit it;
- body_edit: change a body (a leader of the unit, or an administrator over it); audited by
  the registry. Changing the numbering span never makes a number repeat inside a span: the
  counter of each span the new rule reaches starts after the numbers already given to
  documents dated in it (`keep_numbers_unique`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giaoban.core import roles
from giaoban.core.scope import ADMINISTER, VIEW, can, get_in_scope_or_404, may
from giaoban.documents import forms, numbering
from giaoban.documents.models import (
    BODY_CHOICES,
    PARTY,
    Document,
    DocumentKind,
    IssuingBody,
    NumberCounter,
)
from giaoban.documents.views.editing import posted, refuse
from giaoban.units.models import Unit

COUNTERS_SHOWN = 30


def may_manage(user, unit):
    """A leader of the unit itself, or an administrator of a unit at or above it."""
    return roles.is_leader_of(user, unit) or can(user, ADMINISTER, unit)


def may_manage_any(user):
    return may(user, ADMINISTER) or roles.holds(user, roles.LEADER)


def _default_unit(user):
    if user.unit_id and can(user, VIEW, user.unit):
        return user.unit
    ids = roles.role_unit_ids(user)
    return Unit.objects.filter(pk__in=ids).order_by("path").first() if ids else None


def _preview(unit, body):
    """An unsaved body with numbering.py's defaults (what the first document would use)."""
    return IssuingBody(unit=unit, body=body, **numbering.defaults(unit, body))


def example_symbol(body):
    """ "Số 01-NQ/ĐU" / "Số: 01/KH-CAT": how the body's next numbers read."""
    abbr = "NQ" if body.body == PARTY else "KH"
    kind = DocumentKind.objects.filter(body=body.body, abbreviation=abbr).first()
    kind = kind or DocumentKind(body=body.body, name="", abbreviation=abbr)
    composed = numbering.compose(body, kind, 1)
    return (_("Số %(s)s") if body.body == PARTY else _("Số: %(s)s")) % {"s": composed}


def _describe(user, unit):
    found = {b.body: b for b in IssuingBody.objects.filter(unit=unit)}
    today = timezone.localdate()
    rows = []
    for body, label in BODY_CHOICES:
        issuer = found.get(body)
        row = {
            "kind_label": label,
            "body": issuer or _preview(unit, body),
            "exists": issuer is not None,
            "counters": [],
            "documents": 0,
        }
        row["example"] = example_symbol(row["body"])
        row["current_span"] = numbering.span_key(row["body"], today)
        if issuer is not None:
            row["counters"] = list(
                NumberCounter.objects.filter(issuer=issuer)
                .select_related("kind")
                .order_by("-span_key", "kind__order")[:COUNTERS_SHOWN]
            )
            row["documents"] = issuer.documents.count()
        rows.append(row)
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def bodies(request):
    """Cơ quan ban hành của một đơn vị (?unit=CODE); POST: set one up to edit it."""
    user = request.user
    if request.method == "POST":
        return _set_up(request)
    form = forms.BodyUnitForm(request.GET or None, user=user)
    unit = None
    if form.is_bound and form.is_valid():
        unit = form.cleaned_data["unit"]
    elif not form.is_bound:
        unit = _default_unit(user)
        form = forms.BodyUnitForm(user=user, initial={"unit": unit})
    context = {
        "form": form,
        "unit": unit,
        "rows": _describe(user, unit) if unit is not None else [],
        "may_manage": unit is not None and may_manage(user, unit),
        "role_units": list(
            Unit.objects.filter(pk__in=roles.role_unit_ids(user)).order_by("path")[:12]
        ),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "documents/bodies.html", context, status=status)


def _set_up(request):
    user = request.user
    unit = get_in_scope_or_404(Unit, user, VIEW, code=(request.POST.get("unit") or "").upper())
    body = request.POST.get("body")
    if body not in dict(BODY_CHOICES):
        return refuse(request, _("Cơ quan ban hành: chọn tổ chức đảng hoặc chỉ huy."), code=400)
    if not may_manage(user, unit):
        return refuse(
            request,
            _("Chỉ lãnh đạo %(unit)s hoặc quản trị viên mới thiết lập được cơ quan ban hành.")
            % {"unit": unit.name},
        )
    issuer = numbering.issuing_body(unit, body)
    return redirect(reverse("documents:body_edit", kwargs={"pk": issuer.pk}))


def keep_numbers_unique(issuer):
    """After a change of the numbering span: each span the new rule puts an already issued
    document in counts on from that document's number, so no number is given twice in a
    span (documents keep the number and symbol they were issued with)."""
    dated = (
        Document.objects.filter(issuer=issuer, number__isnull=False, issue_date__isnull=False)
        .values("kind_id", "issue_date", "span_key")
        .annotate(top=Max("number"))
    )
    need = {}
    for row in dated:
        key = numbering.span_key(issuer, row["issue_date"])
        if key != row["span_key"]:
            slot = (row["kind_id"], key)
            need[slot] = max(need.get(slot, 0), row["top"])
    for (kind_id, key), top in need.items():
        NumberCounter.objects.bulk_create(
            [NumberCounter(issuer=issuer, kind_id=kind_id, span_key=key)], ignore_conflicts=True
        )
        NumberCounter.objects.filter(
            issuer=issuer, kind_id=kind_id, span_key=key, last__lt=top
        ).update(last=top)
    return need


@login_required
@require_http_methods(["GET", "POST"])
def body_edit(request, pk):
    """Sửa cơ quan ban hành: name, superior, symbol, place, numbering span (audited)."""
    user = request.user
    issuer = get_in_scope_or_404(IssuingBody.objects.select_related("unit"), user, VIEW, pk=pk)
    if not may_manage(user, issuer.unit):
        return refuse(
            request,
            _("Chỉ lãnh đạo %(unit)s hoặc quản trị viên mới sửa được cơ quan ban hành.")
            % {"unit": issuer.unit.name},
        )
    form = forms.IssuingBodyForm(*posted(request), instance=issuer)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with transaction.atomic():
                IssuingBody.objects.select_for_update().filter(pk=issuer.pk).first()
                saved = form.save()
                seeded = keep_numbers_unique(saved)
            messages.success(request, _("Đã lưu cơ quan ban hành “%(name)s”.") % {"name": saved})
            if seeded:
                messages.info(
                    request,
                    _(
                        "Cách đánh số mới: số của các văn bản đã ban hành giữ nguyên; văn bản "
                        "ban hành sau được đánh số tiếp theo, không trùng số đã cấp."
                    ),
                )
            return redirect(f"{reverse('documents:bodies')}?unit={saved.unit.code}")
    context = {
        "form": form,
        "issuer": issuer,
        "unit": issuer.unit,
        "example": example_symbol(issuer),
        "documents": issuer.documents.filter(number__isnull=False).count(),
    }
    return render(request, "documents/body_edit.html", context, status=status)


urlpatterns = [
    path("co-quan/", bodies, name="bodies"),
    path("co-quan/<int:pk>/", body_edit, name="body_edit"),
]
