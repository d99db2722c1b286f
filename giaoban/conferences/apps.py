from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "giaoban.conferences"
    verbose_name = _("Hội nghị giao ban")

    def ready(self):
        from giaoban.audit.registry import exempt, register
        from giaoban.conferences import due, indicators, reminders, sections
        from giaoban.conferences.models import (
            AgendaItem,
            Conclusion,
            Conference,
            Consolidation,
            ConsolidationExport,
            Paper,
            Part,
            Participant,
            Progress,
            ProgressFile,
            Task,
        )
        from giaoban.core import registry

        register(Consolidation, unit_path=lambda c: c.path, exclude={"updated_at"})
        register(Part, unit_path=lambda p: p.consolidation.path)
        exempt(
            ConsolidationExport,
            "a record of what was exported, written once and never changed; the export is "
            "a read of the audited report",
        )
        register(Conference, unit_path=lambda c: c.path, exclude={"updated_at"})
        register(Participant, unit_path=lambda p: p.path)
        register(AgendaItem, unit_path=lambda a: a.conference.path)
        register(Paper, unit_path=lambda p: p.path, exclude={"stored"})
        register(Conclusion, unit_path=lambda c: c.conference.path)
        register(Task, unit_path=lambda t: t.path, exclude={"updated_at"})
        register(Progress, unit_path=lambda p: p.task.path)
        register(ProgressFile, unit_path=lambda f: f.progress.task.path, exclude={"stored"})
        registry.due.register(due.contribution)
        registry.jobs.register(reminders.schedule)
        registry.report_sections.register(sections.previous_tasks, order=90)
        indicators.register()
        registry.nav.register(
            registry.NavEntry(
                key="conferences",
                label=_("Giao ban"),
                url_name="conferences:index",
                description=_(
                    "Hội nghị giao ban: báo cáo tổng hợp, chương trình, điểm danh, biên bản, "
                    "kết luận và nhiệm vụ sau hội nghị"
                ),
                order=30,
            )
        )
