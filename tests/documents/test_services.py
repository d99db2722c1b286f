"""The register's rules: numbering, the lifecycle by role, links, recipients, obligations."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from giaoban.audit.models import AuditEntry
from giaoban.documents import numbering, obligations, services
from giaoban.documents.models import (
    PARTY,
    STATE,
    Document,
    DocumentLink,
    IssuingBody,
    Recipient,
)
from giaoban.documents.services import DocumentError
from giaoban.notifications.models import Notification
from giaoban.units.models import Level
from tests.conftest import make_unit
from tests.documents.conftest import D, draft, issued

S = Document.Status
TODAY = timezone.localdate


# ------------------------------------------------------------------ numbers


def test_numbers_run_per_body_kind_and_year_with_a_leading_zero(cast, ministry_leader):
    root = cast.root
    first = issued(cast.ministry_officer, ministry_leader, root, STATE, "KH")
    second = issued(cast.ministry_officer, ministry_leader, root, STATE, "KH")
    other_kind = issued(cast.ministry_officer, ministry_leader, root, STATE, "HD")
    party = issued(cast.ministry_officer, ministry_leader, root, PARTY, "NQ")
    assert (first.number, second.number, other_kind.number, party.number) == (1, 2, 1, 1)
    assert first.symbol == "01/KH-BCA" and second.symbol == "02/KH-BCA"
    assert other_kind.symbol == "01/HD-BCA"
    assert party.symbol == "01-NQ/ĐU"  # Hướng dẫn 36: number-kind/body, no colon
    assert first.span_key == str(TODAY().year)


def test_a_new_year_starts_again_from_one(cast, ministry_leader):
    last_year = TODAY().replace(year=TODAY().year - 1, month=12, day=20)
    old = issued(cast.ministry_officer, ministry_leader, cast.root, day=last_year)
    new = issued(cast.ministry_officer, ministry_leader, cast.root)
    assert (old.number, new.number) == (1, 1)
    assert old.span_key != new.span_key


def test_a_party_committee_may_number_by_its_term(cast, ministry_leader):
    body = numbering.issuing_body(cast.root, PARTY)
    body.span = IssuingBody.Span.TERM
    body.term_start, body.term_end = D(2020, 10, 1), D(2030, 9, 30)
    body.save()
    a = issued(cast.ministry_officer, ministry_leader, cast.root, PARTY, "NQ", day=D(2024, 12, 30))
    b = issued(cast.ministry_officer, ministry_leader, cast.root, PARTY, "NQ", day=D(2025, 1, 2))
    assert (a.number, b.number) == (1, 2)  # the term, not the year
    assert a.span_key == b.span_key == "2020-2030"


def test_a_state_letter_has_no_kind_in_its_number(cast, ministry_leader):
    letter = issued(cast.ministry_officer, ministry_leader, cast.root, STATE, "")
    assert letter.symbol == "01/BCA"


def test_the_symbols_of_a_province_and_its_party_committee(cast):
    assert numbering.issuing_body(cast.province_a, STATE).symbol == "CAT"
    assert numbering.issuing_body(cast.province_b, STATE).symbol == "CATP"
    body = numbering.issuing_body(cast.province_a, PARTY)
    assert body.name == "Đảng ủy Công an tỉnh Thái Nguyên" and body.symbol == "ĐU"
    assert body.superior == "Đảng ủy Công an Trung ương" and body.place == "Thái Nguyên"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_documents_issued_at_the_same_instant_never_share_a_number(cast, ministry_leader):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite has a single writer)")
    drafts = []
    for _ in range(6):
        d = draft(cast.ministry_officer, cast.root)
        services.send_for_review(d, cast.ministry_officer)
        drafts.append(d)
    barrier = threading.Barrier(len(drafts))
    errors = []

    def run(document):
        try:
            barrier.wait()
            services.issue(document, ministry_leader)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Document.objects.filter(status=S.ISSUED).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]


# ------------------------------------------------------------------ lifecycle


def test_a_draft_keeps_its_earlier_versions(cast):
    d = draft(cast.officer_a, cast.province_a, subject="Kế hoạch quán triệt")
    services.save_draft(d, cast.officer_a, body_text="Nội dung sửa lần 1.")
    services.save_draft(d, cast.officer_a, body_text="Nội dung sửa lần 1.")  # no change
    services.save_draft(d, cast.officer_a, body_text="Nội dung sửa lần 2.")
    texts = list(d.versions.order_by("number").values_list("number", "body_text"))
    assert texts == [
        (1, "Nội dung văn bản."),
        (2, "Nội dung sửa lần 1."),
        (3, "Nội dung sửa lần 2."),
    ]


def test_the_lifecycle_by_role(cast):
    d = draft(cast.officer_a, cast.province_a)
    with pytest.raises(DocumentError, match="phải được gửi thẩm định"):
        services.issue(d, cast.leader_a)
    with pytest.raises(DocumentError):  # a sibling's officer may not touch it
        services.save_draft(d, cast.officer_b, subject="x")
    services.send_for_review(d, cast.officer_a)
    with pytest.raises(DocumentError):  # in review: no more edits
        services.save_draft(d, cast.officer_a, subject="x")
    with pytest.raises(DocumentError, match="Chỉ lãnh đạo Công an tỉnh Thái Nguyên"):
        services.issue(d, cast.officer_a)  # an officer does not issue
    with pytest.raises(DocumentError, match="Cần ghi ý kiến"):
        services.return_to_draft(d, cast.leader_a, "")
    services.return_to_draft(d, cast.leader_a, "Bổ sung mục tiêu cụ thể.")
    d.refresh_from_db()
    assert d.status == S.DRAFT and d.review_note == "Bổ sung mục tiêu cụ thể."
    services.send_for_review(d, cast.officer_a)
    d, warnings = services.issue(d, cast.leader_a)
    assert d.status == S.ISSUED and d.symbol == "01/KH-CAT" and warnings == []
    with pytest.raises(DocumentError, match="không ban hành lại"):
        services.issue(d, cast.leader_a)
    with pytest.raises(DocumentError):
        services.save_draft(d, cast.officer_a, body_text="sửa sau khi ban hành")
    with pytest.raises(DocumentError, match="nội dung không sửa được"):
        services.change_metadata(d, cast.officer_a, body_text="sửa")
    services.change_metadata(d, cast.officer_a, effective_to=TODAY() + datetime.timedelta(days=9))
    actions = list(
        AuditEntry.objects.filter(model="documents.Document", object_id=str(d.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[0] == "create" and actions.count("transition") == 4 and actions[-1] == "update"


def test_text_is_stored_nfc_and_nul_is_refused(cast):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Quán triệt nghị quyết")
    d = draft(cast.officer_a, cast.province_a, subject=nfd)
    d.refresh_from_db()
    assert d.subject == unicodedata.normalize("NFC", nfd)
    with pytest.raises(DocumentError, match="NUL") as error:
        draft(cast.officer_a, cast.province_a, subject="a\x00b")
    assert error.value.field == "subject"


def test_a_deadline_before_the_issue_date_is_refused_naming_it(cast):
    d = draft(cast.officer_a, cast.province_a, disseminate_by=TODAY() - datetime.timedelta(days=1))
    services.send_for_review(d, cast.officer_a)
    with pytest.raises(DocumentError, match="Quán triệt: hạn") as error:
        services.issue(d, cast.leader_a)
    assert error.value.field == "disseminate_by"
    d.refresh_from_db()
    assert d.status == S.REVIEW and d.number is None and not d.recipients.exists()


# ------------------------------------------------------------------ recipients


def test_recipient_rules_resolve_to_the_units_active_on_the_issue_date(cast, ministry_leader):
    legacy = make_unit("LT99", "Công an tỉnh Cũ", "Cũ", "tinh", cast.root, active_to=D(2025, 6, 30))
    make_unit("LX99", "Công an xã Cũ", "Xã Cũ", "xa", legacy, active_to=D(2025, 6, 30))
    tinh = Level.objects.get(code="tinh")
    before = issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        day=D(2025, 3, 1),
        recipient_rule=Document.Rule.LEVEL,
        recipient_level=tinh,
    )
    after = issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        day=D(2025, 8, 1),
        recipient_rule=Document.Rule.LEVEL,
        recipient_level=tinh,
    )
    codes = lambda d: sorted(d.recipients.values_list("unit__code", flat=True))  # noqa: E731
    assert codes(before) == ["LT99", "T01", "T19"]
    assert codes(after) == ["T01", "T19"]
    subtree = issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        day=D(2025, 8, 1),
        recipient_rule=Document.Rule.SUBTREE,
    )
    assert codes(subtree) == ["CTDCT", "T01", "T19", "X00004", "X05500", "X05800"]
    children = issued(cast.officer_a, cast.leader_a, cast.province_a)
    assert codes(children) == ["X05500", "X05800"]
    explicit = issued(
        cast.officer_a,
        cast.leader_a,
        cast.province_a,
        recipient_rule=Document.Rule.EXPLICIT,
        units=[cast.commune_a2],
    )
    assert codes(explicit) == ["X05800"]
    assert explicit.recipients.get().path == "BCA/T19/X05800/"


def test_a_rule_that_reaches_no_unit_is_refused_and_nothing_is_written(cast):
    d = draft(cast.commune_officer, cast.commune_a1)  # a commune has no units below
    services.send_for_review(d, cast.commune_officer)
    with pytest.raises(DocumentError, match="không chọn được đơn vị nào") as error:
        services.issue(d, cast.commune_leader)
    assert error.value.field == "recipient_rule"
    d.refresh_from_db()
    assert d.status == S.REVIEW and d.number is None


def test_explicit_recipients_outside_the_issuer_are_refused(cast):
    d = draft(cast.officer_a, cast.province_a, recipient_rule=Document.Rule.EXPLICIT)
    services.send_for_review(d, cast.officer_a)
    with pytest.raises(DocumentError, match="Công an phường Ba Đình"):
        services.issue(d, cast.leader_a, explicit_units=[cast.commune_b1])


def test_issuing_notifies_the_recipients_people(cast, ministry_leader):
    issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        disseminate_by=TODAY() + datetime.timedelta(days=10),
    )
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"leader_a", "officer_a", "officer_b"}  # the provinces, not the communes
    n = Notification.objects.filter(user__username="officer_a").get()
    assert n.title.startswith("Văn bản mới: 01/KH-BCA") and "Quán triệt trước ngày" in n.body
    # Each recipient row is audited, in one bulk write.
    assert AuditEntry.objects.filter(model="documents.Recipient", action="create").count() == 3


# ------------------------------------------------------------------ obligations


@pytest.mark.parametrize(
    "met, today, expected",
    [
        (None, D(2026, 5, 9), obligations.PENDING),
        (None, D(2026, 5, 10), obligations.PENDING),  # the deadline day: still within
        (None, D(2026, 5, 11), obligations.OVERDUE),  # the day after
        (D(2026, 5, 10), D(2026, 6, 1), obligations.ON_TIME),  # on the deadline day
        (D(2026, 5, 11), D(2026, 6, 1), obligations.LATE),  # the day after
    ],
)
def test_an_obligation_status_at_its_boundaries(met, today, expected):
    assert obligations.status(D(2026, 5, 10), met, today) == expected
    assert obligations.status(None, met, today) is None  # not asked for


def test_the_summary_per_province_and_the_chain(cast, ministry_leader):
    soon = TODAY() + datetime.timedelta(days=5)
    central = issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        PARTY,
        "NQ",
        recipient_rule=Document.Rule.SUBTREE,
        disseminate_by=soon,
        plan_by=soon,
    )
    # Thái Nguyên disseminates and issues its plan, with a later deadline (a warning).
    services.set_dissemination(central.pk, cast.province_a.pk, TODAY(), 1)
    plan = draft(
        cast.officer_a,
        cast.province_a,
        STATE,
        "KH",
        disseminate_by=soon + datetime.timedelta(days=3),
    )
    services.add_link(plan, central, DocumentLink.Kind.IMPLEMENTS, cast.officer_a)
    services.send_for_review(plan, cast.officer_a)
    plan, warnings = services.issue(plan, cast.leader_a)
    assert len(warnings) == 1 and "muộn hơn hạn" in warnings[0] and central.symbol in warnings[0]
    row = Recipient.objects.get(document=central, unit=cast.province_a)
    assert row.plan == plan and row.plan_on == TODAY()
    total, groups = obligations.summary(central, cast.root.path)
    assert total.recipients == 6
    assert total.count("disseminate", obligations.ON_TIME) == 1
    assert total.count("plan", obligations.ON_TIME) == 1
    assert total.count("plan", obligations.PENDING) == 5
    by_code = {g.unit.code: g for g in groups}
    assert by_code["T19"].recipients == 3  # the province and its two communes
    assert by_code["T19"].done("disseminate") == 1
    (link,) = [c for c in obligations.chain(central, [row])]
    assert link.plan == plan and link.total.recipients == 2 and link.later_deadlines


def test_only_the_issuer_or_a_unit_above_may_amend_replace_or_repeal(cast, ministry_leader):
    province_doc = issued(cast.officer_a, cast.leader_a, cast.province_a)
    sibling = draft(cast.officer_b, cast.province_b)
    with pytest.raises(DocumentError, match="Chỉ cơ quan đã ban hành"):
        services.add_link(sibling, province_doc, DocumentLink.Kind.REPEALS, cast.officer_b)
    # the ministry, above it, may replace it; on issue the old one says so
    newer = draft(cast.ministry_officer, cast.root)
    services.add_link(newer, province_doc, DocumentLink.Kind.REPLACES, cast.ministry_officer)
    services.send_for_review(newer, cast.ministry_officer)
    services.issue(newer, ministry_leader)
    province_doc.refresh_from_db()
    assert province_doc.status == S.REPLACED
    assert services.status_label(province_doc) == "Đã bị thay thế"


def test_implements_must_point_at_a_document_the_unit_received(cast, ministry_leader):
    to_provinces = issued(cast.ministry_officer, ministry_leader, cast.root)
    commune_draft = draft(cast.commune_officer, cast.commune_a1)
    with pytest.raises(DocumentError, match="không nhận văn bản"):
        services.add_link(
            commune_draft, to_provinces, DocumentLink.Kind.IMPLEMENTS, cast.commune_officer
        )


def test_a_party_document_is_amended_only_by_a_party_body(cast, ministry_leader):
    resolution = issued(cast.officer_a, cast.leader_a, cast.province_a, PARTY, "NQ")
    command = draft(cast.officer_a, cast.province_a, STATE, "QyĐ")
    with pytest.raises(DocumentError, match="chỉ cơ quan cùng loại") as error:
        services.add_link(command, resolution, DocumentLink.Kind.AMENDS, cast.officer_a)
    assert error.value.field == "target"
    party = draft(cast.ministry_officer, cast.root, PARTY, "NQ")  # the party body above
    services.add_link(party, resolution, DocumentLink.Kind.AMENDS, cast.ministry_officer)


def test_a_command_plan_implements_its_own_party_committees_resolution(cast):
    resolution = issued(cast.officer_a, cast.leader_a, cast.province_a, PARTY, "NQ")
    plan = draft(cast.officer_a, cast.province_a)
    services.add_link(plan, resolution, DocumentLink.Kind.IMPLEMENTS, cast.officer_a)
    with pytest.raises(DocumentError, match="chính nó"):
        services.add_link(plan, plan, DocumentLink.Kind.IMPLEMENTS, cast.officer_a)
    services.send_for_review(plan, cast.officer_a)
    plan, _warnings = services.issue(plan, cast.leader_a)
    assert [d.pk for d in obligations.implementing(resolution)] == [plan.pk]


def test_an_issued_document_past_its_expiry_reads_as_expired(cast):
    d = issued(cast.officer_a, cast.leader_a, cast.province_a)
    d.effective_to = TODAY() - datetime.timedelta(days=1)
    assert services.status_label(d) == "Hết hiệu lực" and not services.in_force(d)
