"""A viewer above the issuing unit reads issued documents, never drafts: not their page,
not their Word file, not their attachments."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from giaoban.core import uploads
from giaoban.documents import public, services
from giaoban.documents.models import Attachment
from tests.conftest import make_user
from tests.documents.conftest import draft


def test_a_viewer_does_not_download_a_draft_or_its_files(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    document = draft(cast.officer_a, cast.province_a)
    upload = SimpleUploadedFile("phu-luc.pdf", b"%PDF-1.4\n%%EOF\n")
    services.attach_files(
        document, cast.officer_a, [(upload, uploads.check(upload))], Attachment.Role.DOCUMENT
    )
    file = document.attachments.get()
    client.force_login(make_user("ministry_viewer", cast.root, "viewer"))
    for url in (
        reverse("documents:detail", kwargs={"pk": document.pk}),
        reverse("documents:docx", kwargs={"pk": document.pk}),
        reverse("documents:recipients_xlsx", kwargs={"pk": document.pk}),
        reverse("documents:file", kwargs={"pk": file.pk}),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(cast.officer_a)  # the unit that drafts it still does
    assert client.get(reverse("documents:docx", kwargs={"pk": document.pk})).status_code == 200
    assert client.get(reverse("documents:file", kwargs={"pk": file.pk})).status_code == 200


def test_other_apps_see_what_the_register_shows(cast):
    """documents.public.visible/restrict (a conference's linked documents, a task's
    evidence, a campaign's plan) answer as the register does: a viewer above never gets a
    draft; the drafting unit's officer does."""
    document = draft(cast.officer_a, cast.province_a)
    viewer = make_user("ministry_viewer_public", cast.root, "viewer")
    assert public.visible(viewer, [document.pk]) == {}
    assert not public.restrict(viewer).filter(pk=document.pk).exists()
    assert set(public.visible(cast.officer_a, [document.pk])) == {document.pk}
    assert public.restrict(cast.officer_a).filter(pk=document.pk).exists()
