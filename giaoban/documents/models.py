"""Văn bản chỉ đạo: the register of directive documents, their recipients and what the
recipients owe.

- `DocumentKind` — kinds as data (nghị quyết, chỉ thị, kế hoạch…), one row per issuing
  body type (the Party's abbreviations differ from the state's: "QĐi" / "QyĐ").
- `IssuingBody` — who issues: a unit's party organisation (Đảng ủy …) or its command
  (Công an …), with the symbol its numbers carry and how its numbering runs (by year, or
  by the party committee's term).
- `Document` — one document, draft → in review → issued → replaced / repealed (expiry is
  a date, not a status). Its number is allocated at issue (`NumberCounter`).
- `DocumentVersion` — every saved state of a draft's text.
- `DocumentLink` — amends, replaces, repeals, implements; shown from both sides.
- `Recipient` — one unit the document was sent to, and the records that meet each
  obligation (sessions, an implementing plan, results). Statuses are computed from
  those records and the deadlines (services.obligation_status), never typed in.
- `Attachment` — files of a document, or of a recipient's plan or results.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giaoban.core.models import NFCModel, StoredFile
from giaoban.core.scope import ScopedQuerySet
from giaoban.units import rules

PARTY, STATE = "party", "state"  # the two layouts of exports.docx
BODY_CHOICES = [(PARTY, _("Tổ chức đảng")), (STATE, _("Chỉ huy (chính quyền)"))]


class DocumentKind(NFCModel):
    """Loại văn bản: "Nghị quyết" (NQ) of a party body, "Kế hoạch" (KH) of a command…"""

    body = models.CharField(_("thuộc hệ thống"), max_length=10, choices=BODY_CHOICES)
    name = models.CharField(_("tên loại văn bản"), max_length=100)
    abbreviation = models.CharField(
        _("chữ viết tắt"),
        max_length=10,
        blank=True,
        help_text=_("Trong số, ký hiệu: NQ, CT, KH…; để trống với công văn của chính quyền."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["body", "order", "name"]
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="document_kind_unique")
        ]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


class IssuingBodyQuerySet(ScopedQuerySet):
    scope_paths = ("unit__path",)


class IssuingBody(NFCModel):
    """Cơ quan ban hành: a unit's party organisation or its command."""

    class Span(models.TextChoices):
        YEAR = "year", _("theo năm")
        TERM = "term", _("theo nhiệm kỳ")

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="issuing_bodies",
        verbose_name=_("đơn vị"),
    )
    body = models.CharField(_("thuộc hệ thống"), max_length=10, choices=BODY_CHOICES)
    name = models.CharField(
        _("tên cơ quan ban hành"),
        max_length=255,
        help_text=_("Như in trên văn bản, ví dụ “Đảng ủy Công an tỉnh Thái Nguyên”."),
    )
    superior = models.CharField(
        _("cơ quan cấp trên trực tiếp"),
        max_length=255,
        blank=True,
        help_text=_("In phía trên tên cơ quan ban hành; có thể để trống."),
    )
    symbol = models.CharField(
        _("ký hiệu cơ quan"),
        max_length=20,
        help_text=_("Phần ký hiệu của cơ quan trong số văn bản: “ĐU” (Số 15-NQ/ĐU), “CAT”."),
    )
    place = models.CharField(_("địa danh"), max_length=100, help_text=_("Ở dòng ngày tháng."))
    span = models.CharField(_("đánh số"), max_length=10, choices=Span.choices, default=Span.YEAR)
    term_start = models.DateField(_("nhiệm kỳ từ"), null=True, blank=True)
    term_end = models.DateField(_("nhiệm kỳ đến"), null=True, blank=True)

    objects = IssuingBodyQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "body"]
        verbose_name = _("cơ quan ban hành")
        verbose_name_plural = _("cơ quan ban hành")
        constraints = [models.UniqueConstraint(fields=["unit", "body"], name="issuing_body_unique")]

    def __str__(self):
        return self.name


class NumberCounter(models.Model):
    """The last number issued by a body for a kind in a numbering span ("2026", a term).

    Allocation locks this row (services.allocate_number): two documents issued at the
    same instant get consecutive numbers, never the same one.
    """

    issuer = models.ForeignKey(IssuingBody, on_delete=models.CASCADE, related_name="counters")
    kind = models.ForeignKey(DocumentKind, on_delete=models.PROTECT, related_name="+")
    span_key = models.CharField(max_length=30)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "span_key"], name="number_counter_unique"
            )
        ]

    def __str__(self):
        return f"{self.issuer_id}/{self.kind_id}/{self.span_key}: {self.last}"


class DocumentQuerySet(ScopedQuerySet):
    # Belongs to the issuing unit's subtree; addressed to each recipient and its ancestors.
    scope_paths = ("path",)
    recipients = ("recipients", "path")


class Document(NFCModel):
    """Văn bản — one directive document of a unit's party organisation or command."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        REVIEW = "review", _("Đang thẩm định")
        ISSUED = "issued", _("Đã ban hành")
        REPLACED = "replaced", _("Đã bị thay thế")
        REPEALED = "repealed", _("Đã bị bãi bỏ")

    class Secrecy(models.TextChoices):
        NONE = "", _("Thường")
        CONFIDENTIAL = "mat", _("Mật")
        SECRET = "toi_mat", _("Tối mật")
        TOP_SECRET = "tuyet_mat", _("Tuyệt mật")

    Rule = rules.Rule  # recipients are chosen as any units are (units.rules)

    issuer = models.ForeignKey(
        IssuingBody,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("cơ quan ban hành"),
    )
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("đơn vị ban hành"),
    )
    path = models.CharField(_("vị trí đơn vị ban hành"), max_length=255, editable=False)
    kind = models.ForeignKey(
        DocumentKind, on_delete=models.PROTECT, related_name="documents", verbose_name=_("loại")
    )
    number = models.PositiveIntegerField(_("số"), null=True, blank=True, editable=False)
    span_key = models.CharField(_("khoảng đánh số"), max_length=30, blank=True, editable=False)
    symbol = models.CharField(_("số, ký hiệu"), max_length=80, blank=True, editable=False)
    issue_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    body_text = models.TextField(_("nội dung"), blank=True)
    secrecy = models.CharField(
        _("độ mật"), max_length=10, choices=Secrecy.choices, default=Secrecy.NONE, blank=True
    )
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hết hiệu lực"), null=True, blank=True)
    signer_title = models.CharField(
        _("thẩm quyền ký"),
        max_length=120,
        blank=True,
        help_text=_("Ví dụ “T/M BAN THƯỜNG VỤ” hoặc “GIÁM ĐỐC”; không ghi tên người ký."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # What recipients owe (any subset), and who they are.
    recipient_rule = models.CharField(
        _("nơi nhận"), max_length=10, choices=Rule.choices, default=Rule.CHILDREN
    )
    recipient_level = models.ForeignKey(
        "units.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cấp nhận"),
    )
    explicit_units = models.ManyToManyField(
        "units.Unit",
        blank=True,
        related_name="+",
        verbose_name=_("các đơn vị nhận được chọn"),
        help_text=_("Khi nơi nhận là “các đơn vị được chọn”."),
    )
    disseminate_by = models.DateField(_("hạn quán triệt"), null=True, blank=True)
    plan_by = models.DateField(_("hạn xây dựng kế hoạch triển khai"), null=True, blank=True)
    report_by = models.DateField(_("hạn báo cáo kết quả"), null=True, blank=True)
    review_note = models.TextField(_("ý kiến thẩm định"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người soạn"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    issued_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ban hành"),
    )
    search_text = models.TextField(default="", editable=False)
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-pk"]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "span_key", "number"],
                condition=Q(number__isnull=False),
                name="document_number_unique",
            )
        ]
        indexes = [
            models.Index(fields=["path"], name="document_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit", "status", "issue_date"], name="document_unit_status"),
        ]

    def __str__(self):
        return f"{self.symbol} — {self.subject}" if self.symbol else self.subject

    @property
    def is_draft(self):
        return self.status in (self.Status.DRAFT, self.Status.REVIEW)

    @property
    def layout(self):
        return self.issuer.body


class DocumentVersion(NFCModel):
    """A saved state of a draft's text (earlier versions stay viewable)."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("văn bản")
    )
    number = models.PositiveIntegerField(_("lần sửa"))
    subject = models.CharField(_("trích yếu"), max_length=500)
    body_text = models.TextField(_("nội dung"), blank=True)
    created_at = models.DateTimeField(_("lưu lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người lưu"),
    )

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("phiên bản văn bản")
        verbose_name_plural = _("phiên bản văn bản")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self):
        return f"{self.document_id} v{self.number}"


class DocumentLink(models.Model):
    """`source` amends, replaces, repeals or implements `target`."""

    class Kind(models.TextChoices):
        AMENDS = "amends", _("sửa đổi, bổ sung")
        REPLACES = "replaces", _("thay thế")
        REPEALS = "repeals", _("bãi bỏ")
        IMPLEMENTS = "implements", _("triển khai thực hiện")

    source = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("văn bản")
    )
    target = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="links_in",
        verbose_name=_("văn bản được dẫn chiếu"),
    )
    kind = models.CharField(_("quan hệ"), max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("liên kết văn bản")
        verbose_name_plural = _("liên kết văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="document_link_unique"
            ),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="link_not_self"),
        ]
        indexes = [models.Index(fields=["target", "kind"], name="document_link_target")]

    def __str__(self):
        return f"{self.source_id} {self.kind} {self.target_id}"


class RecipientQuerySet(ScopedQuerySet):
    # A recipient row belongs to the recipient's subtree and to the issuer's.
    scope_paths = ("path", "document__path")


class Recipient(NFCModel):
    """One unit a document was sent to, and what it has done about it."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("văn bản")
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="received", verbose_name=_("đơn vị")
    )
    path = models.CharField(_("vị trí đơn vị nhận"), max_length=255, editable=False)
    received_at = models.DateTimeField(_("nhận lúc"))
    # Dissemination: kept in step with the activity log's sessions (public.set_dissemination).
    disseminated_on = models.DateField(_("quán triệt ngày"), null=True, blank=True)
    sessions = models.PositiveIntegerField(_("số buổi quán triệt"), default=0)
    # The implementation plan: the unit's own document implementing this one, or a file.
    plan = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="implements_for",
        verbose_name=_("kế hoạch triển khai"),
    )
    plan_on = models.DateField(_("có kế hoạch ngày"), null=True, blank=True)
    results_text = models.TextField(_("báo cáo kết quả"), blank=True)
    results_on = models.DateField(_("báo cáo kết quả ngày"), null=True, blank=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["document", "path"]
        verbose_name = _("đơn vị nhận văn bản")
        verbose_name_plural = _("đơn vị nhận văn bản")
        constraints = [
            models.UniqueConstraint(fields=["document", "unit"], name="recipient_unique")
        ]
        indexes = [
            models.Index(fields=["unit", "document"], name="recipient_unit"),
            models.Index(fields=["path"], name="recipient_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.document_id} → {self.unit_id}"


class AttachmentQuerySet(ScopedQuerySet):
    # A document's files: the document's scope; a recipient's plan or results: theirs.
    scope_paths = ("path", "document__path")


class Attachment(StoredFile):
    """A file: of a document (its text, annexes), or of a recipient's plan or results."""

    class Role(models.TextChoices):
        DOCUMENT = "document", _("Tệp văn bản")
        PLAN = "plan", _("Kế hoạch triển khai")
        RESULTS = "results", _("Báo cáo kết quả")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("văn bản")
    )
    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("đơn vị nhận"),
    )
    role = models.CharField(_("loại tệp"), max_length=10, choices=Role.choices)
    path = models.CharField(_("vị trí đơn vị"), max_length=255, editable=False)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["document", "role", "pk"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
