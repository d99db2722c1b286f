"""What made the analysis pages cheaper gives the same answers: a long list of units sent
as one parameter, the change cell made by a filter instead of an include, figures'
text memoised."""

from decimal import Decimal

from django.template import engines

from giaoban.reports import services
from giaoban.shell.templatetags import vnformat
from tests.conftest import make_unit

KEY = "2026-H1"


def test_the_missing_units_are_the_same_through_one_parameter(cast, form, monkeypatch):
    big = make_unit("T99", "Công an tỉnh Thử Nghiệm", "Thử Nghiệm", "tinh", cast.root)
    for i in range(30):
        make_unit(f"X9{i:04d}", f"Công an xã Thử {i:03d}", f"Thử {i:03d}", "xa", big)
    period = form.parse_period(KEY)
    for node in (big, cast.root):
        plain = services.missing_units(node, form, period)
        expected = (plain.count(), [u.pk for u in plain[:50]], [u.pk for u in plain[20:25]])
        monkeypatch.setattr(services, "ID_LIST_PARAMETER", 1)
        packed = services.missing_units(node, form, period)
        found = (packed.count(), [u.pk for u in packed[:50]], [u.pk for u in packed[20:25]])
        monkeypatch.setattr(services, "ID_LIST_PARAMETER", 10**9)
        assert found == expected and expected[0] >= 31


def test_the_change_filter_writes_what_the_include_wrote():
    engine = engines["django"]
    include = engine.from_string('{% include "reports/analysis/_change.html" %}')
    values = [None, Decimal("12.34"), Decimal("-5"), Decimal("0"), Decimal("0.04"), 3, -0.5, ""]
    for pct in values:
        assert vnformat.vnchange(pct) == include.render({"pct": pct}), pct


def test_the_cells_filter_writes_what_the_loop_wrote():
    engine = engines["django"]
    loop = engine.from_string(
        '{% load vnformat %}{% for v in values %}<td class="num">{{ v|vnnum }}</td>{% endfor %}'
    )
    values = [None, Decimal("1234.5"), 0, Decimal("-3"), "<b>", True]
    assert vnformat.num_cells(values) == loop.render({"values": values})
    assert vnformat.num_cells([]) == ""


def test_memoised_figures_read_as_the_formatter_writes_them():
    assert vnformat.vnnum(True) == "—" and vnformat.vnnum(1) == "1"  # True is not 1
    assert vnformat.vnnum(Decimal("1.50")) == vnformat.vnnum(Decimal("1.5")) == "1,5"
    assert vnformat.vnnum(Decimal("1234.5"), 0) == "1.235"
    assert vnformat.vnnum([1]) == "—"  # not hashable: formatted all the same
    assert vnformat.vnpct(Decimal("-5"), 1) == "\u22125,0%"
