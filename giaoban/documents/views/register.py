"""Văn bản đến, văn bản đi, sổ văn bản: the lists of documents a user reads.

- incoming: documents addressed to a unit (the user's own by default), with what that unit
  still owes, nearest deadline first (the order is computed in the query, so paging keeps it);
- outgoing: documents of a unit — drafts, in review, issued — with the recipients' progress
  counted in one aggregate query per page;
- register: every document of the user's scope, searched without diacritics, filtered by
  kind, issuing body and unit, year, status and validity.

Drafts and documents in review are read only by those who write (CHANGE) or approve
(APPROVE) at the issuing unit or above (`visible_documents`); issued ones by everyone whose
scope they belong, or are addressed, to. The other document pages (views/detail.py) use
the same helpers, so a document reads the same wherever it is listed.
"""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, DateField, F, Q, Value, When
from django.db.models.functions import Least
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from giaoban.core import roles
from giaoban.core.paths import ancestor_paths
from giaoban.core.scope import CHANGE, VIEW, can, may
from giaoban.core.text import fold
from giaoban.documents import indicators, obligations, services
from giaoban.documents.models import (
    BODY_CHOICES,
    Document,
    DocumentKind,
    DocumentLink,
    Recipient,
)
from giaoban.documents.services import ISSUED_STATES, visible_documents
from giaoban.units.forms import DateInput, UnitCodeField
from giaoban.units.models import Unit

S = Document.Status
L = DocumentLink.Kind
PAGE_SIZE = 50
EXPIRED = "expired"
STATUS_CSS = {S.DRAFT: "", S.REVIEW: "info", S.ISSUED: "ok", S.REPLACED: "closed"}
STATUS_CSS |= {S.REPEALED: "closed", EXPIRED: "closed"}
FAR = datetime.date(9999, 12, 31)  # "owes nothing" in the nearest-deadline order
MAX_WORDS = 12
ALL = [("", _("— tất cả —"))]
CHOICE_ERROR = {"invalid_choice": _("Giá trị “%(value)s” không có trong danh sách để chọn.")}


# ---------------------------------------------------------------- shared by every page


def number_label(document):
    """ "Số 15-NQ/ĐU" as a list shows it; a draft has no number yet."""
    return _("Số %(symbol)s") % {"symbol": document.symbol} if document.symbol else ""


def status_of(document, today):
    """(words, css, key): one name per status, "Hết hiệu lực" past the expiry date."""
    label = services.status_label(document, today)
    expired = document.status == S.ISSUED and label != S(document.status).label
    key = EXPIRED if expired else document.status
    return label, STATUS_CSS.get(key, ""), key


def decorate(user, documents, today):
    """Attach what every list shows of a document: its status in words, and for a replaced
    or repealed one the documents that replaced or repealed it (linked where visible)."""
    documents = list(documents)
    for d in documents:
        d.status_text, d.status_css, d.status_key = status_of(d, today)
        d.number_text = number_label(d)
        d.ended_by = []
    ended = {d.pk: d for d in documents if d.status in (S.REPLACED, S.REPEALED)}
    if not ended:
        return documents
    links = list(
        DocumentLink.objects.filter(
            target_id__in=list(ended),
            kind__in=(L.REPLACES, L.REPEALS),
            source__status__in=ISSUED_STATES,
        )
        .select_related("source")
        .order_by("source__issue_date", "source_id")
    )
    seen = set(
        visible_documents(user)
        .filter(pk__in={link.source_id for link in links})
        .values_list("pk", flat=True)
    )
    for link in links:
        link.source.is_visible = link.source_id in seen
        ended[link.target_id].ended_by.append(link.source)
    return documents


def search(queryset, text, field):
    """Each word, folded (no diacritics, lower case, đ→d), must occur in `field`."""
    for word in fold(text).split()[:MAX_WORDS]:
        queryset = queryset.filter(**{f"{field}__contains": word})
    return queryset


def kind_choices():
    """Kinds grouped by the body that uses them (the Party's "Kế hoạch" is not the state's)."""
    groups = {body: [] for body, _label in BODY_CHOICES}
    for k in DocumentKind.objects.order_by("body", "order", "name"):
        groups.setdefault(k.body, []).append((str(k.pk), k.name))
    labels = dict(BODY_CHOICES)
    return ALL + [(labels.get(body, body), items) for body, items in groups.items() if items]


def paginate(request, queryset, size=PAGE_SIZE, param="page"):
    return Paginator(queryset, size).get_page(request.GET.get(param))


def home_unit(user):
    """The unit a user's lists open on: their own, else the first unit they hold a role at."""
    if user.unit_id is not None and can(user, VIEW, user.unit):
        return user.unit
    ids = roles.role_unit_ids(user)
    return Unit.objects.filter(pk__in=ids[:1]).first()


def role_units(user):
    """The units the user may switch between in one click: their own and their role units."""
    ids = list(dict.fromkeys([user.unit_id, *roles.role_unit_ids(user)]))
    found = Unit.objects.restrict(user, VIEW).filter(pk__in=[i for i in ids if i])
    return sorted(found.select_related("level"), key=lambda u: u.path)


# ---------------------------------------------------------------- filters


class FilterForm(forms.Form):
    """What every list filters on: words, kind, year."""

    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        max_length=200,
        help_text=_("Số, ký hiệu, trích yếu hoặc nội dung; có dấu hay không dấu đều được."),
    )
    kind = forms.TypedChoiceField(
        label=_("Loại văn bản"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=CHOICE_ERROR,
    )
    year = forms.IntegerField(
        label=_("Năm ban hành"),
        required=False,
        min_value=1945,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "2026"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = kind_choices()
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("ví dụ: quan triet"))

    def apply(self, queryset, prefix=""):
        data = self.cleaned_data
        if data.get("q"):
            queryset = search(queryset, data["q"], f"{prefix}search_text")
        if data.get("kind"):
            queryset = queryset.filter(**{f"{prefix}kind_id": data["kind"]})
        if data.get("year"):
            start = datetime.date(data["year"], 1, 1)
            queryset = queryset.filter(
                **{
                    f"{prefix}issue_date__gte": start,
                    f"{prefix}issue_date__lt": start.replace(year=start.year + 1),
                }
            )
        return queryset


def unit_field(user, label, help_text=""):
    return UnitCodeField(
        user, VIEW, open_only=False, required=False, label=label, help_text=help_text
    )


OWES_CHOICES = [
    ("", _("— tất cả —")),
    ("owed", _("Còn phải thực hiện")),
    ("overdue", _("Có việc quá hạn")),
    ("done", _("Đã thực hiện xong")),
]


BY_CHOICES = [
    (indicators.RECEIVED, _("Ngày nhận văn bản")),
    (indicators.ON_TIME, _("Ngày quán triệt — chỉ văn bản quán triệt đúng hạn")),
]


class IncomingForm(FilterForm):
    owes = forms.ChoiceField(
        label=_("Việc đơn vị phải làm"),
        required=False,
        choices=OWES_CHOICES,
        error_messages=CHOICE_ERROR,
    )
    # A window of days: what a report's indicator computed from the register counts (its
    # link lands here with by, start and end).
    by = forms.ChoiceField(
        label=_("Khoảng ngày tính theo"),
        required=False,
        choices=BY_CHOICES,
        error_messages=CHOICE_ERROR,
    )
    start = forms.DateField(
        label=_("Từ ngày"), required=False, widget=DateInput(), input_formats=["%d/%m/%Y"]
    )
    end = forms.DateField(
        label=_("Đến ngày"), required=False, widget=DateInput(), input_formats=["%d/%m/%Y"]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields = {
            "unit": unit_field(user, _("Đơn vị nhận"), _("Đơn vị của đồng chí hoặc cấp dưới.")),
            **self.fields,
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        for name in ("start", "end"):
            day = data.get(name)
            if day and not 1901 <= day.year <= 2998:
                self.add_error(name, _("năm phải từ 1901 đến 2998."))
        if start and end and start > end:
            self.add_error("end", _("không được trước ngày “Từ ngày”."))
        return data

    def apply(self, queryset, prefix=""):
        queryset = super().apply(queryset, prefix)
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if data.get("by") == indicators.ON_TIME:
            queryset = queryset.filter(indicators.disseminated_on_time_q())
            if start:
                queryset = queryset.filter(disseminated_on__gte=start)
            if end:
                queryset = queryset.filter(disseminated_on__lte=end)
        elif start or end:
            first, last = start or datetime.date(1901, 1, 1), end or datetime.date(2998, 12, 31)
            queryset = queryset.filter(indicators.received_between(first, last))
        return queryset


def status_choices():
    return [
        *ALL,
        (S.DRAFT, S.DRAFT.label),
        (S.REVIEW, S.REVIEW.label),
        (S.ISSUED, S.ISSUED.label),
        (EXPIRED, _("Hết hiệu lực")),
        (S.REPLACED, S.REPLACED.label),
        (S.REPEALED, S.REPEALED.label),
    ]


def status_q(key, today):
    """The documents whose status in words (status_of) is `key`."""
    expired = Q(status=S.ISSUED, effective_to__lt=today)
    if key == EXPIRED:
        return expired
    if key == S.ISSUED:
        return Q(status=S.ISSUED) & ~expired
    return Q(status=key)


def in_force_q(today):
    return (
        Q(status=S.ISSUED)
        & (Q(effective_from__isnull=True) | Q(effective_from__lte=today))
        & (Q(effective_to__isnull=True) | Q(effective_to__gte=today))
    )


class OutgoingForm(FilterForm):
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, error_messages=CHOICE_ERROR)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields = {
            "unit": unit_field(user, _("Đơn vị ban hành"), _("Đơn vị của đồng chí hoặc cấp dưới.")),
            **self.fields,
        }
        self.fields["status"].choices = status_choices()


class RegisterForm(FilterForm):
    body = forms.ChoiceField(
        label=_("Cơ quan ban hành"),
        required=False,
        choices=ALL + BODY_CHOICES,
        error_messages=CHOICE_ERROR,
    )
    below = forms.BooleanField(label=_("Gồm cả văn bản của đơn vị cấp dưới"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, error_messages=CHOICE_ERROR)
    in_force = forms.BooleanField(label=_("Chỉ văn bản đang có hiệu lực"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        unit = unit_field(user, _("Đơn vị ban hành"))
        # Documents come from above too: the units over the user's own may be chosen.
        above = {p for r in roles.held(user) for p in ancestor_paths(r.unit_path)}
        unit.queryset = Unit.objects.filter(
            Q(pk__in=unit.queryset.values("pk")) | Q(path__in=above)
        )
        self.fields = {**self.fields, "unit": unit}
        self.order_fields(["q", "kind", "body", "unit", "below", "year", "status", "in_force"])
        self.fields["status"].choices = status_choices()

    def apply(self, queryset, prefix=""):
        queryset = super().apply(queryset)
        data, today = self.cleaned_data, timezone.localdate()
        if data.get("body"):
            queryset = queryset.filter(issuer__body=data["body"])
        unit = data.get("unit")
        if unit is not None:
            if data.get("below"):
                queryset = queryset.filter(path__startswith=unit.path)
            else:
                queryset = queryset.filter(unit=unit)
        if data.get("status"):
            queryset = queryset.filter(status_q(data["status"], today))
        if data.get("in_force"):
            queryset = queryset.filter(in_force_q(today))
        return queryset


def bound(form_class, request, **kwargs):
    """The filter form, bound when the URL carries any of its fields."""
    form = form_class(user=request.user, **kwargs)
    if any(name in request.GET for name in form.fields):
        form = form_class(request.GET, user=request.user, **kwargs)
    return form


# ---------------------------------------------------------------- the pages


def _chosen_unit(request, form):
    """The unit a list is about: chosen in the form, else the user's own."""
    unit = form.cleaned_data.get("unit") if form.is_bound and form.is_valid() else None
    unit = unit or home_unit(request.user)
    if unit is None:
        raise PermissionDenied
    return unit


def _owed_deadline(o):
    """This obligation's deadline while the recipient has not met it; FAR otherwise."""
    return Case(
        When(
            **{f"document__{o.deadline_field}__isnull": False, f"{o.met_field}__isnull": True},
            then=F(f"document__{o.deadline_field}"),
        ),
        default=Value(FAR),
        output_field=DateField(),
    )


def _owes(rows, key, today):
    if key == "owed":
        return rows.filter(next_due__lt=FAR)
    if key == "overdue":
        return rows.filter(next_due__lt=today)
    if key == "done":
        asked = Q()
        for o in obligations.OBLIGATIONS:
            asked |= Q(**{f"document__{o.deadline_field}__isnull": False})
        return rows.filter(asked, next_due=FAR)
    return rows


@login_required
@require_GET
def incoming(request):
    """Văn bản đến: what was addressed to the unit and what the unit still owes."""
    form = bound(IncomingForm, request)
    status, today = 200, timezone.localdate()
    valid = not form.is_bound or form.is_valid()
    if not valid:
        status = 400
    unit = _chosen_unit(request, form)
    rows = (
        Recipient.objects.restrict(request.user, VIEW)
        .filter(unit=unit)
        .select_related("document__kind", "document__issuer", "document__unit", "plan")
        .annotate(next_due=Least(*[_owed_deadline(o) for o in obligations.OBLIGATIONS]))
    )
    if not valid:
        rows = rows.none()
    elif form.is_bound:
        rows = _owes(form.apply(rows, prefix="document__"), form.cleaned_data["owes"], today)
    page = paginate(
        request, rows.order_by("next_due", F("document__issue_date").desc(), "-document_id")
    )
    documents = decorate(request.user, [r.document for r in page.object_list], today)
    for recipient, document in zip(page.object_list, documents, strict=True):
        standings = obligations.standings(document, recipient, today)
        owed = obligations.owed(document, recipient, today)
        recipient.standings = owed + [s for s in standings if s not in owed]
        recipient.owes = bool(owed)
    context = {
        "form": form,
        "unit": unit,
        "page": page,
        "tab": "incoming",
        "switch_units": role_units(request.user),
        "may_draft": services.may_draft(request.user, unit),
    }
    return render(request, "documents/register_incoming.html", context, status=status)


def progress(user, documents, today):
    """For each issued document of the page: recipients, and per obligation done, late and
    overdue — one aggregate query for the whole page."""
    ids = [d.pk for d in documents if d.status in ISSUED_STATES]
    if not ids:
        return {}
    counts = {"n": Count("pk")}
    for o in obligations.OBLIGATIONS:
        met, deadline = o.met_field, f"document__{o.deadline_field}"
        counts[f"{o.key}_done"] = Count("pk", filter=Q(**{f"{met}__isnull": False}))
        counts[f"{o.key}_late"] = Count("pk", filter=Q(**{f"{met}__gt": F(deadline)}))
        counts[f"{o.key}_overdue"] = Count(
            "pk", filter=Q(**{f"{met}__isnull": True, f"{deadline}__lt": today})
        )
    rows = (
        Recipient.objects.restrict(user, VIEW)
        .filter(document_id__in=ids)
        .order_by()
        .values("document_id")
        .annotate(**counts)
    )
    return {row["document_id"]: row for row in rows}


def attach_progress(user, documents, today):
    counts = progress(user, documents, today)
    for d in documents:
        row = counts.get(d.pk)
        d.progress = []
        d.recipient_count = row["n"] if row else 0
        if row is None:
            continue
        for o in obligations.asked(d):
            d.progress.append(
                {
                    "label": o.label,
                    "done": row[f"{o.key}_done"],
                    "late": row[f"{o.key}_late"],
                    "overdue": row[f"{o.key}_overdue"],
                    "total": row["n"],
                    "deadline": getattr(d, o.deadline_field),
                }
            )


@login_required
@require_GET
def outgoing(request):
    """Văn bản đi: the unit's documents — drafts and in review first — with progress."""
    form = bound(OutgoingForm, request)
    status, today = 200, timezone.localdate()
    valid = not form.is_bound or form.is_valid()
    if not valid:
        status = 400
    unit = _chosen_unit(request, form)
    documents = visible_documents(request.user).filter(unit=unit)
    if not valid:
        documents = documents.none()
    elif form.is_bound:
        documents = form.apply(documents)
        if form.cleaned_data.get("status"):
            documents = documents.filter(status_q(form.cleaned_data["status"], today))
    unissued_first = Case(When(status__in=ISSUED_STATES, then=Value(1)), default=Value(0))
    documents = documents.select_related("kind", "issuer", "unit").order_by(
        unissued_first, F("issue_date").desc(nulls_last=True), "-updated_at", "-pk"
    )
    page = paginate(request, documents)
    rows = decorate(request.user, page.object_list, today)
    attach_progress(request.user, rows, today)
    context = {
        "form": form,
        "unit": unit,
        "page": page,
        "rows": rows,
        "tab": "outgoing",
        "switch_units": role_units(request.user),
        "may_draft": services.may_draft(request.user, unit),
    }
    return render(request, "documents/register_outgoing.html", context, status=status)


@login_required
@require_GET
def register(request):
    """Sổ văn bản, tra cứu: every document of the user's scope."""
    if not roles.held(request.user):
        raise PermissionDenied
    form = bound(RegisterForm, request)
    status, today = 200, timezone.localdate()
    documents = visible_documents(request.user)
    if form.is_bound and not form.is_valid():
        status = 400
        documents = documents.none()
    elif form.is_bound:
        documents = form.apply(documents)
    documents = documents.select_related("kind", "issuer", "unit").order_by(
        F("issue_date").desc(nulls_last=True), "-pk"
    )
    page = paginate(request, documents)
    context = {
        "form": form,
        "page": page,
        "rows": decorate(request.user, page.object_list, today),
        "tab": "register",
        "searched": form.is_bound,
        "may_draft": may(request.user, CHANGE),
    }
    return render(request, "documents/register_search.html", context, status=status)


urlpatterns = [
    path("", incoming, name="incoming"),
    path("di/", outgoing, name="outgoing"),
    path("so/", register, name="register"),
]
