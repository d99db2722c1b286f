"""What the bulk path's shortcuts must not change: its audit entries read exactly like the
receivers' ones, a value read once is read the same every time (1, True and "1" apart),
its problems are those of the single-record path, and NFD text is stored NFC."""

import unicodedata

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from giaoban.activities import services, tally
from giaoban.activities.models import Activity
from giaoban.activities.records import search_text
from giaoban.activities.validation import ActivityError, Context, clean
from giaoban.audit.models import AuditEntry
from giaoban.audit.registry import snapshot
from giaoban.core.text import fold
from giaoban.documents.models import Document
from tests.activities.conftest import DAY, values
from tests.documents.conftest import PARTY, STATE, issued


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


def test_documents_a_file_names_are_read_as_for_one_record(scene):
    """The bulk path reads only the documents its rows may mean (not each unit's whole
    list): what it finds and what it refuses are what one record finds and refuses — one
    symbol for two documents once folded, a date to tell them apart, a unit that did not
    receive it, an id, digits that are not a number, an id past any key."""
    c, doc = scene.cast, scene.document
    twin = issued(
        c.ministry_officer,
        scene.leader,
        c.root,
        PARTY,
        "NQ",
        day=scene.issued_on + DAY,
        recipient_rule=Document.Rule.SUBTREE,
        subject="Nghị quyết thứ hai",
    )
    Document.objects.filter(pk=twin.pk).update(symbol=doc.symbol.lower())  # same, folded
    only_a1 = issued(
        c.ministry_officer,
        scene.leader,
        c.root,
        STATE,
        "KH",
        day=scene.issued_on,
        recipient_rule=Document.Rule.EXPLICIT,
        units=[c.commune_a1],
    )
    day = f" ({scene.issued_on:%d/%m/%Y})"
    named = [
        ("X05500", doc.symbol),
        ("X05500", doc.symbol + day),
        ("X05500", "Số " + doc.symbol.upper() + f" ({scene.issued_on + DAY:%d/%m/%Y})"),
        ("X05800", only_a1.symbol),
        ("X05500", only_a1.symbol),
        ("X05800", str(only_a1.pk)),
        ("X05500", only_a1.pk),
        ("X05500", "²"),
        ("X05500", "9" * 30),
        ("X05500", 2**70),
    ]
    batch = [
        values(unit=code, kind="quan-triet", document=name, date=scene.due) for code, name in named
    ]
    units = {"X05500": c.commune_a1, "X05800": c.commune_a2}
    expected = []
    for index, (code, name) in enumerate(named):
        one = values(kind="quan-triet", document=name, date=scene.due)
        _out, problems = clean(one, units[code], Context.fresh(), index=index)
        expected.extend((p.index, p.field, p.message) for p in problems)
    with pytest.raises(ActivityError) as error:
        services.import_rows(c.officer_a, batch)
    got = [(p.index, p.field, p.message) for p in error.value.problems]
    assert got == expected
    assert sorted({i for i, _f, _m in got}) == [0, 3, 5, 7, 8, 9]
    assert "có 2 văn bản cùng số" in dict((i, m) for i, _f, m in got)[0]
    good = [batch[i] for i in (1, 2, 4, 6)]
    result = services.import_rows(c.officer_a, good)
    made = Activity.objects.in_bulk(result.ids)
    assert [made[pk].document_id for pk in result.ids] == [doc.pk, twin.pk, only_a1.pk, only_a1.pk]


def test_a_kind_of_digits_that_are_not_a_number_is_refused_in_words(scene):
    with pytest.raises(ActivityError) as error:
        services.import_rows(scene.cast.officer_a, [values(unit="X05500", kind="²")])
    assert error.value.problems[0].message == (
        "Loại hoạt động: “²” không có trong danh mục loại hoạt động."
    )


def test_ids_follow_the_rows_and_are_never_given_twice(scene):
    c = scene.cast
    kept = services.record(c.officer_a, c.commune_a1, **values(title="Giữ lại"))
    newest = services.record(c.officer_a, c.commune_a1, **values(title="Xóa đi"))
    services.delete(newest, c.officer_a)
    result = services.import_rows(
        c.officer_a, [values(unit="X05500", title=str(i)) for i in range(5)]
    )
    assert result.ids == sorted(result.ids) and result.ids[0] > newest.pk > kept.pk
    titles = dict(Activity.objects.filter(pk__in=result.ids).values_list("pk", "title"))
    assert [titles[pk] for pk in result.ids] == ["0", "1", "2", "3", "4"]


VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ"
    "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=VIETNAMESE + "0123456789 -/.,\t\u00a0\u0301\u0323\u2003ÅΣς", max_size=20),
        min_size=3,
        max_size=3,
    )
)
def test_the_search_text_is_the_whole_text_folded(parts):
    """Word by word, with plain ASCII only lower-cased, is `fold` of the whole text."""
    title, notes, label = parts
    whole = " ".join(p for p in parts if p)
    assert search_text(title, notes, label) == fold(whole)
    assert fold(whole) == _fold_by_decomposing(whole)


def _fold_by_decomposing(value):
    """`core.text.fold` as written before its shortcut for ASCII text."""
    decomposed = unicodedata.normalize("NFD", value.translate(str.maketrans({"đ": "d", "Đ": "d"})))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())
