"""The permission walk's objects of the directive documents and the activity log.

Built once per walk world (`records(w)`), around the walk's actors: officer_a holds every role
at province A (T19), commune_officer every role at commune A1 (X05500).

- the ministry's plan to the provinces (T19 received it);
- T19's own documents: a draft (with a version, a file and a link), one in review, one issued
  to its communes (A1 and A2 received it) — the in-scope objects;
- what the commune officer must not open: T19's draft and the one in review (a unit below
  never reads its parent's drafts), a draft of the sibling commune A2, a document of
  province B issued to its communes.
"""

import datetime
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from giaoban.activities import services as activities
from giaoban.core import uploads
from giaoban.documents import numbering, services
from giaoban.documents.models import PARTY, STATE, Attachment, Document, DocumentKind
from tests.conftest import make_user

UPLOAD_FIRST_ROW = 7  # the Excel template's first row of activities
PDF = b"%PDF-1.4\n% walk\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def kind(abbr, body=STATE):
    return DocumentKind.objects.get(body=body, abbreviation=abbr)


def _attach(document, user, recipient=None, role=Attachment.Role.DOCUMENT):
    upload = pdf()
    services.attach_files(document, user, [(upload, uploads.check(upload))], role, recipient)
    return document.attachments.order_by("-pk").first()


class Records:
    def __init__(self, w):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=20)
        ministry_leader = make_user("walk_ministry_leader", w.root, "leader")
        self.directive = self._issued(
            w.ministry_officer, ministry_leader, w.root, abbr="KH", disseminate_by=soon
        )
        self.draft = services.create_draft(
            w.officer_a, w.province_a, STATE, kind=kind("KH"), subject="Dự thảo kế hoạch"
        )
        services.save_draft(self.draft, w.officer_a, body_text="Nội dung sửa lần hai.")
        self.draft_file = _attach(self.draft, w.officer_a)
        self.link = services.add_link(self.draft, self.directive, "implements", w.officer_a)
        self.review = services.create_draft(
            w.officer_a, w.province_a, PARTY, kind=kind("NQ", PARTY), subject="Nghị quyết chờ"
        )
        services.send_for_review(self.review, w.officer_a)
        self.issued = self._issued(
            w.officer_a,
            w.leader_a,
            w.province_a,
            abbr="HD",
            disseminate_by=soon,
            plan_by=soon,
            report_by=soon,
        )
        self.recipient = self.issued.recipients.get(unit=w.commune_a1)
        self.results_file = _attach(
            self.issued, w.officer_a, self.recipient, Attachment.Role.RESULTS
        )
        # Out of the commune officer's reach.
        sibling = make_user("walk_sibling_leader", w.commune_a2, "officer")
        self.sibling_draft = services.create_draft(
            sibling, w.commune_a2, STATE, kind=kind("KH"), subject="Kế hoạch của xã khác"
        )
        self.sibling_file = _attach(self.sibling_draft, sibling)
        self.sibling_link = services.add_link(
            self.sibling_draft, self.issued, "implements", sibling
        )
        leader_b = make_user("walk_leader_b", w.province_b, "leader")
        self.other = self._issued(w.officer_b, leader_b, w.province_b, abbr="KH")
        # The activity log: a session of commune A1 (with a file); others' out of reach.
        self.activity = self._activity(w.commune_officer, w.commune_a1, self.issued)
        self.activity_file = self.activity.files.get()
        self.sibling_activity = self._activity(sibling, w.commune_a2, self.issued)
        self.province_activity = self._activity(w.officer_a, w.province_a, self.directive)
        self.other_activity = self._activity(w.officer_b, w.province_b, None)
        self.bodies = {
            "in": numbering.issuing_body(w.province_a, STATE),
            "sibling": numbering.issuing_body(w.commune_a2, STATE),
            "other": numbering.issuing_body(w.province_b, STATE),
        }

    @staticmethod
    def _activity(user, unit, document):
        return activities.record(
            user,
            unit,
            files=[pdf()],
            date=timezone.localdate(),
            kind="quan-triet",
            title=f"Hội nghị quán triệt của {unit.code}",
            form="direct",
            party_members=12,
            officers=30,
            others=0,
            document=document.pk if document else None,
        )

    @staticmethod
    def _issued(officer, leader, unit, abbr, **fields):
        document = services.create_draft(
            officer,
            unit,
            STATE,
            kind=kind(abbr),
            subject=f"Văn bản {abbr} của {unit.code}",
            **fields,
        )
        services.send_for_review(document, officer)
        return services.issue(document, leader)[0]


def records(w):
    if not hasattr(w, "_records"):
        w._records = Records(w)
    return w._records


# --- KWARG_RULES providers: side "in" → what officer_a opens; "out" → what commune_officer
# must not open.

DRAFT_URLS = (
    "documents:edit",
    "documents:send",
    "documents:version",
    "documents:attach",
    "documents:link_add",
)
REVIEW_URLS = ("documents:return", "documents:issue")


def documents_for(which):
    def give(w, side):
        r = records(w)
        if side == "out":
            return [r.draft.pk, r.review.pk, r.sibling_draft.pk, r.other.pk]
        return [getattr(r, which).pk]

    return give


def versions(w, side):
    return [1]


def attachments(w, side):
    r = records(w)
    if side == "out":
        return [r.draft_file.pk, r.sibling_file.pk]
    return [r.draft_file.pk]


def links(w, side):
    r = records(w)
    if side == "out":
        return [r.link.pk, r.sibling_link.pk]
    return [r.link.pk]


def bodies(w, side):
    r = records(w)
    if side == "out":
        return [r.bodies["in"].pk, r.bodies["sibling"].pk, r.bodies["other"].pk]
    return [r.bodies["in"].pk]


def recipient_documents(w, side):
    """The document whose recipient rows the URL opens (its `code` is the recipient)."""
    r = records(w)
    if side == "out":
        return [r.draft.pk, r.sibling_draft.pk, r.other.pk]
    return [r.issued.pk]


def activities_of(w, side):
    r = records(w)
    if side == "out":
        return [r.sibling_activity.pk, r.province_activity.pk, r.other_activity.pk]
    return [r.activity.pk]


def activity_files(w, side):
    r = records(w)
    if side == "out":
        return [a.files.get().pk for a in (r.sibling_activity, r.other_activity)]
    return [r.activity_file.pk]


__all__ = [
    "activities_of",
    "activity_files",
    "DRAFT_URLS",
    "REVIEW_URLS",
    "Document",
    "attachments",
    "bodies",
    "documents_for",
    "links",
    "recipient_documents",
    "records",
    "versions",
]


# --- tests/test_walk_writes.py: each POST URL made to succeed once, in scope.


def _draft_data(**extra):
    return {
        "kind": str(kind("KH").pk),
        "subject": "Kế hoạch của bài kiểm thử",
        "body_text": "Nội dung.",
        "recipient_rule": "children",
        **extra,
    }


def _doc(name, pk, tail=""):
    return reverse(f"documents:{name}", kwargs={"pk": pk, **({"code": tail} if tail else {})})


def case_document_create(w):
    return w.officer_a, "/van-ban/moi/", _draft_data(unit="T19", body=STATE)


def case_document_edit(w):
    return w.officer_a, _doc("edit", records(w).draft.pk), _draft_data(subject="Đã sửa")


def case_document_send(w):
    return w.officer_a, _doc("send", records(w).draft.pk), {}


def case_document_return(w):
    return w.officer_a, _doc("return", records(w).review.pk), {"review_note": "Cần bổ sung."}


def case_document_issue(w):
    day = timezone.localdate().strftime("%d/%m/%Y")
    return w.officer_a, _doc("issue", records(w).review.pk), {"issue_date": day}


def case_document_metadata(w):
    return w.officer_a, _doc("metadata", records(w).issued.pk), {"signer_title": "GIÁM ĐỐC"}


def case_document_link_add(w):
    r = records(w)
    services.remove_link(r.link, w.officer_a)
    return (
        w.officer_a,
        _doc("link_add", r.draft.pk),
        {"kind": "implements", "target": r.directive.pk},
    )


def case_document_link_remove(w):
    return w.officer_a, reverse("documents:link_remove", kwargs={"pk": records(w).link.pk}), {}


def case_document_attach(w):
    return w.officer_a, _doc("attach", records(w).draft.pk), {"files": pdf("phu-luc.pdf")}


def case_document_file_delete(w):
    url = reverse("documents:file_delete", kwargs={"pk": records(w).draft_file.pk})
    return w.officer_a, url, {}


def case_document_results(w):
    url = _doc("results", records(w).issued.pk, w.commune_a1.code)
    return w.commune_officer, url, {"results_text": "Đã tổ chức thực hiện.", "files": pdf()}


def case_document_plan_upload(w):
    url = _doc("plan_upload", records(w).issued.pk, w.commune_a1.code)
    return w.commune_officer, url, {"files": pdf("ke-hoach.pdf")}


def case_document_remind(w):
    return w.leader_a, _doc("remind", records(w).issued.pk), {}


def case_document_bodies(w):
    return w.officer_a, "/van-ban/co-quan/", {"unit": "T19", "body": PARTY}


def case_document_body_edit(w):
    body = records(w).bodies["in"]
    data = {
        "name": "Công an tỉnh Thái Nguyên",
        "superior": "BỘ CÔNG AN",
        "symbol": body.symbol,
        "place": "Thái Nguyên",
        "span": "year",
        "term_start": "",
        "term_end": "",
    }
    return w.officer_a, reverse("documents:body_edit", kwargs={"pk": body.pk}), data


def _activity_data(**extra):
    return {
        "date": timezone.localdate().strftime("%d/%m/%Y"),
        "kind": "the-thao",
        "title": "Giải bóng đá của bài kiểm thử",
        "form": "direct",
        "party_members": "5",
        "officers": "20",
        "others": "0",
        **extra,
    }


def case_activity_create(w):
    return w.commune_officer, "/hoat-dong/moi/?unit=X05500", _activity_data()


def case_activity_edit(w):
    url = reverse("activities:edit", kwargs={"pk": records(w).activity.pk})
    return w.commune_officer, url, _activity_data(title="Đã sửa")


def case_activity_delete(w):
    return (
        w.commune_officer,
        reverse("activities:delete", kwargs={"pk": records(w).activity.pk}),
        {},
    )


def case_activity_file_remove(w):
    url = reverse("activities:file_remove", kwargs={"pk": records(w).activity_file.pk})
    return w.commune_officer, url, {}


WRITES = {
    "documents:create": case_document_create,
    "documents:edit": case_document_edit,
    "documents:send": case_document_send,
    "documents:return": case_document_return,
    "documents:issue": case_document_issue,
    "documents:metadata": case_document_metadata,
    "documents:link_add": case_document_link_add,
    "documents:link_remove": case_document_link_remove,
    "documents:attach": case_document_attach,
    "documents:file_delete": case_document_file_delete,
    "documents:results": case_document_results,
    "documents:plan_upload": case_document_plan_upload,
    "documents:remind": case_document_remind,
    "documents:bodies": case_document_bodies,
    "documents:body_edit": case_document_body_edit,
    "activities:create": case_activity_create,
    "activities:edit": case_activity_edit,
    "activities:delete": case_activity_delete,
    "activities:file_remove": case_activity_file_remove,
}


def case_activity_upload(w):
    """The Excel template of commune A1, one row filled in, uploaded."""
    client = Client()
    client.force_login(w.commune_officer)
    response = client.get(reverse("activities:template"), {"unit": "X05500"})
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Hoạt động"]
    for column, value in {"B": timezone.localdate(), "C": "Dân vận", "D": "Ra quân"}.items():
        ws[f"{column}{UPLOAD_FIRST_ROW}"] = value
    out = io.BytesIO()
    wb.save(out)
    file = SimpleUploadedFile("hoat-dong.xlsx", out.getvalue())
    return w.commune_officer, reverse("activities:upload") + "?unit=X05500", {"file": file}


WRITES["activities:upload"] = case_activity_upload


def _api_document(w):
    body = {"unit": "T19", "body": "state", "kind": "KH", "subject": "Kế hoạch gửi qua API"}
    return w.officer_a, "/api/documents", json.dumps(body)


def _api_activity_item(w):
    day = timezone.localdate().strftime("%d/%m/%Y")
    return {"unit": "X05500", "date": day, "kind": "van-hoa", "title": "Văn nghệ qua API"}


def _api_activity(w):
    return w.commune_officer, "/api/activities", json.dumps(_api_activity_item(w))


def case_api_document_send(w):
    return w.officer_a, f"/api/documents/{records(w).draft.pk}/send", json.dumps({})


def case_api_document_issue(w):
    return w.officer_a, f"/api/documents/{records(w).review.pk}/issue", json.dumps({})


def case_api_activity_bulk(w):
    body = {"items": [_api_activity_item(w)]}
    return w.commune_officer, "/api/activities/bulk", json.dumps(body)


WRITES.update(
    {
        # One URL, two operations (the list's GET and the create's POST): both names taught.
        "api:document_list": _api_document,
        "api:document_create": _api_document,
        "api:document_send": case_api_document_send,
        "api:document_issue": case_api_document_issue,
        "api:activity_list": _api_activity,
        "api:activity_create": _api_activity,
        "api:activity_bulk": case_api_activity_bulk,
    }
)
