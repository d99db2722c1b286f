from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "giaoban.units"
    verbose_name = "Đơn vị"

    def ready(self):
        from giaoban.audit.registry import register
        from giaoban.units.models import Lineage, Unit

        register(Unit, unit_path=lambda unit: unit.path)
        register(Lineage, unit_path=lambda lineage: lineage.successor.path)
