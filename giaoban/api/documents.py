"""Directive documents API (văn bản chỉ đạo), the reading half: lists, one document, the
recipients' obligations (the writing half — draft, review, issue — is `document_writes`).

The same rules as the pages, through the same functions: documents are read through
`register.visible_documents` (issued ones in the caller's scope, belonging or addressed;
drafts only where the caller writes or approves), so a document the caller may not open is
a 404 that reads like a missing one; recipients through `Recipient.objects.restrict`; the
summaries and statuses through `documents.obligations`, never stored by hand.
"""

import datetime

from django.db.models import Case, F, Value, When
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Query, Router

from giaoban.api import errors
from giaoban.api.document_schemas import (
    DocumentDetail,
    DocumentFilters,
    DocumentKindOut,
    DocumentPage,
    RecipientFilters,
    RecipientPage,
)
from giaoban.api.errors import ApiError
from giaoban.api.schemas import ErrorOut, ValidationErrorOut
from giaoban.api.units import get_visible_unit, unit_ref
from giaoban.core.scope import APPROVE, CHANGE, NOTHING, VIEW, can
from giaoban.core.text import nfc
from giaoban.documents import obligations, services
from giaoban.documents.models import Attachment, Document, DocumentKind, DocumentLink, Recipient
from giaoban.documents.views.detail import (
    FORWARD,
    INVERSE,
    own_node,
    own_recipients,
    standing_q,
)
from giaoban.documents.views.register import (
    ISSUED_STATES,
    _owed_deadline,
    _owes,
    decorate,
    home_unit,
    in_force_q,
    progress,
    search,
    status_q,
    visible_documents,
)
from giaoban.units.models import Unit

router = Router(tags=["Văn bản chỉ đạo"])

S = Document.Status
L = DocumentLink.Kind

errors.LABELS.update(
    {
        "pk": gettext_lazy("Mã số văn bản (pk)"),
        "box": gettext_lazy("Hộp văn bản (box)"),
        "unit": gettext_lazy("Mã đơn vị (unit)"),
        "below": gettext_lazy("Gồm đơn vị cấp dưới (below)"),
        # Shared with the activity log's filter of the same name: a word that fits both.
        "kind": gettext_lazy("Loại (kind)"),
        "body": gettext_lazy("Cơ quan ban hành (body)"),
        "year": gettext_lazy("Năm ban hành (year)"),
        "status": gettext_lazy("Trạng thái (status)"),
        "in_force": gettext_lazy("Đang có hiệu lực (in_force)"),
        "owes": gettext_lazy("Việc đơn vị phải làm (owes)"),
        "node": gettext_lazy("Đơn vị gốc của bảng tổng hợp (node)"),
        "obligation": gettext_lazy("Việc (obligation)"),
    }
)

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
PK_PARAM = Path(..., ge=1, le=2_147_483_647, description="Mã số (id) của văn bản.")
UNISSUED_FIRST = Case(When(status__in=ISSUED_STATES, then=Value(1)), default=Value(0))


# ------------------------------------------------------------------ lookups


def get_document(request, pk):
    """The document if the caller may open it; a 404 that reads the same whether it is
    missing or out of scope otherwise."""
    found = (
        visible_documents(request.auth)
        .select_related("kind", "issuer", "unit", "unit__level", "recipient_level")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise ApiError(
            404, _("Không tìm thấy văn bản mã số %(pk)s trong phạm vi của đồng chí.") % {"pk": pk}
        )
    return found


def _kind(value, body=None):
    """A kind by id or by abbreviation ("NQ"; within `body` when given)."""
    kinds = DocumentKind.objects.all()
    if body:
        kinds = kinds.filter(body=body)
    text = value.strip() if isinstance(value, str) else ""
    if isinstance(value, int) or (text.isascii() and text.isdigit() and len(text) <= 12):
        found = list(kinds.filter(pk=int(value)))
    else:
        found = list(kinds.filter(abbreviation__iexact=nfc(value)))
    return found


def _filter_kind(value):
    found = _kind(value)
    if not found:
        raise errors.field_error(
            "kind", _("không có loại văn bản “%(v)s”.") % {"v": str(value)[:20]}
        )
    return [k.pk for k in found]


def _unit_or_default(request, code):
    if code:
        return get_visible_unit(request, code)
    unit = home_unit(request.auth)
    if unit is None:
        raise errors.field_error("unit", _("đồng chí chưa có đơn vị nào: ghi mã đơn vị."))
    return unit


def _apply_filters(documents, filters, today, prefix=""):
    """The filters every box shares: words, kind, issuing body, year, status, validity."""
    if filters.q:
        documents = search(documents, filters.q, f"{prefix}search_text")
    if filters.kind is not None:
        documents = documents.filter(**{f"{prefix}kind_id__in": _filter_kind(filters.kind)})
    if filters.body:
        documents = documents.filter(**{f"{prefix}issuer__body": filters.body})
    if filters.year:
        start = datetime.date(filters.year, 1, 1)
        documents = documents.filter(
            **{
                f"{prefix}issue_date__gte": start,
                f"{prefix}issue_date__lt": start.replace(year=filters.year + 1),
            }
        )
    if filters.status or filters.in_force is not None:
        if prefix:  # the status and validity tests are written on the document
            ids = Document.objects.all()
            ids = _status_filters(ids, filters, today)
            documents = documents.filter(document__in=ids)
        else:
            documents = _status_filters(documents, filters, today)
    return documents


def _status_filters(documents, filters, today):
    if filters.status:
        documents = documents.filter(status_q(filters.status, today))
    if filters.in_force is True:
        documents = documents.filter(in_force_q(today))
    elif filters.in_force is False:
        documents = documents.exclude(in_force_q(today))
    return documents


# ------------------------------------------------------------------ shapes


def document_ref(document, visible=True):
    return {
        "id": document.pk if visible else None,
        "symbol": document.symbol,
        "subject": document.subject,
        "status": document.status,
    }


def kind_out(kind):
    return {
        "id": kind.pk,
        "body": kind.body,
        "name": kind.name,
        "abbreviation": kind.abbreviation,
        "is_active": kind.is_active,
    }


def standing_out(standing):
    return {
        "obligation": standing.obligation.key,
        "label": str(standing.obligation.label),
        "deadline": standing.deadline,
        "met_on": standing.met_on,
        "status": standing.status,
        "status_name": str(standing.label),
    }


def document_row(document, today):
    """A decorated document (register.decorate) as every list returns it."""
    return {
        "id": document.pk,
        "symbol": document.symbol,
        "number_label": document.number_text,
        "kind": kind_out(document.kind),
        "issuer": {
            "name": document.issuer.name,
            "body": document.issuer.body,
            "symbol": document.issuer.symbol,
            "unit": unit_ref(document.unit),
        },
        "subject": document.subject,
        "issue_date": document.issue_date,
        "status": document.status_key,
        "status_name": str(document.status_text),
        "in_force": services.in_force(document, today),
        "secrecy": document.secrecy,
        "effective_from": document.effective_from,
        "effective_to": document.effective_to,
        "ended_by": [document_ref(d, d.is_visible) for d in document.ended_by],
        "is_demo": document.is_demo,
        "owed": None,
        "progress": None,
    }


def _page(filters, total, items, box, unit=None):
    return {
        "box": box,
        "unit": unit_ref(unit) if unit is not None else None,
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": items,
    }


# ------------------------------------------------------------------ lists


@router.get(
    "/document-kinds",
    response={200: list[DocumentKindOut], 401: ErrorOut},
    url_name="document_kinds",
    operation_id="listDocumentKinds",
    summary="Danh mục loại văn bản",
)
def document_kinds(request):
    """Các loại văn bản của tổ chức đảng (party) và của chỉ huy (state), với chữ viết tắt
    dùng trong số, ký hiệu; `id` hoặc chữ viết tắt dùng cho tham số `kind`."""
    return [kind_out(k) for k in DocumentKind.objects.order_by("body", "order", "name")]


def _incoming(request, filters, today):
    user = request.auth
    unit = _unit_or_default(request, filters.unit)
    rows = (
        Recipient.objects.restrict(user, VIEW)
        .filter(unit=unit)
        .select_related("document__kind", "document__issuer", "document__unit", "plan")
        .annotate(next_due=Least(*[_owed_deadline(o) for o in obligations.OBLIGATIONS]))
    )
    rows = _apply_filters(rows, filters, today, prefix="document__")
    if filters.owes:
        rows = _owes(rows, filters.owes, today)
    rows = rows.order_by("next_due", F("document__issue_date").desc(), "-document_id")
    page = list(rows[filters.offset : filters.offset + filters.limit])
    documents = decorate(user, [r.document for r in page], today)
    items = []
    for recipient, document in zip(page, documents, strict=True):
        row = document_row(document, today)
        row["owed"] = [standing_out(s) for s in obligations.owed(document, recipient, today)]
        items.append(row)
    return _page(filters, rows.count(), items, "incoming", unit)


def _outgoing(request, filters, today):
    user = request.auth
    unit = _unit_or_default(request, filters.unit)
    documents = _apply_filters(visible_documents(user).filter(unit=unit), filters, today)
    documents = documents.select_related("kind", "issuer", "unit").order_by(
        UNISSUED_FIRST, F("issue_date").desc(nulls_last=True), "-updated_at", "-pk"
    )
    page = decorate(user, documents[filters.offset : filters.offset + filters.limit], today)
    counts = progress(user, page, today)
    items = []
    for document in page:
        row = document_row(document, today)
        found = counts.get(document.pk)
        row["progress"] = [
            {
                "obligation": o.key,
                "label": str(o.label),
                "deadline": getattr(document, o.deadline_field),
                "recipients": found["n"] if found else 0,
                "done": found[f"{o.key}_done"] if found else 0,
                "late": found[f"{o.key}_late"] if found else 0,
                "overdue": found[f"{o.key}_overdue"] if found else 0,
            }
            for o in obligations.asked(document)
            if document.status in ISSUED_STATES
        ]
        items.append(row)
    return _page(filters, documents.count(), items, "outgoing", unit)


def _all(request, filters, today):
    user = request.auth
    documents = _apply_filters(visible_documents(user), filters, today)
    if filters.unit:
        # Documents come from above too: any unit may be named, the list stays in scope.
        unit = Unit.objects.filter(code=filters.unit).first()
        if unit is None:
            raise errors.field_error(
                "unit", _("không có đơn vị mã “%(code)s”.") % {"code": filters.unit}
            )
        if filters.below:
            documents = documents.filter(path__startswith=unit.path)
        else:
            documents = documents.filter(unit=unit)
    documents = documents.select_related("kind", "issuer", "unit").order_by(
        F("issue_date").desc(nulls_last=True), "-pk"
    )
    page = decorate(user, documents[filters.offset : filters.offset + filters.limit], today)
    return _page(filters, documents.count(), [document_row(d, today) for d in page], "all")


@router.get(
    "/documents",
    response={200: DocumentPage, **READ_ERRORS},
    url_name="document_list",
    operation_id="listDocuments",
    summary="Danh sách văn bản: văn bản đến, văn bản đi, tra cứu",
)
def list_documents(request, filters: Query[DocumentFilters]):
    """Ba cách xem, chọn bằng `box`:

    - `incoming` — **văn bản đến** của một đơn vị (mặc định đơn vị của đồng chí): văn bản gửi
      tới đơn vị, việc đơn vị còn phải làm (`owed`), hạn gần nhất trước.
    - `outgoing` — **văn bản đi** của một đơn vị: dự thảo và văn bản chờ thẩm định trước, rồi
      văn bản đã ban hành với tiến độ của các đơn vị nhận (`progress`).
    - `all` — mọi văn bản đồng chí được xem (mặc định), mới nhất trước.

    Dự thảo chỉ hiện với người soạn, duyệt ở đơn vị ban hành hoặc cấp trên. Tìm kiếm `q`
    không phân biệt dấu và hoa/thường (“quan triet” tìm được “quán triệt”). Văn bản đã bị
    thay thế, bãi bỏ có `ended_by` nêu văn bản thay thế, bãi bỏ nó.
    """
    today = timezone.localdate()
    if filters.owes and filters.box != "incoming":
        raise errors.field_error("owes", _("chỉ dùng với box=incoming."))
    if filters.below and filters.box != "all":
        raise errors.field_error("below", _("chỉ dùng với box=all."))
    if filters.box == "incoming":
        return _incoming(request, filters, today)
    if filters.box == "outgoing":
        return _outgoing(request, filters, today)
    return _all(request, filters, today)


# ------------------------------------------------------------------ one document


def _links(user, document):
    out = []
    forward = list(document.links_out.select_related("target").order_by("kind", "pk"))
    seen = set(
        visible_documents(user)
        .filter(pk__in=[link.target_id for link in forward])
        .values_list("pk", flat=True)
    )
    for link in forward:
        out.append(
            {
                "kind": link.kind,
                "direction": "out",
                "label": str(FORWARD[link.kind]),
                "document": document_ref(link.target, link.target_id in seen),
            }
        )
    backward = (
        document.links_in.filter(source__status__in=ISSUED_STATES)
        .filter(source__in=visible_documents(user))
        .select_related("source")
        .order_by("kind", "source__path", "source__issue_date")
    )
    for link in backward:
        out.append(
            {
                "kind": link.kind,
                "direction": "in",
                "label": str(INVERSE[link.kind]),
                "document": document_ref(link.source),
            }
        )
    return out


def _tallies(document, tally):
    return [
        {
            "obligation": key,
            "label": str(obligations.BY_KEY[key].label),
            "done": done,
            "on_time": on_time,
            "late": late,
            "pending": pending,
            "overdue": overdue,
        }
        for key, done, on_time, late, pending, overdue in tally.cells(
            [o.key for o in obligations.asked(document)]
        )
    ]


def summary_out(document, node, today):
    """The per-subtree table at `node`: its total, and one row per unit directly below."""
    total, groups = obligations.summary(document, node.path, today)
    return {
        "node": unit_ref(node),
        "recipients": total.recipients,
        "obligations": _tallies(document, total),
        "groups": [
            {
                "unit": unit_ref(tally.unit or node),
                "itself": tally.unit is None,
                "recipients": tally.recipients,
                "obligations": _tallies(document, tally),
            }
            for tally in groups
        ],
    }


def default_node(user, document):
    """The issuing unit for those who see its scope, else the caller's own unit."""
    if can(user, VIEW, document.unit):
        return document.unit
    return own_node(user)


def document_detail(user, document):
    today = timezone.localdate()
    decorate(user, [document], today)
    out = document_row(document, today)
    issued = document.status in ISSUED_STATES
    writes = can(user, CHANGE, document.unit) or can(user, APPROVE, document.unit)
    files = Attachment.objects.filter(document=document, role=Attachment.Role.DOCUMENT)
    out.update(
        {
            "place": document.place,
            "body_text": document.body_text,
            "signer_title": document.signer_title,
            "secrecy_name": str(Document.Secrecy(document.secrecy).label),
            "recipient_rule": document.recipient_rule,
            "recipient_rule_name": str(Document.Rule(document.recipient_rule).label),
            "recipient_level": (
                document.recipient_level.code if document.recipient_level_id else None
            ),
            "recipient_units": services.explicit_codes(document),
            "obligations": [
                {
                    "key": o.key,
                    "label": str(o.label),
                    "deadline": getattr(document, o.deadline_field),
                }
                for o in obligations.asked(document)
            ],
            "links": _links(user, document),
            "attachments": [
                {
                    "id": f.pk,
                    "name": f.name,
                    "content_type": f.content_type,
                    "size": f.size,
                    "uploaded_at": f.uploaded_at,
                }
                for f in files.order_by("pk")
            ],
            "versions": document.versions.count() if writes else 0,
            "review_note": document.review_note if writes else "",
            "recipients": (
                Recipient.objects.restrict(user, VIEW).filter(document=document).count()
            ),
            "summary": summary_out(document, default_node(user, document), today)
            if issued
            else None,
            "own": [
                {"unit": unit_ref(r.unit), "standings": [standing_out(s) for s in r.standings]}
                for r in (own_recipients(user, document, today) if issued else [])
            ],
            "actions": {
                "edit": services.may_edit(user, document),
                "send": services.may_send(user, document),
                "review": services.may_review(user, document),
                "metadata": issued and services.may_change_metadata(user, document),
            },
            "created_at": document.created_at,
            "updated_at": document.updated_at,
            "issued_at": document.issued_at,
        }
    )
    return out


@router.get(
    "/documents/{pk}",
    response={200: DocumentDetail, **READ_ERRORS},
    url_name="document_detail",
    operation_id="getDocument",
    summary="Một văn bản: thông tin, nội dung, liên kết, việc phải làm, tổng hợp tiến độ",
)
def get_document_detail(request, pk: int = PK_PARAM):
    """Thông tin, nội dung, tệp đính kèm, liên kết cả hai chiều (sửa đổi, thay thế, bãi bỏ,
    triển khai; văn bản đồng chí không mở được chỉ được nêu số, ký hiệu), việc các đơn vị
    nhận phải làm và hạn (`obligations`), tổng hợp tiến độ theo từng đơn vị trực thuộc
    (`summary`) và việc của chính đơn vị đồng chí (`own`)."""
    return document_detail(request.auth, get_document(request, pk))


# ------------------------------------------------------------------ recipients


def _summary_node(request, document, code):
    if not code:
        return default_node(request.auth, document)
    node = Unit.objects.restrict(request.auth, VIEW).filter(code=code).first()
    if node is None:
        raise ApiError(
            404,
            _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của đồng chí.") % {"code": code},
        )
    return node


def _recipient_rows(request, document, filters, today):
    rows = Recipient.objects.restrict(request.auth, VIEW).filter(document=document)
    asked = obligations.asked(document)
    if filters.obligation and filters.obligation not in {o.key for o in asked}:
        raise errors.field_error(
            "obligation", _("văn bản không yêu cầu việc “%(v)s”.") % {"v": filters.obligation}
        )
    if filters.status:
        if not asked:
            raise errors.field_error("status", _("văn bản không yêu cầu đơn vị nhận làm việc gì."))
        chosen = [o for o in asked if o.key == filters.obligation] or asked
        q = NOTHING
        for o in chosen:
            q |= standing_q(document, o, filters.status, today)
        rows = rows.filter(q)
    if filters.unit:
        rows = rows.filter(path__startswith=get_visible_unit(request, filters.unit).path)
    if filters.q:
        rows = search(rows, filters.q, "unit__search_text")
    return rows


@router.get(
    "/documents/{pk}/recipients",
    response={200: RecipientPage, 409: ErrorOut, **READ_ERRORS},
    url_name="document_recipients",
    operation_id="listDocumentRecipients",
    summary="Các đơn vị nhận văn bản và tình trạng thực hiện (phân trang, tổng hợp theo cây)",
)
def document_recipients(request, filters: Query[RecipientFilters], pk: int = PK_PARAM):
    """Mỗi đơn vị nhận mà đồng chí được xem, theo thứ tự cây: việc phải làm và tình trạng
    theo ma trận theo dõi nhiệm vụ — `on_time` (đã thực hiện đúng hạn), `late` (đã thực
    hiện, quá hạn), `pending` (chưa thực hiện, còn hạn), `overdue` (quá hạn, chưa thực hiện)
    — tính từ hồ sơ (buổi quán triệt trong nhật ký hoạt động, văn bản hoặc tệp kế hoạch,
    báo cáo kết quả), không đánh dấu tay.

    `summary`: tổng hợp theo từng đơn vị trực thuộc đơn vị gốc `node` (một tỉnh: số xã đã
    quán triệt, đúng hạn…); chọn `node` là một dòng của nó để xem cấp dưới nữa. Văn bản
    chưa ban hành → 409.
    """
    today = timezone.localdate()
    document = get_document(request, pk)
    if document.status not in ISSUED_STATES:
        raise ApiError(409, _("Văn bản chưa ban hành nên chưa có đơn vị nhận."))
    node = _summary_node(request, document, filters.node)
    rows = _recipient_rows(request, document, filters, today)
    page = list(
        rows.select_related("unit", "unit__level", "plan").order_by("path")[
            filters.offset : filters.offset + filters.limit
        ]
    )
    plans = {r.plan_id for r in page if r.plan_id}
    seen = set(visible_documents(request.auth).filter(pk__in=plans).values_list("pk", flat=True))
    items = [
        {
            "unit": unit_ref(r.unit),
            "level": r.unit.level.code,
            "received_at": r.received_at,
            "disseminated_on": r.disseminated_on,
            "sessions": r.sessions,
            "plan": document_ref(r.plan, r.plan_id in seen) if r.plan_id else None,
            "plan_on": r.plan_on,
            "results_on": r.results_on,
            "standings": [standing_out(s) for s in obligations.standings(document, r, today)],
        }
        for r in page
    ]
    return {
        "document": document_ref(document),
        "summary": summary_out(document, node, today),
        "total": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": items,
    }
