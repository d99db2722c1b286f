"""Directive documents API, the writing half (văn bản chỉ đạo): draft, send for review, issue.

Every write goes through `documents.services`, which checks the caller's role and writes
all or nothing (audited by the registry): a `DocumentError` is a 422 naming its field, a
403 when the caller's role does not allow it, a 409 when the document's state does not.
What a page's form checks before calling the services (the kind of the issuing body, the
recipient level, the chosen units being below the issuer, the rule reaching some unit) is
checked here the same way, so that nothing half-made is ever written.
"""

import pydantic
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Status
from ninja.errors import ValidationError

from giaoban.api import errors
from giaoban.api.document_schemas import DocumentWritten, DraftIn, IssueIn
from giaoban.api.documents import _kind, document_detail, get_document, router
from giaoban.api.errors import ApiError
from giaoban.api.schemas import ErrorOut, ValidationErrorOut
from giaoban.api.units import get_visible_unit
from giaoban.core.scope import CHANGE, VIEW, can
from giaoban.documents import obligations, services
from giaoban.documents.models import Document, DocumentLink
from giaoban.documents.services import DocumentError
from giaoban.units.models import Level, Unit

# The operations join the lists' router (`router` above): GET and POST /documents must be
# one route, as ninja serves a path from the first router that declares it.
S = Document.Status
L = DocumentLink.Kind

errors.LABELS.update(
    {
        "payload.unit": gettext_lazy("Mã đơn vị ban hành (unit)"),
        "payload.body": gettext_lazy("Cơ quan ban hành (body)"),
        "payload.kind": gettext_lazy("Loại văn bản (kind)"),
        "payload.subject": gettext_lazy("Trích yếu (subject)"),
        "payload.body_text": gettext_lazy("Nội dung (body_text)"),
        "payload.secrecy": gettext_lazy("Độ mật (secrecy)"),
        "payload.effective_from": gettext_lazy("Hiệu lực từ (effective_from)"),
        "payload.effective_to": gettext_lazy("Hết hiệu lực (effective_to)"),
        "payload.signer_title": gettext_lazy("Thẩm quyền ký (signer_title)"),
        "payload.place": gettext_lazy("Địa danh (place)"),
        "payload.recipient_rule": gettext_lazy("Quy tắc nơi nhận (recipient_rule)"),
        "payload.recipient_level": gettext_lazy("Cấp nhận (recipient_level)"),
        "payload.recipient_units": gettext_lazy("Các đơn vị nhận (recipient_units)"),
        "payload.disseminate_by": gettext_lazy("Hạn quán triệt (disseminate_by)"),
        "payload.plan_by": gettext_lazy("Hạn kế hoạch triển khai (plan_by)"),
        "payload.report_by": gettext_lazy("Hạn báo cáo kết quả (report_by)"),
        "payload.implements": gettext_lazy("Văn bản được triển khai (implements)"),
        "payload.issue_date": gettext_lazy("Ngày ban hành (issue_date)"),
        # A refusal at issue about the draft's own content (not a field of the request).
        "subject": gettext_lazy("Trích yếu của dự thảo (subject)"),
        "body_text": gettext_lazy("Nội dung của dự thảo (body_text)"),
        "effective_to": gettext_lazy("Hết hiệu lực của dự thảo (effective_to)"),
        "disseminate_by": gettext_lazy("Hạn quán triệt của dự thảo (disseminate_by)"),
        "plan_by": gettext_lazy("Hạn kế hoạch triển khai của dự thảo (plan_by)"),
        "report_by": gettext_lazy("Hạn báo cáo kết quả của dự thảo (report_by)"),
        "recipient_rule": gettext_lazy("Quy tắc nơi nhận của dự thảo (recipient_rule)"),
        "links": gettext_lazy("Liên kết của dự thảo (links)"),
    }
)

WRITE_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}
PK_PARAM = Path(..., ge=1, le=2_147_483_647, description="Mã số (id) của văn bản.")


# ------------------------------------------------------------------ writing


def _refusal(error, fields=None, location="body"):
    """A DocumentError as the API answers it: 403 (role), 422 (a field), 409 (state)."""
    if error.forbidden:
        return ApiError(403, error.message)
    if error.field:
        field = (fields or {}).get(error.field, error.field)
        return errors.field_error(field, error.message, location=location)
    return ApiError(409, error.message)


def _explicit_units(user, unit, codes, field):
    """The units of `codes`: in the caller's view, below the issuing unit (not itself)."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise errors.field_error(field, _("chọn ít nhất một đơn vị nhận."), location="body")
    found = Unit.objects.restrict(user, VIEW).in_bulk(codes, field_name="code")
    missing = [c for c in codes if c not in found]
    if missing:
        raise errors.field_error(
            field,
            _("không có đơn vị mã %(codes)s trong phạm vi của đồng chí.")
            % {"codes": ", ".join(missing[:10])},
            location="body",
        )
    units = [found[c] for c in codes]
    outside = [u for u in units if not u.path.startswith(unit.path) or u.pk == unit.pk]
    if outside:
        raise errors.field_error(
            field,
            _("%(codes)s không thuộc phạm vi %(issuer)s: chỉ gửi cho đơn vị cấp dưới.")
            % {"codes": ", ".join(u.code for u in outside[:5]), "issuer": unit.name},
            location="body",
        )
    return units


def _draft_kind(payload):
    found = _kind(payload.kind, payload.body)
    if len(found) != 1:
        raise errors.field_error(
            "payload.kind",
            _("không có loại văn bản “%(v)s” của %(body)s; xem /api/document-kinds.")
            % {
                "v": str(payload.kind)[:20],
                "body": _("tổ chức đảng") if payload.body == "party" else _("chỉ huy"),
            },
            location="body",
        )
    if not found[0].is_active:
        raise errors.field_error(
            "payload.kind", _("loại “%(v)s” không còn dùng.") % {"v": found[0].name}, "body"
        )
    return found[0]


def _draft_level(payload, unit):
    if payload.recipient_rule != Document.Rule.LEVEL:
        if payload.recipient_level:
            raise errors.field_error(
                "payload.recipient_level", _("chỉ dùng với quy tắc level."), location="body"
            )
        return None
    if not payload.recipient_level:
        raise errors.field_error(
            "payload.recipient_level", _("bắt buộc với quy tắc level."), location="body"
        )
    level = Level.objects.filter(code=payload.recipient_level).first()
    if level is None or level.rank <= unit.level.rank:
        raise errors.field_error(
            "payload.recipient_level",
            _("“%(v)s” không phải cấp thấp hơn cấp của đơn vị ban hành (%(level)s).")
            % {"v": payload.recipient_level, "level": unit.level.name},
            location="body",
        )
    return level


def _parent(user, pk):
    parent = Document.objects.restrict(user, VIEW).filter(pk=pk, status=S.ISSUED).first()
    if parent is None:
        raise errors.field_error(
            "payload.implements",
            _("không có văn bản đã ban hành mã số %(pk)s trong phạm vi của đồng chí.") % {"pk": pk},
            location="body",
        )
    return parent


DRAFT_ERROR_FIELDS = {
    **{name: f"payload.{name}" for name in services.DRAFT_FIELDS},
    "target": "payload.implements",
}


@router.post(
    "/documents",
    response={201: DocumentWritten, **WRITE_ERRORS},
    url_name="document_create",
    operation_id="createDocument",
    summary="Soạn dự thảo văn bản mới",
)
def create_document(request, payload: DraftIn):
    """Dự thảo của tổ chức đảng (`body: party`) hoặc chỉ huy (`state`) của một đơn vị, do
    cán bộ của đơn vị hoặc cấp trên soạn. Nơi nhận (`recipient_rule`: đơn vị được chọn,
    đơn vị trực thuộc, mọi đơn vị một cấp, toàn bộ phạm vi) và hạn quán triệt, kế hoạch,
    báo cáo (D1, D2, D3 — tùy chọn) được ghi vào dự thảo và áp dụng khi ban hành.

    `implements`: văn bản cấp trên mà đơn vị đã nhận và văn bản này triển khai; hạn muộn
    hơn hạn của văn bản đó → cảnh báo trong `warnings`, vẫn ghi. Số, ký hiệu chỉ được cấp
    khi ban hành. Lỗi ở bất kỳ trường nào → 422, không ghi gì.
    """
    user = request.auth
    unit = get_visible_unit(request, payload.unit)
    if not services.may_draft(user, unit):
        raise ApiError(403, _("Đồng chí không soạn được văn bản của %(u)s.") % {"u": unit.name})
    kind = _draft_kind(payload)
    level = _draft_level(payload, unit)
    units = []
    if payload.recipient_rule == Document.Rule.EXPLICIT:
        units = _explicit_units(user, unit, payload.recipient_units, "payload.recipient_units")
    elif payload.recipient_units:
        raise errors.field_error(
            "payload.recipient_units", _("chỉ dùng với quy tắc explicit."), location="body"
        )
    parent = _parent(user, payload.implements) if payload.implements else None
    # The rule must reach some unit today (it is resolved again on the issue date).
    probe = Document(unit=unit, recipient_rule=payload.recipient_rule, recipient_level=level)
    try:
        obligations.resolve(probe, timezone.localdate(), units)
    except obligations.RuleError as error:
        field = "payload.recipient_units" if units else "payload.recipient_rule"
        raise errors.field_error(field, str(error), location="body") from None
    fields = {
        name: getattr(payload, name)
        for name in services.DRAFT_FIELDS
        if name not in ("kind", "recipient_level")
    }
    try:
        with transaction.atomic():
            document = services.create_draft(
                user, unit, payload.body, kind=kind, recipient_level=level, **fields
            )
            if units:
                services.set_explicit_units(document, user, units)
            if parent is not None:
                services.add_link(document, parent, L.IMPLEMENTS, user)
    except DocumentError as error:
        raise _refusal(error, DRAFT_ERROR_FIELDS) from None
    document = get_document(request, document.pk)
    warnings = [str(w) for w in services.cascade_warnings(document)]
    return Status(201, {"document": document_detail(user, document), "warnings": warnings})


@router.post(
    "/documents/{pk}/send",
    response={200: DocumentWritten, **WRITE_ERRORS},
    url_name="document_send",
    operation_id="sendDocumentForReview",
    summary="Gửi dự thảo đi thẩm định",
)
def send_document(request, pk: int = PK_PARAM):
    """Cán bộ soạn gửi dự thảo cho lãnh đạo đơn vị ban hành thẩm định; từ đó nội dung
    không sửa được cho đến khi lãnh đạo trả lại. Không phải người soạn được → 403; văn bản
    không còn là dự thảo → 409."""
    user = request.auth
    document = get_document(request, pk)
    if document.status != S.DRAFT and can(user, CHANGE, document.unit):
        raise ApiError(409, _("Chỉ gửi thẩm định được văn bản đang là dự thảo."))
    try:
        document = services.send_for_review(document, user)
    except DocumentError as error:
        raise _refusal(error) from None
    return {"document": document_detail(user, get_document(request, pk)), "warnings": []}


# The body is read by the endpoint itself, after the document is found: a document the caller
# may not open is a 404 whatever the body holds (ninja would read the body first).
ISSUE_BODY = {
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": IssueIn.model_json_schema()}},
    }
}


def _issue_payload(request):
    try:
        return IssueIn.model_validate_json(request.body or b"{}")
    except pydantic.ValidationError as exc:
        raise ValidationError(
            [
                {**e, "loc": ("body", "payload", *e["loc"])}
                for e in exc.errors(include_url=False, include_context=True)
            ]
        ) from None


ISSUE_ERROR_FIELDS = {"issue_date": "payload.issue_date", "target": "links"}


@router.post(
    "/documents/{pk}/issue",
    response={200: DocumentWritten, **WRITE_ERRORS},
    url_name="document_issue",
    operation_id="issueDocument",
    summary="Ban hành văn bản: cấp số, gửi các đơn vị nhận",
    openapi_extra=ISSUE_BODY,
)
def issue_document(request, pk: int = PK_PARAM):
    """Lãnh đạo đơn vị ban hành ban hành văn bản đang chờ thẩm định: cấp số theo thứ tự của
    cơ quan, loại văn bản và năm (hoặc nhiệm kỳ), xác định các đơn vị nhận theo quy tắc vào
    ngày ban hành (hoặc theo `recipient_units` khi quy tắc là explicit), áp dụng liên kết
    (văn bản bị thay thế, bãi bỏ đổi trạng thái) và báo cho các đơn vị nhận — tất cả hoặc
    không gì cả.

    Không phải lãnh đạo đơn vị ban hành → 403; chưa gửi thẩm định hoặc đã ban hành → 409;
    hạn trước ngày ban hành, quy tắc không chọn được đơn vị nào → 422. Hạn muộn hơn hạn của
    văn bản cấp trên được triển khai → cảnh báo trong `warnings`.
    """
    user = request.auth
    document = get_document(request, pk)
    payload = _issue_payload(request)
    explicit = []
    if payload.recipient_units is not None:
        if document.recipient_rule != Document.Rule.EXPLICIT:
            raise errors.field_error(
                "payload.recipient_units",
                _("chỉ dùng khi quy tắc nơi nhận của dự thảo là explicit."),
                location="body",
            )
        explicit = _explicit_units(
            user, document.unit, payload.recipient_units, "payload.recipient_units"
        )
    fields = dict(ISSUE_ERROR_FIELDS)
    if explicit:
        fields["recipient_rule"] = "payload.recipient_units"
    try:
        document, warnings = services.issue(document, user, payload.issue_date, explicit)
    except DocumentError as error:
        raise _refusal(error, fields) from None
    detail = document_detail(user, get_document(request, pk))
    return {"document": detail, "warnings": [str(w) for w in warnings]}
