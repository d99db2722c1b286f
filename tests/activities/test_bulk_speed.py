"""What the bulk path's shortcuts must not change: its audit entries read exactly like the
receivers' ones, a value read once is read the same every time (1, True and "1" apart),
its problems are those of the single-record path, and NFD text is stored NFC."""

import unicodedata

import pytest
from django.db import connection

from giaoban.activities import services, tally
from giaoban.activities.models import Activity
from giaoban.activities.validation import ActivityError, Context, clean
from giaoban.audit.models import AuditEntry
from giaoban.audit.registry import snapshot
from tests.activities.conftest import DAY, values


def test_a_bulk_entry_is_the_receivers_snapshot_key_for_key(scene):
    c = scene.cast
    doc = scene.document.pk
    batch = [
        values(unit="X05500", title="Một", notes="ghi chú"),
        values(unit="X05500", kind="quan-triet", document=doc, date=scene.due, title="Hai"),
    ]
    result = services.import_rows(c.officer_a, batch, is_demo=True)
    for pk in result.ids:
        entry = AuditEntry.objects.get(model="activities.Activity", object_id=str(pk))
        activity = Activity.objects.get(pk=pk)
        assert entry.after == snapshot(activity)
        if connection.vendor == "sqlite":  # jsonb keeps no order of its keys
            assert list(entry.after) == list(snapshot(activity))
        assert entry.object_repr == str(activity) and entry.unit_path == activity.path
        assert entry.before is None and entry.action == "create"


def test_values_read_once_are_kept_apart_by_type(scene):
    c = scene.cast
    batch = [
        values(unit="X05500", party_members=1),
        values(unit="X05500", party_members=True),
        values(unit="X05500", party_members="1"),
        values(unit="X05500", party_members=1.0),
        values(unit="X05500", party_members=1.5),
        values(unit="X05500", party_members=1),
    ]
    with pytest.raises(ActivityError) as error:
        services.import_rows(c.officer_a, batch)
    assert sorted(p.index for p in error.value.problems) == [1, 4]


def test_the_problems_are_those_of_one_record(scene):
    c = scene.cast
    bad = [
        values(date="31/02/2026", kind="", form="bay", officers=-1, title="x\x00"),
        values(date=scene.today + DAY, kind="khong-co", others="1,5", notes="n" * 6000),
        values(kind="quan-triet", document=999_999, title=""),
    ]
    with pytest.raises(ActivityError) as error:
        services.import_rows(c.officer_a, [{**v, "unit": "X05500"} for v in bad * 2])
    got = [(p.index, p.field, p.message) for p in error.value.problems]
    expected = []
    for index, v in enumerate(bad * 2):
        _out, problems = clean(v, c.commune_a1, Context.fresh(), index=index)
        expected.extend((p.index, p.field, p.message) for p in problems)
    assert got == expected and len(got) >= 12


def test_nfd_text_is_stored_nfc_and_folded(scene):
    title = unicodedata.normalize("NFD", "Quán triệt Nghị quyết")
    result = services.import_rows(scene.cast.officer_a, [values(unit="X05500", title=title)])
    activity = Activity.objects.get(pk=result.ids[0])
    assert activity.title == unicodedata.normalize("NFC", title)
    assert activity.search_text == "quan triet nghi quyet"


def test_a_large_import_keeps_the_tally_and_the_connection_as_they_were(scene):
    c = scene.cast
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (before,) = cursor.fetchone()
    batch = [
        values(unit=("X05500", "X05800")[i % 2], date=scene.today - (i % 40) * DAY, others=i % 7)
        for i in range(1200)
    ]
    result = services.import_rows(c.officer_a, batch)
    assert result.created == 1200 and len(set(result.ids)) == 1200
    assert tally.stored() == tally.recompute()
    assert AuditEntry.objects.filter(model="activities.Activity").count() == 1200
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone()[0] == before
