from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "giaoban.campaigns"
    verbose_name = _("Đợt sinh hoạt chính trị")

    def ready(self):
        from giaoban.audit.registry import register
        from giaoban.campaigns import due, reminders, sections
        from giaoban.campaigns.models import Campaign, Phase, Requirement, Result, ResultFile
        from giaoban.core import registry

        register(Campaign, unit_path=lambda c: c.path, exclude={"updated_at"})
        register(Phase, unit_path=lambda p: p.campaign.path)
        register(Requirement, unit_path=lambda r: r.campaign.path)
        register(Result, unit_path=lambda r: r.path)
        register(ResultFile, unit_path=lambda f: f.result.path, exclude={"stored"})
        registry.due.register(due.contribution)
        registry.jobs.register(reminders.schedule)
        registry.report_sections.register(sections.section, order=30)
        registry.nav.register(
            registry.NavEntry(
                key="campaigns",
                label=_("Sinh hoạt chính trị"),
                url_name="campaigns:index",
                description=_(
                    "Đợt sinh hoạt chính trị: giai đoạn, yêu cầu theo cấp, tiến độ của từng "
                    "đơn vị tính từ hồ sơ"
                ),
                order=25,
            )
        )
