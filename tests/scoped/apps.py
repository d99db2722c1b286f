from django.apps import AppConfig


class ScopedTestConfig(AppConfig):
    """Models that exist only in the test database, to prove the scope mechanism on the
    shape the next apps need: an object issued by a unit and addressed to other units."""

    name = "tests.scoped"
    label = "scoped_test"

    def ready(self):
        from giaoban.audit.registry import exempt
        from tests.scoped.models import Notice, NoticeRecipient

        exempt(Notice, "test-only model")
        exempt(NoticeRecipient, "test-only model")
