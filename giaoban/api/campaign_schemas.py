"""Shapes of the campaigns API (đợt sinh hoạt chính trị: giai đoạn, yêu cầu, tiến độ).

Dates go out as yyyy-mm-dd. A requirement's standing for a unit is one of the task-tracking
matrix (`core.due`): `on_time`, `late`, `pending`, `overdue` — computed from the records
that meet it and its phase's last day, never stored, never ticked by hand.
"""

import datetime
from typing import Literal

from ninja import Field, Schema

from giaoban.api.conference_schemas import RecordRef
from giaoban.api.schemas import MAX_LIMIT, UnitCode, UnitRef

CampaignStatus = Literal["draft", "launched"]


class NamedCode(Schema):
    code: str
    name: str


class CampaignRef(Schema):
    id: int
    title: str


# ------------------------------------------------------------------ campaigns


class CampaignFilters(Schema):
    unit: UnitCode | None = Field(None, description="Đơn vị phát động (mã).")
    status: CampaignStatus | None = Field(
        None, description="draft (đang chuẩn bị) hoặc launched (đã phát động)."
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số bản ghi mỗi trang (1–500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Bỏ qua bấy nhiêu bản ghi đầu.")


class CampaignRow(Schema):
    id: int
    title: str
    unit: UnitRef = Field(description="Đơn vị phát động.")
    plan: RecordRef = Field(
        description="Kế hoạch phát động trong sổ văn bản; id là null khi đồng chí không mở "
        "được văn bản này."
    )
    start: datetime.date
    end: datetime.date
    status: str = Field(description="draft (đang chuẩn bị) hoặc launched (đã phát động).")
    status_name: str
    launched_at: datetime.datetime | None
    current_phase: int | None = Field(
        description="Số thứ tự giai đoạn đang diễn ra hôm nay; null khi không có."
    )
    is_demo: bool = Field(description="Dữ liệu mẫu (trình diễn).")


class CampaignPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[CampaignRow]


class PhaseOut(Schema):
    number: int
    title: str
    start: datetime.date
    end: datetime.date
    state: str = Field(
        description="finished (đã kết thúc), running (đang diễn ra) hoặc upcoming (sắp tới)."
    )
    state_name: str


class RequirementOut(Schema):
    id: int
    phase: int = Field(description="Số thứ tự giai đoạn; yêu cầu có hạn là ngày cuối giai đoạn.")
    title: str
    kind: str = Field(
        description="activity (tổ chức hoạt động, ghi vào nhật ký hoạt động), document (ban "
        "hành văn bản triển khai kế hoạch của đợt) hoặc results (gửi báo cáo kết quả)."
    )
    kind_name: str
    level: NamedCode | None = Field(
        description="Cấp đơn vị thực hiện; null: mọi đơn vị thuộc phạm vi đợt, kể cả đơn vị "
        "phát động."
    )
    activity_kind: NamedCode | None = Field(description="Loại hoạt động (yêu cầu activity).")
    min_count: int = Field(description="Số hoạt động tối thiểu (yêu cầu activity).")
    deadline: datetime.date = Field(description="Hạn: ngày cuối của giai đoạn.")


class CampaignDetail(CampaignRow):
    description: str = Field(description="Mục đích, yêu cầu.")
    phases: list[PhaseOut]
    requirements: list[RequirementOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime


# ------------------------------------------------------------------ progress


class StandingCounts(Schema):
    on_time: int = Field(description="Đã thực hiện đúng hạn.")
    late: int = Field(description="Đã thực hiện, quá hạn.")
    pending: int = Field(description="Chưa thực hiện, còn hạn.")
    overdue: int = Field(description="Quá hạn, chưa thực hiện.")


class OwnCounts(Schema):
    applicable: int = Field(description="Số yêu cầu áp dụng cho đơn vị.")
    met: int = Field(description="Số yêu cầu đã đáp ứng (đúng hạn hoặc quá hạn).")
    complete: bool = Field(description="Đã đáp ứng mọi yêu cầu áp dụng cho đơn vị.")
    lagging: bool = Field(description="Có yêu cầu quá hạn chưa thực hiện.")
    state: str = Field(
        description="complete (hoàn thành), lagging (chậm), in_progress (đang thực hiện) hoặc "
        "not_applicable (không áp dụng: không yêu cầu nào áp dụng cho đơn vị)."
    )
    state_name: str
    standings: StandingCounts


class RecordOut(Schema):
    kind: str = Field(description="activity (hoạt động) hoặc document (văn bản).")
    id: int | None = Field(description="null khi đồng chí không có quyền mở bản ghi này.")
    label: str
    date: datetime.date = Field(description="Ngày hoạt động, hoặc ngày ban hành văn bản.")


class ResultFileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime.datetime


class ResultOut(Schema):
    text: str
    sent_on: datetime.date
    files: list[ResultFileOut]


class UnitRequirementOut(Schema):
    requirement: int = Field(description="Mã số yêu cầu.")
    title: str
    phase: int
    kind: str
    kind_name: str
    deadline: datetime.date
    standing: str = Field(description="on_time, late, pending hoặc overdue.")
    standing_name: str
    met_on: datetime.date | None = Field(
        description="Ngày hồ sơ đáp ứng yêu cầu: hoạt động thứ `min_count`, văn bản triển khai "
        "đầu tiên, báo cáo kết quả."
    )
    records: list[RecordOut] = Field(
        description="Hồ sơ được tính: hoạt động đúng loại gắn với kế hoạch của đợt (hoặc văn "
        "bản triển khai nó), văn bản của đơn vị triển khai kế hoạch — từ ngày bắt đầu đợt."
    )
    results: ResultOut | None = Field(
        description="Báo cáo kết quả đơn vị đã gửi (yêu cầu results)."
    )


class UnitProgressOut(Schema):
    campaign: CampaignRef
    unit: UnitRef
    level: str = Field(description="Mã cấp của đơn vị.")
    today: datetime.date = Field(description="Ngày tính tiến độ.")
    counts: OwnCounts
    requirements: list[UnitRequirementOut] = Field(
        description="Các yêu cầu áp dụng cho đơn vị, theo giai đoạn."
    )


class BelowOut(Schema):
    units: int = Field(description="Số đơn vị cấp dưới có yêu cầu phải thực hiện.")
    complete: int = Field(description="Trong đó: đã hoàn thành mọi yêu cầu.")
    lagging: int = Field(description="Trong đó: chậm (có yêu cầu quá hạn chưa thực hiện).")


class GroupOut(Schema):
    unit: UnitRef
    own: OwnCounts | None = Field(
        description="Yêu cầu của chính đơn vị trực thuộc này; null khi nó không thuộc phạm vi đợt."
    )
    below: BelowOut = Field(description="Các đơn vị cấp dưới của nó (không gồm chính nó).")
    standings: StandingCounts = Field(
        description="Các yêu cầu của cả cây dưới đơn vị này (kể cả chính nó), theo tình trạng."
    )


class SubtreeProgressOut(Schema):
    campaign: CampaignRef
    node: UnitRef = Field(description="Đơn vị gốc của bảng tổng hợp.")
    today: datetime.date = Field(description="Ngày tính tiến độ.")
    own: OwnCounts = Field(description="Yêu cầu của chính đơn vị gốc.")
    below: BelowOut = Field(description="Mọi đơn vị dưới đơn vị gốc (không gồm chính nó).")
    standings: StandingCounts = Field(
        description="Các yêu cầu của cả cây dưới đơn vị gốc (kể cả chính nó), theo tình trạng."
    )
    groups: list[GroupOut] = Field(description="Mỗi đơn vị trực thuộc đơn vị gốc một dòng.")


class ProgressFilters(Schema):
    node: UnitCode | None = Field(
        None,
        description="Đơn vị gốc của bảng tổng hợp (mặc định: đơn vị phát động, hoặc đơn vị của "
        "đồng chí nếu đồng chí ở đơn vị cấp dưới).",
    )
