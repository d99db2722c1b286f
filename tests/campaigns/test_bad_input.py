"""Bad input on the campaign's editors (issue 10, point 6): a requirement no record could
meet, phases that overlap or fall outside the campaign, NUL and NFD text, an unknown kind,
dates that are not dates — each refused with a Vietnamese message beside its field, a 400
and the form shown again, and not one row of the campaign tables changed."""

import unicodedata

import pytest

from giaoban.activities.models import ActivityKind
from giaoban.campaigns import services
from giaoban.campaigns.models import Campaign, Requirement
from giaoban.campaigns.services import CampaignError
from giaoban.units.models import Level
from tests.campaigns.conftest import T0, day, issue
from tests.campaigns.fixtures_pages import ROOT, rows_of, signed_in

K = Requirement.Kind
NUL = "Không được chứa ký tự rỗng (NUL)."
CHOICE = "Lựa chọn không hợp lệ."
DATE = "Ghi ngày theo dạng ngày/tháng/năm."


def d(n):
    return f"{day(n):%d/%m/%Y}"


@pytest.fixture
def draft(cast):
    """Thái Nguyên's campaign being prepared, T0 … T0+40: phase 1 (T0 … T0+19) with a
    requirement, phase 2 (T0+20 … T0+30)."""
    c = cast
    plan = issue(c.officer_a, c.leader_a, c.province_a, "Kế hoạch đợt của tỉnh", day(-1))
    campaign = services.create(c.officer_a, c.province_a, "Đợt của tỉnh", plan.pk, T0, day(40))
    campaign.plan_doc = plan
    campaign.p1 = services.add_phase(c.officer_a, campaign, "Quán triệt", T0, day(19))
    campaign.p2 = services.add_phase(c.officer_a, campaign, "Tự kiểm điểm", day(20), day(30))
    campaign.r1 = services.add_requirement(
        c.officer_a, campaign, campaign.p1, K.RESULTS, "Báo cáo kết quả quán triệt"
    )
    return campaign


def refused(client, url, data, field, message):
    """POST `data`; the form comes back (400) with `message` beside `field`, nothing written."""
    before = rows_of()
    response = client.post(url, data)
    assert response.status_code == 400, (url, data, response.status_code)
    form = response.context["form"]
    assert message in " ".join(form.errors.get(field, [])), (field, form.errors)
    assert message in response.content.decode()  # shown on the page, beside the field
    assert rows_of() == before
    return response


# ------------------------------------------------------------------ the campaign


def campaign_data(draft, **changes):
    data = {
        "unit": "T19",
        "title": "Đợt sinh hoạt chính trị của tỉnh",
        "plan": str(draft.plan_doc.pk),
        "start": d(0),
        "end": d(40),
        "description": "",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "Đợt\x00của tỉnh"}, "title", NUL),
        ({"description": "Mục đích\x00"}, "description", NUL),
        ({"title": ""}, "title", "Trường này là bắt buộc."),
        ({"title": "   "}, "title", "Nội dung là bắt buộc."),
        ({"title": "x" * 301}, "title", "Tối đa 300 ký tự."),
        ({"start": "31/02/2026"}, "start", DATE),
        ({"end": "ngày mai"}, "end", DATE),
        ({"start": d(10), "end": d(9)}, "end", "Ngày kết thúc phải từ ngày bắt đầu trở đi."),
        ({"plan": "999999"}, "plan", CHOICE),
        ({"plan": "abc"}, "plan", CHOICE),
    ],
)
def test_a_bad_campaign_is_refused_beside_its_field(cast, draft, changes, field, message):
    client = signed_in(cast.officer_a)
    refused(client, f"{ROOT}moi/", campaign_data(draft, **changes), field, message)
    refused(client, f"{ROOT}{draft.pk}/sua/", campaign_data(draft, **changes), field, message)


def test_a_campaign_whose_dates_would_leave_a_phase_outside_is_refused(cast, draft):
    client = signed_in(cast.officer_a)
    message = "Các giai đoạn phải nằm trong thời gian của đợt"
    refused(client, f"{ROOT}{draft.pk}/sua/", campaign_data(draft, start=d(1)), "start", message)
    refused(client, f"{ROOT}{draft.pk}/sua/", campaign_data(draft, end=d(29)), "end", message)


def test_nfd_text_is_stored_in_nfc(cast, draft):
    title = "Đợt sinh hoạt chính trị về xây dựng Đảng"
    decomposed = unicodedata.normalize("NFD", title)
    assert decomposed != title
    client = signed_in(cast.officer_a)
    response = client.post(f"{ROOT}moi/", campaign_data(draft, title=f"  {decomposed}  "))
    assert response.status_code == 302
    assert Campaign.objects.filter(title=title).exists()
    data = {"title": unicodedata.normalize("NFD", "Tổng kết"), "start": d(31), "end": d(40)}
    assert client.post(f"{ROOT}{draft.pk}/giai-doan/them/", data).status_code == 302
    assert draft.phases.get(number=3).title == "Tổng kết"


# ------------------------------------------------------------------ phases


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ((-1, 35), "Giai đoạn phải nằm trong thời gian của đợt (02/03/2026–11/04/2026)."),
        ((31, 41), "Giai đoạn phải nằm trong thời gian của đợt (02/03/2026–11/04/2026)."),
        ((15, 35), "Trùng thời gian với giai đoạn 1 (02/03/2026–21/03/2026)."),
        ((30, 35), "Trùng thời gian với giai đoạn 2 (22/03/2026–01/04/2026)."),
        ((5, 8), "Trùng thời gian với giai đoạn 1 (02/03/2026–21/03/2026)."),
    ],
)
def test_a_phase_outside_the_campaign_or_over_another_is_refused(cast, draft, dates, message):
    data = {"title": "Tổng kết", "start": d(dates[0]), "end": d(dates[1])}
    refused(signed_in(cast.officer_a), f"{ROOT}{draft.pk}/giai-doan/them/", data, "start", message)


def test_a_phase_edited_over_another_is_refused(cast, draft):
    data = {"title": "Tự kiểm điểm", "start": d(19), "end": d(30)}
    message = "Trùng thời gian với giai đoạn 1 (02/03/2026–21/03/2026)."
    refused(signed_in(cast.officer_a), f"{ROOT}giai-doan/{draft.p2.pk}/", data, "start", message)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "Tổng\x00kết"}, "title", NUL),
        ({"title": ""}, "title", "Trường này là bắt buộc."),
        ({"start": "2026/13/45"}, "start", DATE),
        ({"start": d(35), "end": d(31)}, "end", "Ngày kết thúc phải từ ngày bắt đầu trở đi."),
    ],
)
def test_a_bad_phase_is_refused_beside_its_field(cast, draft, changes, field, message):
    data = {"title": "Tổng kết", "start": d(31), "end": d(40), **changes}
    refused(signed_in(cast.officer_a), f"{ROOT}{draft.pk}/giai-doan/them/", data, field, message)


# ------------------------------------------------------------------ requirements


def requirement_data(draft, **changes):
    data = {
        "title": "Sinh hoạt chuyên đề của chi bộ",
        "phase": str(draft.p2.pk),
        "level": str(Level.objects.get(code="xa").pk),
        "kind": K.ACTIVITY,
        "activity_kind": str(ActivityKind.objects.get(code="quan-triet").pk),
        "min_count": "1",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # No way to be met: an activity requirement without its kind of activity.
        (
            {"activity_kind": ""},
            "activity_kind",
            "Yêu cầu tổ chức hoạt động cần một loại hoạt động đang dùng.",
        ),
        # A level with no unit in the campaign's subtree (the form offers none such).
        ({"level": "cuc"}, "level", CHOICE),
        ({"level": "999999"}, "level", CHOICE),
        ({"activity_kind": "999999"}, "activity_kind", CHOICE),
        ({"min_count": "0"}, "min_count", "Không nhỏ hơn 1."),
        ({"min_count": "101"}, "min_count", "Không lớn hơn 100."),
        ({"min_count": "hai"}, "min_count", "Ghi một số nguyên."),
        # An unknown kind, or none.
        ({"kind": "tick"}, "kind", CHOICE),
        ({"kind": ""}, "kind", "Trường này là bắt buộc."),
        ({"phase": ""}, "phase", "Trường này là bắt buộc."),
        ({"phase": "999999"}, "phase", CHOICE),
        ({"title": "Sinh hoạt\x00chuyên đề"}, "title", NUL),
        ({"title": "x" * 301}, "title", "Tối đa 300 ký tự."),
    ],
)
def test_a_bad_requirement_is_refused_beside_its_field(cast, draft, changes, field, message):
    if changes.get("level") == "cuc":
        changes = {"level": str(Level.objects.get(code="cuc").pk)}
    client = signed_in(cast.officer_a)
    data = requirement_data(draft, **changes)
    refused(client, f"{ROOT}{draft.pk}/yeu-cau/them/", data, field, message)
    refused(client, f"{ROOT}yeu-cau/{draft.r1.pk}/", data, field, message)


def test_a_kind_no_longer_in_use_cannot_be_chosen(cast, draft):
    kind = ActivityKind.objects.get(code="quan-triet")
    ActivityKind.objects.filter(pk=kind.pk).update(is_active=False)
    data = requirement_data(draft)
    url = f"{ROOT}{draft.pk}/yeu-cau/them/"
    refused(signed_in(cast.officer_a), url, data, "activity_kind", CHOICE)


def test_a_phase_of_another_campaign_is_refused(cast, draft):
    other = services.create(
        cast.officer_a, cast.province_a, "Đợt khác", draft.plan_doc.pk, T0, day(9)
    )
    phase = services.add_phase(cast.officer_a, other, "Một", T0, day(9))
    data = requirement_data(draft, phase=str(phase.pk))
    refused(signed_in(cast.officer_a), f"{ROOT}{draft.pk}/yeu-cau/them/", data, "phase", CHOICE)


def test_a_results_requirement_does_not_take_an_activity_kind(cast, draft):
    # The form drops the activity's fields for another kind: saved, without them.
    data = requirement_data(draft, kind=K.RESULTS, min_count="0")
    response = signed_in(cast.officer_a).post(f"{ROOT}{draft.pk}/yeu-cau/them/", data)
    assert response.status_code == 302
    added = draft.requirements.latest("pk")
    assert (added.kind, added.activity_kind, added.min_count) == (K.RESULTS, None, 1)


# ------------------------------------------------------------------ the services say why


def test_the_services_refuse_what_no_record_could_meet_and_write_nothing(cast, draft):
    officer = cast.officer_a
    before = rows_of()
    cases = [
        (
            {"kind": K.RESULTS, "level": Level.objects.get(code="cuc")},
            "level",
            "Không có đơn vị cấp Cục, đơn vị thuộc Bộ nào thuộc phạm vi đợt: yêu cầu này không "
            "đơn vị nào thực hiện được.",
        ),
        (
            {"kind": K.ACTIVITY, "activity_kind_id": None},
            "activity_kind",
            "Yêu cầu tổ chức hoạt động cần một loại hoạt động đang dùng.",
        ),
        (
            {
                "kind": K.RESULTS,
                "activity_kind_id": ActivityKind.objects.get(code="quan-triet").pk,
            },
            "activity_kind",
            "Chỉ yêu cầu tổ chức hoạt động mới chọn loại hoạt động.",
        ),
        ({"kind": "tick"}, "kind", "Cách đáp ứng không hợp lệ."),
        (
            {
                "kind": K.ACTIVITY,
                "activity_kind_id": ActivityKind.objects.get(code="quan-triet").pk,
                "min_count": 0,
            },
            "min_count",
            "Số hoạt động tối thiểu từ 1 đến 100.",
        ),
    ]
    for fields, field, message in cases:
        with pytest.raises(CampaignError) as caught:
            services.add_requirement(officer, draft, draft.p1, title="Yêu cầu", **fields)
        assert (caught.value.field, caught.value.message) == (field, message)
    with pytest.raises(CampaignError) as caught:
        services.add_requirement(officer, draft, None, K.RESULTS, "Yêu cầu")
    assert caught.value.message == "Chọn một giai đoạn của đợt."
    assert rows_of() == before
