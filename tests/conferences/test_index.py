"""The start page (Giao ban): the conferences the user may see, newest first, with what
they may see of attendance and tasks; the consolidated reports of their subtree; filters by
period and status; the actions only for who may change data."""

import datetime

from django.urls import reverse

from giaoban.conferences import consolidation, services, tasks
from giaoban.conferences.models import PARTY
from tests.conferences.conftest import KEY
from tests.conferences.test_conference_fixtures import DAY, A, days, participant
from tests.conferences.test_conference_fixtures import conference as conference  # noqa: F401

URL = reverse("conferences:index")


def page(client, user, **query):
    client.force_login(user)
    response = client.get(URL, query)
    return response, response.content.decode()


def test_the_host_sees_its_conferences_newest_first_with_counts(client, cast, form, conference):
    older = services.create(
        cast.ministry_officer,
        cast.root,
        form,
        "2025-H2",
        DAY - datetime.timedelta(days=150),
        title="Hội nghị giao ban cuối năm 2025",
    )
    rows = {p.unit.code: p for p in conference.participants.select_related("unit")}
    services.set_attendance(
        cast.ministry_officer,
        conference,
        {rows["T19"].pk: (A.PRESENT, "", 3), rows["CTDCT"].pk: (A.PRESENT, "", 2)},
    )
    conclusion = services.add_conclusion(cast.ministry_officer, conference, "Một.")
    tasks.assign(cast.ministry_officer, conclusion, days(30), rule="children")
    response, html = page(client, cast.ministry_officer)
    assert response.status_code == 200
    assert html.index(conference.title) < html.index(older.title)
    assert "6 tháng đầu năm 2026" in html and "6 tháng cuối năm 2025" in html
    assert "có mặt 2/3" in html and "5 đại biểu" in html
    assert "1 kết luận" in html and "3 nhiệm vụ" in html
    assert "Tạo hội nghị" in html and reverse("conferences:consolidation_new") in html
    assert reverse("conferences:tasks") in html


def test_a_participant_sees_the_conference_and_its_own_counts_only(client, cast, conference):
    a = participant(conference, cast.province_a)
    b = participant(conference, cast.province_b)
    services.set_attendance(
        cast.ministry_officer, conference, {a.pk: (A.PRESENT, "", 3), b.pk: (A.PRESENT, "", 9)}
    )
    conclusion = services.add_conclusion(cast.ministry_officer, conference, "Một.")
    tasks.assign(cast.ministry_officer, conclusion, days(30), rule="children")
    _response, html = page(client, cast.officer_a)
    assert conference.title in html
    assert "có mặt 1/1" in html and "3 đại biểu" in html and "1 nhiệm vụ" in html
    assert "9 đại biểu" not in html


def test_out_of_scope_sees_nothing_and_a_viewer_gets_no_actions(client, cast, form, conference):
    mine = services.create(cast.officer_a, cast.province_a, form, KEY, DAY, title="Giao ban tỉnh")
    _response, html = page(client, cast.officer_b)
    assert conference.title in html  # Hà Nội takes part in the ministry's
    assert mine.title not in html
    _response, html = page(client, cast.commune_officer)  # X05500: the province's, as a participant
    assert mine.title in html and conference.title not in html
    _response, html = page(client, cast.leader_a)
    assert "Tạo hội nghị" not in html and "Lập báo cáo tổng hợp" not in html


def test_filters_by_period_and_status(client, cast, form, conference, ministry_leader):
    other = services.create(cast.ministry_officer, cast.root, form, "2025-H2", DAY)
    services.add_conclusion(cast.ministry_officer, other, "Một.")
    services.close(ministry_leader, other)
    _response, html = page(client, cast.ministry_officer, period=KEY)
    assert reverse("conferences:conference", kwargs={"pk": conference.pk}) in html
    assert reverse("conferences:conference", kwargs={"pk": other.pk}) not in html
    _response, html = page(client, cast.ministry_officer, status="closed")
    assert reverse("conferences:conference", kwargs={"pk": other.pk}) in html
    assert reverse("conferences:conference", kwargs={"pk": conference.pk}) not in html
    response, html = page(client, cast.ministry_officer, status="nope")
    assert response.status_code == 400 and "Trạng thái: Lựa chọn không hợp lệ." in html


def test_the_consolidated_reports_of_the_subtree(client, cast, form, sent):
    report = consolidation.open_draft(cast.ministry_officer, cast.root, PARTY, form, KEY)
    _response, html = page(client, cast.ministry_officer)
    assert reverse("conferences:consolidation", kwargs={"pk": report.pk}) in html
    _response, html = page(client, cast.officer_a)
    assert reverse("conferences:consolidation", kwargs={"pk": report.pk}) not in html
    assert "Chưa có báo cáo tổng hợp nào thuộc phạm vi của đồng chí." in html
