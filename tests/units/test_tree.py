from giaoban.units.models import Unit


def test_a_subtree_is_one_prefix_query(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = list(Unit.objects.subtree(cast.province_a).values_list("code", flat=True))
    assert sorted(codes) == ["T19", "X05500", "X05800"]


def test_a_move_rewrites_the_paths_below(cast):
    cast.province_a.parent = cast.department
    cast.province_a.save()
    cast.commune_a1.refresh_from_db()
    assert cast.commune_a1.path == "BCA/CTDCT/T19/X05500/"


def test_search_ignores_diacritics_and_case(cast):
    for text in ["thai nguyen", "Thái Nguyên", "THAI NGUYEN"]:
        assert Unit.objects.search(text).filter(code="T19").exists(), text
    assert Unit.objects.search("dai phuc").filter(code="X05800").exists()
    assert Unit.objects.search("Đại").filter(code="X05800").exists()


def test_text_is_stored_nfc(cast):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Công an xã Tân Cương")
    unit = Unit.objects.create(
        code="X99",
        name=decomposed,
        short_name=decomposed,
        level=cast.commune_a1.level,
        parent=cast.province_a,
    )
    unit.refresh_from_db()
    assert unit.name == unicodedata.normalize("NFC", decomposed)
