"""Thông báo: a user's own reading list inside the site (and, when configured, e-mail)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giaoban.core.models import NFCModel


class Notification(NFCModel):
    """Thông báo — one message to one user: a reminder, a report returned…

    `key` (optional) names what it is about, so that the same reminder is never
    delivered twice to the same user.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    kind = models.CharField(_("loại"), max_length=100)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("liên kết"), max_length=500, blank=True)
    key = models.CharField(_("mã chống trùng"), max_length=255, blank=True)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    read_at = models.DateTimeField(_("đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~Q(key=""),
                name="notification_unique_user_key",
            )
        ]
        indexes = [
            # The unread count on every page and the user's list, newest first.
            models.Index(fields=["user", "read_at"], name="notification_user_read"),
            models.Index(fields=["user", "-created"], name="notification_user_created"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None
