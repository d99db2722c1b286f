from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "giaoban.documents"
    verbose_name = _("Văn bản chỉ đạo")

    def ready(self):
        from giaoban.audit.registry import exempt, register
        from giaoban.core import registry
        from giaoban.documents import due, indicators, reminders, sections
        from giaoban.documents.models import (
            Attachment,
            Document,
            DocumentKind,
            DocumentLink,
            DocumentVersion,
            IssuingBody,
            NumberCounter,
            Recipient,
        )

        register(
            Document,
            unit_path=lambda d: d.path,
            exclude={"search_text", "updated_at"},
        )
        register(IssuingBody, unit_path=lambda b: b.unit.path)
        register(DocumentKind, unit_path=lambda k: "")
        register(DocumentLink, unit_path=lambda link: link.source.path)
        register(DocumentVersion, unit_path=lambda v: v.document.path)
        register(Recipient, unit_path=lambda r: r.path)
        register(Attachment, unit_path=lambda a: a.path, exclude={"stored"})
        exempt(NumberCounter, "a counter: the number it gives is audited on the document")
        registry.due.register(due.contribution)
        registry.jobs.register(reminders.schedule)
        registry.report_sections.register(sections.section, order=10)
        indicators.register()
        registry.nav.register(
            registry.NavEntry(
                key="documents",
                label=_("Văn bản"),
                url_name="documents:incoming",
                description=_("Văn bản chỉ đạo: văn bản đến, văn bản đi, quán triệt, triển khai"),
                order=10,
            )
        )
