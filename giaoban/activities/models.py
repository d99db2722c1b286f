"""Nhật ký hoạt động: what each unit did — sessions, classes, drills, outreach — by kind.

- `ActivityKind` — kinds as data (học tập, quán triệt văn bản; giáo dục chính trị tư
  tưởng; …), each with a short code.
- `Activity` — one activity of one unit on one day: kind, title, form, the number of
  party members, officers and others who took part (counts only, never names), notes,
  and optionally the document it disseminates. An activity with a document is a
  dissemination session (buổi quán triệt): the document's register reads its
  dissemination obligation from them (`documents.public.set_dissemination`).
- `ActivityFile` — evidence files (minutes, photos), stored through `core.uploads`.
- `ActivityTally` — running totals per node, kind and half-month, kept in the same
  transaction as every write (see `tally.py`), so that the totals of any period over
  any subtree are a sum over a handful of rows.

An activity's `path` is its unit's path when it was recorded: scope, the log's subtree
filter and the tally's nodes all read that one path, so they always agree.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giaoban.core.models import NFCModel, StoredFile
from giaoban.core.scope import ScopedQuerySet


class ActivityKind(NFCModel):
    """Loại hoạt động — data, seeded by a migration; administrators may add others."""

    code = models.SlugField(_("mã loại"), max_length=20, unique=True)
    name = models.CharField(_("tên loại hoạt động"), max_length=150)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("loại hoạt động")
        verbose_name_plural = _("loại hoạt động")

    def __str__(self):
        return self.name


class ActivityQuerySet(ScopedQuerySet):
    scope_paths = ("path",)


class Activity(NFCModel):
    """Hoạt động — one activity a unit held (a dissemination session when it names a
    document the unit received)."""

    class Form(models.TextChoices):
        DIRECT = "direct", _("Trực tiếp")
        ONLINE = "online", _("Trực tuyến")
        PARTY_CELL = "cell", _("Lồng ghép sinh hoạt chi bộ")
        OTHER = "other", _("Kết hợp / khác")

    # Three indexes fewer than the defaults would give (every index is paid by each row of
    # a bulk import): unit and document lead the composite indexes below, which serve
    # their lookups; nothing reads activities by their recorder.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("đơn vị"),
        db_index=False,
    )
    path = models.CharField(_("vị trí đơn vị"), max_length=255, editable=False)
    date = models.DateField(_("ngày tổ chức"))
    # No index of its own either: every read by kind also names a unit, a subtree, a
    # date or a document, whose indexes serve it; the PROTECT check of a kind's deletion
    # (an administrator's rare act) scans instead. Each row of an import paid the index.
    kind = models.ForeignKey(
        ActivityKind,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("loại hoạt động"),
        db_index=False,
    )
    title = models.CharField(_("tên hoạt động"), max_length=300)
    form = models.CharField(
        _("hình thức"), max_length=10, choices=Form.choices, default=Form.DIRECT
    )
    party_members = models.PositiveIntegerField(_("số đảng viên tham dự"), default=0)
    officers = models.PositiveIntegerField(
        _("số cán bộ, chiến sĩ tham dự"),
        default=0,
        help_text=_("Cán bộ, chiến sĩ chưa là đảng viên (mỗi người chỉ đếm ở một nhóm)."),
    )
    others = models.PositiveIntegerField(
        _("số người khác tham dự"),
        default=0,
        help_text=_("Người ngoài lực lượng: quần chúng, đoàn viên, khách mời…"),
    )
    notes = models.TextField(_("ghi chú, kết quả"), blank=True)
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("văn bản được quán triệt"),
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ghi"),
        db_index=False,
    )
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    is_demo = models.BooleanField(_("dữ liệu trình diễn"), default=False)
    search_text = models.TextField(default="", editable=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        indexes = [
            models.Index(fields=["path"], name="activity_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit", "date"], name="activity_unit_date"),
            models.Index(fields=["date", "id"], name="activity_date"),
            # Sessions only: every read by document names one (a session's pair, a document's
            # sessions, the PROTECT check of a document), and the 9 in 10 activities without
            # one no longer each cost an index entry — at a random place — on every write.
            models.Index(
                fields=["document", "unit"],
                name="activity_document",
                condition=models.Q(document__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} — {self.title}"

    @property
    def participants(self):
        return self.party_members + self.officers + self.others


class ActivityFileQuerySet(ScopedQuerySet):
    scope_paths = ("activity__path",)


class ActivityFile(StoredFile):
    """Tệp minh chứng — a file of an activity (minutes, attendance sheet, photo)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="files", verbose_name=_("hoạt động")
    )

    objects = ActivityFileQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("tệp minh chứng hoạt động")
        verbose_name_plural = _("tệp minh chứng hoạt động")


class ActivityTally(models.Model):
    """Totals of the activities of a node's subtree, for one kind and one half-month.

    `bucket` is the half's first day: the 1st (days 1–14) or the 15th (15 to the month's
    end). Every reporting period — Decree 09's windows (15th to 14th) and calendar ones —
    is a union of whole halves, so its totals over any subtree are a sum over a few rows.
    """

    # No index of their own: the unique (node, kind, bucket) below leads with the node and
    # serves every read; a kind is deleted only without activities (they protect it), so
    # its cascade here is a rare scan of rows of zeros. Each bulk import upserts tens of
    # thousands of these rows, and paid two indexes more for each.
    node = models.ForeignKey(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("đơn vị"),
        db_index=False,
    )
    kind = models.ForeignKey(
        ActivityKind,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("loại"),
        db_index=False,
    )
    bucket = models.DateField(_("nửa tháng từ ngày"))
    activities = models.IntegerField(_("số hoạt động"), default=0)
    party_members = models.BigIntegerField(_("lượt đảng viên"), default=0)
    officers = models.BigIntegerField(_("lượt cán bộ, chiến sĩ"), default=0)
    others = models.BigIntegerField(_("lượt người khác"), default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp hoạt động")
        verbose_name_plural = _("số liệu tổng hợp hoạt động")
        constraints = [
            models.UniqueConstraint(fields=["node", "kind", "bucket"], name="activity_tally_unique")
        ]

    def __str__(self):
        return f"{self.node_id}/{self.kind_id}/{self.bucket}: {self.activities}"
