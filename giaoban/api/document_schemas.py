"""Shapes of the directive documents API (văn bản chỉ đạo): what it accepts and returns.

Dates go out as yyyy-mm-dd and come in as dd/mm/yyyy or yyyy-mm-dd (`schemas.ApiDate`).
Text comes in NFC-normalised, without NUL or other control characters (`ApiText`).
"""

import datetime
import unicodedata
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from giaoban.api.schemas import MAX_LIMIT, ApiDate, LevelCode, SearchText, UnitCode, UnitRef

MAX_SUBJECT = 500
MAX_BODY = 200_000
MAX_UNITS = 5000
ALLOWED_CONTROLS = {"\n", "\r", "\t"}

Box = Literal["incoming", "outgoing", "all"]
Body = Literal["party", "state"]
StatusKey = Literal["draft", "review", "issued", "expired", "replaced", "repealed"]
Rule = Literal["explicit", "children", "level", "subtree"]
Secrecy = Literal["", "mat", "toi_mat", "tuyet_mat"]
Owes = Literal["owed", "overdue", "done"]
ObligationKey = Literal["disseminate", "plan", "report"]
StandingKey = Literal["on_time", "late", "pending", "overdue", "done", "owed"]


def _clean_text(value):
    if not isinstance(value, str):
        raise PydanticCustomError("giaoban_text", _("phải là một chuỗi ký tự."))
    if "\x00" in value:
        raise PydanticCustomError("giaoban_text", _("không được chứa ký tự rỗng (NUL)."))
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in ALLOWED_CONTROLS for ch in value):
        raise PydanticCustomError("giaoban_text", _("chứa ký tự điều khiển không hợp lệ."))
    return unicodedata.normalize("NFC", value).strip()


# Text as stored: NFC, no NUL, no control character but line breaks and tabs.
ApiText = Annotated[str, BeforeValidator(_clean_text)]


def _kind_value(value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise PydanticCustomError(
            "giaoban_kind", _("ghi mã số loại văn bản hoặc chữ viết tắt, ví dụ NQ, KH.")
        )
    if isinstance(value, str):
        if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
            raise PydanticCustomError("giaoban_kind", _("chứa ký tự điều khiển không hợp lệ."))
        if len(value) > 10:
            raise PydanticCustomError("giaoban_kind", _("tối đa 10 ký tự."))
    elif not 1 <= value <= 2_147_483_647:
        raise PydanticCustomError("giaoban_kind", _("không có loại văn bản mã số này."))
    return value


KindRef = Annotated[
    int | str,
    BeforeValidator(_kind_value),
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 10}],
            "description": "Mã số loại văn bản (id) hoặc chữ viết tắt (NQ, CT, KH…).",
        }
    ),
]


# ------------------------------------------------------------------ reading


class DocumentKindOut(Schema):
    id: int
    body: str = Field(description="party (tổ chức đảng) hoặc state (chỉ huy, chính quyền).")
    name: str
    abbreviation: str = Field(description="Chữ viết tắt trong số, ký hiệu; rỗng với công văn.")
    is_active: bool


class IssuerOut(Schema):
    name: str = Field(description="Tên cơ quan ban hành, như in trên văn bản.")
    body: str = Field(description="party hoặc state.")
    symbol: str = Field(description="Ký hiệu cơ quan trong số văn bản, ví dụ ĐU, CAT.")
    unit: UnitRef


class DocumentRef(Schema):
    id: int | None = Field(description="null khi đồng chí không có quyền mở văn bản này.")
    symbol: str = Field(description="Số, ký hiệu, ví dụ 15-NQ/ĐU; rỗng khi chưa ban hành.")
    subject: str
    status: str


class StandingOut(Schema):
    obligation: str = Field(description="disseminate (quán triệt), plan (kế hoạch), report.")
    label: str
    deadline: datetime.date
    met_on: datetime.date | None = Field(description="Ngày đã thực hiện (theo hồ sơ ghi nhận).")
    status: str = Field(description="on_time, late, pending hoặc overdue.")
    status_name: str


class RecipientProgressOut(Schema):
    obligation: str
    label: str
    deadline: datetime.date
    recipients: int
    done: int
    late: int = Field(description="Đã thực hiện nhưng sau hạn.")
    overdue: int = Field(description="Quá hạn, chưa thực hiện.")


class DocumentRow(Schema):
    id: int
    symbol: str = Field(description="Số, ký hiệu; rỗng với dự thảo.")
    number_label: str = Field(description="“Số 15-NQ/ĐU” như danh sách hiển thị.")
    kind: DocumentKindOut
    issuer: IssuerOut
    subject: str = Field(description="Trích yếu.")
    issue_date: datetime.date | None
    status: str = Field(description="draft, review, issued, expired, replaced hoặc repealed.")
    status_name: str
    in_force: bool = Field(description="Đã ban hành, chưa bị thay thế/bãi bỏ, trong hiệu lực.")
    secrecy: str = Field(description="Độ mật (chỉ là thông tin): '', mat, toi_mat, tuyet_mat.")
    effective_from: datetime.date | None
    effective_to: datetime.date | None
    ended_by: list[DocumentRef] = Field(description="Văn bản đã thay thế hoặc bãi bỏ văn bản này.")
    is_demo: bool
    owed: list[StandingOut] | None = Field(
        None,
        description="(Văn bản đến) việc đơn vị nhận còn phải làm, hạn gần nhất trước; "
        "null ở các hộp khác.",
    )
    progress: list[RecipientProgressOut] | None = Field(
        None, description="(Văn bản đi) tiến độ của các đơn vị nhận; null ở các hộp khác."
    )


class DocumentPage(Schema):
    box: str
    unit: UnitRef | None = Field(description="Đơn vị của hộp văn bản đến/đi; null với all.")
    total: int
    limit: int
    offset: int
    items: list[DocumentRow]


class DocumentLinkOut(Schema):
    kind: str = Field(description="amends, replaces, repeals hoặc implements.")
    direction: str = Field(description="out: văn bản này → văn bản kia; in: ngược lại.")
    label: str = Field(description="Ví dụ “Thay thế”, “Bị thay thế bởi”.")
    document: DocumentRef


class ObligationOut(Schema):
    key: str = Field(description="disseminate, plan hoặc report.")
    label: str
    deadline: datetime.date


class DocumentAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int = Field(description="Dung lượng, byte.")
    uploaded_at: datetime.datetime


class ObligationTally(Schema):
    obligation: str
    label: str
    done: int
    on_time: int
    late: int
    pending: int
    overdue: int


class ObligationSummaryRow(Schema):
    unit: UnitRef
    itself: bool = Field(description="true: dòng của chính đơn vị gốc (khi nó là nơi nhận).")
    recipients: int = Field(description="Số đơn vị nhận trong cây dưới đơn vị này (kể cả nó).")
    obligations: list[ObligationTally]


class ObligationSummary(Schema):
    node: UnitRef = Field(description="Đơn vị gốc của bảng tổng hợp.")
    recipients: int
    obligations: list[ObligationTally] = Field(description="Tổng của cả cây dưới đơn vị gốc.")
    groups: list[ObligationSummaryRow] = Field(
        description="Mỗi đơn vị trực thuộc đơn vị gốc một dòng."
    )


class OwnObligations(Schema):
    unit: UnitRef
    standings: list[StandingOut]


class DocumentActions(Schema):
    edit: bool = Field(description="Sửa dự thảo.")
    send: bool = Field(description="Gửi thẩm định.")
    review: bool = Field(description="Trả lại hoặc ban hành (lãnh đạo đơn vị ban hành).")
    metadata: bool = Field(description="Sửa thông tin sau khi ban hành.")


class DocumentDetail(DocumentRow):
    place: str
    body_text: str
    signer_title: str = Field(description="Thẩm quyền ký (không ghi tên người ký).")
    secrecy_name: str
    recipient_rule: str = Field(description="explicit, children, level hoặc subtree.")
    recipient_rule_name: str
    recipient_level: str | None = Field(description="Mã cấp nhận, khi quy tắc là level.")
    recipient_units: list[str] = Field(description="Mã các đơn vị được chọn (quy tắc explicit).")
    obligations: list[ObligationOut] = Field(description="Việc đơn vị nhận phải làm, với hạn.")
    links: list[DocumentLinkOut] = Field(description="Liên kết cả hai chiều.")
    attachments: list[DocumentAttachmentOut]
    versions: int = Field(description="Số phiên bản nội dung đã lưu (với người soạn, duyệt).")
    review_note: str
    recipients: int = Field(description="Số đơn vị nhận mà đồng chí được xem.")
    summary: ObligationSummary | None = Field(
        description="Tổng hợp tiến độ; null khi chưa ban hành."
    )
    own: list[OwnObligations] = Field(description="Việc các đơn vị của chính đồng chí phải làm.")
    actions: DocumentActions
    created_at: datetime.datetime
    updated_at: datetime.datetime
    issued_at: datetime.datetime | None


class DocumentFilters(Schema):
    box: Box = Field(
        "all",
        description="incoming (văn bản đến của đơn vị), outgoing (văn bản đi của đơn vị), "
        "all (mọi văn bản đồng chí được xem).",
    )
    unit: UnitCode | None = Field(
        None,
        description="Đơn vị: nơi nhận (incoming), đơn vị ban hành (outgoing, all); mặc định "
        "đơn vị của đồng chí với incoming/outgoing.",
    )
    below: bool = Field(False, description="(all) gồm cả văn bản của các đơn vị cấp dưới.")
    kind: KindRef | None = Field(None, description="Loại: mã số hoặc chữ viết tắt (NQ, KH…).")
    body: Body | None = Field(None, description="Cơ quan ban hành: party hoặc state.")
    year: int | None = Field(None, ge=1945, le=2100, description="Năm ban hành.")
    status: StatusKey | None = Field(None, description="Trạng thái (expired: hết hiệu lực).")
    in_force: bool | None = Field(None, description="true: chỉ văn bản đang có hiệu lực.")
    owes: Owes | None = Field(
        None, description="(incoming) owed: còn phải làm; overdue: có việc quá hạn; done: xong."
    )
    q: SearchText | None = Field(
        None, description="Tìm trong số, ký hiệu, trích yếu, nội dung; không phân biệt dấu."
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số bản ghi mỗi trang (1–500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Bỏ qua bấy nhiêu bản ghi đầu.")


class RecipientFilters(Schema):
    node: UnitCode | None = Field(
        None,
        description="Đơn vị gốc của bảng tổng hợp theo từng cây (mặc định: đơn vị ban hành, "
        "hoặc đơn vị của đồng chí nếu đồng chí ở đơn vị nhận).",
    )
    obligation: ObligationKey | None = Field(None, description="Lọc theo một việc.")
    status: StandingKey | None = Field(
        None,
        description="on_time, late, pending, overdue; done (đã làm), owed (chưa làm).",
    )
    unit: UnitCode | None = Field(None, description="Chỉ đơn vị này và các đơn vị cấp dưới.")
    q: SearchText | None = Field(None, description="Tên đơn vị nhận; không phân biệt dấu.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số dòng mỗi trang (1–500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Bỏ qua bấy nhiêu dòng đầu.")


class RecipientOut(Schema):
    unit: UnitRef
    level: str
    received_at: datetime.datetime
    disseminated_on: datetime.date | None = Field(description="Buổi quán triệt đầu tiên.")
    sessions: int = Field(description="Số buổi quán triệt đã ghi trong nhật ký hoạt động.")
    plan: DocumentRef | None = Field(description="Văn bản triển khai của đơn vị nhận.")
    plan_on: datetime.date | None
    results_on: datetime.date | None
    standings: list[StandingOut]


class RecipientPage(Schema):
    document: DocumentRef
    summary: ObligationSummary
    total: int
    limit: int
    offset: int
    items: list[RecipientOut]


# ------------------------------------------------------------------ writing


class DraftIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit": "T19",
                    "body": "party",
                    "kind": "KH",
                    "subject": "Kế hoạch quán triệt, triển khai thực hiện Nghị quyết …",
                    "body_text": "I. MỤC ĐÍCH, YÊU CẦU …",
                    "recipient_rule": "children",
                    "disseminate_by": "30/06/2026",
                    "plan_by": "15/07/2026",
                    "implements": 12,
                }
            ]
        }
    )

    unit: UnitCode = Field(description="Mã đơn vị ban hành.")
    body: Body = Field(description="party: tổ chức đảng của đơn vị; state: chỉ huy.")
    kind: KindRef = Field(description="Loại văn bản: mã số hoặc chữ viết tắt của hệ thống đó.")
    subject: ApiText = Field(max_length=MAX_SUBJECT, description="Trích yếu (bắt buộc).")
    body_text: ApiText = Field("", max_length=MAX_BODY, description="Nội dung.")
    secrecy: Secrecy = Field("", description="Độ mật: '', mat, toi_mat, tuyet_mat.")
    effective_from: ApiDate | None = None
    effective_to: ApiDate | None = None
    signer_title: ApiText = Field("", max_length=120, description="Ví dụ “T/M BAN THƯỜNG VỤ”.")
    place: ApiText = Field("", max_length=100, description="Địa danh; mặc định của cơ quan.")
    recipient_rule: Rule = Field(
        "children",
        description="explicit (recipient_units), children (đơn vị trực thuộc), level (mọi "
        "đơn vị một cấp trong phạm vi), subtree (toàn bộ phạm vi).",
    )
    recipient_level: LevelCode | None = Field(None, description="Mã cấp nhận (quy tắc level).")
    recipient_units: list[UnitCode] = Field(
        default_factory=list,
        description="Mã đơn vị nhận (quy tắc explicit).",
        json_schema_extra={"maxItems": MAX_UNITS},
    )
    disseminate_by: ApiDate | None = Field(None, description="Hạn quán triệt (D1).")
    plan_by: ApiDate | None = Field(None, description="Hạn xây dựng kế hoạch triển khai (D2).")
    report_by: ApiDate | None = Field(None, description="Hạn báo cáo kết quả (D3).")
    implements: int | None = Field(
        None, ge=1, description="Văn bản cấp trên mà văn bản này triển khai (đơn vị đã nhận)."
    )


class IssueIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"issue_date": "02/03/2026"}]},
    )

    issue_date: ApiDate | None = Field(None, description="Ngày ban hành; mặc định hôm nay.")
    recipient_units: list[UnitCode] | None = Field(
        None,
        description="(Quy tắc explicit) mã các đơn vị nhận, thay cho danh sách đã chọn ở dự thảo.",
        json_schema_extra={"maxItems": MAX_UNITS},
    )


class DocumentWritten(Schema):
    document: DocumentDetail
    warnings: list[str] = Field(
        description="Cảnh báo không chặn việc ghi, ví dụ hạn muộn hơn hạn của văn bản cấp trên."
    )
