from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "giaoban.core"
    verbose_name = "Chung"
