"""Đợt sinh hoạt chính trị: a time-boxed programme a unit launches for its subtree.

- `Campaign` — launched by a unit through its plan, a document of the register (kế hoạch),
  for the units of its subtree: title, dates, phases, requirements. Draft while its
  phases and requirements are set; launched, it runs from `start` to `end`.
- `Phase` — giai đoạn: numbered, with dates inside the campaign's; a requirement is due by
  its phase's end.
- `Requirement` — what the units of a level (or of every level) must do in a phase, and
  the record that meets it — never a tick:
  ACTIVITY: activities of a kind linked to the campaign (a session whose document is the
  campaign's plan or a document implementing it, down the chain), at least `min_count`;
  DOCUMENT: the unit's own issued document linked "implements" to the plan or to a
  document of its chain (its own plan);
  RESULTS: a results text (with files) the unit sends for the requirement.
- `Result`, `ResultFile` — a unit's results for a RESULTS requirement.

Progress is computed (`progress.py`), never stored: which requirements apply to a unit,
which records met them and when, on time or late against the phase's end (the
task-tracking matrix of `core.due`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giaoban.core.models import NFCModel, StoredFile
from giaoban.core.scope import ScopedQuerySet


class CampaignQuerySet(ScopedQuerySet):
    # Belongs to the launching unit's subtree (and is seen above it); addressed to every unit
    # of that subtree, which all see it.
    scope_paths = ("path",)
    subtree_of = "path"

    def within_q(self, user, action):
        # A campaign being prepared is the launching unit's (and above) only.
        return super().within_q(user, action) & Q(status=Campaign.Status.LAUNCHED)


class Campaign(NFCModel):
    """Đợt sinh hoạt chính trị."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang chuẩn bị")
        LAUNCHED = "launched", _("Đã phát động")

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị phát động")
    )
    path = models.CharField(_("vị trí đơn vị phát động"), max_length=255, editable=False)
    title = models.CharField(_("tên đợt sinh hoạt chính trị"), max_length=300)
    description = models.TextField(_("mục đích, yêu cầu"), blank=True)
    plan = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kế hoạch phát động"),
        help_text=_("Văn bản đã ban hành của đơn vị phát động (kế hoạch, hướng dẫn…)."),
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    launched_at = models.DateTimeField(_("phát động lúc"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người lập"),
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("đợt sinh hoạt chính trị")
        verbose_name_plural = _("đợt sinh hoạt chính trị")
        indexes = [
            models.Index(fields=["path"], name="campaign_path", opclasses=["varchar_pattern_ops"])
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="campaign_dates")
        ]

    def __str__(self):
        return self.title

    @property
    def is_launched(self):
        return self.status == self.Status.LAUNCHED


class Phase(NFCModel):
    """Giai đoạn của đợt sinh hoạt chính trị."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="phases", verbose_name=_("đợt")
    )
    number = models.PositiveSmallIntegerField(_("giai đoạn"))
    title = models.CharField(_("nội dung giai đoạn"), max_length=300)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))

    class Meta:
        ordering = ["campaign", "number"]
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="phase_unique"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="phase_dates"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Requirement(NFCModel):
    """Yêu cầu: what the units of a level must do in a phase, met by a record."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Tổ chức hoạt động (ghi vào nhật ký hoạt động)")
        DOCUMENT = "document", _("Ban hành văn bản triển khai (kế hoạch của đơn vị)")
        RESULTS = "results", _("Gửi báo cáo kết quả (kèm tệp)")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("đợt")
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="requirements", verbose_name=_("giai đoạn")
    )
    level = models.ForeignKey(
        "units.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cấp thực hiện"),
        help_text=_("Để trống: mọi đơn vị thuộc phạm vi đợt, kể cả đơn vị phát động."),
    )
    kind = models.CharField(_("cách đáp ứng"), max_length=10, choices=Kind.choices)
    activity_kind = models.ForeignKey(
        "activities.ActivityKind",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loại hoạt động"),
    )
    min_count = models.PositiveSmallIntegerField(_("số hoạt động tối thiểu"), default=1)
    title = models.CharField(_("yêu cầu"), max_length=300)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["campaign", "phase__number", "order", "pk"]
        verbose_name = _("yêu cầu của đợt")
        verbose_name_plural = _("yêu cầu của đợt")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="activity") | Q(activity_kind__isnull=False),
                name="requirement_activity_kind",
            ),
            models.CheckConstraint(condition=Q(min_count__gte=1), name="requirement_min_count"),
        ]

    def __str__(self):
        return self.title


class ResultQuerySet(ScopedQuerySet):
    scope_paths = ("path",)


class Result(NFCModel):
    """Báo cáo kết quả của một đơn vị cho một yêu cầu (tự kiểm điểm…)."""

    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="results", verbose_name=_("yêu cầu")
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="results", verbose_name=_("đợt")
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    path = models.CharField(_("vị trí đơn vị"), max_length=255, editable=False)
    text = models.TextField(_("báo cáo kết quả"))
    sent_on = models.DateField(_("gửi ngày"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "path", "requirement"]
        verbose_name = _("báo cáo kết quả của đơn vị")
        verbose_name_plural = _("báo cáo kết quả của đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "unit"], name="result_unique")
        ]
        indexes = [models.Index(fields=["campaign", "unit"], name="result_campaign_unit")]

    def __str__(self):
        return f"{self.unit} — {self.requirement}"


class ResultFileQuerySet(ScopedQuerySet):
    scope_paths = ("result__path",)


class ResultFile(StoredFile):
    """Tệp kèm báo cáo kết quả."""

    result = models.ForeignKey(
        Result, on_delete=models.CASCADE, related_name="files", verbose_name=_("báo cáo kết quả")
    )

    objects = ResultFileQuerySet.as_manager()

    class Meta:
        ordering = ["result", "pk"]
        verbose_name = _("tệp kèm báo cáo kết quả")
        verbose_name_plural = _("tệp kèm báo cáo kết quả")
