from django.apps import AppConfig


class ShellConfig(AppConfig):
    """Giao diện chung — the web shell: home page, navigation, page frame, demo and serve.

    It sits on top: it reads the registries of `giaoban.core.registry` (navigation, what
    is due, demo loaders) that the apps fill, and imports no domain app.
    """

    name = "giaoban.shell"
    verbose_name = "Giao diện chung"
