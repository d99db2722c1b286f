"""The document page, its recipients, one recipient, and the chain down the tree.

What a viewer reads of the recipients depends on where they stand: someone who sees the
issuing unit's scope sees every recipient and the per-subtree summary from the issuing
unit down; a recipient's people see their own subtree only (a province its communes,
never a sibling's). Every recipient row is read through `Recipient.objects.restrict`, and
the summary is taken at a node of the viewer's scope.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from giaoban.core import roles
from giaoban.core.formatting import format_number
from giaoban.core.paths import PATH_SEP, codes
from giaoban.core.scope import APPROVE, CHANGE, NOTHING, VIEW, can, get_in_scope_or_404
from giaoban.documents import obligations, services
from giaoban.documents.models import Attachment, DocumentLink, Recipient
from giaoban.documents.views.register import (
    ALL,
    CHOICE_ERROR,
    ISSUED_STATES,
    PAGE_SIZE,
    S,
    decorate,
    paginate,
    search,
    unit_field,
    visible_documents,
)
from giaoban.units.models import Unit

L = DocumentLink.Kind
PREVIEW = 20  # recipients on the document page; the rest on the recipients page
LINKS_SHOWN = 12  # implementing documents listed on the document page
SUMMARY_PAGE = "nhom"  # the page parameter of the per-subtree summary
FORWARD = {
    L.AMENDS: _("Sửa đổi, bổ sung"),
    L.REPLACES: _("Thay thế"),
    L.REPEALS: _("Bãi bỏ"),
    L.IMPLEMENTS: _("Triển khai thực hiện"),
}
INVERSE = {
    L.AMENDS: _("Được sửa đổi, bổ sung bởi"),
    L.REPLACES: _("Bị thay thế bởi"),
    L.REPEALS: _("Bị bãi bỏ bởi"),
    L.IMPLEMENTS: _("Được triển khai bởi"),
}
DONE, OWED = "done", "owed"
STATUS_FILTERS = [
    *ALL,
    (obligations.ON_TIME, obligations.STATUS_LABELS[obligations.ON_TIME]),
    (obligations.LATE, obligations.STATUS_LABELS[obligations.LATE]),
    (obligations.PENDING, obligations.STATUS_LABELS[obligations.PENDING]),
    (obligations.OVERDUE, obligations.STATUS_LABELS[obligations.OVERDUE]),
    (DONE, _("Đã thực hiện (đúng hạn hoặc muộn)")),
    (OWED, _("Chưa thực hiện (còn hạn hoặc quá hạn)")),
]


# ---------------------------------------------------------------- lookups


def document_or_404(request, pk):
    """The document if the user may open it (404 otherwise), decorated for display."""
    documents = visible_documents(request.user).select_related(
        "kind", "issuer", "unit", "unit__level", "recipient_level", "created_by", "issued_by"
    )
    document = get_in_scope_or_404(documents, request.user, VIEW, pk=pk)
    decorate(request.user, [document], timezone.localdate())
    document.sees_issuer = can(request.user, VIEW, document.unit)
    document.asked = obligations.asked(document)
    today = timezone.localdate()
    document.deadlines = [
        {"obligation": o, "deadline": d, "left": (d - today).days}
        for o in document.asked
        for d in [getattr(document, o.deadline_field)]
    ]
    document.is_issued = document.status in ISSUED_STATES
    return document


def own_node(user):
    """The viewer's own place in the tree: the outermost unit they hold a role at that
    contains their own unit, else their first role unit."""
    outer = roles.role_paths(user, roles.ROLES)
    mine = user.unit.path if user.unit_id else None
    chosen = next((p for p in outer if mine and mine.startswith(p)), outer[0] if outer else None)
    if chosen is None:
        raise Http404
    return Unit.objects.select_related("level").get(path=chosen)


def summary_node(request, document):
    """(node, default): where the per-subtree summary is taken. The issuing unit for those
    who see its scope, else the viewer's own unit; `?node=CODE` moves it to a unit of the
    viewer's scope (a row of the summary, to see the units below it)."""
    default = _default_node(request, document)
    code = request.GET.get("node")
    if not code or code == default.code:
        return default, default
    node = Unit.objects.restrict(request.user, VIEW).filter(code=code).first()
    if node is None:
        raise Http404
    return node, default


def recipients_of(request, document):
    return (
        Recipient.objects.restrict(request.user, VIEW)
        .filter(document=document)
        .select_related("unit", "unit__level", "plan")
    )


def with_standings(document, recipients, today):
    recipients = list(recipients)
    for r in recipients:
        r.standings = obligations.standings(document, r, today)
        r.by_key = {s.obligation.key: s for s in r.standings}
        r.has_overdue = any(s.status == obligations.OVERDUE for s in r.standings)
    return recipients


# ---------------------------------------------------------------- the document page


def links_of(user, document):
    """[(label, [documents])] in both directions; a linked document the viewer may not
    open is named, not linked. Links to this document count only from issued ones."""
    out = list(document.links_out.select_related("target__kind").order_by("kind", "pk"))
    seen = set(
        visible_documents(user)
        .filter(pk__in=[link.target_id for link in out])
        .values_list("pk", flat=True)
    )
    groups = {}
    for link in out:
        link.target.is_visible = link.target_id in seen
        link.target.link = link
        groups.setdefault(FORWARD[link.kind], []).append(link.target)
    incoming = list(
        document.links_in.filter(source__status__in=ISSUED_STATES)
        .select_related("source__kind", "source__unit")
        .order_by("kind", "source__path", "source__issue_date")
    )
    # Which of these few sources the viewer may open, asked of them alone: as a subquery
    # (`source__in=visible_documents(user)`) the database listed every document the viewer
    # may open — all 50,000 for the ministry — to keep a few dozen.
    opened = set(
        visible_documents(user)
        .filter(pk__in=[link.source_id for link in incoming])
        .values_list("pk", flat=True)
    )
    implementing = 0
    for link in (link for link in incoming if link.source_id in opened):
        link.source.is_visible = True
        if link.kind == L.IMPLEMENTS:
            implementing += 1
            if implementing > LINKS_SHOWN:
                continue
        groups.setdefault(INVERSE[link.kind], []).append(link.source)
    return list(groups.items()), implementing


def cells_of(tally, asked):
    """One dict per obligation asked for: how a group of recipients (a Tally) stands."""
    return [
        {
            "key": o.key,
            "label": o.label,
            "total": tally.recipients,
            "done": tally.done(o.key),
            "on_time": tally.count(o.key, obligations.ON_TIME),
            "late": tally.count(o.key, obligations.LATE),
            "pending": tally.count(o.key, obligations.PENDING),
            "overdue": tally.count(o.key, obligations.OVERDUE),
        }
        for o in asked
    ]


class Numbers:
    """`format_number` of the counts a page shows, each value formatted once (a summary
    shows hundreds of counts, most of them the same few numbers)."""

    def __init__(self):
        self.done = {}

    def __call__(self, value):
        text = self.done.get(value)
        if text is None:
            text = self.done[value] = format_number(value)
        return text


def phrase_cells(cells, number):
    """The words a summary cell shows (documents/_detail_cell.html), made here rather than
    by one template tag per number and phrase: the summary of 34 provinces has 105 cells,
    and those tags were the larger part of the page's rendering."""
    for c in cells:
        c["label"] = str(c["label"])
        c["done_text"] = number(c["done"])
        c["total_text"] = number(c["total"])
        c["on_time_text"] = gettext("%(n)s đúng hạn") % {"n": number(c["on_time"])}
        c["late_text"] = gettext("%(n)s muộn") % {"n": number(c["late"])}
        c["pending_text"] = gettext("%(n)s còn hạn") % {"n": number(c["pending"])}
        c["overdue_text"] = gettext("%(n)s quá hạn") % {"n": number(c["overdue"])}
    return cells


def summary_rows(document, node, total, groups, recipient_paths):
    """The per-subtree table: one row per unit directly below the node (and the node
    itself when it is a recipient), each obligation's counts."""
    rows = []
    for tally in groups:
        unit = tally.unit or node
        is_recipient = unit.path in recipient_paths
        rows.append(
            {
                "unit": unit,
                "itself": tally.unit is None,
                "recipients": tally.recipients,
                "cells": cells_of(tally, document.asked),
                "is_recipient": is_recipient,
                "below": tally.recipients - (1 if is_recipient else 0),
            }
        )
    return rows, cells_of(total, document.asked)


def trail_between(default, node):
    """The units from the default node down to the chosen one (for the summary's crumbs)."""
    if node.pk == default.pk or not node.path.startswith(default.path):
        return [default] if node.pk != default.pk else []
    wanted = codes(node.path)[len(codes(default.path)) - 1 : -1]
    found = {u.code: u for u in Unit.objects.filter(code__in=wanted)}
    return [found[c] for c in wanted if c in found]


def own_recipients(user, document, today):
    """The recipient rows of the viewer's own units: "Đơn vị của đồng chí cần …"."""
    ids = {user.unit_id, *roles.role_unit_ids(user)} - {None}
    rows = with_standings(
        document,
        Recipient.objects.filter(document=document, unit_id__in=ids).select_related("unit", "plan"),
        today,
    )
    for r in rows:
        r.owed = obligations.owed(document, r, today)
        r.may_act = can(user, CHANGE, r.unit)
    return rows


def actions(user, document):
    """What the viewer may do from the page (each view checks again on its own)."""
    issued = document.status == S.ISSUED
    editable = services.may_edit(user, document)
    return {
        "edit": editable,
        "attach": editable,
        "link": editable,
        "send": services.may_send(user, document),
        "review": services.may_review(user, document),
        "metadata": document.is_issued and services.may_change_metadata(user, document),
        "remind": issued and bool(document.asked) and roles.is_leader_of(user, document.unit),
    }


@login_required
@require_GET
def detail(request, pk):
    user, today = request.user, timezone.localdate()
    document = document_or_404(request, pk)
    context = {
        "document": document,
        "tab": "detail",
        "actions": actions(user, document),
        "attachments": list(
            Attachment.objects.filter(document=document, role=Attachment.Role.DOCUMENT)
        ),
        "today": today,
        "status_links": STATUS_FILTERS[1:],
        "implemented_label": INVERSE[L.IMPLEMENTS],
        "links_shown": LINKS_SHOWN,
    }
    context["links"], context["implementing"] = links_of(user, document)
    if document.sees_issuer and (
        can(user, CHANGE, document.unit) or can(user, APPROVE, document.unit)
    ):
        context["versions"] = list(
            document.versions.select_related("created_by").order_by("-number")[:50]
        )
    if document.is_issued:
        context.update(_progress(request, document, today))
    return render(request, "documents/detail.html", context)


def _summary(request, document, today, node=None):
    """The per-subtree summary at `node` (default: where the viewer stands, or ?node=)."""
    if node is None:
        node, default = summary_node(request, document)
    else:
        default = _default_node(request, document)
    rows = obligations.recipient_rows(document, node.path)
    total, groups = obligations.summary(document, node.path, today, rows=rows)
    summary, totals = summary_rows(document, node, total, groups, {r[1] for r in rows})
    # A province's communes are its rows: a long summary is paged like the tables.
    summary_page = paginate(request, summary, PAGE_SIZE, param=SUMMARY_PAGE)
    number = Numbers()
    for row in summary_page.object_list:  # the words of the rows shown only
        phrase_cells(row["cells"], number)
        row["recipients_text"] = number(row["recipients"])
        row["below_text"] = gettext("và %(n)s cấp dưới") % {"n": number(row["below"])}
    phrase_cells(totals, number)
    return {
        "node": node,
        "default_node": default,
        "node_trail": trail_between(default, node),
        "summary": summary_page.object_list,
        "summary_page": summary_page,
        "summary_param": SUMMARY_PAGE,
        "totals": totals,
        "total": total,
        "with_plan": sum(1 for r in rows if r[3] is not None),
    }


def _progress(request, document, today):
    """The issued document's recipients, as the viewer may see them."""
    recipients = paginate(request, recipients_of(request, document).order_by("path"), PREVIEW)
    return {
        **_summary(request, document, today),
        "recipients": with_standings(document, recipients.object_list, today),
        "recipients_page": recipients,
        "recipient_count": recipients.paginator.count,
        "own": own_recipients(request.user, document, today),
    }


# ---------------------------------------------------------------- the recipients


class RecipientFilterForm(forms.Form):
    obligation = forms.ChoiceField(label=_("Việc"), required=False, error_messages=CHOICE_ERROR)
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=STATUS_FILTERS, error_messages=CHOICE_ERROR
    )
    q = forms.CharField(label=_("Tên đơn vị"), required=False, max_length=120)

    def __init__(self, *args, user, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["obligation"].choices = ALL + [(o.key, o.label) for o in document.asked]
        self.fields["unit"] = unit_field(
            user, _("Thuộc đơn vị"), _("Đơn vị đó và các đơn vị cấp dưới của nó.")
        )
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("có dấu hay không dấu"))
        self.order_fields(["obligation", "status", "unit", "q"])

    def clean(self):
        data = super().clean()
        if data.get("status") and not self.document.asked:
            self.add_error("status", _("Văn bản không yêu cầu đơn vị nhận làm việc gì."))
        return data

    def apply(self, rows, today):
        data = self.cleaned_data
        if data.get("unit") is not None:
            rows = rows.filter(path__startswith=data["unit"].path)
        if data.get("q"):
            rows = search(rows, data["q"], "unit__search_text")
        if data.get("status"):
            chosen = [o for o in self.document.asked if o.key == data.get("obligation")]
            q = NOTHING
            for o in chosen or self.document.asked:
                q |= standing_q(self.document, o, data["status"], today)
            rows = rows.filter(q)
        return rows


def standing_q(document, o, status, today):
    """The recipient rows whose standing on obligation `o` is `status`."""
    deadline, met = getattr(document, o.deadline_field), o.met_field
    missing = Q(**{f"{met}__isnull": True})
    if status == obligations.ON_TIME:
        return Q(**{f"{met}__lte": deadline})
    if status == obligations.LATE:
        return Q(**{f"{met}__gt": deadline})
    if status == DONE:
        return ~missing
    if status == OWED:
        return missing
    if status == obligations.PENDING:
        return missing if today <= deadline else NOTHING
    return missing if today > deadline else NOTHING  # OVERDUE


@login_required
@require_GET
def recipients(request, pk):
    """Nơi nhận: every recipient the viewer may see, filtered, 50 a page."""
    today = timezone.localdate()
    document = document_or_404(request, pk)
    if not document.is_issued:
        raise Http404
    form = RecipientFilterForm(user=request.user, document=document)
    if request.GET.keys() - {"page", SUMMARY_PAGE}:
        form = RecipientFilterForm(request.GET, user=request.user, document=document)
    rows, status = recipients_of(request, document).order_by("path"), 200
    if form.is_bound and not form.is_valid():
        rows, status = rows.none(), 400
    elif form.is_bound:
        rows = form.apply(rows, today)
    page = paginate(request, rows)
    chosen = form.cleaned_data.get("unit") if form.is_bound and status == 200 else None
    context = {
        "document": document,
        "tab": "recipients",
        "form": form,
        "page": page,
        "rows": with_standings(document, page.object_list, today),
        "status_filters": STATUS_FILTERS[1:],
        **_summary(request, document, today, node=chosen or _default_node(request, document)),
    }
    return render(request, "documents/recipients.html", context, status=status)


def _default_node(request, document):
    return document.unit if document.sees_issuer else own_node(request.user)


@login_required
@require_GET
def recipient(request, pk, code):
    """One recipient: where it stands, its sessions, its plan, its results."""
    today = timezone.localdate()
    document = document_or_404(request, pk)
    found = recipients_of(request, document).filter(unit__code=code).first()
    if found is None:
        raise Http404
    (found,) = with_standings(document, [found], today)
    files = Attachment.objects.restrict(request.user, VIEW).filter(recipient=found)
    files = list(files.select_related("uploaded_by").order_by("role", "pk"))
    plan = found.plan
    if plan is not None:
        plan.is_visible = visible_documents(request.user).filter(pk=plan.pk).exists()
    context = {
        "document": document,
        "tab": "recipients",
        "r": found,
        "plan": plan,
        "plan_files": [f for f in files if f.role == Attachment.Role.PLAN],
        "result_files": [f for f in files if f.role == Attachment.Role.RESULTS],
        "may_act": can(request.user, CHANGE, found.unit),
        # Only the unit's own people issue its plan (the form picks the user's own unit).
        "own_unit": found.unit_id in {request.user.unit_id, *roles.role_unit_ids(request.user)},
        "trail": found.unit.ancestors() if found.unit.parent_id else [],
    }
    return render(request, "documents/recipients_unit.html", context)


# ---------------------------------------------------------------- the chain


class ChainFilterForm(forms.Form):
    plan = forms.ChoiceField(
        label=_("Kế hoạch triển khai"),
        required=False,
        choices=[
            *ALL,
            ("document", _("Đã ban hành văn bản triển khai")),
            ("any", _("Đã có kế hoạch (văn bản hoặc tệp)")),
            ("none", _("Chưa có kế hoạch")),
        ],
        error_messages=CHOICE_ERROR,
    )
    level = forms.ChoiceField(label=_("Cấp"), required=False, error_messages=CHOICE_ERROR)
    q = forms.CharField(label=_("Tên đơn vị"), required=False, max_length=120)

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = ALL + [(lv["code"], lv["name"]) for lv in levels]
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("có dấu hay không dấu"))

    def apply(self, rows):
        data = self.cleaned_data
        if data.get("level"):
            rows = rows.filter(unit__level__code=data["level"])
        choice = data.get("plan")
        if choice == "document":
            rows = rows.filter(plan__isnull=False)
        elif choice == "any":
            rows = rows.filter(plan_on__isnull=False)
        elif choice == "none":
            rows = rows.filter(plan_on__isnull=True)
        if data.get("q"):
            rows = search(rows, data["q"], "unit__search_text")
        return rows


def levels(rows, document, today):
    """Per level of the tree (tỉnh, xã…): recipients, plans issued or uploaded, late, and
    overdue against this document's plan deadline."""
    plan_by = document.plan_by
    counts = {
        "n": Count("pk"),
        "documents": Count("pk", filter=Q(plan__isnull=False)),
        "planned": Count("pk", filter=Q(plan_on__isnull=False)),
    }
    if plan_by:
        counts["late"] = Count("pk", filter=Q(plan_on__gt=plan_by))
    out = list(
        rows.order_by()
        .values(
            code=F("unit__level__code"), name=F("unit__level__name"), rank=F("unit__level__rank")
        )
        .annotate(**counts)
        .order_by("rank")
    )
    for level in out:
        missing = level["n"] - level["planned"]
        level["overdue"] = missing if plan_by and today > plan_by else 0
        level["pending"] = missing - level["overdue"]
    return out


def chain_links_of(document, recipients, today):
    """obligations.chain for a page of recipients, each plan's recipients counted from one
    query for the whole page (not one per plan)."""
    plans = {}
    for plan in obligations.implementing(document):
        plans.setdefault(plan.unit_id, plan)
    shown = {r.unit_id: plans[r.unit_id] for r in recipients if r.unit_id in plans}
    by_id = {plan.pk: plan for plan in shown.values()}
    totals = {pk: obligations.Tally(None) for pk in by_id}
    rows = Recipient.objects.filter(document_id__in=list(by_id)).values_list(
        "document_id", "disseminated_on", "plan_on", "results_on"
    )
    for document_id, disseminated_on, plan_on, results_on in rows:
        plan, tally = by_id[document_id], totals[document_id]
        met = {obligations.DISSEMINATE: disseminated_on, obligations.PLAN: plan_on}
        met[obligations.REPORT] = results_on
        tally.recipients += 1
        for o in obligations.asked(plan):
            deadline = getattr(plan, o.deadline_field)
            tally.counts[o.key][obligations.status(deadline, met[o.key], today)] += 1
    out = []
    for r in recipients:
        plan = shown.get(r.unit_id)
        out.append(
            obligations.ChainLink(
                recipient=r,
                plan=plan,
                plan_status=obligations.status(document.plan_by, r.plan_on, today),
                total=totals[plan.pk] if plan else None,
                later_deadlines=obligations.later_deadlines(plan, document) if plan else [],
            )
        )
    return out


@login_required
@require_GET
def chain(request, pk):
    """Triển khai: from this document down, level by level, 50 recipients a page."""
    today = timezone.localdate()
    document = document_or_404(request, pk)
    if not document.is_issued:
        raise Http404
    rows, status = recipients_of(request, document), 200
    by_level = levels(rows, document, today)
    form = ChainFilterForm(levels=by_level)
    if request.GET.keys() - {"page"}:
        form = ChainFilterForm(request.GET, levels=by_level)
    if form.is_bound and not form.is_valid():
        rows, status = rows.none(), 400
    elif form.is_bound:
        rows = form.apply(rows)
    page = paginate(request, rows.order_by("unit__depth", "path"))
    # The plans' own progress is read for the rows shown only.
    chain_links = chain_links_of(document, page.object_list, today)
    number = Numbers()
    for link in chain_links:
        if link.plan is not None:
            link.plan.asked = obligations.asked(link.plan)
            link.plan.status_text = services.status_label(link.plan, today)
            link.cells = phrase_cells(cells_of(link.total, link.plan.asked), number)
        link.plan_label = obligations.STATUS_LABELS.get(link.plan_status, "")
        link.plan_css = obligations.STATUS_CSS.get(link.plan_status, "")
    up = [
        link.target
        for link in document.links_out.filter(kind=L.IMPLEMENTS).select_related("target")
    ]
    opened = set(  # asked of these few, not as a subquery over every document (links_of)
        visible_documents(request.user)
        .filter(pk__in=[target.pk for target in up])
        .values_list("pk", flat=True)
    )
    up = [target for target in up if target.pk in opened]
    context = {
        "document": document,
        "tab": "chain",
        "form": form,
        "page": page,
        "links": chain_links,
        "levels": by_level,
        "up": up,
        "depth": document.path.count(PATH_SEP),
    }
    return render(request, "documents/chain.html", context, status=status)


urlpatterns = [
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/noi-nhan/", recipients, name="recipients"),
    path("<int:pk>/noi-nhan/<str:code>/", recipient, name="recipient"),
    path("<int:pk>/trien-khai/", chain, name="chain"),
]
