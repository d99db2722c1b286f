from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def signed_in(user):
    return user.is_authenticated


class NotificationsConfig(AppConfig):
    name = "giaoban.notifications"
    verbose_name = _("Thông báo")

    def ready(self):
        from giaoban.audit.registry import exempt
        from giaoban.core import registry
        from giaoban.notifications import services  # noqa: F401 — registers the e-mail job
        from giaoban.notifications.models import Notification

        exempt(
            Notification,
            "a user's own reading list (read marks, e-mail sent); the change that caused "
            "it is audited",
        )
        registry.nav.register(
            registry.NavEntry(
                key="notifications",
                label=_("Thông báo"),
                url_name="notifications:list",
                description=_("Thông báo của đồng chí"),
                visible=signed_in,
                order=95,
            )
        )
