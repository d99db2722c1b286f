from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "giaoban.reports"
    verbose_name = "Báo cáo định kỳ"

    def ready(self):
        from giaoban.reports.demo_data import register_demo
        from giaoban.reports.versioning import register_audit

        register_audit()
        register_demo()
