"""Users, their roles per unit, and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giaoban.core import roles
from giaoban.core.models import NFCModel
from giaoban.core.scope import ScopedQuerySet
from giaoban.core.text import fold


class UserQuerySet(ScopedQuerySet):
    scope_paths = ("unit__path",)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    """Django's user manager (create_user…) with the scoped queryset."""


class User(NFCModel, AbstractUser):
    """Người dùng — belongs to one unit; what they may do comes from their role assignments."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("đơn vị"),
    )

    # Django's flags, named for what they mean here (Django's admin is not installed).
    is_staff = models.BooleanField(_("vào trang quản trị Django"), default=False)
    is_superuser = models.BooleanField(_("toàn quyền hệ thống (Django)"), default=False)

    # Name, position, login and e-mail folded (no diacritics, lower case), so that
    # "nguyen van duc" finds "Nguyễn Văn Đức" in the user list.
    search_text = models.CharField(max_length=600, editable=False, default="")

    SEARCHED = ("username", "full_name", "position", "email")

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username

    def compute_search_text(self):
        return fold(" ".join(getattr(self, f) or "" for f in self.SEARCHED))[:600]

    def save(self, *args, **kwargs):
        self.search_text = self.compute_search_text()
        fields = kwargs.get("update_fields")
        if fields is not None and set(fields) & set(self.SEARCHED):
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    def roles_at(self, unit):
        return [ra.role for ra in self.role_assignments.all() if ra.unit_id == unit.pk]


class RoleAssignmentQuerySet(ScopedQuerySet):
    scope_paths = ("unit__path",)


class RoleAssignment(NFCModel):
    """Vai trò — one role of one user at one unit; it covers that unit's subtree."""

    class Role(models.TextChoices):
        ADMIN = roles.ADMIN, _("Quản trị")
        LEADER = roles.LEADER, _("Lãnh đạo (phê duyệt)")
        OFFICER = roles.OFFICER, _("Cán bộ chuyên trách (nhập liệu)")
        VIEWER = roles.VIEWER, _("Xem")

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("người dùng"),
    )
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("đơn vị"),
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="role_assignment_unique")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit.short_name}"


class ApiTokenQuerySet(ScopedQuerySet):
    scope_paths = ("user__unit__path",)


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(NFCModel):
    """Khóa truy cập API — only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("người dùng")
    )
    name = models.CharField(_("tên khóa"), max_length=100)
    prefix = models.CharField(_("đầu khóa"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    # Recorded on writes only (POST…): a GET never writes to the database.
    last_used = models.DateTimeField(_("dùng để ghi lần cuối"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name, expires=None):
        key = "gb_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=key[:8], key_hash=_hash(key), expires=expires
        )
        return token, key

    @classmethod
    def authenticate(cls, key, writing=False):
        """The key's user, or None. `writing` (an unsafe method) records the use: a GET
        never writes to the database."""
        token = cls.objects.select_related("user").filter(key_hash=_hash(key or "")).first()
        if token is None or not token.user.is_active:
            return None
        if token.expires and token.expires < timezone.now():
            return None
        if writing:
            cls.objects.filter(pk=token.pk).update(last_used=timezone.now())
        return token.user
