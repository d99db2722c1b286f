from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "giaoban.accounts"
    verbose_name = "Người dùng"

    def ready(self):
        from giaoban.accounts.models import ApiToken, RoleAssignment, User
        from giaoban.audit.registry import register

        register(User, unit_path=lambda user: user.unit.path if user.unit_id else "")
        register(RoleAssignment, unit_path=lambda ra: ra.unit.path)
        register(
            ApiToken,
            unit_path=lambda t: t.user.unit.path if t.user.unit_id else "",
            exclude={"key_hash"},
        )
