from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "giaoban.api"
    verbose_name = "API"
