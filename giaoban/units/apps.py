from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "giaoban.units"
    verbose_name = _("Đơn vị")

    def ready(self):
        from giaoban.audit.registry import register
        from giaoban.core import registry, scope
        from giaoban.units.models import Level, Lineage, Unit

        register(Unit, unit_path=lambda unit: unit.path)
        register(Lineage, unit_path=lambda lineage: lineage.successor.path)
        register(Level, unit_path=lambda level: "")
        registry.nav.register(
            registry.NavEntry(
                key="units",
                label=_("Đơn vị"),
                url_name="units:browser",
                description=_("Cây đơn vị và tìm kiếm đơn vị"),
                visible=lambda user: scope.may(user, scope.VIEW),
                order=10,
            )
        )
