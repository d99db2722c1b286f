from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "giaoban.audit"
    verbose_name = _("Nhật ký thay đổi")

    def ready(self):
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.sessions.models import Session

        from giaoban.audit.models import AuditEntry
        from giaoban.audit.registry import exempt
        from giaoban.core import registry, scope

        exempt(AuditEntry, "the audit trail itself, append-only")
        exempt(Session, "sign-in sessions: Django's own bookkeeping, no business data")
        exempt(ContentType, "Django's registry of models, filled by migrations")
        registry.nav.register(
            registry.NavEntry(
                key="audit",
                label=_("Nhật ký"),
                url_name="audit:list",
                description=_("Nhật ký thay đổi"),
                visible=lambda user: scope.may(user, scope.AUDIT),
                order=80,
            )
        )
