from django.db import models

from giaoban.core.scope import ScopedQuerySet


class NoticeQuerySet(ScopedQuerySet):
    scope_paths = ("issuer__path",)
    recipients = ("recipients", "unit__path")


class Notice(models.Model):
    """Like a directive: issued by a unit, addressed to recipient units."""

    issuer = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=100)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        app_label = "scoped_test"

    def __str__(self):
        return self.title


class NoticeRecipient(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")

    class Meta:
        app_label = "scoped_test"

    def __str__(self):
        return f"{self.notice_id} → {self.unit_id}"
