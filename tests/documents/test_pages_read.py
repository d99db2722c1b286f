"""The reading pages: a document, its recipients, one recipient, the chain down the tree,
and the registers (incoming, outgoing, search) — by role and scope, with filters and paging.

The scene: the ministry's party committee issues a resolution to every unit below it (20
days ago, dissemination due 5 days ago, a plan due in 10 days, results in 40); Thái Nguyên
issues its implementing plan to its communes; Phan Đình Phùng disseminated on time, Hà Nội
late, the others not yet (overdue).
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from giaoban.documents import services
from giaoban.documents.models import DocumentLink, Recipient
from giaoban.units.models import Level, Unit
from tests import dbstate
from tests.conftest import make_user
from tests.documents.conftest import PARTY, STATE, Document, draft, issued

L = DocumentLink.Kind
R = Document.Rule
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


class Scene:
    pass


@pytest.fixture
def scene(cast, ministry_leader):
    s = Scene()
    s.cast, s.leader = cast, ministry_leader
    t = today()
    s.central = issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        PARTY,
        "NQ",
        day=t - 20 * DAY,
        recipient_rule=R.SUBTREE,
        subject="Nghị quyết về tăng cường quán triệt, xây dựng và chỉnh đốn Đảng",
        body_text="Các cấp ủy tổ chức quán triệt sâu rộng.\n\nBáo cáo kết quả về Đảng ủy.",
        disseminate_by=t - 5 * DAY,
        plan_by=t + 10 * DAY,
        report_by=t + 40 * DAY,
    )
    services.set_dissemination(s.central.pk, cast.commune_a1.pk, t - 10 * DAY, 2)
    services.set_dissemination(s.central.pk, cast.province_b.pk, t - 2 * DAY, 1)
    plan = draft(
        cast.officer_a,
        cast.province_a,
        STATE,
        "KH",
        recipient_rule=R.CHILDREN,
        subject="Kế hoạch triển khai nghị quyết của Đảng ủy Công an Trung ương",
        disseminate_by=t + 5 * DAY,
        plan_by=t + 8 * DAY,
    )
    services.add_link(plan, s.central, L.IMPLEMENTS, cast.officer_a)
    services.send_for_review(plan, cast.officer_a)
    s.plan, _warnings = services.issue(plan, cast.leader_a)
    s.ministry_draft = draft(
        cast.ministry_officer, cast.root, STATE, "HD", subject="Hướng dẫn đang soạn thảo"
    )
    return s


def get(client, user, name, *, status=200, query="", **kwargs):
    client.force_login(user)
    response = client.get(reverse(f"documents:{name}", kwargs=kwargs) + query)
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def text(response):
    return response.content.decode()


# ------------------------------------------------------------------ the document page


def test_the_issuer_sees_metadata_text_summary_and_every_recipient(client, scene):
    c = scene.cast
    page = text(get(client, c.ministry_officer, "detail", pk=scene.central.pk))
    assert f"Số {scene.central.symbol}" in page and scene.central.symbol.endswith("-NQ/ĐU")
    assert "Đảng ủy Công an Trung ương" in page
    assert "Các cấp ủy tổ chức quán triệt sâu rộng." in page
    assert "Thường" in page  # the secrecy grade, as metadata
    # The summary per province: Thái Nguyên with its two communes, one disseminated on time.
    assert "Tiến độ theo đơn vị thuộc Bộ Công an" in page
    for name in ("Thái Nguyên", "Hà Nội", "Cục CTĐ, CTCT"):
        assert name in page
    assert "và 2 cấp dưới" in page
    # Every recipient on the first page of the table; the chain and the full table linked.
    for unit in (c.commune_a1, c.commune_a2, c.commune_b1):
        assert unit.name in page
    assert reverse("documents:chain", kwargs={"pk": scene.central.pk}) in page
    assert reverse("documents:recipients", kwargs={"pk": scene.central.pk}) in page
    # Both sides of the "implements" link.
    assert "Được triển khai bởi" in page and scene.plan.symbol in page
    plan_page = text(get(client, c.ministry_officer, "detail", pk=scene.plan.pk))
    assert "Triển khai thực hiện" in plan_page and scene.central.symbol in plan_page


def test_only_a_leader_of_the_issuing_unit_is_offered_the_reminder(client, scene):
    remind = reverse("documents:remind", kwargs={"pk": scene.central.pk})
    assert remind in text(get(client, scene.leader, "detail", pk=scene.central.pk))
    officer_page = text(get(client, scene.cast.ministry_officer, "detail", pk=scene.central.pk))
    assert remind not in officer_page
    assert reverse("documents:metadata", kwargs={"pk": scene.central.pk}) in officer_page
    assert reverse("documents:edit", kwargs={"pk": scene.central.pk}) not in officer_page
    assert remind not in text(get(client, scene.cast.leader_a, "detail", pk=scene.central.pk))


def test_a_province_sees_its_own_subtree_and_what_it_owes(client, scene):
    c = scene.cast
    page = text(get(client, c.officer_a, "detail", pk=scene.central.pk))
    assert "Công an tỉnh Thái Nguyên cần thực hiện" in page
    assert "Tiến độ theo đơn vị thuộc Công an tỉnh Thái Nguyên" in page
    assert c.commune_a1.name in page and c.commune_a2.name in page
    assert c.province_b.name not in page and c.commune_b1.name not in page
    assert "Cục CTĐ, CTCT" not in page
    # The province's own actions: record a session, issue or upload its plan, report.
    assert reverse("activities:create") + f"?document={scene.central.pk}" in page
    assert reverse("documents:create") + f"?implements={scene.central.pk}" in page
    assert reverse("documents:results", kwargs={"pk": scene.central.pk, "code": "T19"}) in page


def test_a_commune_sees_only_itself(client, scene):
    c = scene.cast
    page = text(get(client, c.commune_officer, "detail", pk=scene.central.pk))
    assert c.commune_a1.name in page
    assert c.commune_a2.name not in page and c.province_b.name not in page
    assert "Đã thực hiện đúng hạn" in page  # its dissemination, 10 days ago


def test_out_of_scope_or_unissued_is_404(client, scene):
    c = scene.cast
    for name in ("detail", "recipients", "chain"):
        get(client, c.officer_b, name, status=404, pk=scene.plan.pk)
    get(client, c.officer_b, "recipient", status=404, pk=scene.plan.pk, code="X05500")
    # A sibling commune's row of a document both received.
    get(client, c.commune_officer, "recipient", status=404, pk=scene.central.pk, code="X05800")
    # Drafts: only where one writes or approves.
    get(client, c.officer_a, "detail", status=404, pk=scene.ministry_draft.pk)
    get(client, c.ministry_officer, "recipients", status=404, pk=scene.ministry_draft.pk)


def test_a_draft_offers_its_writer_the_drafting_actions(client, scene):
    d = scene.ministry_draft
    page = text(get(client, scene.cast.ministry_officer, "detail", pk=d.pk))
    for name in ("edit", "attach", "link_add", "send"):
        assert reverse(f"documents:{name}", kwargs={"pk": d.pk}) in page
    assert "Chưa có — cấp số khi ban hành" in page
    assert reverse("documents:version", kwargs={"pk": d.pk, "number": 1}) in page
    services.send_for_review(d, scene.cast.ministry_officer)
    leader_page = text(get(client, scene.leader, "detail", pk=d.pk))
    assert reverse("documents:issue", kwargs={"pk": d.pk}) in leader_page
    assert reverse("documents:return", kwargs={"pk": d.pk}) in leader_page
    officer_page = text(get(client, scene.cast.ministry_officer, "detail", pk=d.pk))
    assert reverse("documents:issue", kwargs={"pk": d.pk}) not in officer_page
    assert reverse("documents:edit", kwargs={"pk": d.pk}) not in officer_page


def test_the_summary_drills_down_to_a_province(client, scene):
    page = text(
        get(client, scene.cast.ministry_officer, "detail", pk=scene.central.pk, query="?node=T19")
    )
    assert "Tiến độ theo đơn vị thuộc Công an tỉnh Thái Nguyên" in page
    get(client, scene.cast.officer_a, "detail", status=404, pk=scene.central.pk, query="?node=T01")


# ------------------------------------------------------------------ recipients


def test_the_recipients_page_filters_by_status(client, scene):
    c, pk = scene.cast, scene.central.pk
    every = text(get(client, c.ministry_officer, "recipients", pk=pk))
    assert "6 đơn vị nhận" in every
    overdue = text(
        get(
            client,
            c.ministry_officer,
            "recipients",
            pk=pk,
            query="?obligation=disseminate&status=overdue",
        )
    )
    assert "4 đơn vị nhận" in overdue
    assert c.commune_a2.name in overdue and c.commune_a1.name not in overdue
    late = text(
        get(
            client,
            c.ministry_officer,
            "recipients",
            pk=pk,
            query="?obligation=disseminate&status=late",
        )
    )
    assert c.province_b.name in late and c.commune_a1.name not in late
    within = text(get(client, c.ministry_officer, "recipients", pk=pk, query="?unit=T19"))
    assert "3 đơn vị nhận" in within and c.commune_b1.name not in within
    searched = text(get(client, c.ministry_officer, "recipients", pk=pk, query="?q=dai phuc"))
    assert "1 đơn vị nhận" in searched and c.commune_a2.name in searched


def test_a_bad_filter_is_a_400_naming_the_field(client, scene):
    page = text(
        get(
            client,
            scene.cast.ministry_officer,
            "recipients",
            status=400,
            pk=scene.central.pk,
            query="?status=nonsense",
        )
    )
    assert "Tình trạng" in page and "nonsense" in page


def test_a_province_filters_only_within_its_subtree(client, scene):
    page = text(get(client, scene.cast.officer_a, "recipients", pk=scene.central.pk))
    assert "3 đơn vị nhận" in page and scene.cast.province_b.name not in page
    get(
        client,
        scene.cast.officer_a,
        "recipients",
        status=400,
        pk=scene.central.pk,
        query="?unit=T01",
    )


def test_one_recipients_page(client, scene):
    c, pk = scene.cast, scene.central.pk
    page = text(get(client, c.commune_officer, "recipient", pk=pk, code="X05500"))
    assert c.commune_a1.name in page and "2 buổi quán triệt" in page
    assert "Chưa có kế hoạch triển khai." in page
    province = text(get(client, c.officer_a, "recipient", pk=pk, code="T19"))
    assert scene.plan.symbol in province  # its plan, the implementing document
    assert reverse("documents:plan_upload", kwargs={"pk": pk, "code": "T19"}) in province
    # The province may act for its commune, but issues plans only for itself.
    commune = text(get(client, c.officer_a, "recipient", pk=pk, code="X05800"))
    assert reverse("documents:results", kwargs={"pk": pk, "code": "X05800"}) in commune
    assert f"?implements={pk}" not in commune
    # The ministry reads it, and acts only as a unit above may.
    get(client, c.ministry_officer, "recipient", pk=pk, code="X05800")
    get(client, c.officer_b, "recipient", status=404, pk=pk, code="X05800")


# ------------------------------------------------------------------ the chain


def test_the_chain_shows_each_level_and_each_plans_recipients(client, scene):
    c, pk = scene.cast, scene.central.pk
    page = text(get(client, c.ministry_officer, "chain", pk=pk))
    assert "Theo từng cấp" in page
    assert scene.plan.symbol in page  # Thái Nguyên's plan, with its communes' progress
    assert "<strong>0</strong>/2" in page and "2 còn hạn" in page
    provinces = text(get(client, c.ministry_officer, "chain", pk=pk, query="?level=tinh"))
    assert c.province_b.name in provinces and c.commune_a1.name not in provinces
    assert c.province_b.name in page and "Chưa ban hành" in page
    filtered = text(get(client, c.ministry_officer, "chain", pk=pk, query="?plan=document"))
    assert scene.plan.symbol in filtered and c.province_b.name not in filtered
    commune = text(get(client, c.commune_officer, "chain", pk=pk))
    assert c.commune_a1.name in commune and c.province_a.name not in commune
    get(client, c.ministry_officer, "chain", status=400, pk=pk, query="?plan=nonsense")


# ------------------------------------------------------------------ the registers


def test_search_ignores_diacritics_and_case(client, scene):
    c = scene.cast
    page = text(get(client, c.ministry_officer, "register", query="?q=QUAN TRIET chinh don"))
    assert scene.central.subject in page and scene.plan.subject not in page
    by_symbol = text(get(client, c.ministry_officer, "register", query="?q=" + scene.plan.symbol))
    assert scene.plan.subject in by_symbol
    incoming = text(get(client, c.officer_a, "incoming", query="?q=xay dung dang"))
    assert scene.central.subject in incoming
    assert scene.central.subject not in text(
        get(client, c.officer_a, "incoming", query="?q=khong+co+chu+nay")
    )


def test_the_registers_filter_by_kind_body_year_status_and_validity(client, scene):
    c = scene.cast
    party = text(get(client, c.ministry_officer, "register", query="?body=party"))
    assert scene.central.subject in party and scene.plan.subject not in party
    year = scene.central.issue_date.year
    assert scene.central.subject not in text(
        get(client, c.ministry_officer, "register", query=f"?year={year - 3}")
    )
    drafts = text(get(client, c.ministry_officer, "register", query="?status=draft"))
    assert "Hướng dẫn đang soạn thảo" in drafts and scene.central.subject not in drafts
    in_force = text(get(client, c.ministry_officer, "register", query="?in_force=on"))
    assert scene.central.subject in in_force and "Hướng dẫn đang soạn thảo" not in in_force
    kind = scene.plan.kind_id
    plans = text(get(client, c.ministry_officer, "register", query=f"?kind={kind}"))
    assert scene.plan.subject in plans and scene.central.subject not in plans
    get(client, c.ministry_officer, "register", status=400, query="?year=abc")


def test_incoming_lists_what_the_unit_owes_and_outgoing_the_progress(client, scene):
    c = scene.cast
    incoming = text(get(client, c.commune_officer, "incoming"))
    assert scene.central.subject in incoming and scene.plan.subject in incoming
    assert "Quá hạn, chưa thực hiện" not in incoming.split(scene.central.subject)[1][:3000]
    overdue = text(get(client, c.officer_a, "incoming", query="?owes=overdue"))
    assert scene.central.subject in overdue
    outgoing = text(get(client, c.officer_a, "outgoing"))
    assert scene.plan.subject in outgoing and "0/2 đã thực hiện" in outgoing
    ministry = text(get(client, c.ministry_officer, "outgoing"))
    assert "2/6 đã thực hiện" in ministry and "Hướng dẫn đang soạn thảo" in ministry


def test_a_replaced_document_says_so_in_every_list_and_on_its_page(client, scene):
    c = scene.cast
    new = draft(
        c.ministry_officer,
        c.root,
        PARTY,
        "NQ",
        recipient_rule=R.SUBTREE,
        subject="Nghị quyết mới thay thế",
    )
    services.add_link(new, scene.central, L.REPLACES, c.ministry_officer)
    services.send_for_review(new, c.ministry_officer)
    new, _w = services.issue(new, scene.leader)
    label = f'Đã bị thay thế bởi <a href="{reverse("documents:detail", kwargs={"pk": new.pk})}">'
    for user, name in (
        (c.ministry_officer, "register"),
        (c.ministry_officer, "outgoing"),
        (c.commune_officer, "incoming"),
    ):
        page = text(get(client, user, name))
        assert label in page, name
    page = text(get(client, c.commune_officer, "detail", pk=scene.central.pk))
    assert 'class="doc-ended-note"' in page and label in page
    replaced = text(get(client, c.ministry_officer, "register", query="?status=replaced"))
    assert scene.central.subject in replaced and "Nghị quyết mới thay thế" not in replaced
    assert "Thay thế" in text(get(client, c.ministry_officer, "detail", pk=new.pk))


# ------------------------------------------------------------------ reading writes nothing


def test_the_reading_pages_write_nothing(client, scene):
    c, pk = scene.cast, scene.central.pk
    urls = [
        reverse("documents:detail", kwargs={"pk": pk}) + "?node=T19",
        reverse("documents:recipients", kwargs={"pk": pk}) + "?status=overdue",
        reverse("documents:recipient", kwargs={"pk": pk, "code": "T19"}),
        reverse("documents:chain", kwargs={"pk": pk}),
        reverse("documents:detail", kwargs={"pk": scene.ministry_draft.pk}),
        reverse("documents:incoming") + "?q=quan+triet",
        reverse("documents:outgoing"),
        reverse("documents:register") + "?in_force=on",
    ]
    for user in (c.ministry_officer, c.officer_a, c.commune_officer):
        client.force_login(user)
        before = dbstate.fingerprint()
        for url in urls:
            client.get(url)
        assert dbstate.changed(before, dbstate.fingerprint()) == []


# ------------------------------------------------------------------ many recipients


def big_province(cast, n):
    """A province with n communes, its leader, and a plan issued to all of them."""
    province = Unit.objects.create(
        code=f"TB{n}",
        name=f"Công an tỉnh Thử {n}",
        short_name=f"Thử {n}",
        level=Level.objects.get(code="tinh"),
        parent=cast.root,
        party_name=f"Đảng ủy Công an tỉnh Thử {n}",
        command_name=f"Công an tỉnh Thử {n}",
    )
    xa = Level.objects.get(code="xa")
    for i in range(n):
        Unit.objects.create(
            code=f"XB{n}-{i:04d}",
            name=f"Công an xã Thử {i}",
            short_name=f"Thử {i}",
            level=xa,
            parent=province,
            party_name=f"Chi bộ xã Thử {i}",
            command_name=f"Công an xã Thử {i}",
        )
    officer = make_user(f"officer_{n}", province, "officer")
    leader = make_user(f"leader_{n}", province, "leader")
    t = today()
    document = issued(
        officer,
        leader,
        province,
        STATE,
        "KH",
        day=t - 10 * DAY,
        recipient_rule=R.CHILDREN,
        disseminate_by=t - DAY,
        plan_by=t + 5 * DAY,
    )
    first = Recipient.objects.filter(document=document).order_by("path")
    for r in first[: n // 3]:
        services.set_dissemination(document.pk, r.unit_id, t - 3 * DAY, 1)
    return officer, document


def queries(client, user, url):
    client.force_login(user)
    client.get(url)  # the session, the first time
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["detail", "recipients", "chain"])
def test_the_query_count_does_not_grow_with_the_recipients(client, cast, name):
    counts = []
    for n in (30, 300):
        officer, document = big_province(cast, n)
        counts.append(queries(client, officer, reverse(f"documents:{name}", args=[document.pk])))
    assert counts[0] == counts[1], counts


def test_many_recipients_are_paged(client, cast):
    officer, document = big_province(cast, 300)
    page = text(get(client, officer, "detail", pk=document.pk))
    assert "Trang 1/15" in page  # 20 a page on the document page
    assert "300" in page and "100 đúng hạn" in page  # the summary's total
    assert "?nhom=2#summary" in page  # its 300 communes, 50 rows a page
    last = text(get(client, officer, "detail", pk=document.pk, query="?nhom=6"))
    summary = last.split('id="summary"')[1].split('id="recipients"')[0]
    assert "Trang 6/6 · 300 dòng" in summary
    assert re.search(r"Thử 299\b", summary) and not re.search(r"Thử 0\b", summary)
    recipients = text(get(client, officer, "recipients", pk=document.pk, query="?page=2"))
    assert "Trang 2/6" in recipients and "Công an xã Thử 50<" in recipients
    assert "Công an xã Thử 0<" not in recipients
    overdue = text(get(client, officer, "recipients", pk=document.pk, query="?status=overdue"))
    assert "200 đơn vị nhận" in overdue
    chain = text(get(client, officer, "chain", pk=document.pk, query="?page=6"))
    assert "Trang 6/6" in chain


def provinces_with_plans(cast, ministry_leader, k):
    """A ministry plan to k new provinces (two communes each), each with its own plan."""
    tinh, xa = Level.objects.get(code="tinh"), Level.objects.get(code="xa")
    provinces = []
    for i in range(k):
        province = Unit.objects.create(
            code=f"TK{k}-{i}",
            name=f"Công an tỉnh Mẫu {k}-{i}",
            short_name=f"Mẫu {k}-{i}",
            level=tinh,
            parent=cast.root,
            party_name=f"Đảng ủy Công an tỉnh Mẫu {k}-{i}",
            command_name=f"Công an tỉnh Mẫu {k}-{i}",
        )
        for j in range(2):
            Unit.objects.create(
                code=f"XK{k}-{i}-{j}",
                name=f"Công an xã Mẫu {k}-{i}-{j}",
                short_name=f"Mẫu {k}-{i}-{j}",
                level=xa,
                parent=province,
                party_name=f"Chi bộ xã Mẫu {k}-{i}-{j}",
                command_name=f"Công an xã Mẫu {k}-{i}-{j}",
            )
        provinces.append(province)
    t = today()
    central = issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        units=provinces,
        recipient_rule=R.EXPLICIT,
        disseminate_by=t + 20 * DAY,
        plan_by=t + 20 * DAY,
    )
    for province in provinces:
        officer = make_user(f"officer_{province.code}", province, "officer")
        leader = make_user(f"leader_{province.code}", province, "leader")
        plan = draft(officer, province, recipient_rule=R.CHILDREN, disseminate_by=t + 10 * DAY)
        services.add_link(plan, central, L.IMPLEMENTS, officer)
        services.send_for_review(plan, officer)
        services.issue(plan, leader)
    return central


def test_the_chain_reads_the_plans_of_a_page_at_once(client, cast, ministry_leader):
    counts = []
    for k in (2, 6):
        central = provinces_with_plans(cast, ministry_leader, k)
        url = reverse("documents:chain", args=[central.pk])
        counts.append(queries(client, cast.ministry_officer, url))
        page = text(client.get(url))
        assert page.count("<strong>0</strong>/2") == k  # each plan's two communes
    assert counts[0] == counts[1], counts
