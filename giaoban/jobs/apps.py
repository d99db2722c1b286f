from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "giaoban.jobs"
    verbose_name = _("Việc nền")

    def ready(self):
        from giaoban.audit.registry import exempt
        from giaoban.core import registry, roles
        from giaoban.jobs.due import failed_jobs
        from giaoban.jobs.models import Job

        exempt(
            Job,
            "the runner's own bookkeeping (claims, attempts, errors); what a job changes "
            "is audited, acting as 'giaoban jobs'",
        )
        registry.due.register(failed_jobs)
        registry.nav.register(
            registry.NavEntry(
                key="jobs",
                label=_("Việc nền"),
                url_name="jobs:list",
                description=_("Việc chạy nền (nhắc hạn, gửi thư) và lỗi"),
                visible=roles.is_top_admin,
                order=88,
            )
        )
