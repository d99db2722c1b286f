"""Editing report forms in the app: administrators at the top only, versioned once in use,
validated with Vietnamese messages, every change audited."""

import pytest
from django.test import Client
from django.urls import reverse

from giaoban.audit.models import AuditEntry
from giaoban.reports import versioning, workflow
from giaoban.reports.models import (
    FormDeadline,
    FormVersion,
    Indicator,
    NarrativeField,
    Report,
    ReportForm,
    Section,
    ValidationRule,
)
from tests.reports.conftest import GOOD, TEXTS

KEY = "2026-H1"
CODE = "CTD-CTCT-6T"


def u(name, **kwargs):
    return reverse(f"reports:{name}", kwargs=kwargs)


@pytest.fixture
def admin(client, cast, form):
    client.force_login(cast.ministry_admin)
    return client


def indicator(form, code, version=None):
    version = version or form.current_version()
    return Indicator.objects.get(version=version, code=code)


def counts(version):
    return (
        version.sections.count(),
        version.indicators.count(),
        version.narratives.count(),
        version.rules.count(),
    )


def indicator_post(ind, **changes):
    data = {
        "section": ind.section_id,
        "code": ind.code,
        "name": ind.name,
        "unit_of_measure": ind.unit_of_measure,
        "value_type": ind.value_type,
        "aggregation": ind.aggregation,
        "order": ind.order,
    }
    if ind.is_main:
        data["is_main"] = "on"
    data.update(changes)
    return data


def use_version(form, cast):
    """A report opened on the current version puts it in use."""
    return workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)


# ------------------------------------------------------------------ access


def all_urls(form):
    version = form.current_version()
    ind = version.indicators.first()
    section = version.sections.first()
    narrative = version.narratives.first()
    rule = version.rules.first()
    return [
        u("form_list"),
        u("form_create"),
        u("form_edit", form=CODE),
        u("form_deadlines", form=CODE),
        u("form_version", form=CODE, pk=version.pk),
        u("section_create", form=CODE),
        u("section_edit", form=CODE, pk=section.pk),
        u("section_delete", form=CODE, pk=section.pk),
        u("indicator_create", form=CODE),
        u("indicator_edit", form=CODE, pk=ind.pk),
        u("indicator_delete", form=CODE, pk=ind.pk),
        u("narrative_create", form=CODE),
        u("narrative_edit", form=CODE, pk=narrative.pk),
        u("narrative_delete", form=CODE, pk=narrative.pk),
        u("rule_create", form=CODE),
        u("rule_edit", form=CODE, pk=rule.pk),
        u("rule_delete", form=CODE, pk=rule.pk),
    ]


def test_the_pages_work_for_an_administrator_at_the_top(admin, form):
    for address in all_urls(form):
        response = admin.get(address)
        assert response.status_code == 200, address


def test_everyone_else_is_refused(client, cast, form):
    from tests.conftest import make_user

    province_admin = make_user("province_admin", cast.province_a, "admin")
    addresses = all_urls(form)
    for user in (
        cast.ministry_officer,
        cast.leader_a,
        cast.officer_a,
        cast.commune_leader,
        province_admin,
    ):
        client.force_login(user)
        for address in addresses:
            assert client.get(address).status_code == 403, (user, address)
            # 405 where the page takes GET only (the list, an old version): still refused.
            assert client.post(address, {}).status_code in (403, 405), (user, address)
    client.logout()
    response = client.get(u("form_list"))
    assert response.status_code == 302
    before = counts(form.current_version())
    assert counts(form.current_version()) == before


def test_unknown_forms_and_objects_are_404(admin, form):
    assert admin.get(u("form_edit", form="KHONG-CO")).status_code == 404
    assert admin.get(u("indicator_edit", form=CODE, pk=999999)).status_code == 404
    other = ReportForm.objects.create(
        code="KHAC", name="Mẫu khác", period_type="annual", owner=form.owner
    )
    v = FormVersion.objects.create(form=other, number=1)
    section = Section.objects.create(version=v, number="I", title="Mục")
    assert admin.get(u("section_edit", form=CODE, pk=section.pk)).status_code == 404


def test_changes_need_the_csrf_token(cast, form):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.ministry_admin)
    ind = indicator(form, "GD01")
    response = client.post(
        u("indicator_edit", form=CODE, pk=ind.pk), indicator_post(ind, name="Đổi tên")
    )
    assert response.status_code == 403
    assert indicator(form, "GD01").name == ind.name


# ------------------------------------------------------------------ versioning


def test_an_unused_version_is_edited_in_place_and_audited(admin, form):
    ind = indicator(form, "GD01")
    response = admin.post(
        u("indicator_edit", form=CODE, pk=ind.pk),
        indicator_post(ind, name="Số buổi quán triệt (sửa)"),
    )
    assert response.status_code == 302
    assert form.versions.count() == 1
    ind.refresh_from_db()
    assert ind.name == "Số buổi quán triệt (sửa)"
    entry = AuditEntry.objects.filter(model="reports.Indicator", object_id=str(ind.pk)).first()
    assert entry.action == "update"
    assert entry.after["name"] == "Số buổi quán triệt (sửa)"
    assert entry.before["name"] == "Số buổi học tập, quán triệt nghị quyết, chỉ thị"
    assert entry.actor.username == "ministry_admin"
    assert entry.unit_path == "BCA/"


def test_the_first_edit_of_a_version_in_use_makes_the_next_version(admin, cast, form):
    report = use_version(form, cast)
    workflow.save_entries(report, cast.officer_a, GOOD, TEXTS)
    v1 = form.current_version()
    shape = counts(v1)
    ind = indicator(form, "GD01")
    response = admin.post(
        u("indicator_edit", form=CODE, pk=ind.pk),
        indicator_post(ind, name="Số buổi quán triệt (mẫu mới)", version_note="Gộp chỉ tiêu"),
    )
    assert response.status_code == 302
    v2 = form.current_version()
    assert v2.number == 2 and v2.note == "Gộp chỉ tiêu"
    assert counts(v2) == shape  # everything copied
    assert indicator(form, "GD01", v2).name == "Số buổi quán triệt (mẫu mới)"
    assert indicator(form, "GD01", v1).name == "Số buổi học tập, quán triệt nghị quyết, chỉ thị"
    # The copy's rules point at the copy's indicators, never back at version 1.
    for rule in v2.rules.all():
        for related in (rule.indicator, rule.other, rule.narrative):
            assert related is None or related.version_id == v2.pk
    copied = v2.rules.get(kind="compare", indicator__code="GD02")
    assert copied.other.code == "GD01" and copied.operator == ">="
    # The old report keeps version 1 and its figures; new reports take version 2.
    report.refresh_from_db()
    assert report.version_id == v1.pk
    assert workflow.typed_entries(report)[0]["GD01"] == 4
    newer = workflow.open_report(form, cast.commune_a2, KEY, cast.officer_a)
    assert newer.version_id == v2.pk
    clone_entry = AuditEntry.objects.get(
        model="reports.FormVersion", object_id=str(v2.pk), message__contains="sao chép"
    )
    assert clone_entry.after["copied_from_version"] == 1
    assert clone_entry.after["indicators"] == shape[1]


def test_later_edits_stay_on_the_new_version_until_it_is_used(admin, cast, form):
    use_version(form, cast)
    first, second = indicator(form, "GD01"), indicator(form, "GD02")
    admin.post(u("indicator_edit", form=CODE, pk=first.pk), indicator_post(first, name="A"))
    v2 = form.current_version()
    second_v2 = indicator(form, "GD02", v2)
    admin.post(u("indicator_edit", form=CODE, pk=second_v2.pk), indicator_post(second_v2, name="B"))
    assert form.versions.count() == 2
    assert indicator(form, "GD02", v2).name == "B"
    # Version 1's objects are read-only now: their edit pages are gone.
    assert admin.get(u("indicator_edit", form=CODE, pk=second.pk)).status_code == 404
    workflow.open_report(form, cast.commune_a2, KEY, cast.officer_a)
    admin.post(u("indicator_edit", form=CODE, pk=second_v2.pk), indicator_post(second_v2, name="C"))
    assert form.current_version().number == 3


def test_adding_and_deleting_in_a_used_version_leave_it_untouched(admin, cast, form):
    use_version(form, cast)
    v1 = form.current_version()
    gd01 = indicator(form, "GD01")
    response = admin.post(u("indicator_delete", form=CODE, pk=gd01.pk))
    assert response.status_code == 302
    v2 = form.current_version()
    assert not v2.indicators.filter(code="GD01").exists()
    assert v1.indicators.filter(code="GD01").exists()
    # Its rules went with it, in version 2 only.
    assert not v2.rules.filter(other__code="GD01").exists()
    assert v1.rules.filter(other__code="GD01").exists()
    section = v2.sections.get(number="I")
    response = admin.post(
        u("indicator_create", form=CODE),
        {
            "section": section.pk,
            "code": "gd10",
            "name": "Số buổi học tập trực tuyến",
            "unit_of_measure": "buổi",
            "value_type": "int",
            "aggregation": "sum",
        },
    )
    assert response.status_code == 302
    new = v2.indicators.get(code="GD10")  # codes are stored upper-case
    assert new.order == max(v2.indicators.values_list("order", flat=True))
    assert form.versions.count() == 2
    assert not v1.indicators.filter(code="GD10").exists()


def test_deleting_a_section_takes_its_indicators_and_is_audited(admin, form):
    version = form.current_version()
    section = version.sections.get(number="III")
    n = section.indicators.count()
    page = admin.get(u("section_delete", form=CODE, pk=section.pk)).content.decode()
    assert "TD01 — Số phong trào, đợt thi đua được phát động" in page
    assert admin.post(u("section_delete", form=CODE, pk=section.pk)).status_code == 302
    assert not version.indicators.filter(code__startswith="TD").exists()
    deleted = AuditEntry.objects.filter(model="reports.Indicator", action="delete")
    assert deleted.count() == n


def test_a_required_narrative_gets_its_rule(admin, form):
    version = form.current_version()
    hc = version.narratives.get(code="HC")
    data = {"section": hc.section_id, "code": "HC", "title": hc.title, "order": hc.order}
    admin.post(u("narrative_edit", form=CODE, pk=hc.pk), dict(data, required="on"))
    rule = version.rules.get(kind="required", narrative__code="HC")
    assert rule.severity == "error" and "Hạn chế, tồn tại" in rule.message
    admin.post(u("narrative_edit", form=CODE, pk=hc.pk), data)
    assert not version.rules.filter(kind="required", narrative__code="HC").exists()
    # Deleting the rule of a required narrative makes it optional.
    kq_rule = version.rules.get(kind="required", narrative__code="KQ")
    admin.post(u("rule_delete", form=CODE, pk=kq_rule.pk))
    assert not NarrativeField.objects.get(version=version, code="KQ").required


# ------------------------------------------------------------------ validation


def assert_refused(response, *messages):
    assert response.status_code == 400
    html = response.content.decode()
    for message in messages:
        assert message in html, message


def test_indicator_codes_are_unique_within_a_version(admin, cast, form):
    use_version(form, cast)
    gd01 = indicator(form, "GD01")
    response = admin.post(
        u("indicator_edit", form=CODE, pk=gd01.pk), indicator_post(gd01, code="gd02")
    )
    assert_refused(response, "Mã chỉ tiêu: Mã “GD02” đã dùng cho một chỉ tiêu khác của mẫu này.")
    response = admin.post(
        u("indicator_edit", form=CODE, pk=gd01.pk), indicator_post(gd01, code="KQ")
    )
    assert_refused(response, "Mã “KQ” đã dùng cho một phần thuyết minh của mẫu này.")
    response = admin.post(
        u("indicator_edit", form=CODE, pk=gd01.pk), indicator_post(gd01, code="mã có dấu")
    )
    assert_refused(response, "Mã chỉ tiêu: “mã có dấu” không hợp lệ: Chữ in hoa không dấu")
    response = admin.post(
        u("indicator_edit", form=CODE, pk=gd01.pk), indicator_post(gd01, name="  ")
    )
    assert_refused(response, "Tên chỉ tiêu: Trường này là bắt buộc.")
    assert form.versions.count() == 1  # a refused edit clones nothing
    assert indicator(form, "GD01").name == gd01.name


def test_narrative_codes_do_not_clash(admin, form):
    section = form.current_version().sections.last()
    response = admin.post(
        u("narrative_create", form=CODE),
        {"section": section.pk, "code": "GD01", "title": "Trùng mã"},
    )
    assert_refused(
        response, "Mã phần thuyết minh: Mã “GD01” đã dùng cho một chỉ tiêu khác của mẫu này."
    )
    response = admin.post(
        u("narrative_create", form=CODE), {"section": section.pk, "code": "KQ", "title": "Trùng"}
    )
    assert_refused(response, "Mã “KQ” đã dùng cho một phần thuyết minh của mẫu này.")


def test_rules_are_checked_for_their_kind(admin, cast, form):
    use_version(form, cast)
    before = ValidationRule.objects.count()
    gd01, gd02 = indicator(form, "GD01"), indicator(form, "GD02")
    post = lambda data: admin.post(u("rule_create", form=CODE), data)  # noqa: E731
    assert_refused(
        post(
            {
                "kind": "compare",
                "severity": "error",
                "indicator": gd01.pk,
                "operator": ">=",
                "other": gd01.pk,
            }
        ),
        "So với chỉ tiêu: hai vế phải là hai chỉ tiêu khác nhau (đang cùng là GD01).",
    )
    assert_refused(
        post({"kind": "compare", "severity": "error", "indicator": gd01.pk}),
        "Phép so sánh: cần chọn phép so sánh.",
        "So với chỉ tiêu: cần chọn chỉ tiêu ở vế phải.",
    )
    assert_refused(
        post(
            {
                "kind": "bounds",
                "severity": "error",
                "indicator": gd01.pk,
                "min_value": "10",
                "max_value": "2,5",
            }
        ),
        "Giá trị lớn nhất: phải lớn hơn hoặc bằng giá trị nhỏ nhất (đang là 2,5 &lt; 10).",
    )
    assert_refused(
        post({"kind": "bounds", "severity": "error", "indicator": gd01.pk}),
        "Giá trị nhỏ nhất: cần nhập giá trị nhỏ nhất, lớn nhất hoặc cả hai.",
    )
    assert_refused(
        post({"kind": "required", "severity": "error"}),
        "Chỉ tiêu: quy tắc bắt buộc nhập cần đúng một chỉ tiêu hoặc một phần thuyết minh.",
    )
    assert ValidationRule.objects.count() == before and form.versions.count() == 1
    response = post(
        {
            "kind": "compare",
            "severity": "warning",
            "indicator": gd02.pk,
            "operator": "<=",
            "other": gd01.pk,
            "min_value": "5",
        }
    )
    assert response.status_code == 302
    v2 = form.current_version()
    rule = v2.rules.order_by("-pk").first()
    assert rule.indicator.version_id == v2.pk and rule.other.code == "GD01"
    assert rule.min_value is None  # fields of other kinds are dropped
    assert rule.message.startswith(
        "Lượt cán bộ, chiến sĩ tham gia học tập, quán triệt (GD02) phải ≤"
    )
    # The new rule applies to reports on version 2 only.
    fresh = workflow.open_report(form, cast.commune_a2, KEY, cast.officer_a)
    workflow.save_entries(fresh, cast.officer_a, dict(GOOD, GD02=120, GD01=4), TEXTS)
    assert any(p.message == rule.message for p in workflow.validate(fresh))
    old = Report.objects.get(unit=cast.commune_a1)
    workflow.save_entries(old, cast.officer_a, dict(GOOD, GD02=120, GD01=4), TEXTS)
    assert not any(p.message == rule.message for p in workflow.validate(old))


def test_section_numbers_are_unique(admin, form):
    response = admin.post(u("section_create", form=CODE), {"number": "ii", "title": "Trùng số"})
    assert_refused(response, "Số mục: “ii” đã có trong phiên bản này.")
    response = admin.post(u("section_create", form=CODE), {"number": "IX", "title": "Mục mới"})
    assert response.status_code == 302
    assert form.current_version().sections.order_by("-order").first().number == "IX"


def test_deadlines_cascade_lower_levels_first(admin, form):
    response = admin.post(
        u("form_deadlines", form=CODE),
        {"level_cuc": 9, "level_tinh": 8, "level_huyen": 12, "level_xa": 10},
    )
    assert_refused(
        response,
        "Công an xã, phường, đặc khu — số ngày sau khi hết kỳ: 10 ngày là muộn hơn hạn của "
        "Công an tỉnh, thành phố (8 ngày): cấp dưới phải báo cáo trước",
        "Công an huyện, quận, thị xã, thành phố thuộc tỉnh — số ngày sau khi hết kỳ",
    )
    assert FormDeadline.objects.get(form=form, level__code="xa").days_after_end == 3
    response = admin.post(
        u("form_deadlines", form=CODE),
        {"level_cuc": 10, "level_tinh": 10, "level_huyen": 6, "level_xa": -1},
    )
    assert_refused(response, "số ngày không được âm")
    response = admin.post(
        u("form_deadlines", form=CODE),
        {"level_cuc": 10, "level_tinh": 10, "level_huyen": 6, "level_xa": 4},
    )
    assert response.status_code == 302
    assert FormDeadline.objects.get(form=form, level__code="xa").days_after_end == 4
    entry = AuditEntry.objects.filter(model="reports.FormDeadline", action="update").first()
    assert entry.before["days_after_end"] == 3 and entry.after["days_after_end"] == 4


def test_the_header_is_edited_and_the_period_locked_once_reported(admin, cast, form):
    levels = list(form.levels.values_list("pk", flat=True))
    data = {
        "name": "Báo cáo CTĐ, CTCT (sửa)",
        "period_type": "quarterly",
        "cutoff_day": 1,
        "levels": levels,
        "is_active": "on",
    }
    response = admin.post(u("form_edit", form=CODE), dict(data, cutoff_day=29))
    assert_refused(response, "Ngày chốt số liệu: phải từ 1 đến 28")
    response = admin.post(u("form_edit", form=CODE), dict(data, levels=[]))
    assert_refused(response, "Các cấp báo cáo: cần chọn ít nhất một cấp.")
    use_version(form, cast)
    response = admin.post(u("form_edit", form=CODE), data)
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.name == "Báo cáo CTĐ, CTCT (sửa)"
    assert (form.period_type, form.cutoff_day) == ("half_year", 15)  # locked: reports exist
    assert AuditEntry.objects.filter(model="reports.ReportForm", action="update").exists()


def test_a_new_form_starts_with_an_empty_first_version(admin, form):
    from giaoban.units.models import Level

    xa = Level.objects.get(code="xa")
    data = {
        "code": "bc-thang",
        "name": "Báo cáo tháng",
        "period_type": "monthly",
        "cutoff_day": 1,
        "levels": [xa.pk],
    }
    response = admin.post(u("form_create"), data)
    assert response.status_code == 302
    new = ReportForm.objects.get(code="BC-THANG")
    assert not new.is_active
    assert new.current_version().number == 1
    assert list(new.levels.values_list("code", flat=True)) == ["xa"]
    levels_entry = AuditEntry.objects.filter(
        model="reports.ReportForm", object_id=str(new.pk), message="Đổi các cấp báo cáo"
    )
    assert levels_entry.get().after == {"levels": ["xa"]}
    assert_refused(admin.post(u("form_create"), data), "Mã mẫu: “BC-THANG” đã có mẫu khác dùng.")


def test_the_form_page_says_what_an_edit_will_do(admin, cast, form):
    html = admin.get(u("form_edit", form=CODE)).content.decode()
    assert "Phiên bản 1 chưa có báo cáo nào" in html
    use_version(form, cast)
    html = admin.get(u("form_edit", form=CODE)).content.decode()
    assert "Lần sửa tiếp theo sẽ tạo phiên bản 2" in html
    ind = indicator(form, "GD01")
    html = admin.get(u("indicator_edit", form=CODE, pk=ind.pk)).content.decode()
    assert "Ghi chú thay đổi (cho phiên bản mới)" in html


def test_version_conflicts_are_refused_not_misapplied(cast, form):
    use_version(form, cast)
    stale = indicator(form, "GD01")
    versioning.save_item(form, Indicator, stale, {"name": "Lần một"})
    with pytest.raises(versioning.VersionConflict):
        versioning.save_item(form, Indicator, stale, {"name": "Lần hai"})
    assert indicator(form, "GD01").name == "Lần một"
    assert indicator(form, "GD01", form.versions.get(number=1)).name != "Lần hai"
