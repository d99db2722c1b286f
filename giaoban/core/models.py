from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giaoban.core import uploads
from giaoban.core.text import nfc


class NFCModel(models.Model):
    """Every text field is NFC-normalised before it reaches the database."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, nfc(value))
        super().save(*args, **kwargs)


class StoredFile(NFCModel):
    """A file checked and stored by `core.uploads` (an attachment, an evidence file): the
    name as the user gave it, where it lies under MEDIA_ROOT, what it is, who gave it."""

    name = models.CharField(_("tên tệp"), max_length=200)
    stored = models.CharField(max_length=255, editable=False)
    content_type = models.CharField(_("kiểu nội dung"), max_length=120)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def download(self):
        """The file as a download (the caller has checked the user's scope)."""
        return uploads.download(self.stored, self.name, self.content_type)
