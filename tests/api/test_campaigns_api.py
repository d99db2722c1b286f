"""The campaigns API: campaigns (list, read), the progress of one unit and of a subtree — in
and out of scope, what met each requirement, bad input answered in Vietnamese.

The scene is the seed's campaign on the fixed cast (tests/campaigns/conftest.py): its
phases ended in April 2026, so every standing is settled whatever today is. Thái Nguyên
(T19) held its launch meeting and issued its plan on time and sent its self-review; its
commune X05500 held its session on time and sent its self-review (complete), X05800 held
it late and sent none (lagging); Hà Nội (T01) and its commune did nothing (lagging)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from giaoban.audit.models import AuditEntry
from giaoban.campaigns import services
from giaoban.campaigns.models import Requirement
from giaoban.core import uploads
from giaoban.units.models import Level
from tests.api.conftest import api_client, token_client
from tests.campaigns.conftest import T0, day, issue, scene, session  # noqa: F401 (a fixture)

PDF = b"%PDF-1.4\n% test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def records(scene):  # noqa: F811
    s, c = scene, scene.cast
    s.province_plan = issue(
        c.officer_a, c.leader_a, c.province_a, "Kế hoạch của tỉnh", day(3), implements=s.plan
    )
    s.launch = session(
        c.officer_a, c.province_a, s.plan, day(5), kind="gd-chinh-tri", title="Hội nghị phát động"
    )
    s.session_a1 = session(c.commune_officer, c.commune_a1, s.province_plan, day(12))
    s.session_a2 = session(c.officer_a, c.commune_a2, s.province_plan, day(35))
    upload = SimpleUploadedFile("kiem-diem.pdf", PDF, content_type="application/pdf")
    services.send_results(
        c.officer_a,
        s.r_review,
        c.province_a,
        "Đảng ủy Công an tỉnh đã tự kiểm điểm.",
        files=[(upload, uploads.check(upload))],
        day=day(40),
    )
    services.send_results(c.commune_officer, s.r_review, c.commune_a1, "Chi bộ xong.", day=day(41))
    return s


def url(campaign, tail=""):
    return f"/api/campaigns/{campaign.pk}" + tail


def fields_of(response):
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def by_code(rows):
    return {row["unit"]["code"]: row for row in rows}


# ------------------------------------------------------------------ authentication


@pytest.mark.parametrize(
    "path",
    [
        "/api/campaigns",
        "/api/campaigns/1",
        "/api/campaigns/1/progress",
        "/api/campaigns/1/units/T19",
    ],
)
def test_anonymous_is_refused_with_401(cast, path):
    response = Client().get(path)
    assert response.status_code == 401
    assert "chưa đăng nhập" in response.json()["detail"]


# ------------------------------------------------------------------ campaigns


def test_the_ministry_reads_its_campaign_with_phases_and_requirements(records):
    s = records
    response = token_client(s.cast.ministry_officer).get(url(s.campaign))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == s.campaign.title and data["status"] == "launched"
    assert data["status_name"] == "Đã phát động"
    assert data["unit"]["code"] == "BCA"
    assert data["plan"]["id"] == s.plan.pk and s.plan.symbol in data["plan"]["label"]
    assert [(p["number"], p["state"]) for p in data["phases"]] == [
        (1, "finished"),
        (2, "finished"),
        (3, "finished"),
    ]
    assert data["phases"][0]["state_name"] == "Đã kết thúc" and data["current_phase"] is None
    reqs = {r["id"]: r for r in data["requirements"]}
    launch = reqs[s.r_launch.pk]
    assert launch["kind"] == "activity" and launch["level"]["code"] == "tinh"
    assert launch["activity_kind"]["code"] == "gd-chinh-tri" and launch["min_count"] == 1
    assert launch["deadline"] == str(day(9)) and launch["phase"] == 1
    review = reqs[s.r_review.pk]
    assert review["level"] is None and review["kind_name"].startswith("Gửi báo cáo kết quả")
    assert review["deadline"] == str(day(44))


def test_every_unit_of_the_subtree_lists_the_launched_campaign(records):
    c = records.cast
    for user in (c.ministry_officer, c.officer_a, c.commune_officer, c.officer_b):
        listing = token_client(user).get("/api/campaigns").json()
        assert [i["id"] for i in listing["items"]] == [records.campaign.pk], user.username
        assert listing["total"] == 1


def test_a_campaign_being_prepared_is_missing_outside_the_launching_units_scope(records):
    c = records.cast
    plan = issue(c.officer_a, c.leader_a, c.province_a, "Kế hoạch đợt của tỉnh", day(1))
    draft = services.create(c.officer_a, c.province_a, "Đợt của tỉnh", plan.pk, T0, day(20))
    ministry = token_client(c.ministry_officer).get(url(draft))
    assert ministry.status_code == 200 and ministry.json()["status"] == "draft"
    for user in (c.commune_officer, c.officer_b):
        response = token_client(user).get(url(draft))
        assert response.status_code == 404, user.username
        assert "Không tìm thấy đợt sinh hoạt chính trị" in response.json()["detail"]
        assert token_client(user).get(url(draft, "/progress")).status_code == 404
    filtered = token_client(c.ministry_officer).get("/api/campaigns?status=draft").json()
    assert [i["id"] for i in filtered["items"]] == [draft.pk]
    by_unit = token_client(c.ministry_officer).get("/api/campaigns?unit=t19").json()
    assert [i["id"] for i in by_unit["items"]] == [draft.pk]


def test_a_plan_the_caller_cannot_open_is_named_without_its_id(records):
    # The ministry's plan went to its children: a commune does not receive it.
    data = token_client(records.cast.commune_officer).get(url(records.campaign)).json()
    assert data["plan"]["id"] is None and records.plan.symbol in data["plan"]["label"]


# ------------------------------------------------------------------ progress of a subtree


def test_the_ministry_sees_each_province_and_what_lags(records):
    response = token_client(records.cast.ministry_officer).get(url(records.campaign, "/progress"))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["node"]["code"] == "BCA"
    own = data["own"]
    assert (own["applicable"], own["met"], own["state"]) == (1, 0, "lagging")
    assert own["state_name"] == "Chậm tiến độ"
    # Below the ministry: the department, two provinces, three communes.
    assert data["below"] == {"units": 6, "complete": 2, "lagging": 4}
    assert data["standings"] == {"on_time": 5, "late": 1, "pending": 0, "overdue": 8}
    groups = by_code(data["groups"])
    assert list(groups) == ["CTDCT", "T01", "T19"]
    t19 = groups["T19"]
    assert (t19["own"]["met"], t19["own"]["applicable"], t19["own"]["state"]) == (3, 3, "complete")
    assert t19["below"] == {"units": 2, "complete": 1, "lagging": 1}
    t01 = groups["T01"]
    assert t01["own"]["standings"] == {"on_time": 0, "late": 0, "pending": 0, "overdue": 3}
    assert t01["below"] == {"units": 1, "complete": 0, "lagging": 1}
    assert groups["CTDCT"]["below"] == {"units": 0, "complete": 0, "lagging": 0}


def test_a_province_sees_its_own_subtree_never_a_siblings(records):
    client = token_client(records.cast.officer_a)
    response = client.get(url(records.campaign, "/progress"))
    assert response.status_code == 200
    data = response.json()
    assert data["node"]["code"] == "T19"
    assert list(by_code(data["groups"])) == ["X05500", "X05800"]
    assert by_code(data["groups"])["X05500"]["own"]["state"] == "complete"
    assert by_code(data["groups"])["X05800"]["own"]["state"] == "lagging"
    assert "Hà Nội" not in response.content.decode()
    for node in ("T01", "BCA", "X00004"):
        refused = client.get(url(records.campaign, f"/progress?node={node}"))
        assert refused.status_code == 404, node
        assert "Không tìm thấy đơn vị" in refused.json()["detail"]
        assert "Hà Nội" not in refused.content.decode()


def test_a_row_of_the_table_opens_the_units_below_it(records):
    client = api_client(records.cast.ministry_officer)  # the browser's session works too
    data = client.get(url(records.campaign, "/progress?node=t19")).json()
    assert data["node"]["code"] == "T19" and data["own"]["state"] == "complete"
    commune = client.get(url(records.campaign, "/progress?node=X05800")).json()
    assert commune["groups"] == [] and commune["below"]["units"] == 0
    assert commune["own"]["standings"]["late"] == 1


def test_a_unit_the_campaign_does_not_concern_is_missing(records):
    c = records.cast
    plan = issue(c.officer_a, c.leader_a, c.province_a, "Kế hoạch đợt của tỉnh", day(1))
    mine = services.create(c.officer_a, c.province_a, "Đợt của tỉnh", plan.pk, T0, day(20))
    phase = services.add_phase(c.officer_a, mine, "Một giai đoạn", T0, day(20))
    services.add_requirement(c.officer_a, mine, phase, Requirement.Kind.RESULTS, "Báo cáo")
    services.launch(c.officer_a, mine)
    client = token_client(c.ministry_officer)
    for tail in ("/progress?node=T01", "/units/T01"):
        response = client.get(url(mine, tail))
        assert response.status_code == 404, tail
        assert "không thuộc phạm vi đợt" in response.json()["detail"]
    # The ministry sees the province's campaign from the province down.
    assert client.get(url(mine, "/progress")).json()["node"]["code"] == "T19"


# ------------------------------------------------------------------ progress of a unit


def test_a_province_reads_what_met_each_of_its_requirements(records):
    s = records
    response = token_client(s.cast.officer_a).get(url(s.campaign, "/units/T19"))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["unit"]["code"] == "T19" and data["level"] == "tinh"
    assert data["counts"]["state"] == "complete" and data["counts"]["met"] == 3
    items = {i["requirement"]: i for i in data["requirements"]}
    assert list(items) == [s.r_launch.pk, s.r_plan.pk, s.r_review.pk]
    launch = items[s.r_launch.pk]
    assert (launch["standing"], launch["met_on"]) == ("on_time", str(day(5)))
    assert launch["standing_name"] == "Đã thực hiện đúng hạn"
    assert launch["records"] == [
        {"kind": "activity", "id": s.launch.pk, "label": str(s.launch), "date": str(day(5))}
    ]
    plan = items[s.r_plan.pk]
    assert plan["met_on"] == str(day(3))
    assert [(r["kind"], r["id"]) for r in plan["records"]] == [("document", s.province_plan.pk)]
    review = items[s.r_review.pk]
    assert review["records"] == [] and review["met_on"] == str(day(40))
    assert review["results"]["text"] == "Đảng ủy Công an tỉnh đã tự kiểm điểm."
    assert [f["name"] for f in review["results"]["files"]] == ["kiem-diem.pdf"]


def test_a_late_session_and_a_missing_result(records):
    s = records
    data = token_client(s.cast.officer_a).get(url(s.campaign, "/units/X05800")).json()
    items = {i["requirement"]: i for i in data["requirements"]}
    assert items[s.r_session.pk]["standing"] == "late"
    assert items[s.r_session.pk]["met_on"] == str(day(35))
    assert [r["id"] for r in items[s.r_session.pk]["records"]] == [s.session_a2.pk]
    missing = items[s.r_review.pk]
    assert (missing["standing"], missing["met_on"], missing["results"]) == ("overdue", None, None)
    assert missing["standing_name"] == "Quá hạn, chưa thực hiện"
    assert data["counts"]["state"] == "lagging"


def test_a_unit_to_which_nothing_applies_reads_not_applicable(records):
    s = records
    Requirement.objects.filter(pk=s.r_review.pk).delete()
    data = token_client(s.cast.ministry_officer).get(url(s.campaign, "/units/CTDCT")).json()
    assert data["requirements"] == []
    assert data["counts"]["applicable"] == 0 and data["counts"]["state"] == "not_applicable"
    assert data["counts"]["state_name"] == "Không áp dụng"
    table = token_client(s.cast.ministry_officer).get(url(s.campaign, "/progress")).json()
    assert by_code(table["groups"])["CTDCT"]["own"]["state"] == "not_applicable"


def test_a_unit_outside_the_callers_scope_is_missing(records):
    c = records.cast
    for user, code in ((c.officer_a, "T01"), (c.commune_officer, "X05800"), (c.officer_b, "T19")):
        response = token_client(user).get(url(records.campaign, f"/units/{code}"))
        assert response.status_code == 404, (user.username, code)
        assert "Không tìm thấy đơn vị" in response.json()["detail"]


def test_reading_writes_nothing(records):
    before = AuditEntry.objects.exclude(model="accounts.ApiToken").count()
    client = token_client(records.cast.ministry_officer)
    for tail in ("", "/progress", "/units/T19"):
        assert client.get(url(records.campaign, tail)).status_code == 200
    assert AuditEntry.objects.exclude(model="accounts.ApiToken").count() == before


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("path", "field", "said"),
    [
        ("/api/campaigns/abc", "campaign", "Mã số đợt sinh hoạt chính trị (campaign): phải là"),
        ("/api/campaigns/0/progress", "campaign", "phải lớn hơn hoặc bằng 1"),
        ("/api/campaigns?status=done", "status", "phải là một trong"),
        ("/api/campaigns?limit=0", "limit", "Số bản ghi mỗi trang (limit)"),
        ("/api/campaigns?unit=T%2019", "unit", "mã đơn vị chỉ gồm"),
        ("/api/campaigns?limit=1&limit=500", "limit", "chỉ được gửi một lần"),
    ],
)
def test_bad_input_is_a_422_in_vietnamese(records, path, field, said):
    response = token_client(records.cast.ministry_officer).get(path)
    assert response.status_code == 422, response.content
    assert said in fields_of(response)[field]


def test_a_parameter_sent_twice_is_refused_before_anything_is_read(records):
    client = token_client(records.cast.ministry_officer)
    response = client.get(url(records.campaign, "/progress?node=T19&node=T01"))
    assert response.status_code == 422
    assert fields_of(response)["node"].endswith("chỉ được gửi một lần.")
    bad = client.get(url(records.campaign, "/progress?node=T19%00"))
    assert bad.status_code == 422 and "node" in fields_of(bad)


def test_a_unit_code_in_the_path_is_checked(records):
    client = token_client(records.cast.ministry_officer)
    response = client.get(url(records.campaign, "/units/T%2019"))
    assert response.status_code == 422
    assert fields_of(response)["code"].startswith("Mã đơn vị (code):")
    assert client.get(url(records.campaign, "/units/KHONGCO")).status_code == 404


def test_a_missing_campaign_reads_like_one_out_of_scope(records):
    response = token_client(records.cast.officer_a).get("/api/campaigns/999999/units/T19")
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "Không tìm thấy đợt sinh hoạt chính trị mã số 999999 trong phạm vi của đồng chí."
    )


def test_levels_are_named_as_the_data_names_them(records):
    data = token_client(records.cast.ministry_officer).get(url(records.campaign)).json()
    names = {r["level"]["code"]: r["level"]["name"] for r in data["requirements"] if r["level"]}
    assert names == {lv.code: lv.name for lv in Level.objects.filter(code__in=["tinh", "xa"])}
