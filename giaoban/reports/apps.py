from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "giaoban.reports"
    verbose_name = "Báo cáo định kỳ"
