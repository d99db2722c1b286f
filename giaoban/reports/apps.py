from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "giaoban.reports"
    verbose_name = _("Báo cáo định kỳ")

    def ready(self):
        from giaoban.core import registry
        from giaoban.reports import due, reminders
        from giaoban.reports.auditing import register_audit
        from giaoban.reports.demo_data import load_demo_reports

        register_audit()
        # After the activity log's demo (110): the current period's dissemination figures
        # are computed from its sessions, and submissions freeze them.
        registry.demo.register(load_demo_reports, order=120)
        registry.due.register(due.contribution)
        registry.jobs.register(reminders.schedule)
        registry.nav.register(
            registry.NavEntry(
                key="reports",
                label=_("Báo cáo định kỳ"),
                url_name="reports:index",
                description=_("Báo cáo định kỳ: nhập, gửi, duyệt, tổng hợp"),
                order=20,
            )
        )
