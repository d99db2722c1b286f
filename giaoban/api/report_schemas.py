"""Shapes of the periodic reports API (báo cáo định kỳ): what it accepts and returns.

Numbers are JSON numbers: integers for whole values, floats for decimals (at most four
decimal places are stored).
"""

import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from giaoban.api.schemas import MAX_LIMIT, UnitRef
from giaoban.reports import rollup

MAX_ITEMS = 5000
MAX_REASON = 2000


def _strict_bool(value):
    # JSON true/false only: 0, 1 or "yes" for "write accepted history" would be a guess.
    if not isinstance(value, bool):
        raise PydanticCustomError("giaoban_bool", _("phải là true hoặc false."))
    return value


Flag = Annotated[bool, BeforeValidator(_strict_bool)]

# The documented pattern tells a client what a key looks like; the endpoint checks it
# against the form (a 6-month form takes H1/H2 only) and says so in Vietnamese.
# (periods.KEY_RE without its named groups, which ECMAScript patterns do not have.)
PERIOD_PATTERN = r"^\d{4}-(M(0[1-9]|1[0-2])|Q[1-4]|H[12]|9M|Y)$"
PeriodKey = Annotated[str, WithJsonSchema({"type": "string", "pattern": PERIOD_PATTERN})]


class FormRef(Schema):
    code: str
    name: str
    period_type: str = Field(description="monthly, quarterly, half_year, nine_months, annual.")
    cutoff_day: int = Field(description="1 = theo tháng dương lịch; 15 = từ ngày 15 đến 14.")


class PeriodOut(Schema):
    key: str
    label: str
    start: datetime.date = Field(description="Ngày đầu kỳ.")
    end: datetime.date = Field(description="Ngày cuối kỳ.")


Number = int | float


class ProblemOut(Schema):
    field: str = Field(description="Mã chỉ tiêu hoặc phần thuyết minh ('' là cả báo cáo).")
    message: str
    severity: str = Field(description="error (không cho gửi) hoặc warning (vẫn cho gửi).")


class EventOut(Schema):
    at: datetime.datetime
    actor: str | None = Field(description="Người thực hiện (họ tên); null là hệ thống.")
    from_status: str | None
    to_status: str
    reason: str


class SourceOut(Schema):
    key: str = Field(description="Mã nguồn số liệu, ví dụ activities.count.")
    label: str = Field(description="Tên nguồn số liệu.")
    group: str = Field(description="Hồ sơ: Nhật ký hoạt động, Sổ văn bản, …")
    params: dict[str, list[str]] = Field(
        description='Tham số của nguồn, ví dụ {"kinds": ["quan-triet"]}.'
    )


class ComputedOut(Schema):
    source: SourceOut
    description: str = Field(description="Quy tắc tính bằng lời.")
    records_url: str = Field(description="Trang liệt kê các hồ sơ đứng sau số liệu.")
    records_value: Number = Field(
        description="Số tính từ hồ sơ của chính đơn vị trong kỳ, ngay lúc đọc."
    )
    submitted_records_value: Number | None = Field(
        description="Số tính từ hồ sơ lúc gửi (số đã chốt); null khi báo cáo đang soạn "
        "hoặc số liệu lịch sử nhập trực tiếp."
    )
    overridden: bool = Field(description="Đơn vị sửa số liệu tự tính (có lý do).")
    override_reason: str = Field(description="Lý do sửa ('' nếu không sửa).")
    changed_since_submission: bool = Field(
        description="Đã gửi, và hồ sơ nay cho số khác số đã chốt lúc gửi."
    )


class ReportOut(Schema):
    form: FormRef
    period: PeriodOut
    unit: UnitRef
    path: str = Field(
        description="Chuỗi mã đơn vị cấp trên vào ngày cuối kỳ, ví dụ BCA/T19/X05500/."
    )
    version: int = Field(description="Phiên bản mẫu báo cáo dùng cho báo cáo này.")
    status: str = Field(description="draft, submitted, returned hoặc accepted.")
    status_name: str
    deadline: datetime.date
    late: bool = Field(description="Gửi lần đầu sau hạn (hoặc đã quá hạn mà chưa gửi).")
    submitted_at: datetime.datetime | None = Field(description="Lần gửi gần nhất.")
    first_submitted_at: datetime.datetime | None = Field(description="Lần gửi đầu (tính trễ hạn).")
    decided_at: datetime.datetime | None = Field(description="Lần chấp nhận/trả lại gần nhất.")
    updated_at: datetime.datetime
    is_demo: bool = Field(description="Số liệu minh họa, không phải số liệu thật.")
    values: dict[str, Number] = Field(
        description="Mã chỉ tiêu → số liệu (chỉ ô đã nhập; chỉ tiêu tự tính của báo cáo đang "
        "soạn: số tính từ hồ sơ lúc đọc, hoặc số đơn vị sửa)."
    )
    computed: dict[str, ComputedOut] = Field(
        description="Mã chỉ tiêu tính tự động từ hồ sơ → nguồn, số theo hồ sơ, sửa tay và lý do, "
        "hồ sơ có thay đổi sau khi gửi không."
    )
    texts: dict[str, str] = Field(description="Mã phần thuyết minh → nội dung.")
    problems: list[ProblemOut] = Field(description="Kết quả kiểm tra theo quy tắc của mẫu.")
    events: list[EventOut] = Field(description="Lịch sử chuyển trạng thái.")


VALUES_SCHEMA = {
    "type": "object",
    "additionalProperties": {"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]},
    "description": "Mã chỉ tiêu → số (hoặc chuỗi như “1.234”, “95,5”; null xóa ô).",
}
TEXTS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    "description": "Mã phần thuyết minh → nội dung.",
}


REASONS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    "description": "Mã chỉ tiêu tính tự động từ hồ sơ → lý do sửa số liệu (bắt buộc khi số gửi "
    "lên khác số tính từ hồ sơ).",
}


class BulkItemIn(Schema):
    # Any type gets through to the endpoint and the form's own parser, so that a wrong one
    # is an error of this item (with its index and unit), not a bare schema error.
    unit: Annotated[Any, WithJsonSchema({"type": "string", "maxLength": 30})] = Field(
        None, description="Mã đơn vị, ví dụ X05500 (bắt buộc)."
    )
    values: Annotated[dict[str, Any], WithJsonSchema(VALUES_SCHEMA)] = Field(default_factory=dict)
    texts: Annotated[dict[str, Any], WithJsonSchema(TEXTS_SCHEMA)] = Field(default_factory=dict)
    reasons: Annotated[dict[str, Any], WithJsonSchema(REASONS_SCHEMA)] = Field(default_factory=dict)


class BulkIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "unit": "X05500",
                            "values": {"GD01": 4, "GD02": "1.250", "GD09": "95,5"},
                            "texts": {"KQ": "Kết quả đạt được …"},
                        },
                        {"unit": "T19", "values": {"GD01": 3, "GD02": 96}},
                    ],
                    "dry_run": True,
                }
            ]
        }
    )

    items: list[BulkItemIn] = Field(
        description=f"Mỗi mục là số liệu của một đơn vị (tối đa {MAX_ITEMS:,} mục).".replace(
            ",", "."
        ),
        json_schema_extra={"maxItems": MAX_ITEMS},
    )
    dry_run: Flag = Field(False, description="true: chỉ kiểm tra, không ghi gì.")
    accept_history: Flag = Field(
        False,
        description=(
            "true: ghi thẳng là báo cáo đã chấp nhận (chuyển số liệu các kỳ đã qua); "
            "chỉ quản trị viên cấp Bộ."
        ),
    )


class ItemErrorOut(Schema):
    field: str = Field(description="Mã chỉ tiêu, phần thuyết minh, hoặc unit.")
    location: str = Field(description="body")
    message: str = Field(description="Thông báo tiếng Việt, nêu mục và đơn vị.")
    index: int | None = Field(None, description="Vị trí của mục trong items (từ 0).")
    unit: str | None = Field(None, description="Mã đơn vị của mục.")


class BulkErrorOut(Schema):
    detail: list[ItemErrorOut]


class BulkOut(Schema):
    dry_run: Flag = Field(description="true: đã kiểm tra xong, không ghi gì.")
    items: int = Field(description="Số mục đã nhận.")
    reports_created: int
    reports_updated: int
    values_written: int
    warnings: list[ItemErrorOut] = Field(description="Cảnh báo (không chặn việc ghi).")


class ReasonIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "Thiếu số liệu mục II, đề nghị bổ sung."}]}
    )

    # Checked after the report is found (and the caller's role), so that a report outside
    # the caller's subtree is a 404 whatever the body says.
    reason: str = Field("", max_length=MAX_REASON, description="Lý do (bắt buộc).")


class IndicatorTotal(Schema):
    code: str
    name: str
    section: str
    unit_of_measure: str
    value_type: str = Field(description="int hoặc decimal.")
    aggregation: str = Field(description="sum, avg, min hoặc max.")
    value: Number | None
    previous: Number | None = Field(description="Kỳ trước.")
    last_year: Number | None = Field(description="Cùng kỳ năm trước (qua quan hệ kế thừa).")
    compared_value: Number | None = Field(
        description="Kỳ này trên cơ sở so sánh (cùng các đơn vị có số liệu ở các kỳ so sánh)."
    )
    compared_previous: Number | None = Field(description="Kỳ trước trên cơ sở so sánh.")
    compared_last_year: Number | None = Field(description="Cùng kỳ trên cơ sở so sánh.")
    vs_previous_pct: float | None = Field(
        description="Tăng/giảm so với kỳ trước, %, cùng đơn vị với cùng đơn vị; null nếu "
        "không so sánh được."
    )
    vs_last_year_pct: float | None = Field(
        description="Tăng/giảm so với cùng kỳ năm trước, %; null nếu không so sánh được."
    )


class ComparisonBasis(Schema):
    kind: str = Field(
        description="full: mọi đơn vị phải báo cáo đều đã có số liệu ở các kỳ so sánh; "
        "common: chỉ so sánh trên `units` đơn vị có số liệu ở mọi kỳ so sánh; none: không "
        "so sánh được (số liệu chưa đủ, cây đơn vị đã thay đổi)."
    )
    units: int = Field(description="Số đơn vị được so sánh (khi kind = common).")
    last_year_kind: str = Field(description="Như kind, cho so sánh với cùng kỳ năm trước.")
    notes: list[str] = Field(description="Giải thích cơ sở so sánh, bằng lời.")


class ChildRollup(Schema):
    unit: UnitRef
    level: str
    in_scope: bool = Field(description="Đồng chí có quyền mở đơn vị này hay không.")
    covered: int = Field(description="Số báo cáo được tính.")
    expected: int = Field(description="Số đơn vị phải báo cáo.")
    statuses: dict[str, int] = Field(description="Số báo cáo theo trạng thái.")
    values: dict[str, Number | None]


class ChildRollupPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[ChildRollup]


class RollupOut(Schema):
    form: FormRef
    period: PeriodOut
    previous_period: PeriodOut
    last_year_period: PeriodOut
    unit: UnitRef
    mode: str = Field(description="accepted hoặc counted (cả báo cáo đã gửi, chờ duyệt).")
    default_mode: str = Field(description="Cách tính mặc định của mẫu.")
    existed: bool = Field(description="Đơn vị có tồn tại vào ngày cuối kỳ hay không.")
    path: str | None = Field(description="Vị trí của đơn vị trong cây vào ngày cuối kỳ.")
    covered: int
    expected: int
    comparison_basis: ComparisonBasis
    indicators: list[IndicatorTotal]
    children: ChildRollupPage


class CompletenessRow(Schema):
    unit: UnitRef
    level: str
    in_scope: bool
    expected: int
    drafted: int
    submitted: int
    accepted: int
    returned: int
    missing: int
    late: int
    rate_pct: float | None = Field(description="(Đã gửi + đã chấp nhận) / phải báo cáo, %.")


class CompletenessPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[CompletenessRow]


class CompletenessOut(Schema):
    form: FormRef
    period: PeriodOut
    unit: UnitRef
    overall: CompletenessRow
    children: CompletenessPage
    missing_total: int = Field(description="Số đơn vị chưa gửi; danh sách ở …/missing.")


class MissingUnit(Schema):
    unit: UnitRef
    level: str
    in_scope: bool
    status: str | None = Field(description="null (chưa lập), draft hoặc returned.")
    deadline: datetime.date
    overdue: bool


class MissingPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[MissingUnit]


class PageQuery(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Số dòng mỗi trang (1–500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Bỏ qua bấy nhiêu dòng đầu.")


class RollupQuery(PageQuery):
    mode: str | None = Field(
        None,
        description="accepted (chỉ báo cáo đã chấp nhận) hoặc counted (cả đã gửi); "
        "mặc định theo mẫu.",
        json_schema_extra={"enum": [rollup.ACCEPTED, rollup.COUNTED]},
    )
