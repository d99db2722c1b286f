"""Nhật ký thay đổi — append-only record of every change to audited objects."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giaoban.core.fields import FastJSONField
from giaoban.core.scope import AUDIT, ScopedQuerySet

# The models whose latest entry the tree's cache stamp reads (giaoban.units.history).
TREE_MODELS = ("units.Unit", "units.Lineage")


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(ScopedQuerySet):
    """Entries are placed by the path of the object's unit when it changed (`unit_path`)."""

    scope_paths = ("unit_path",)

    def restrict(self, user, action=AUDIT):
        return super().restrict(user, action)

    def update(self, **kwargs):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm.")

    def delete(self):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Sửa")
        DELETE = "delete", _("Xóa")
        TRANSITION = "transition", _("Chuyển trạng thái")
        IMPORT = "import", _("Nhập dữ liệu")
        NOTIFY = "notify", _("Gửi nhắc việc")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    # No index: nothing reads entries by their actor's id (the trail filters on the label,
    # users are never deleted), and every entry paid one — 50,000 for a bulk import.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("người thực hiện"),
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=150)
    request_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(_("thao tác"), max_length=12, choices=Action.choices)
    # Looked up through the two indexes below that start with it; no index of its own.
    model = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    # The unit path the object belonged to when it changed, so a subtree's trail is a prefix query.
    unit_path = models.CharField(max_length=255, blank=True)
    # Snapshots are written and shown, never queried into: on PostgreSQL they are `json`, the
    # text as written (FastJSONField), not `jsonb`, whose parsing was a third of the server's
    # work for each entry of a bulk import.
    before = FastJSONField(_("trước"), null=True, blank=True)
    after = FastJSONField(_("sau"), null=True, blank=True)
    message = models.CharField(_("ghi chú"), max_length=500, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký thay đổi")
        indexes = [
            models.Index(
                fields=["unit_path"], name="audit_unit_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["model", "object_id"], name="audit_object"),
            # The latest change of a unit or of the lineage is a lookup (the tree's cache
            # stamp, giaoban.units.history); those entries alone are indexed for it, not
            # the entries of every other model (a bulk import's 50,000 activities).
            models.Index(
                fields=["model", "id"],
                name="audit_tree_latest",
                # OR, not IN: SQLite proves `model = ?` implies an OR of equalities only.
                condition=models.Q(model=TREE_MODELS[0]) | models.Q(model=TREE_MODELS[1]),
            ),
        ]

    def __str__(self):
        action = self.get_action_display()
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Nhật ký chỉ được ghi thêm.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm.")

    def changed_fields(self):
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
