"""Periodic reports (báo cáo định kỳ): forms, their versions, reports, values, roll-ups."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giaoban.core import periods
from giaoban.core.fields import FastJSONField
from giaoban.core.models import NFCModel
from giaoban.core.scope import ScopedQuerySet


class ReportForm(NFCModel):
    """Mẫu báo cáo — what is reported, by whom, how often, over which window."""

    class PeriodType(models.TextChoices):
        MONTHLY = periods.MONTHLY, _("Hằng tháng")
        QUARTERLY = periods.QUARTERLY, _("Hằng quý")
        HALF_YEAR = periods.HALF_YEAR, _("6 tháng")
        NINE_MONTHS = periods.NINE_MONTHS, _("9 tháng")
        ANNUAL = periods.ANNUAL, _("Hằng năm")

    code = models.CharField(_("mã mẫu"), max_length=30, unique=True)
    name = models.CharField(_("tên mẫu"), max_length=255)
    period_type = models.CharField(_("loại kỳ"), max_length=12, choices=PeriodType.choices)
    cutoff_day = models.PositiveSmallIntegerField(
        _("ngày chốt số liệu"),
        default=1,
        help_text=_(
            "1 = theo tháng dương lịch; 15 = từ ngày 15 tháng trước đến ngày 14 "
            "(Nghị định 09/2019/NĐ-CP)."
        ),
    )
    levels = models.ManyToManyField(
        "units.Level", related_name="report_forms", verbose_name=_("các cấp báo cáo")
    )
    owner = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="owned_forms",
        verbose_name=_("đơn vị ban hành mẫu"),
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    count_submitted = models.BooleanField(
        _("tổng hợp cả báo cáo đã gửi (chưa duyệt)"),
        default=False,
        help_text=_("Mặc định chỉ tổng hợp báo cáo đã được cấp trên chấp nhận."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("mẫu báo cáo")
        verbose_name_plural = _("mẫu báo cáo")

    def __str__(self):
        return f"{self.code} — {self.name}"

    def period(self, key):
        return periods.period(key, self.cutoff_day, self.period_type)

    def parse_period(self, key):
        """The period of a key typed by a user (years 1901–2998), or PeriodError."""
        return periods.parse(key, self.cutoff_day, self.period_type)

    def current_version(self):
        return self.versions.order_by("-number").first()


class FormDeadline(models.Model):
    """Hạn báo cáo — days after the period end by which a level must submit."""

    form = models.ForeignKey(
        ReportForm, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("mẫu")
    )
    level = models.ForeignKey(
        "units.Level", on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp")
    )
    days_after_end = models.PositiveSmallIntegerField(_("số ngày sau khi hết kỳ"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form", "level"], name="deadline_unique")]
        ordering = ["level__rank"]
        verbose_name = _("hạn gửi báo cáo")
        verbose_name_plural = _("hạn gửi báo cáo")

    def __str__(self):
        return f"{self.form.code}: {self.level} +{self.days_after_end}"


class FormVersion(models.Model):
    """Phiên bản mẫu — frozen once a report uses it; editing then makes the next version."""

    form = models.ForeignKey(
        ReportForm, on_delete=models.CASCADE, related_name="versions", verbose_name=_("mẫu")
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    created = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    note = models.CharField(_("ghi chú thay đổi"), max_length=255, blank=True)

    class Meta:
        ordering = ["form", "number"]
        verbose_name = _("phiên bản mẫu báo cáo")
        verbose_name_plural = _("phiên bản mẫu báo cáo")
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="version_unique")]

    def __str__(self):
        return f"{self.form.code} v{self.number}"

    @property
    def in_use(self):
        return self.reports.exists()


class Section(NFCModel):
    """Mục — a numbered section of a form version."""

    version = models.ForeignKey(
        FormVersion, on_delete=models.CASCADE, related_name="sections", verbose_name=_("phiên bản")
    )
    number = models.CharField(_("số mục"), max_length=10)
    title = models.CharField(_("tên mục"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("mục của mẫu báo cáo")
        verbose_name_plural = _("mục của mẫu báo cáo")

    def __str__(self):
        return f"{self.number}. {self.title}"


class Indicator(NFCModel):
    """Chỉ tiêu — a numeric figure of a form version."""

    class ValueType(models.TextChoices):
        INTEGER = "int", _("Số nguyên")
        DECIMAL = "decimal", _("Số thập phân")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Cộng")
        AVG = "avg", _("Trung bình")
        MIN = "min", _("Nhỏ nhất")
        MAX = "max", _("Lớn nhất")
        NONE = "none", _("Không tổng hợp")

    version = models.ForeignKey(
        FormVersion,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("phiên bản"),
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("mục")
    )
    code = models.CharField(_("mã chỉ tiêu"), max_length=30)
    name = models.CharField(_("tên chỉ tiêu"), max_length=255)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=40)
    value_type = models.CharField(
        _("kiểu số"), max_length=8, choices=ValueType.choices, default=ValueType.INTEGER
    )
    aggregation = models.CharField(
        _("cách tổng hợp"), max_length=5, choices=Aggregation.choices, default=Aggregation.SUM
    )
    is_main = models.BooleanField(_("chỉ tiêu chính (hiện trên bảng điều khiển)"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    # Chỉ tiêu tính từ hồ sơ: empty for a figure typed in (nhập tay); else the key of a
    # source in core.registry.indicator_sources and its parameters ({param: [values]}).
    # See reports/computed.py.
    source = models.CharField(_("cách lấy số liệu"), max_length=60, blank=True, default="")
    source_params = models.JSONField(_("tham số của nguồn số liệu"), default=dict, blank=True)

    class Meta:
        ordering = ["version", "section__order", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="indicator_unique")]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self):
        return f"{self.code} — {self.name}"


class NarrativeField(NFCModel):
    """Phần thuyết minh — a free-text part of the report (results, shortcomings, proposals…)."""

    version = models.ForeignKey(
        FormVersion,
        on_delete=models.CASCADE,
        related_name="narratives",
        verbose_name=_("phiên bản"),
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="narratives", verbose_name=_("mục")
    )
    code = models.CharField(_("mã"), max_length=30)
    title = models.CharField(_("tiêu đề"), max_length=255)
    required = models.BooleanField(_("bắt buộc"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["version", "section__order", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="narrative_unique")]
        verbose_name = _("phần thuyết minh")
        verbose_name_plural = _("phần thuyết minh")

    def __str__(self):
        return self.title


class ValidationRule(NFCModel):
    """Quy tắc kiểm tra — bounds, required, or a comparison; an error blocks, a warning shows."""

    class Kind(models.TextChoices):
        BOUNDS = "bounds", _("Giới hạn giá trị")
        REQUIRED = "required", _("Bắt buộc nhập")
        COMPARE = "compare", _("So sánh hai chỉ tiêu")

    class Severity(models.TextChoices):
        ERROR = "error", _("Lỗi (không cho gửi)")
        WARNING = "warning", _("Cảnh báo (vẫn cho gửi)")

    OPERATORS = [(">=", "≥"), ("<=", "≤"), (">", ">"), ("<", "<"), ("==", "="), ("!=", "≠")]

    version = models.ForeignKey(
        FormVersion, on_delete=models.CASCADE, related_name="rules", verbose_name=_("phiên bản")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    severity = models.CharField(
        _("mức độ"), max_length=8, choices=Severity.choices, default=Severity.ERROR
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chỉ tiêu"),
    )
    narrative = models.ForeignKey(
        NarrativeField,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("phần thuyết minh"),
    )
    operator = models.CharField(_("phép so sánh"), max_length=2, choices=OPERATORS, blank=True)
    other = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chỉ tiêu so sánh"),
    )
    min_value = models.DecimalField(
        _("giá trị nhỏ nhất"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("giá trị lớn nhất"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    message = models.CharField(_("thông báo"), max_length=300)

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = _("quy tắc kiểm tra")

    def __str__(self):
        return self.message


class ReportQuerySet(ScopedQuerySet):
    scope_paths = ("unit__path",)


class Report(models.Model):
    """Báo cáo — one unit's report on one form for one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
        RETURNED = "returned", _("Bị trả lại")
        ACCEPTED = "accepted", _("Đã chấp nhận")

    form = models.ForeignKey(
        ReportForm, on_delete=models.PROTECT, related_name="reports", verbose_name=_("mẫu")
    )
    version = models.ForeignKey(
        FormVersion,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("phiên bản"),
        db_index=False,  # report_version_period below serves the version alone too
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="reports", verbose_name=_("đơn vị")
    )
    period_key = models.CharField(_("kỳ báo cáo"), max_length=8)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    # The unit's ancestor path on the period's end date: a past period rolls up on the
    # tree as it stood then, not on today's tree.
    path = models.CharField(max_length=255)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    deadline = models.DateField(_("hạn gửi"))
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    decided_at = models.DateTimeField(_("cấp trên quyết định lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    is_demo = models.BooleanField(_("số liệu giả lập (trình diễn)"), default=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["form", "period_key", "path"]
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["form", "unit", "period_key"], name="report_unique")
        ]
        indexes = [
            models.Index(fields=["form", "period_key", "status"], name="report_form_period"),
            models.Index(fields=["path"], name="report_path", opclasses=["varchar_pattern_ops"]),
            # "Which version were this period's reports filed on" (every analysis page):
            # an index probe, not a scan of every report of the version.
            models.Index(fields=["version", "period_key"], name="report_version_period"),
        ]

    def __str__(self):
        return self.describe(self.form, self.period, self.unit)

    @staticmethod
    def describe(form, period, unit):
        """A report in words: "Báo cáo … — 6 tháng đầu năm 2026 — Công an xã …"."""
        return f"{form.name} — {period.label} — {unit.name}"

    @property
    def period(self):
        return self.form.period(self.period_key)

    @property
    def is_late(self):
        from django.utils import timezone

        sent = self.first_submitted_at
        if sent is not None:
            return timezone.localtime(sent).date() > self.deadline
        return timezone.localdate() > self.deadline


class ReportValue(models.Model):
    """Giá trị chỉ tiêu — one figure of one report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=20, decimal_places=4)
    # For an indicator computed from the records: what the records gave when the row was
    # stored (at submission: the frozen value); `value` is that figure unless the officer
    # overrode it, with `override_reason`. Null for a typed-in figure and for past figures
    # imported as history (nothing was computed).
    computed = models.DecimalField(
        _("giá trị tính từ hồ sơ"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    override_reason = models.TextField(_("lý do sửa giá trị tự tính"), blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="value_unique")]

    def __str__(self):
        return f"{self.indicator.code}={self.value}"


class ReportText(NFCModel):
    """Nội dung thuyết minh — one narrative part of one report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="texts")
    field = models.ForeignKey(NarrativeField, on_delete=models.PROTECT, related_name="texts")
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "field"], name="text_unique")]


class ReportEvent(models.Model):
    """Lịch sử báo cáo — one workflow transition: who, when, from, to, why."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"


class Rollup(models.Model):
    """Số liệu tổng hợp — the running totals of one node's subtree for one form and period.

    Kept in the same transaction as every workflow transition, so that a figure
    accepted at a commune is in every ancestor's total the moment it is accepted.
    `accepted` and `counted` hold {indicator_code: [sum, count, min, max]} as strings;
    `counted` includes submitted reports too. `statuses` counts reports by status.
    """

    node = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="rollups")
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="rollups")
    period_key = models.CharField(max_length=8)
    statuses = FastJSONField(default=dict)
    late = models.PositiveIntegerField(default=0)
    accepted = FastJSONField(default=dict)
    counted = FastJSONField(default=dict)

    class Meta:
        # One index, node first: every read names its nodes (a page's node and children, a
        # transition's ancestors), so the node list is always an index condition. A second
        # index on (form, period) let PostgreSQL, before statistics on a freshly imported
        # period were gathered, read a page through it and filter every row of the period.
        constraints = [
            models.UniqueConstraint(fields=["node", "form", "period_key"], name="rollup_unique")
        ]

    def __str__(self):
        return f"{self.node_id} {self.period_key}"


Q_SUBMITTED_OR_ACCEPTED = Q(status__in=[Report.Status.SUBMITTED, Report.Status.ACCEPTED])
