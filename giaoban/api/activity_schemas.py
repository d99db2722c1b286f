"""Shapes of the activity log API (nhật ký hoạt động): what it accepts and returns.

An activity's fields come in as JSON values or as text written the way users write them
(dates dd/mm/yyyy, counts "1.234", a kind by code or name, a form by key or label, a
document by id or by its number and symbol): they are read by `activities.validation`,
the same code as the pages and the Excel upload, so a wrong one is a Vietnamese error of
its field (and of its item, in a bulk request) rather than a bare schema error.
"""

import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, WithJsonSchema

from giaoban.api.document_schemas import DocumentRef
from giaoban.api.report_schemas import Flag
from giaoban.api.schemas import MAX_LIMIT, ApiDate, SearchText, UnitCode, UnitRef

MAX_ITEMS = 10_000


def _loose(schema, description):
    """A field any JSON value gets through (checked by the activity log's own parser); null
    is "not given"."""
    return Annotated[
        Any, WithJsonSchema({"anyOf": [schema, {"type": "null"}], "description": description})
    ]


DateValue = _loose(
    {"type": "string", "maxLength": 10}, "Ngày tổ chức: dd/mm/yyyy hoặc yyyy-mm-dd (bắt buộc)."
)
KindValue = _loose(
    {"type": "string", "maxLength": 150}, "Loại hoạt động: mã (ví dụ giao-duc-ctt) hoặc tên."
)
TextValue = _loose({"type": "string", "maxLength": 5000}, "Chuỗi ký tự.")
FormValue = _loose(
    {"type": "string", "maxLength": 60},
    "Hình thức: direct, online, cell, other (hoặc tên: Trực tiếp…); mặc định direct.",
)
CountValue = _loose(
    {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "maxLength": 20}]},
    "Số người (số nguyên ≥ 0, hoặc chuỗi như “1.234”).",
)
DocumentValue = _loose(
    {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "maxLength": 120}]},
    "Văn bản được quán triệt (đơn vị đã nhận): mã số, hoặc số, ký hiệu như “15-NQ/ĐU”.",
)
UnitValue = _loose({"type": "string", "maxLength": 30}, "Mã đơn vị, ví dụ X05500 (bắt buộc).")


class ActivityKindOut(Schema):
    code: str
    name: str


class ActivityOut(Schema):
    id: int
    unit: UnitRef
    date: datetime.date
    kind: ActivityKindOut
    title: str
    form: str = Field(description="direct, online, cell hoặc other.")
    form_name: str
    party_members: int = Field(description="Số đảng viên tham dự.")
    officers: int = Field(description="Số cán bộ, chiến sĩ (chưa là đảng viên) tham dự.")
    others: int = Field(description="Số người khác tham dự.")
    participants: int = Field(description="Tổng số người tham dự (chỉ là số đếm).")
    notes: str
    document: DocumentRef | None = Field(
        description="Văn bản được quán triệt: hoạt động là một buổi quán triệt."
    )
    files: int = Field(description="Số tệp minh chứng.")
    created_at: datetime.datetime
    is_demo: bool = Field(description="Dữ liệu minh họa, không phải số liệu thật.")


class ActivityPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[ActivityOut]


class ActivityFilters(Schema):
    unit: UnitCode | None = Field(
        None, description="Đơn vị; mặc định mọi đơn vị trong phạm vi của đồng chí."
    )
    subtree: bool = Field(
        True, description="true: cả các đơn vị cấp dưới của đơn vị đó; false: chỉ đơn vị đó."
    )
    kind: str | None = Field(None, max_length=150, description="Loại hoạt động: mã hoặc tên.")
    date_from: ApiDate | None = Field(None, description="Từ ngày (dd/mm/yyyy hoặc yyyy-mm-dd).")
    date_to: ApiDate | None = Field(None, description="Đến ngày (kể cả ngày này).")
    document: int | None = Field(
        None, ge=1, le=2_147_483_647, description="Chỉ các buổi quán triệt văn bản này."
    )
    q: SearchText | None = Field(
        None, description="Tìm trong tên, ghi chú, văn bản; không phân biệt dấu và hoa/thường."
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số bản ghi mỗi trang (1–500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Bỏ qua bấy nhiêu bản ghi đầu.")


EXAMPLE = {
    "unit": "X05500",
    "date": "05/03/2026",
    "kind": "Học tập, quán triệt văn bản",
    "title": "Quán triệt Nghị quyết của Đảng ủy Công an Trung ương",
    "form": "direct",
    "party_members": 24,
    "officers": 6,
    "others": 0,
    "notes": "",
    "document": "15-NQ/ĐU",
}


class ActivityFields(Schema):
    date: DateValue = None
    kind: KindValue = None
    title: TextValue = Field(None, description="Tên hoạt động (bắt buộc, tối đa 300 ký tự).")
    form: FormValue = None
    party_members: CountValue = None
    officers: CountValue = None
    others: CountValue = None
    notes: TextValue = Field(None, description="Ghi chú, kết quả (tối đa 5.000 ký tự).")
    document: DocumentValue = None


class ActivityIn(ActivityFields):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    unit: UnitCode = Field(description="Mã đơn vị tổ chức hoạt động.")


class ActivityItemIn(ActivityFields):
    # Any value gets through, so that a missing or wrong unit is an error of its item.
    unit: UnitValue = None


class ActivityBulkIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [EXAMPLE, {**EXAMPLE, "date": "2026-03-06", "kind": "quan-triet"}],
                    "dry_run": True,
                }
            ]
        }
    )

    items: list[ActivityItemIn] = Field(
        description="Mỗi mục là một hoạt động (tối đa 10.000 mục).",
        json_schema_extra={"maxItems": MAX_ITEMS},
    )
    dry_run: Flag = Field(False, description="true: chỉ kiểm tra, không ghi gì.")


class ActivityItemErrorOut(Schema):
    field: str = Field(description="Trường sai của mục: date, kind, title, unit…")
    location: str = Field(description="body")
    message: str = Field(description="Thông báo tiếng Việt, nêu mục, đơn vị và trường.")
    index: int | None = Field(None, description="Vị trí của mục trong items (từ 0).")
    unit: str | None = Field(None, description="Mã đơn vị của mục.")


class ActivityBulkErrorOut(Schema):
    detail: list[ActivityItemErrorOut]


class ActivityBulkOut(Schema):
    dry_run: Flag = Field(description="true: đã kiểm tra xong, không ghi gì.")
    items: int = Field(description="Số mục đã nhận.")
    created: int = Field(description="Số hoạt động đã ghi (khi chạy thử: sẽ được ghi).")
    ids: list[int] = Field(
        description="Mã số các hoạt động mới, theo thứ tự các mục (rỗng khi chạy thử)."
    )
    sessions: int = Field(description="Số mục là buổi quán triệt văn bản.")
