"""How a form says where a figure comes from: the form editor configures an indicator as
typed in or computed from a source of records and its parameters, refusing an unknown
source or kind with a Vietnamese message naming the field, versioned once in use; the demo
form's dissemination figures are made computed the same way."""

import datetime

import pytest
from django.urls import reverse

from giaoban.audit.models import AuditEntry
from giaoban.reports import computed, workflow
from giaoban.reports.models import Indicator
from tests.reports.conftest import GOOD, TEXTS, record_session
from tests.reports.test_form_admin import indicator_post

KEY = "2026-H1"
CODE = "CTD-CTCT-6T"
FIRST = datetime.date(2025, 12, 15)


def u(name, **kwargs):
    return reverse(f"reports:{name}", kwargs=kwargs)


@pytest.fixture
def admin(client, cast, form):
    client.force_login(cast.ministry_admin)
    return client


# --------------------------------------------------------------------------- the form editor


def test_an_indicator_is_made_computed_in_the_editor_and_audited(admin, form):
    gd05 = Indicator.objects.get(version=form.current_version(), code="GD05")
    page = admin.get(u("indicator_edit", form=CODE, pk=gd05.pk)).content.decode()
    assert "Nhập tay (cán bộ nhập số liệu)" in page and "Số hoạt động (theo loại)" in page
    response = admin.post(
        u("indicator_edit", form=CODE, pk=gd05.pk),
        indicator_post(gd05, source="activities.count", param_kinds=["gd-chinh-tri", "chi-bo"]),
    )
    assert response.status_code == 302
    gd05.refresh_from_db()
    assert gd05.source == "activities.count"
    assert gd05.source_params == {"kinds": ["gd-chinh-tri", "chi-bo"]}
    entry = AuditEntry.objects.filter(model="reports.Indicator", object_id=str(gd05.pk)).first()
    assert entry.after["source"] == "activities.count"
    listing = admin.get(u("form_edit", form=CODE)).content.decode()
    assert "Giáo dục chính trị tư tưởng; Sinh hoạt chi bộ chuyên đề" in listing


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"source": "activities.nothing"}, "source", "không có nguồn số liệu “activities.nothing”"),
        (
            {"source": "activities.count", "param_kinds": ["quan-triet", "khong-co"]},
            "param_kinds",
            "không có “khong-co” để chọn",
        ),
        ({"source": "activities.count"}, "param_kinds", "cần chọn ít nhất một giá trị"),
        (
            {"source": "activities.participants", "param_kinds": ["quan-triet"]},
            "param_groups",
            "cần chọn ít nhất một giá trị",
        ),
    ],
)
def test_an_unknown_source_or_kind_is_refused_naming_the_field(
    admin, form, changes, field, message
):
    gd05 = Indicator.objects.get(version=form.current_version(), code="GD05")
    response = admin.post(
        u("indicator_edit", form=CODE, pk=gd05.pk), indicator_post(gd05, **changes)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert response.context["bound"].errors[field]
    gd05.refresh_from_db()
    assert gd05.source == "" and gd05.source_params == {}


def test_making_a_used_version_computed_makes_the_next_version(admin, cast, form):
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, GOOD, TEXTS)
    gd01 = Indicator.objects.get(version=form.current_version(), code="GD01")
    admin.post(
        u("indicator_edit", form=CODE, pk=gd01.pk),
        indicator_post(gd01, source="activities.count", param_kinds=["quan-triet"]),
    )
    v1, v2 = form.versions.order_by("number")
    assert Indicator.objects.get(version=v1, code="GD01").source == ""
    assert Indicator.objects.get(version=v2, code="GD01").source == "activities.count"
    # The report filed on version 1 keeps its typed-in figure, untouched by the records.
    record_session(cast.ministry_officer, cast.commune_a1, FIRST)
    assert computed.current_values(report)["GD01"] == 4


def test_the_demo_forms_dissemination_figures_are_computed_idempotently(form):
    from giaoban.reports.demo_form import ensure_computed

    ensure_computed(form)
    ensure_computed(form)
    version = form.current_version()
    assert version.number == 1  # unused: edited in place
    gd01, gd02 = (Indicator.objects.get(version=version, code=c) for c in ("GD01", "GD02"))
    assert (gd01.source, gd01.source_params) == ("activities.count", {"kinds": ["quan-triet"]})
    assert gd02.source_params == {"kinds": ["quan-triet"], "groups": ["party_members", "officers"]}
    assert "Lượt người tham dự" in computed.describe(gd02) and "Đảng viên" in computed.describe(
        gd02
    )
