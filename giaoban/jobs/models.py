"""Việc nền (background jobs): work that runs outside a request, claimed by `giaoban jobs`."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """Việc nền — one run of a handler (`kind`) with its payload, due at `run_at`.

    `key` names the work itself ("reports:remind:…:before-3"): the same key is never
    created twice, so a scheduler may propose the same job on every run.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ chạy")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại việc"), max_length=100)
    key = models.CharField(_("mã việc"), max_length=255, unique=True)
    run_at = models.DateTimeField(_("chạy lúc"))
    payload = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần đã chạy"), default=0)
    max_attempts = models.PositiveIntegerField(_("số lần chạy tối đa"), default=3)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    result = models.TextField(_("kết quả"), blank=True)
    claimed_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    claimed_by = models.CharField(_("tiến trình nhận"), max_length=100, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("việc nền")
        verbose_name_plural = _("việc nền")
        indexes = [
            # The runner's question: which pending jobs are due, oldest first.
            models.Index(fields=["status", "run_at"], name="job_status_run_at"),
        ]

    def __str__(self):
        return self.key
