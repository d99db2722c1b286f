from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "giaoban.activities"
    verbose_name = _("Nhật ký hoạt động")

    def ready(self):
        from giaoban.activities import indicators, panels, sections
        from giaoban.activities.models import Activity, ActivityFile, ActivityKind, ActivityTally
        from giaoban.audit.registry import exempt, register
        from giaoban.core import registry

        register(Activity, unit_path=lambda a: a.path, exclude={"search_text", "updated_at"})
        register(ActivityFile, unit_path=lambda f: f.activity.path, exclude={"stored"})
        register(ActivityKind, unit_path=lambda k: "")
        exempt(
            ActivityTally,
            "running totals derived from the activities (audited themselves); "
            "tally.recompute() rebuilds them",
        )
        registry.nav.register(
            registry.NavEntry(
                key="activities",
                label=_("Hoạt động"),
                url_name="activities:log",
                description=_(
                    "Nhật ký hoạt động: quán triệt, giáo dục chính trị, văn hóa, thể thao, "
                    "dân vận… và số liệu tổng hợp theo loại"
                ),
                order=20,
            )
        )
        registry.dashboard.register(panels.dashboard_panel)
        registry.report_sections.register(sections.section, order=20)
        indicators.register()
