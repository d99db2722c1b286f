"""import_rows: many activities at once, all or nothing, every problem named by row."""

import pytest

from giaoban.activities import services, tally
from giaoban.activities.models import Activity, ActivityTally
from giaoban.activities.validation import ActivityError
from giaoban.audit.models import AuditEntry
from giaoban.documents.models import Recipient
from tests.activities.conftest import DAY, values


def rows(scene, n, **fields):
    return [values(title=f"Hoạt động số {i}", **fields) for i in range(n)]


def test_rows_are_written_with_tally_audit_and_ids(scene):
    c = scene.cast
    batch = rows(scene, 30, unit="X05500") + rows(scene, 20, unit=c.commune_a2)
    result = services.import_rows(c.officer_a, batch)
    assert result.created == result.rows_created == 50 and result.units == 2
    assert list(Activity.objects.order_by("pk").values_list("pk", flat=True)) == result.ids
    first = Activity.objects.get(pk=result.ids[0])
    assert first.title == "Hoạt động số 0" and first.unit == c.commune_a1
    assert first.search_text == "hoat đong so 0".replace("đ", "d")
    assert tally.stored() == tally.recompute()
    entries = AuditEntry.objects.filter(model="activities.Activity", action="create")
    assert entries.count() == 50
    entry = entries.get(object_id=str(result.ids[0]))
    assert entry.after["title"] == "Hoạt động số 0" and entry.after["unit_id"] == c.commune_a1.pk
    assert entry.unit_path == c.commune_a1.path and "search_text" not in entry.after
    assert services.totals(c.root, scene.today - 10 * DAY, scene.today).activities == 50


def test_one_bad_row_and_nothing_is_written_every_problem_named(scene):
    c = scene.cast
    batch = rows(scene, 5, unit="X05500")
    batch[1]["party_members"] = -3
    batch[3]["date"] = "31/02/2026"
    batch[3]["kind"] = ""
    batch[4]["unit"] = "X00004"  # province B's commune: not the officer's
    batch.append(values(unit="KHONGCO"))
    with pytest.raises(ActivityError) as error:
        services.import_rows(c.officer_a, batch)
    found = sorted((p.index, p.field) for p in error.value.problems)
    assert found == [(1, "party_members"), (3, "date"), (3, "kind"), (4, "unit"), (5, "unit")]
    by_index = {(p.index, p.field): p.message for p in error.value.problems}
    assert (
        by_index[(4, "unit")] == "Đơn vị: không có đơn vị mã “X00004” trong phạm vi của đồng chí."
    )
    assert by_index[(5, "unit")] == "Đơn vị: không có đơn vị mã “KHONGCO”."
    assert not Activity.objects.exists() and not ActivityTally.objects.exists()
    assert not AuditEntry.objects.filter(model="activities.Activity").exists()


def test_a_unit_in_view_without_the_right_is_named(scene):
    with pytest.raises(ActivityError) as error:
        services.import_rows(scene.viewer, rows(scene, 1, unit="T19"))
    assert error.value.problems[0].message == (
        "Đơn vị: đồng chí không ghi được hoạt động của Công an tỉnh Thái Nguyên."
    )


def test_sessions_of_many_units_sync_the_register_set_based(scene):
    c = scene.cast
    doc = scene.document.pk
    batch = [
        values(unit="X05500", kind="quan-triet", document=doc, date=scene.due + DAY),
        values(unit="X05500", kind="quan-triet", document=doc, date=scene.due - DAY),
        values(unit="X05800", kind="quan-triet", document=scene.document.symbol, date=scene.due),
        values(unit="T19", kind="quan-triet", document=str(doc), date=scene.due + 2 * DAY),
    ]
    result = services.import_rows(c.officer_a, batch)
    assert result.sessions == 4
    got = {
        r.unit.code: (r.disseminated_on, r.sessions)
        for r in Recipient.objects.filter(document=scene.document, sessions__gt=0)
    }
    assert got == {
        "X05500": (scene.due - DAY, 2),
        "X05800": (scene.due, 1),
        "T19": (scene.due + 2 * DAY, 1),
    }
    audited = AuditEntry.objects.filter(model="documents.Recipient", action="update")
    assert audited.count() == 3
    entry = audited.get(unit_path=c.commune_a1.path)
    assert entry.before["sessions"] == 0 and entry.after["sessions"] == 2


def test_the_default_unit_and_an_empty_batch(scene):
    c = scene.cast
    assert services.import_rows(c.commune_officer, []).created == 0
    result = services.import_rows(c.commune_officer, rows(scene, 3), unit=c.commune_a1)
    assert set(Activity.objects.values_list("unit", flat=True)) == {c.commune_a1.pk}
    assert result.created == 3
    with pytest.raises(ActivityError) as error:
        services.import_rows(c.commune_officer, rows(scene, 1))
    assert error.value.problems[0].message == "Đơn vị: bắt buộc nhập mã đơn vị."
