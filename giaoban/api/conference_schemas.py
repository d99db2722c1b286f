"""Shapes of the conferences API (hội nghị giao ban, nhiệm vụ, báo cáo tổng hợp).

Dates go out as yyyy-mm-dd; text comes in NFC-normalised, without NUL or other control
characters (`ApiText`). A task's standing is one of the documents' matrix: `on_time`,
`late`, `pending`, `overdue` — computed from the deadline and the day it was reported
done, never stored.
"""

import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from giaoban.api.document_schemas import ApiText
from giaoban.api.schemas import MAX_LIMIT, SearchText, UnitCode, UnitRef, key_text

MAX_ID = 2_147_483_647
TaskTab = Literal["unit", "assigned"]
StandingKey = Literal["on_time", "late", "pending", "overdue", "done", "owed"]
TaskStatus = Literal["open", "done", "accepted", "returned"]
EvidenceKind = Literal["document", "activity", "report"]
ConferenceStatus = Literal["preparing", "open", "closed"]


class PeriodLabel(Schema):
    key: str = Field(description="Khóa kỳ, ví dụ 2026-H1.")
    label: str = Field(description="Kỳ bằng chữ, ví dụ “6 tháng đầu năm 2026”.")


class RecordRef(Schema):
    id: int | None = Field(description="null khi đồng chí không có quyền mở bản ghi này.")
    label: str


# ------------------------------------------------------------------ conferences


class ConferenceFilters(Schema):
    unit: UnitCode | None = Field(None, description="Đơn vị chủ trì (mã).")
    period: key_text(8) | None = Field(None, description="Khóa kỳ, ví dụ 2026-H1.")
    status: ConferenceStatus | None = Field(
        None, description="preparing (đang chuẩn bị), open (đang diễn ra), closed (đã kết thúc)."
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số bản ghi mỗi trang (1–500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Bỏ qua bấy nhiêu bản ghi đầu.")


class ConferenceRow(Schema):
    id: int
    title: str
    unit: UnitRef = Field(description="Đơn vị chủ trì.")
    body: str = Field(description="party (tổ chức đảng) hoặc state (chỉ huy) chủ trì.")
    period: PeriodLabel
    date: datetime.date
    start_time: datetime.time | None
    end_time: datetime.time | None
    place: str
    online_link: str = Field(description="Đường dẫn họp trực tuyến, dạng văn bản.")
    status: str = Field(description="preparing, open hoặc closed.")
    status_name: str
    is_demo: bool


class ConferencePage(Schema):
    total: int
    limit: int
    offset: int
    items: list[ConferenceRow]


class ParticipantOut(Schema):
    unit: UnitRef
    attendance: str = Field(description="'' (chưa điểm danh), present hoặc absent.")
    attendance_name: str
    absence_reason: str
    delegates: int | None = Field(description="Số đại biểu dự (chỉ là số đếm).")
    paper_invited: bool = Field(description="Được mời gửi tham luận.")


class AgendaItemOut(Schema):
    order: int
    title: str
    presenter: UnitRef | None = Field(
        description="Đơn vị trình bày; null khi không có hoặc ngoài phạm vi của đồng chí."
    )
    duration: int | None = Field(description="Thời lượng, phút.")
    documents: list[RecordRef] = Field(description="Văn bản liên quan.")


class PaperOut(Schema):
    id: int
    unit: UnitRef
    title: str
    name: str = Field(description="Tên tệp.")
    size: int
    uploaded_at: datetime.datetime


class TaskRef(Schema):
    id: int
    unit: UnitRef
    deadline: datetime.date
    status: str
    status_name: str
    standing: str = Field(description="on_time, late, pending hoặc overdue.")
    standing_name: str


class ConclusionOut(Schema):
    number: int
    text: str
    tasks: list[TaskRef] = Field(description="Nhiệm vụ giao theo kết luận, trong phạm vi.")


class ConferenceDetail(ConferenceRow):
    participant_rule: str = Field(description="explicit, children, level hoặc subtree.")
    participant_rule_name: str
    papers_due: datetime.date | None = Field(description="Hạn gửi tham luận.")
    minutes: str = Field(description="Biên bản (khóa khi hội nghị kết thúc).")
    notice: RecordRef | None = Field(description="Thông báo kết luận trong sổ văn bản.")
    consolidation: int | None = Field(description="Mã số báo cáo tổng hợp của hội nghị.")
    participants: list[ParticipantOut] = Field(
        description="Đơn vị dự và điểm danh — trong phạm vi của đồng chí."
    )
    agenda: list[AgendaItemOut]
    papers: list[PaperOut] = Field(description="Tham luận đã gửi, trong phạm vi.")
    conclusions: list[ConclusionOut]
    closed_at: datetime.datetime | None


# ------------------------------------------------------------------ tasks


class TaskFilters(Schema):
    tab: TaskTab = Field(
        "unit",
        description="unit: nhiệm vụ của đơn vị và cấp dưới; assigned: nhiệm vụ đơn vị giao.",
    )
    unit: UnitCode | None = Field(None, description="Đơn vị; mặc định đơn vị của đồng chí.")
    owner: UnitCode | None = Field(
        None, description="Chỉ nhiệm vụ của đơn vị thực hiện này và cấp dưới của nó."
    )
    only: bool = Field(
        False, description="Chỉ chính đơn vị owner (hoặc unit), không gồm đơn vị cấp dưới."
    )
    standing: StandingKey | None = Field(
        None,
        description="on_time, late, pending, overdue; done (đã thực hiện), owed (chưa thực hiện).",
    )
    status: TaskStatus | None = Field(
        None, description="open, done (chờ nghiệm thu), accepted, returned (bị trả lại)."
    )
    conference: int | None = Field(None, ge=1, le=MAX_ID, description="Mã số hội nghị.")
    q: SearchText | None = Field(
        None, description="Nhiệm vụ, hội nghị, tên đơn vị; không phân biệt dấu."
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số bản ghi mỗi trang (1–500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Bỏ qua bấy nhiêu bản ghi đầu.")


class ConclusionRef(Schema):
    id: int
    number: int
    text: str


class ConferenceRef(Schema):
    id: int
    title: str
    date: datetime.date


class TaskRow(Schema):
    id: int
    title: str
    conclusion: ConclusionRef
    conference: ConferenceRef
    assigner: UnitRef = Field(description="Đơn vị giao.")
    unit: UnitRef = Field(description="Đơn vị thực hiện.")
    deadline: datetime.date
    status: str = Field(description="open, done, accepted hoặc returned.")
    status_name: str
    standing: str = Field(description="on_time, late, pending hoặc overdue.")
    standing_name: str
    timing: str = Field(description="Ví dụ “còn 5 ngày”, “quá hạn 3 ngày”.")
    done_on: datetime.date | None = Field(description="Ngày đơn vị báo hoàn thành.")
    is_demo: bool


class TaskStandingCounts(Schema):
    tasks: int
    on_time: int
    late: int
    pending: int
    overdue: int


class TaskGroup(Schema):
    unit: UnitRef
    itself: bool = Field(description="true: nhiệm vụ của chính đơn vị gốc.")
    counts: TaskStandingCounts


class TaskSummary(Schema):
    node: UnitRef = Field(description="Đơn vị gốc: owner nếu có, không thì unit.")
    counts: TaskStandingCounts
    groups: list[TaskGroup] = Field(description="Mỗi đơn vị trực thuộc có nhiệm vụ một dòng.")


class TaskPage(Schema):
    tab: str
    unit: UnitRef
    total: int
    limit: int
    offset: int
    summary: TaskSummary = Field(description="Tổng hợp theo cây (không tính lọc standing, status).")
    items: list[TaskRow]


class EvidenceOut(Schema):
    kind: str = Field(description="document, activity hoặc report.")
    kind_name: str
    id: int | None = Field(description="null khi đồng chí không có quyền mở bản ghi này.")
    label: str


class ProgressFileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime.datetime


class TaskProgressOut(Schema):
    id: int
    text: str
    created_at: datetime.datetime
    created_by: str = Field(description="Họ tên người báo cáo.")
    evidence: EvidenceOut | None
    files: list[ProgressFileOut]


class TaskActions(Schema):
    report: bool = Field(description="Báo cáo tiến độ (cán bộ của đơn vị thực hiện).")
    mark_done: bool = Field(description="Báo hoàn thành (lãnh đạo đơn vị thực hiện).")
    decide: bool = Field(description="Nghiệm thu hoặc trả lại (lãnh đạo đơn vị giao).")


class TaskDetail(TaskRow):
    expected_result: str
    return_reason: str
    decided_at: datetime.datetime | None
    progress: list[TaskProgressOut] = Field(description="Báo cáo tiến độ, mới nhất trước.")
    actions: TaskActions
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ProgressIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": "Đã ban hành kế hoạch triển khai và tổ chức quán triệt.",
                    "evidence_kind": "document",
                    "evidence_id": 12,
                }
            ]
        }
    )

    text: ApiText = Field(max_length=20_000, description="Nội dung kết quả đã thực hiện.")
    evidence_kind: EvidenceKind | None = Field(
        None, description="Minh chứng: văn bản (document), hoạt động (activity), báo cáo."
    )
    evidence_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Mã số bản ghi minh chứng — của chính đơn vị."
    )


class ReturnIn(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "Cần bổ sung số liệu."}]})

    reason: ApiText = Field(max_length=5_000, description="Lý do trả lại (bắt buộc).")


# ------------------------------------------------------------------ consolidated reports


class ConsolidationFilters(Schema):
    unit: UnitCode | None = Field(None, description="Đơn vị (mã).")
    form: key_text(40) | None = Field(None, description="Mã mẫu báo cáo.")
    period: key_text(8) | None = Field(None, description="Khóa kỳ, ví dụ 2026-H1.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số bản ghi mỗi trang (1–500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Bỏ qua bấy nhiêu bản ghi đầu.")


class FormNameRef(Schema):
    code: str
    name: str


class ConsolidationRow(Schema):
    id: int
    unit: UnitRef
    body: str = Field(description="party (tổ chức đảng) hoặc state (chỉ huy).")
    form: FormNameRef
    period: PeriodLabel
    subject: str
    status: str = Field(description="draft (dự thảo) hoặc issued (đã ban hành).")
    status_name: str
    document: RecordRef | None = Field(description="Văn bản trong sổ đăng ký, khi đã ban hành.")
    updated_at: datetime.datetime
    is_demo: bool


class ConsolidationPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[ConsolidationRow]


class ExportOut(Schema):
    at: datetime.datetime
    by: str
    issued: bool


class CompiledOut(Schema):
    """The compiled snapshot (`conferences.compile`): what the editor shows and the .docx
    prints. Figures are decimal strings (null: no figure)."""

    consolidation: int
    unit: dict[str, str]
    body: str
    form: dict[str, str]
    period: dict[str, str]
    as_of: str = Field(description="Ngày số liệu được tính đến (yyyy-mm-dd).")
    subject: str
    signer_title: str
    signer_position: str
    recipients: list[str]
    submitted: dict[str, Any] = Field(
        description="sent, expected (“x/y đơn vị đã gửi báo cáo”) và missing: đơn vị chưa gửi."
    )
    figures: list[dict[str, Any]] = Field(
        description="Mỗi chỉ tiêu: tổng của cả cây, kỳ trước, cùng kỳ năm trước, so sánh."
    )
    basis_notes: list[str]
    coverage: dict[str, Any]
    children: list[dict[str, Any]] = Field(description="Số liệu từng đơn vị trực thuộc.")
    totals: dict[str, str | None]
    opening: list[dict[str, Any]]
    sections: list[dict[str, Any]] = Field(
        description="Các phần thuyết minh: lời của đơn vị (own) và đoạn trích (excerpt) kèm nguồn."
    )
    records: list[dict[str, Any]] = Field(
        description="Các phần tổng hợp từ hồ sơ: văn bản, hoạt động, nhiệm vụ hội nghị kỳ trước…"
    )
    stale: list[dict[str, Any]] = Field(description="Đoạn trích không còn khớp báo cáo đã gửi.")
    sources: list[dict[str, Any]] = Field(description="Phụ lục nguồn trích dẫn.")


class ConsolidationOut(Schema):
    consolidation: ConsolidationRow
    compiled: CompiledOut = Field(
        description="Bản tổng hợp: dự thảo được tổng hợp lại lúc đọc; báo cáo đã ban hành là "
        "bản đã ban hành."
    )
    last_export: ExportOut | None
    changes_since_export: list[str] = Field(
        description="(Dự thảo) những gì đã thay đổi so với lần xuất tệp gần nhất."
    )
