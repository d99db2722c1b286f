"""The tree of units (đơn vị, địa phương) with its history."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giaoban.core.models import NFCModel
from giaoban.core.paths import PATH_SEP, subtree_q
from giaoban.core.records import has_records
from giaoban.core.scope import ScopedQuerySet
from giaoban.core.text import fold

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,29}$")


class LevelQuerySet(models.QuerySet):
    def in_use(self, day=None):
        """Levels a new unit may have on `day` (today): not abolished."""
        day = day or timezone.localdate()
        return self.filter(Q(active_to__isnull=True) | Q(active_to__gte=day))


class Level(NFCModel):
    """Cấp đơn vị — a level of the tree (Bộ, Cục, tỉnh, huyện, xã). Levels are data."""

    code = models.SlugField(_("mã cấp"), max_length=20, unique=True)
    name = models.CharField(_("tên cấp"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("thứ bậc"), help_text=_("0 là cấp cao nhất; số lớn hơn là cấp thấp hơn.")
    )
    active_to = models.DateField(
        _("bỏ cấp sau ngày"),
        null=True,
        blank=True,
        help_text=_("Cấp đã bỏ (như cấp huyện từ 01/03/2025) không dùng cho đơn vị mới."),
    )

    objects = LevelQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "code"]
        verbose_name = _("cấp đơn vị")
        verbose_name_plural = _("cấp đơn vị")

    def __str__(self):
        return self.name


class UnitQuerySet(ScopedQuerySet):
    scope_paths = ("path",)

    def active_on(self, day):
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=day),
            Q(active_to__isnull=True) | Q(active_to__gte=day),
        )

    def subtree(self, unit):
        return self.filter(subtree_q(unit.path))

    def search(self, text):
        words = fold(text).split()
        qs = self
        for word in words:
            qs = qs.filter(search_text__contains=word)
        return qs


class Unit(NFCModel):
    """Đơn vị — a node of the tree: the ministry, a department, a province, a commune."""

    code = models.CharField(_("mã đơn vị"), max_length=30, unique=True)
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120)
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="units", verbose_name=_("cấp")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    path = models.CharField(_("vị trí trong cây"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("độ sâu trong cây"), default=0, editable=False)
    party_name = models.CharField(_("tổ chức đảng"), max_length=255, blank=True)
    command_name = models.CharField(_("chỉ huy (lãnh đạo)"), max_length=255, blank=True)
    active_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    active_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    search_text = models.CharField(max_length=600, editable=False, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        indexes = [
            models.Index(
                fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "code"], name="unit_parent_code"),
            models.Index(fields=["active_from", "active_to"], name="unit_validity"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.active_on(timezone.localdate())

    def active_on(self, day):
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or self.active_to >= day
        )

    def compute_path(self):
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}{PATH_SEP}"

    def compute_search_text(self):
        parts = [self.code, self.name, self.short_name, self.party_name, self.command_name]
        return fold(" ".join(p for p in parts if p))[:600]

    def clean(self):
        errors = {}
        if self.code and not CODE_RE.match(self.code):
            errors["code"] = _(
                "Mã đơn vị chỉ gồm chữ in hoa không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới "
                "(tối đa 30 ký tự)."
            )
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or self.parent.path.startswith(self.path or "\0"):
                errors["parent"] = _("Không thể đặt đơn vị làm cấp dưới của chính nó.")
        if self.parent_id and self.parent.level.rank >= self.level.rank:
            errors["parent"] = _("Đơn vị cấp trên phải ở cấp cao hơn đơn vị này.")
        if self.active_from and self.active_to and self.active_to < self.active_from:
            errors["active_to"] = _("Ngày kết thúc phải sau ngày bắt đầu hoạt động.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.code = (self.code or "").strip().upper()
        old_path = self.path
        self.path = self.compute_path()
        self.depth = self.path.count(PATH_SEP) - 1
        self.search_text = self.compute_search_text()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            self._move_descendants(old_path)

    def _move_descendants(self, old_path):
        """A moved unit takes its whole subtree along: rewrite the descendants' paths."""
        descendants = Unit.objects.filter(subtree_q(old_path)).exclude(pk=self.pk)
        changed = []
        for unit in descendants:
            unit.path = self.path + unit.path[len(old_path) :]
            unit.depth = unit.path.count(PATH_SEP) - 1
            changed.append(unit)
        Unit.objects.bulk_update(changed, ["path", "depth"], batch_size=1000)

    def ancestors(self):
        codes = self.path.strip(PATH_SEP).split(PATH_SEP)[:-1]
        by_code = {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("level")}
        return [by_code[c] for c in codes if c in by_code]

    @property
    def is_root(self):
        """The top of the tree (the ministry): never dissolved, never deleted."""
        return self.parent_id is None

    def lower_levels(self):
        """The levels in use that a unit placed directly below this one may have."""
        return Level.objects.in_use().filter(rank__gt=self.level.rank)

    def has_history(self):
        """A unit with anything recorded against it is closed, never deleted."""
        return has_records(self)


class Lineage(NFCModel):
    """Kế thừa — unit A became unit B on a date (merge, split, rename, move).

    For a split, each successor carries the share of the predecessor's figures it
    inherits; the shares of one predecessor on one date add up to 1. A move names
    the unit itself as predecessor and successor and records the new parent.
    """

    class Kind(models.TextChoices):
        MERGE = "merge", _("Sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên / kế tục")
        MOVE = "move", _("Chuyển cấp trên")

    predecessor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="successor_links", verbose_name=_("đơn vị cũ")
    )
    successor = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="predecessor_links",
        verbose_name=_("đơn vị mới"),
    )
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("ngày hiệu lực"))
    share = models.DecimalField(_("tỷ lệ kế thừa"), max_digits=7, decimal_places=6, default=1)
    old_parent = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cấp trên cũ"),
    )
    new_parent = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cấp trên mới"),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["date", "predecessor__code"]
        verbose_name = _("quan hệ kế thừa")
        verbose_name_plural = _("quan hệ kế thừa")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "date", "kind"], name="lineage_unique"
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1), name="lineage_share_0_1"
            ),
        ]
        indexes = [models.Index(fields=["successor", "date"], name="lineage_successor_date")]

    def __str__(self):
        kind, day = self.get_kind_display(), f"{self.date:%d/%m/%Y}"
        return f"{self.predecessor.code} → {self.successor.code} ({kind}, {day})"

    def clean(self):
        if self.kind == self.Kind.MOVE:
            if self.predecessor_id != self.successor_id or not self.new_parent_id:
                raise ValidationError(
                    {"new_parent": _("Chuyển cấp trên phải ghi đơn vị và cấp trên mới.")}
                )
        elif self.predecessor_id and self.predecessor_id == self.successor_id:
            raise ValidationError({"successor": _("Đơn vị mới phải khác đơn vị cũ.")})
