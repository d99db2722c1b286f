from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "giaoban.accounts"
    verbose_name = _("Người dùng")

    def ready(self):
        from axes.models import (
            AccessAttempt,
            AccessAttemptExpiration,
            AccessFailureLog,
            AccessLog,
        )
        from django.contrib.auth.models import Group, Permission

        from giaoban.accounts.models import ApiToken, RoleAssignment, User
        from giaoban.audit.registry import exempt, register
        from giaoban.core import registry, scope

        register(
            User,
            unit_path=lambda user: user.unit.path if user.unit_id else "",
            exclude={"groups", "user_permissions"},  # Django's permissions: not used
        )
        register(RoleAssignment, unit_path=lambda ra: ra.unit.path)
        register(ApiToken, unit_path=lambda t: t.user.unit.path if t.user.unit_id else "")
        for model in (Group, Permission):
            exempt(model, "Django's permissions are not used: roles per unit grant everything")
        for model in (AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog):
            exempt(model, "sign-in attempts kept by django-axes for the lockout")
        registry.nav.register(
            registry.NavEntry(
                key="users",
                label=_("Người dùng"),
                url_name="accounts:user_list",
                description=_("Quản lý người dùng"),
                visible=lambda user: scope.may(user, scope.ADMINISTER),
                order=85,
            )
        )
        registry.nav.register(
            registry.NavEntry(
                key="profile",
                label=_("Cá nhân"),
                url_name="accounts:profile",
                description=_("Thông tin cá nhân, mật khẩu, khóa API"),
                order=90,
            )
        )
