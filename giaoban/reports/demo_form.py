"""The demo form "Báo cáo công tác đảng, công tác chính trị" (6-month, cut-off day 15).

Sections follow the work named in the seed report: political and ideological
education, party building, emulation and commendation, culture – arts – sports –
regulations, tradition education, mass and mobilisation work; then the narrative.

`ensure_demo_form()` builds it with every figure typed in (the tests' form);
`ensure_computed()` — run by the demo's loader — makes the dissemination figures (GD01,
GD02) computed from the activity log.
"""

from django.db import transaction

from giaoban.core import registry
from giaoban.reports import versioning
from giaoban.reports.models import (
    FormDeadline,
    FormVersion,
    Indicator,
    NarrativeField,
    ReportForm,
    Section,
    ValidationRule,
)
from giaoban.units.models import Level, Unit

FORM_CODE = "CTD-CTCT-6T"
FORM_NAME = "Báo cáo công tác đảng, công tác chính trị"

INT, DEC = "int", "decimal"
# (code, name, unit of measure, value type, aggregation, main on dashboards)
SECTIONS = [
    (
        "I",
        "Giáo dục chính trị tư tưởng",
        [
            ("GD01", "Số buổi học tập, quán triệt nghị quyết, chỉ thị", "buổi", INT, "sum", True),
            (
                "GD02",
                "Lượt cán bộ, chiến sĩ tham gia học tập, quán triệt",
                "lượt người",
                INT,
                "sum",
                True,
            ),
            ("GD03", "Số văn bản của cấp trên đã được quán triệt", "văn bản", INT, "sum", False),
            ("GD04", "Số kế hoạch thực hiện đã ban hành", "kế hoạch", INT, "sum", False),
            ("GD05", "Số buổi sinh hoạt chính trị theo đợt", "buổi", INT, "sum", False),
            ("GD06", "Lượt người tham gia sinh hoạt chính trị", "lượt người", INT, "sum", False),
            ("GD07", "Số buổi nói chuyện thời sự, chuyên đề", "buổi", INT, "sum", False),
            (
                "GD08",
                "Số tin, bài đăng trên bản tin, trang thông tin nội bộ",
                "tin, bài",
                INT,
                "sum",
                False,
            ),
            ("GD09", "Tỷ lệ cán bộ, chiến sĩ được quán triệt đầy đủ", "%", DEC, "avg", False),
        ],
    ),
    (
        "II",
        "Xây dựng Đảng",
        [
            ("XD01", "Số tổ chức đảng trực thuộc", "tổ chức", INT, "sum", False),
            ("XD02", "Số đảng viên", "người", INT, "sum", False),
            ("XD03", "Số quần chúng được kết nạp vào Đảng", "người", INT, "sum", True),
            (
                "XD04",
                "Số quần chúng ưu tú được cử đi học lớp nhận thức về Đảng",
                "người",
                INT,
                "sum",
                False,
            ),
            ("XD05", "Số tổ chức đảng được kiểm tra", "tổ chức", INT, "sum", True),
            ("XD06", "Số tổ chức đảng được giám sát chuyên đề", "tổ chức", INT, "sum", False),
            ("XD07", "Lượt đảng viên được kiểm tra, giám sát", "lượt", INT, "sum", False),
            ("XD08", "Số đảng viên bị xử lý kỷ luật", "người", INT, "sum", False),
            ("XD09", "Số buổi sinh hoạt chi bộ chuyên đề", "buổi", INT, "sum", False),
            ("XD10", "Số hội nghị cấp ủy", "hội nghị", INT, "sum", False),
        ],
    ),
    (
        "III",
        "Thi đua, khen thưởng",
        [
            ("TD01", "Số phong trào, đợt thi đua được phát động", "phong trào", INT, "sum", False),
            ("TD02", "Số tập thể được khen thưởng", "tập thể", INT, "sum", True),
            ("TD03", "Lượt cá nhân được khen thưởng", "lượt", INT, "sum", False),
            ("TD04", "Số điển hình tiên tiến được biểu dương", "điển hình", INT, "sum", False),
            ("TD05", "Số hồ sơ đề nghị khen thưởng lên cấp trên", "hồ sơ", INT, "sum", False),
            ("TD06", "Điểm thi đua tự chấm cao nhất trong kỳ", "điểm", DEC, "max", False),
        ],
    ),
    (
        "IV",
        "Văn hóa, văn nghệ, thể thao, điều lệnh",
        [
            ("VH01", "Số hoạt động văn hóa, văn nghệ", "hoạt động", INT, "sum", True),
            (
                "VH02",
                "Lượt người tham gia hoạt động văn hóa, văn nghệ",
                "lượt người",
                INT,
                "sum",
                False,
            ),
            ("VH03", "Số giải, hội thao được tổ chức", "giải", INT, "sum", False),
            ("VH04", "Lượt người tham gia thể dục, thể thao", "lượt người", INT, "sum", False),
            ("VH05", "Số đợt kiểm tra điều lệnh nội vụ", "đợt", INT, "sum", False),
            ("VH06", "Lượt nhắc nhở vi phạm điều lệnh", "lượt", INT, "sum", False),
            ("VH07", "Tỷ lệ đơn vị đạt chuẩn văn hóa", "%", DEC, "avg", False),
            ("VH08", "Tỷ lệ thấp nhất đạt yêu cầu kiểm tra điều lệnh", "%", DEC, "min", False),
        ],
    ),
    (
        "V",
        "Giáo dục truyền thống",
        [
            ("TT01", "Số hoạt động giáo dục truyền thống", "hoạt động", INT, "sum", False),
            ("TT02", "Lượt người tham gia giáo dục truyền thống", "lượt người", INT, "sum", False),
            ("TT03", "Lượt thăm viếng di tích, phòng truyền thống", "lượt", INT, "sum", False),
            ("TT04", "Số hoạt động đền ơn đáp nghĩa", "hoạt động", INT, "sum", False),
            ("TT05", "Kinh phí đền ơn đáp nghĩa", "triệu đồng", DEC, "sum", False),
        ],
    ),
    (
        "VI",
        "Công tác quần chúng, dân vận",
        [
            ("DV01", "Số hoạt động dân vận được tổ chức", "hoạt động", INT, "sum", True),
            ("DV02", "Số mô hình “Dân vận khéo” được xây dựng", "mô hình", INT, "sum", False),
            ("DV03", "Số buổi tiếp xúc, đối thoại với nhân dân", "buổi", INT, "sum", False),
            (
                "DV04",
                "Số hoạt động của công đoàn, đoàn thanh niên, hội phụ nữ",
                "hoạt động",
                INT,
                "sum",
                False,
            ),
            ("DV05", "Lượt đoàn viên tham gia hoạt động tình nguyện", "lượt", INT, "sum", False),
            ("DV06", "Số hộ gia đình khó khăn được hỗ trợ", "hộ", INT, "sum", False),
            ("DV07", "Giá trị hỗ trợ an sinh xã hội", "triệu đồng", DEC, "sum", False),
        ],
    ),
]

NARRATIVES = [
    ("KQ", "Kết quả đạt được", True),
    ("HC", "Hạn chế, tồn tại", False),
    ("NN", "Nguyên nhân", False),
    ("BH", "Bài học kinh nghiệm", False),
    ("PH", "Phương hướng, nhiệm vụ thời gian tới", True),
    ("DX", "Đề xuất, kiến nghị", False),
]

# (indicator, operator, other indicator, severity, message)
COMPARISONS = [
    (
        "GD02",
        ">=",
        "GD01",
        "error",
        "Lượt người tham gia quán triệt (GD02) phải lớn hơn hoặc bằng số buổi quán triệt (GD01).",
    ),
    (
        "GD06",
        ">=",
        "GD05",
        "error",
        "Lượt người tham gia sinh hoạt chính trị (GD06) phải lớn hơn hoặc bằng số buổi (GD05).",
    ),
    (
        "XD05",
        "<=",
        "XD01",
        "warning",
        "Số tổ chức đảng được kiểm tra (XD05) lớn hơn số tổ chức đảng trực thuộc (XD01): "
        "đề nghị kiểm tra lại.",
    ),
    (
        "XD08",
        "<=",
        "XD02",
        "error",
        "Số đảng viên bị kỷ luật (XD08) không thể lớn hơn số đảng viên (XD02).",
    ),
    (
        "VH02",
        ">=",
        "VH01",
        "warning",
        "Lượt người tham gia văn hóa, văn nghệ (VH02) nhỏ hơn số hoạt động (VH01): "
        "đề nghị kiểm tra lại.",
    ),
]

DEADLINES = {"xa": 3, "huyen": 5, "tinh": 8, "cuc": 8}

# The dissemination indicators, computed from the activity log (no double entry): GD01
# counts the unit's own sessions of the kind "Học tập, quán triệt văn bản", GD02 the party
# members and officers who attended them (cán bộ, chiến sĩ: outsiders are not counted).
COMPUTED = {
    "GD01": ("activities.count", {"kinds": ["quan-triet"]}),
    "GD02": (
        "activities.participants",
        {"kinds": ["quan-triet"], "groups": ["party_members", "officers"]},
    ),
}
COMPUTED_NOTE = "GD01, GD02 tính tự động từ nhật ký hoạt động"


@transaction.atomic
def ensure_demo_form():
    """Create the demo form (idempotent); returns it."""
    root = Unit.objects.get(code="BCA")
    form, created = ReportForm.objects.get_or_create(
        code=FORM_CODE,
        defaults={"name": FORM_NAME, "period_type": "half_year", "cutoff_day": 15, "owner": root},
    )
    if not created:
        return form
    levels = Level.objects.filter(code__in=DEADLINES)
    form.levels.set(levels)
    for level in levels:
        FormDeadline.objects.create(form=form, level=level, days_after_end=DEADLINES[level.code])
    version = FormVersion.objects.create(form=form, number=1, note="Phiên bản đầu tiên")
    build_version(version, SECTIONS, NARRATIVES, COMPARISONS)
    return form


def ensure_computed(form):
    """Make the dissemination indicators computed from the activity log (idempotent).

    Through the form's versioning rules, as the form editor would: edited in place while
    no report uses the current version (a fresh demo), else in version N+1 — the reports
    already filed keep the version they were filed on, with typed-in figures."""
    for code, (key, params) in COMPUTED.items():
        if registry.indicator_sources.get(key) is None:
            continue  # the activity log is not installed: the figure stays typed in
        indicator = form.current_version().indicators.get(code=code)
        if indicator.source != key or indicator.source_params != params:
            data = {"source": key, "source_params": params}
            versioning.save_item(form, Indicator, indicator, data, COMPUTED_NOTE)
    return form


def build_version(version, sections, narratives, comparisons):
    indicators = {}
    order = 0
    for s_order, (number, title, items) in enumerate(sections, start=1):
        section = Section.objects.create(version=version, number=number, title=title, order=s_order)
        for code, name, uom, vtype, agg, main in items:
            order += 1
            indicators[code] = Indicator.objects.create(
                version=version,
                section=section,
                code=code,
                name=name,
                unit_of_measure=uom,
                value_type=vtype,
                aggregation=agg,
                is_main=main,
                order=order,
            )
    last = Section.objects.create(
        version=version,
        number=_roman(len(sections) + 1),
        title="Đánh giá chung",
        order=len(sections) + 1,
    )
    for n_order, (code, title, required) in enumerate(narratives, start=1):
        field = NarrativeField.objects.create(
            version=version, section=last, code=code, title=title, required=required, order=n_order
        )
        if required:
            ValidationRule.objects.create(
                version=version,
                kind="required",
                severity="error",
                narrative=field,
                message=f"“{title}” là phần bắt buộc, cần nhập nội dung.",
            )
    for ind in indicators.values():
        if ind.unit_of_measure == "%":
            ValidationRule.objects.create(
                version=version,
                kind="bounds",
                severity="error",
                indicator=ind,
                min_value=0,
                max_value=100,
                message=f"{ind.name} ({ind.code}) phải từ 0 đến 100.",
            )
        else:
            ValidationRule.objects.create(
                version=version,
                kind="bounds",
                severity="error",
                indicator=ind,
                min_value=0,
                message=f"{ind.name} ({ind.code}) không được là số âm.",
            )
    for left, op, right, severity, message in comparisons:
        ValidationRule.objects.create(
            version=version,
            kind="compare",
            severity=severity,
            indicator=indicators[left],
            operator=op,
            other=indicators[right],
            message=message,
        )
    return indicators


def _roman(n):
    return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n]
