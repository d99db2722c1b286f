"""Hội nghị giao ban: the consolidated report, the briefing conference, and the follow-up
tasks its conclusions become.

- `Consolidation` — báo cáo tổng hợp (sơ kết) of a unit for a form and period, drafted
  from the live roll-up of its subtree and what its direct children submitted. Its text
  is a list of `Part`s per narrative section, each either the unit's own words or an
  excerpt of a child's submitted text (attributed to the unit, the report and the
  version it came from). Issued, it is registered in the document register (kind báo
  cáo) with its number (`document`). Every export records the compiled snapshot
  (`ConsolidationExport`), so that a later one says what changed since.
- `Conference` — the host unit's hội nghị giao ban for a period: participants
  (`Participant`, chosen by a rule, with attendance), agenda (`AgendaItem`), papers
  (tham luận, `Paper`) invited units upload before a deadline, minutes (biên bản) kept
  during it and locked at close, and numbered conclusions (`Conclusion`). Closing it
  issues the conclusions as a thông báo kết luận through the register (`notice`).
- `Task` — a conclusion's follow-up for one unit, with a deadline and the expected
  result. The unit reports progress (`Progress`: text, files, and the record that
  evidences it), its leader marks it done, the assigning unit accepts it or sends it
  back. Where it stands (on time, late, within the deadline, overdue) is computed by
  `core.due.standing` from the deadline and the day it was marked done — the same
  matrix as a document's obligations.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giaoban.core.models import NFCModel, StoredFile
from giaoban.core.scope import ScopedQuerySet
from giaoban.units.rules import Rule

PARTY, STATE = "party", "state"  # as documents.models: the issuing body's layout
BODY_CHOICES = [(PARTY, _("Tổ chức đảng")), (STATE, _("Chỉ huy (chính quyền)"))]


# ------------------------------------------------------------------ the consolidated report


class ConsolidationQuerySet(ScopedQuerySet):
    scope_paths = ("path",)


class Consolidation(NFCModel):
    """Báo cáo tổng hợp — a unit's consolidated report for a form and period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    path = models.CharField(_("vị trí đơn vị"), max_length=255, editable=False)
    body = models.CharField(
        _("cơ quan ban hành"), max_length=10, choices=BODY_CHOICES, default=PARTY
    )
    form = models.ForeignKey(
        "reports.ReportForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("mẫu báo cáo"),
    )
    period_key = models.CharField(_("kỳ báo cáo"), max_length=8)
    subject = models.CharField(
        _("trích yếu"),
        max_length=500,
        help_text=_("Dòng dưới chữ “BÁO CÁO”; xuống dòng để ngắt như trên văn bản."),
    )
    signer_title = models.CharField(
        _("thẩm quyền ký"),
        max_length=120,
        help_text=_("Ví dụ “T/M ĐẢNG ỦY” hoặc “GIÁM ĐỐC”; tên người ký để trống."),
    )
    signer_position = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    recipients_text = models.TextField(
        _("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận, như in trên văn bản.")
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("văn bản trong sổ đăng ký"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người lập"),
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)

    objects = ConsolidationQuerySet.as_manager()

    class Meta:
        ordering = ["-period_key", "path"]
        verbose_name = _("báo cáo tổng hợp")
        verbose_name_plural = _("báo cáo tổng hợp")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "body", "form", "period_key"], name="consolidation_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["path"], name="consolidation_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self):
        return " ".join(self.subject.split())

    @property
    def period(self):
        return self.form.period(self.period_key)

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class Part(NFCModel):
    """Đoạn — one paragraph of a narrative section: the unit's own words, or an excerpt.

    An excerpt is a choice of sentences of one child's submitted text (`fragments`:
    [start, end) character spans of that text, in order); its text is those spans, joined
    with "…" where sentences were left out, so it can only ever say what the unit wrote.
    `source_digest` is the SHA-256 of the whole source text when it was picked: if the
    unit sends a changed version, the excerpt no longer matches and is left out of the
    report until it is picked again.
    """

    class Kind(models.TextChoices):
        OWN = "own", _("Lời của đơn vị tổng hợp")
        EXCERPT = "excerpt", _("Trích báo cáo đơn vị")

    consolidation = models.ForeignKey(
        Consolidation, on_delete=models.CASCADE, related_name="parts", verbose_name=_("báo cáo")
    )
    section = models.CharField(
        _("phần"), max_length=30, help_text=_("Mã phần thuyết minh của mẫu; trống: mở đầu.")
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    kind = models.CharField(_("loại đoạn"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("nội dung"))
    source_unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị được trích"),
    )
    source_report = models.ForeignKey(
        "reports.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("báo cáo được trích"),
    )
    source_field = models.CharField(_("phần được trích"), max_length=30, blank=True)
    source_version = models.PositiveIntegerField(_("phiên bản báo cáo"), null=True, blank=True)
    source_sent_at = models.DateTimeField(_("đơn vị gửi lúc"), null=True, blank=True)
    source_digest = models.CharField(
        _("mã băm nội dung được trích"), max_length=64, blank=True, editable=False
    )
    fragments = models.JSONField(_("các câu được chọn"), default=list, blank=True)

    class Meta:
        ordering = ["consolidation", "section", "order", "pk"]
        verbose_name = _("đoạn báo cáo tổng hợp")
        verbose_name_plural = _("đoạn báo cáo tổng hợp")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="own") | Q(source_report__isnull=False),
                name="part_excerpt_has_source",
            )
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def is_excerpt(self):
        return self.kind == self.Kind.EXCERPT


class ConsolidationExport(models.Model):
    """What was exported (or issued): the compiled snapshot, so a later export can say what
    changed since."""

    consolidation = models.ForeignKey(
        Consolidation,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("báo cáo"),
    )
    at = models.DateTimeField(_("xuất lúc"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người xuất"),
    )
    issued = models.BooleanField(_("bản ban hành"), default=False)
    digest = models.CharField(_("mã băm nội dung"), max_length=64)
    snapshot = models.JSONField(_("nội dung đã xuất"))

    class Meta:
        ordering = ["consolidation", "-at", "-pk"]
        verbose_name = _("lần xuất báo cáo tổng hợp")
        verbose_name_plural = _("lần xuất báo cáo tổng hợp")

    def __str__(self):
        return f"{self.consolidation_id} @ {self.at:%d/%m/%Y %H:%M}"


# ------------------------------------------------------------------ the conference


class ConferenceQuerySet(ScopedQuerySet):
    # The host's subtree, and each participant with its ancestors.
    scope_paths = ("path",)
    recipients = ("participants", "path")


class Conference(NFCModel):
    """Hội nghị giao ban — a unit's briefing conference for a period."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Đang chuẩn bị")
        OPEN = "open", _("Đang diễn ra")
        CLOSED = "closed", _("Đã kết thúc")

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị chủ trì"),
    )
    path = models.CharField(_("vị trí đơn vị chủ trì"), max_length=255, editable=False)
    body = models.CharField(
        _("cơ quan chủ trì"),
        max_length=10,
        choices=BODY_CHOICES,
        default=PARTY,
        help_text=_("Cơ quan ban hành thông báo kết luận hội nghị."),
    )
    title = models.CharField(_("tên hội nghị"), max_length=300)
    form = models.ForeignKey(
        "reports.ReportForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("mẫu báo cáo của kỳ"),
    )
    period_key = models.CharField(_("kỳ"), max_length=8)
    date = models.DateField(_("ngày họp"))
    start_time = models.TimeField(_("bắt đầu lúc"), null=True, blank=True)
    end_time = models.TimeField(_("kết thúc lúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    online_link = models.CharField(
        _("đường dẫn họp trực tuyến"),
        max_length=500,
        blank=True,
        help_text=_("Ghi dạng văn bản; giaoban không mở đường dẫn này."),
    )
    participant_rule = models.CharField(
        _("đơn vị dự"), max_length=10, choices=Rule.choices, default=Rule.CHILDREN
    )
    participant_level = models.ForeignKey(
        "units.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cấp dự"),
    )
    papers_due = models.DateField(_("hạn gửi tham luận"), null=True, blank=True)
    consolidation = models.ForeignKey(
        Consolidation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conferences",
        verbose_name=_("báo cáo tổng hợp"),
    )
    minutes = models.TextField(_("biên bản"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    notice = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thông báo kết luận"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("hội nghị giao ban")
        verbose_name_plural = _("hội nghị giao ban")
        indexes = [
            models.Index(fields=["path"], name="conference_path", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self):
        return self.title

    @property
    def period(self):
        return self.form.period(self.period_key)

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED


class ParticipantQuerySet(ScopedQuerySet):
    scope_paths = ("path", "conference__path")


class Participant(NFCModel):
    """Đơn vị dự hội nghị, and how it attended (counts only: never names)."""

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Chưa điểm danh")
        PRESENT = "present", _("Có mặt")
        ABSENT = "absent", _("Vắng mặt")

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("hội nghị"),
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    path = models.CharField(_("vị trí đơn vị"), max_length=255, editable=False)
    attendance = models.CharField(
        _("điểm danh"), max_length=10, choices=Attendance.choices, default="", blank=True
    )
    absence_reason = models.CharField(_("lý do vắng"), max_length=300, blank=True)
    delegates = models.PositiveIntegerField(_("số đại biểu dự"), null=True, blank=True)
    paper_invited = models.BooleanField(_("được mời gửi tham luận"), default=False)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["conference", "path"]
        verbose_name = _("đơn vị dự hội nghị")
        verbose_name_plural = _("đơn vị dự hội nghị")
        constraints = [
            models.UniqueConstraint(fields=["conference", "unit"], name="participant_unique")
        ]
        indexes = [
            models.Index(
                fields=["path"], name="participant_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self):
        return str(self.unit)


class AgendaItem(NFCModel):
    """Một mục chương trình hội nghị."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("hội nghị")
    )
    order = models.PositiveIntegerField(_("thứ tự"))
    title = models.CharField(_("nội dung"), max_length=300)
    presenter = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị trình bày"),
    )
    duration = models.PositiveIntegerField(_("thời lượng (phút)"), null=True, blank=True)
    documents = models.ManyToManyField(
        "documents.Document", blank=True, related_name="+", verbose_name=_("văn bản liên quan")
    )

    class Meta:
        ordering = ["conference", "order", "pk"]
        verbose_name = _("mục chương trình")
        verbose_name_plural = _("mục chương trình")

    def __str__(self):
        return f"{self.order}. {self.title}"


class PaperQuerySet(ScopedQuerySet):
    scope_paths = ("path", "conference__path")


class Paper(StoredFile):
    """Tham luận — a paper an invited unit uploads before the deadline."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="papers", verbose_name=_("hội nghị")
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    path = models.CharField(_("vị trí đơn vị"), max_length=255, editable=False)
    title = models.CharField(_("tên tham luận"), max_length=300)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["conference", "path", "pk"]
        verbose_name = _("tham luận")
        verbose_name_plural = _("tham luận")


class Conclusion(NFCModel):
    """Kết luận — one numbered item of the conference's conclusions."""

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="conclusions",
        verbose_name=_("hội nghị"),
    )
    number = models.PositiveIntegerField(_("số thứ tự"))
    text = models.TextField(_("nội dung kết luận"))

    class Meta:
        ordering = ["conference", "number"]
        verbose_name = _("kết luận hội nghị")
        verbose_name_plural = _("kết luận hội nghị")
        constraints = [
            models.UniqueConstraint(fields=["conference", "number"], name="conclusion_unique")
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"


# ------------------------------------------------------------------ follow-up tasks


class TaskQuerySet(ScopedQuerySet):
    # Its unit with its ancestors, and the assigning unit (which is one of them).
    scope_paths = ("path", "assigner_path")


class Task(NFCModel):
    """Nhiệm vụ — what one unit must do about a conclusion, by a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang thực hiện")
        DONE = "done", _("Đơn vị báo hoàn thành, chờ nghiệm thu")
        ACCEPTED = "accepted", _("Đã nghiệm thu")
        RETURNED = "returned", _("Bị trả lại, thực hiện tiếp")

    conclusion = models.ForeignKey(
        Conclusion, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("kết luận")
    )
    assigner = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị giao"),
    )
    assigner_path = models.CharField(_("vị trí đơn vị giao"), max_length=255, editable=False)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị thực hiện"),
    )
    path = models.CharField(_("vị trí đơn vị thực hiện"), max_length=255, editable=False)
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    expected_result = models.TextField(_("kết quả cần đạt"), blank=True)
    deadline = models.DateField(_("hạn hoàn thành"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # The day its leader marked it done (the matrix's "done" date); cleared when sent back.
    done_on = models.DateField(_("báo hoàn thành ngày"), null=True, blank=True)
    decided_at = models.DateTimeField(_("nghiệm thu / trả lại lúc"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    created_at = models.DateTimeField(_("giao lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "path", "pk"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        constraints = [models.UniqueConstraint(fields=["conclusion", "unit"], name="task_unique")]
        indexes = [
            models.Index(fields=["path"], name="task_path", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["assigner_path"], name="task_assigner", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["unit", "status"], name="task_unit_status"),
        ]

    def __str__(self):
        return f"{self.title[:80]} — {self.unit}"


class ProgressQuerySet(ScopedQuerySet):
    scope_paths = ("task__path", "task__assigner_path")


class Progress(NFCModel):
    """Báo cáo tiến độ — what the unit did about the task, and the record that shows it."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="progress", verbose_name=_("nhiệm vụ")
    )
    text = models.TextField(_("nội dung"))
    evidence_document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("văn bản minh chứng"),
    )
    evidence_activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hoạt động minh chứng"),
    )
    evidence_report = models.ForeignKey(
        "reports.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("báo cáo minh chứng"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người báo cáo"),
    )
    created_at = models.DateTimeField(_("báo cáo lúc"), auto_now_add=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        ordering = ["task", "-created_at", "-pk"]
        verbose_name = _("báo cáo tiến độ nhiệm vụ")
        verbose_name_plural = _("báo cáo tiến độ nhiệm vụ")

    def __str__(self):
        return self.text[:80]


class ProgressFileQuerySet(ScopedQuerySet):
    scope_paths = ("progress__task__path", "progress__task__assigner_path")


class ProgressFile(StoredFile):
    """Tệp kèm báo cáo tiến độ."""

    progress = models.ForeignKey(
        Progress, on_delete=models.CASCADE, related_name="files", verbose_name=_("báo cáo tiến độ")
    )

    objects = ProgressFileQuerySet.as_manager()

    class Meta:
        ordering = ["progress", "pk"]
        verbose_name = _("tệp kèm báo cáo tiến độ")
        verbose_name_plural = _("tệp kèm báo cáo tiến độ")
