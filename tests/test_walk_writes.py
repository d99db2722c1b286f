"""The permission walk, writing: every URL that accepts a POST is made to succeed once, in
scope, and whatever it changes in an audited model's table must come with its audit entry.

A POST URL the walk finds that is not in WRITES (a case that makes it succeed) or in
NOT_AUDITED (with the reason its writes are not audited) fails the walk, so a new
endpoint is taught here the day it is added.
"""

import io
import json

import pytest
from django.test import Client

from giaoban.accounts.models import ApiToken, RoleAssignment
from giaoban.audit.models import AuditEntry
from giaoban.reports import excel, workflow
from giaoban.reports.demo_form import ensure_demo_form
from giaoban.reports.models import Indicator, NarrativeField, Section, ValidationRule
from giaoban.units.models import Level
from tests import dbstate, walk_campaigns, walk_conferences, walk_records
from tests.conftest import make_unit
from tests.reports.conftest import GOOD, TEXTS
from tests.test_permission_walk import (  # noqa: F401 — `world` is the walk's fixture
    ALWAYS_404,
    ENTRIES,
    in_actor,
    shared_world,
    urls_for,
    world,
    world_copy,
)

KEY = "2026-H1"
PASSWORD = "Mat-khau-moi-2026-walk"
FORM = "CTD-CTCT-6T"


def report_url(name, code="X05500"):
    return f"/bao-cao/{FORM}/{KEY}/{code}/{name}"


def draft(w, unit=None, values=GOOD):
    form = ensure_demo_form()
    report = workflow.open_report(form, unit or w.commune_a1, KEY, w.ministry_admin)
    workflow.save_entries(report, w.ministry_admin, values, TEXTS, check_scope=False)
    return report


def submitted(w):
    report = draft(w)
    workflow.submit(report, w.commune_leader)
    return report


def accepted(w):
    report = submitted(w)
    workflow.accept(report, w.leader_a)
    return report


def current(form):
    return form.current_version()


# Each case: (URL name, setup(world) → (actor, url, data, content_type or None)).
def case_password_change(w):
    data = {"old_password": w.password, "new_password1": PASSWORD, "new_password2": PASSWORD}
    return w.officer_a, "/tai-khoan/ca-nhan/mat-khau/", data


def case_token_issue(w):
    return w.officer_a, "/tai-khoan/ca-nhan/khoa-api/", {"name": "Khóa của bài kiểm thử"}


def case_token_revoke(w):
    token = ApiToken.issue(w.officer_a, "sẽ thu hồi")[0]
    return w.officer_a, f"/tai-khoan/ca-nhan/khoa-api/{token.pk}/thu-hoi/", {}


def case_user_create(w):
    data = {
        "username": "nguoi_moi",
        "full_name": "Người Mới",
        "position": "",
        "email": "",
        "unit": "X05500",
        "role": "viewer",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return w.officer_a, "/tai-khoan/nguoi-dung/them/", data


def case_user_edit(w):
    data = {"full_name": "Tên Mới", "position": "Cán bộ", "email": "", "unit": "X05500"}
    return w.officer_a, f"/tai-khoan/nguoi-dung/{w.commune_leader.pk}/", data


def case_user_password(w):
    data = {"password1": PASSWORD, "password2": PASSWORD}
    return w.officer_a, f"/tai-khoan/nguoi-dung/{w.commune_leader.pk}/mat-khau/", data


def case_user_deactivate(w):
    return w.officer_a, f"/tai-khoan/nguoi-dung/{w.commune_leader.pk}/khoa/", {}


def case_user_activate(w):
    w.commune_leader.is_active = False
    w.commune_leader.save()
    return w.officer_a, f"/tai-khoan/nguoi-dung/{w.commune_leader.pk}/mo-khoa/", {}


def case_role_add(w):
    data = {"role": "viewer", "unit": "X05500"}
    return w.officer_a, f"/tai-khoan/nguoi-dung/{w.commune_leader.pk}/vai-tro/", data


def case_role_remove(w):
    ra = RoleAssignment.objects.get(user=w.commune_leader, unit=w.commune_a1, role="leader")
    return w.officer_a, f"/tai-khoan/vai-tro/{ra.pk}/xoa/", {}


def case_unit_create(w):
    data = {
        "code": "X05990",
        "name": "Công an xã Thử Nghiệm",
        "short_name": "Thử Nghiệm",
        "level": Level.objects.get(code="xa").pk,
        "party_name": "",
        "command_name": "",
        "active_from": "01/07/2025",
        "active_to": "",
    }
    return w.officer_a, "/don-vi/T19/them/", data


def case_unit_edit(w):
    data = {
        "name": w.commune_a1.name,
        "short_name": "P. Phan Đình Phùng",
        "level": w.commune_a1.level_id,
        "party_name": "",
        "command_name": "",
        "active_from": "",
        "active_to": "",
    }
    return w.officer_a, "/don-vi/X05500/sua/", data


def case_unit_close(w):
    return w.officer_a, "/don-vi/X05500/giai-the/", {"active_to": "31/12/2026"}


def case_unit_delete(w):
    make_unit("X05991", "Công an xã Sẽ Xóa", "Sẽ Xóa", "xa", w.province_a)
    return w.officer_a, "/don-vi/X05991/xoa/", {}


def case_fill(w):
    ensure_demo_form()
    data = {f"v-{k}": str(v) for k, v in GOOD.items()} | {f"t-{k}": v for k, v in TEXTS.items()}
    return w.officer_a, report_url("nhap/"), data


def case_submit(w):
    draft(w)
    return w.commune_leader, report_url("gui/"), {}


def case_accept(w):
    submitted(w)
    return w.officer_a, report_url("chap-nhan/"), {}


def case_return(w):
    submitted(w)
    return w.officer_a, report_url("tra-lai/"), {"return-reason": "Thiếu số liệu mục II"}


def case_reopen(w):
    accepted(w)
    return w.officer_a, report_url("mo-lai/"), {"reopen-reason": "Điều chỉnh số liệu"}


def case_remind(w):
    ensure_demo_form()
    return w.officer_a, f"/bao-cao/tien-do/{FORM}/{KEY}/X05500/nhac/", {}


def case_upload(w):
    form = ensure_demo_form()
    from tests.reports.test_excel import fill_unit

    data = excel.unit_template(form, form.period(KEY), w.commune_a1)
    filled = fill_unit(data, {"GD01": 3, "GD02": 90})
    upload = io.BytesIO(filled)
    upload.name = "bao-cao.xlsx"
    return w.officer_a, f"/bao-cao/{FORM}/{KEY}/X05500/excel/tai-len/", {"file": upload}


def case_form_create(w):
    data = {
        "code": "MAU-MOI",
        "name": "Mẫu mới",
        "period_type": "quarterly",
        "cutoff_day": "1",
        "levels": [Level.objects.get(code="xa").pk],
        "count_submitted": "",
    }
    return w.ministry_admin, "/bao-cao/mau/them/", data


def case_form_edit(w):
    form = ensure_demo_form()
    data = {
        "code": form.code,
        "name": form.name + " (sửa)",
        "period_type": form.period_type,
        "cutoff_day": str(form.cutoff_day),
        "levels": [lvl.pk for lvl in form.levels.all()],
        "is_active": "on",
    }
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/", data


def case_form_deadlines(w):
    form = ensure_demo_form()
    data = {f"level_{lvl.code}": "5" for lvl in form.levels.all()}
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/han-bao-cao/", data


def _item(model, w):
    return model.objects.filter(version=current(ensure_demo_form())).order_by("pk").first()


def case_section_create(w):
    ensure_demo_form()
    data = {"number": "IX", "title": "Mục mới", "order": "90"}
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/muc/them/", data


def case_section_edit(w):
    s = _item(Section, w)
    data = {"number": s.number, "title": s.title + " (sửa)", "order": str(s.order)}
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/muc/{s.pk}/", data


def case_section_delete(w):
    s = Section.objects.create(version=current(ensure_demo_form()), number="X", title="Xóa")
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/muc/{s.pk}/xoa/", {}


def _indicator_data(ind, **changes):
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
    return {**data, **changes}


def case_indicator_create(w):
    ind = _item(Indicator, w)
    data = _indicator_data(ind, code="ZZ01", name="Chỉ tiêu mới", order=99)
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/chi-tieu/them/", data


def case_indicator_edit(w):
    ind = _item(Indicator, w)
    data = _indicator_data(ind, name=ind.name + " (sửa)")
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/chi-tieu/{ind.pk}/", data


def case_indicator_delete(w):
    ind = Indicator.objects.filter(version=current(ensure_demo_form()), code="VH08").first()
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/chi-tieu/{ind.pk}/xoa/", {}


def _narrative_data(nar, **changes):
    data = {"section": nar.section_id, "code": nar.code, "title": nar.title, "order": nar.order}
    if nar.required:
        data["required"] = "on"
    return {**data, **changes}


def case_narrative_create(w):
    nar = _item(NarrativeField, w)
    data = _narrative_data(nar, code="MOI", title="Phần mới", order=99)
    data.pop("required", None)
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/thuyet-minh/them/", data


def case_narrative_edit(w):
    nar = _item(NarrativeField, w)
    data = _narrative_data(nar, title=nar.title + " (sửa)")
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/thuyet-minh/{nar.pk}/", data


def case_narrative_delete(w):
    nar = NarrativeField.objects.filter(version=current(ensure_demo_form()), required=False)
    nar = nar.order_by("pk").first()
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/thuyet-minh/{nar.pk}/xoa/", {}


def _rule_data(w, **changes):
    ind = Indicator.objects.get(version=current(ensure_demo_form()), code="GD01")
    data = {
        "kind": "bounds",
        "severity": "warning",
        "indicator": ind.pk,
        "min_value": "0",
        "max_value": "500",
        "message": "Số buổi trong khoảng 0–500.",
    }
    return {**data, **changes}


def case_rule_create(w):
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/quy-tac/them/", _rule_data(w)


def case_rule_edit(w):
    rule = ValidationRule.objects.filter(version=current(ensure_demo_form()), kind="bounds")
    rule = rule.order_by("pk").first()
    data = _rule_data(w, indicator=rule.indicator_id, message="Đã sửa thông báo.")
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/quy-tac/{rule.pk}/", data


def case_rule_delete(w):
    rule = ValidationRule.objects.filter(version=current(ensure_demo_form())).order_by("pk").first()
    return w.ministry_admin, f"/bao-cao/mau/{FORM}/quy-tac/{rule.pk}/xoa/", {}


def _json(data):
    return json.dumps(data)


def case_api_values(w):
    ensure_demo_form()
    body = _json({"items": [{"unit": "X05500", "values": {"GD01": 5, "GD02": 150}}]})
    return w.officer_a, f"/api/reports/{FORM}/{KEY}/values", body


def case_api_submit(w):
    draft(w)
    return w.commune_leader, f"/api/reports/{FORM}/{KEY}/X05500/submit", _json({})


def case_api_accept(w):
    submitted(w)
    return w.officer_a, f"/api/reports/{FORM}/{KEY}/X05500/accept", _json({})


def case_api_return(w):
    submitted(w)
    return w.officer_a, f"/api/reports/{FORM}/{KEY}/X05500/return", _json({"reason": "Thiếu"})


def case_api_reopen(w):
    accepted(w)
    return w.officer_a, f"/api/reports/{FORM}/{KEY}/X05500/reopen", _json({"reason": "Sửa lại"})


WRITES = {
    "accounts:password_change": case_password_change,
    "accounts:token_issue": case_token_issue,
    "accounts:token_revoke": case_token_revoke,
    "accounts:user_create": case_user_create,
    "accounts:user_edit": case_user_edit,
    "accounts:user_password": case_user_password,
    "accounts:user_deactivate": case_user_deactivate,
    "accounts:user_activate": case_user_activate,
    "accounts:role_add": case_role_add,
    "accounts:role_remove": case_role_remove,
    "units:create": case_unit_create,
    "units:edit": case_unit_edit,
    "units:close": case_unit_close,
    "units:delete": case_unit_delete,
    "reports:fill": case_fill,
    "reports:submit": case_submit,
    "reports:accept": case_accept,
    "reports:return": case_return,
    "reports:reopen": case_reopen,
    "reports:upload": case_upload,
    "reports:remind": case_remind,
    "reports:form_create": case_form_create,
    "reports:form_edit": case_form_edit,
    "reports:form_deadlines": case_form_deadlines,
    "reports:section_create": case_section_create,
    "reports:section_edit": case_section_edit,
    "reports:section_delete": case_section_delete,
    "reports:indicator_create": case_indicator_create,
    "reports:indicator_edit": case_indicator_edit,
    "reports:indicator_delete": case_indicator_delete,
    "reports:narrative_create": case_narrative_create,
    "reports:narrative_edit": case_narrative_edit,
    "reports:narrative_delete": case_narrative_delete,
    "reports:rule_create": case_rule_create,
    "reports:rule_edit": case_rule_edit,
    "reports:rule_delete": case_rule_delete,
    "api:report_values": case_api_values,
    "api:report_submit": case_api_submit,
    "api:report_accept": case_api_accept,
    "api:report_return": case_api_return,
    "api:report_reopen": case_api_reopen,
    **walk_records.WRITES,
    **walk_conferences.WRITES,
    **walk_campaigns.WRITES,
}

# The entries a write must leave, (model label, action), where the walk names them.
AUDIT_ENTRIES = {**walk_campaigns.AUDIT_ENTRIES}

# POST URLs whose writes are deliberately not audited, and why.
NOT_AUDITED = {
    "login": "signing in stamps last_login (not audited: it changes daily) and axes' attempts",
    "logout": "ends the session: Django's session table only",
    "notifications:read": "a user's own reading list (Notification is exempt from the trail)",
    "notifications:read_all": "a user's own reading list (Notification is exempt from the trail)",
    "jobs:retry": "the runner's bookkeeping (Job is exempt); what the job changes is audited",
    "api:openapi-json": "django-ninja's schema view answers any method, reading only",
    **walk_conferences.NOT_AUDITED,
}


def test_every_url_that_accepts_a_post_is_taught_here(world):  # noqa: F811
    # A signed-in user's POST is a 405 where the URL takes GET only, and reaches the view
    # (refused or not) everywhere else: each of those is named in WRITES or NOT_AUDITED.
    taught = set(WRITES) | set(NOT_AUDITED) | set(ALWAYS_404)
    unknown = [
        entry.name for entry in ENTRIES if entry.name not in taught and _accepts_post(entry, world)
    ]
    assert not unknown, f"teach tests/test_walk_writes.py about these POST URLs: {unknown}"


def _accepts_post(entry, w):
    """Whether a POST by a user in scope reaches the view (not a 405)."""
    client = Client()
    client.force_login(in_actor(entry, w))
    return any(client.post(url).status_code != 405 for url in urls_for(entry, w, "in"))


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_successful_write_is_audited(name, world):  # noqa: F811
    actor, url, data = WRITES[name](world)
    client = Client()
    client.force_login(actor)
    before, since = dbstate.fingerprint(), dbstate.last_entry_id()
    if isinstance(data, str):
        response = client.post(url, data, content_type="application/json")
    else:
        response = client.post(url, data)
    assert response.status_code in (200, 201, 302), (
        f"{name}: POST {url} → {response.status_code}: the case must make the write succeed"
    )
    if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        assert b"errorlist" not in response.content, f"{name}: the page refused the form"
    tables = dbstate.changed(before, dbstate.fingerprint())
    assert tables, f"{name}: the write changed nothing"
    missing = dbstate.unaudited_changes(tables, since)
    assert not missing, f"{name}: {missing} changed without an audit entry"
    assert dbstate.last_entry_id() > since, f"{name}: no audit entry at all"


@pytest.mark.parametrize("name", sorted(AUDIT_ENTRIES))
def test_a_write_leaves_the_entries_it_names(name, world):  # noqa: F811
    actor, url, data = WRITES[name](world)
    client = Client()
    client.force_login(actor)
    since = dbstate.last_entry_id()
    response = client.post(url, data)
    assert response.status_code in (200, 201, 302), f"{name}: POST {url} → {response.status_code}"
    entries = AuditEntry.objects.filter(id__gt=since)
    found = set(entries.values_list("model", "action"))
    assert AUDIT_ENTRIES[name] <= found, f"{name}: {AUDIT_ENTRIES[name] - found} missing"
    actors = set(entries.values_list("actor_id", flat=True))
    assert actors == {actor.pk}, f"{name}: entries by {actors}, not by {actor.username}"
