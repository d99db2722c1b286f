"""Server-rendered SVG charts (giaoban.exports.charts) and the number filters behind them."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from giaoban.core.formatting import format_number, format_percent
from giaoban.exports import charts
from giaoban.shell.templatetags.vnformat import ratio, share, trend, vnnum

# The statuses of a report, as the reports app draws them (any app may pass its own).
SEGMENTS = [
    charts.Segment("accepted", "Đã chấp nhận", "#1b7f3b", done=True),
    charts.Segment("submitted", "Đã gửi, chờ duyệt", "#6fb7ff", done=True),
    charts.Segment("returned", "Bị trả lại", "#e8a33d"),
    charts.Segment("draft", "Đang soạn", "#b8bcc4"),
    charts.Segment("missing", "Chưa lập", "#f3d0cd"),
]


def stacked(bars, title, layout="wide"):
    return charts.stacked_chart(bars, SEGMENTS, title, layout, "Chưa có đơn vị cấp dưới.")


SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))  # noqa: S314 — our own output, parsed to check it


def segments(root):
    return [r for r in root.iter(f"{SVG}rect") if "seg" in r.get("class", "").split()]


def bar(label, expected, **counts):
    return charts.StackedBar(label, expected, counts, href=f"/u/{label}/")


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_the_completeness_chart_is_well_formed_with_one_segment_per_status(layout):
    bars = [
        bar("Thái Nguyên", 10, accepted=5, submitted=2, returned=1, draft=1, missing=1),
        bar("Hà Nội", 4, accepted=4),
    ]
    root = parse(stacked(bars, "Tiến độ", layout))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label") == "Tiến độ"
    segs = segments(root)
    assert [s.get("class") for s in segs] == [
        "seg accepted",
        "seg submitted",
        "seg returned",
        "seg draft",
        "seg missing",
        "seg accepted",
    ]
    # Each bar fills the whole track in proportion to what was expected of that unit.
    tracks = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "track"]
    full = float(tracks[0].get("width"))
    first = [float(s.get("width")) for s in segs[:5]]
    assert sum(first) == pytest.approx(full, abs=0.5)
    assert first[0] == pytest.approx(full / 2, abs=0.1)
    assert float(segs[5].get("width")) == pytest.approx(full, abs=0.1)
    titles = [s.find(f"{SVG}title").text for s in segs]
    assert titles[0] == "Thái Nguyên — Đã chấp nhận: 5/10"
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "70% (7/10)" in texts and "100% (4/4)" in texts
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == ["/u/Thái Nguyên/", "/u/Hà Nội/"]


def test_text_from_data_is_escaped_not_injected():
    evil = 'Đơn vị <script>alert(1)</script> & "x"'
    svg = str(stacked([bar(evil, 2, accepted=1)], "T<i>", "wide"))
    assert "<script>" not in svg and "<i>" not in svg
    root = parse(svg)
    assert not list(root.iter(f"{SVG}script"))
    assert root.get("aria-label") == "T<i>"
    assert evil in {s.find(f"{SVG}title").text.split(" — ")[0] for s in segments(root)}
    hostile_href = stacked([charts.StackedBar("A", 1, {"accepted": 1}, href='/x/?a=1&b="2"')], "T")
    assert [a.get("href") for a in parse(hostile_href).iter(f"{SVG}a")] == ['/x/?a=1&b="2"']


def test_no_inline_style_anywhere():
    groups = [charts.IndicatorGroup("Số buổi", "buổi", [Decimal(4), Decimal(2), None])]
    for svg in (
        stacked([bar("A", 3, accepted=1, draft=1)], "T"),
        charts.comparison_chart(groups, ["Kỳ này", "Kỳ trước", "Cùng kỳ"], "T"),
    ):
        root = parse(svg)
        assert not list(root.iter(f"{SVG}style"))
        assert all("style" not in el.attrib for el in root.iter())


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_the_comparison_chart_draws_three_bars_per_indicator_scaled_per_indicator(layout):
    groups = [
        charts.IndicatorGroup(
            "Số buổi quán triệt", "buổi", [Decimal(40), Decimal(20), Decimal(10)]
        ),
        charts.IndicatorGroup("Lượt người tham gia", "lượt", [Decimal(1500), None, Decimal(3000)]),
    ]
    series = ["6 tháng đầu năm 2026", "6 tháng cuối năm 2025", "6 tháng đầu năm 2025"]
    root = parse(charts.comparison_chart(groups, series, "Chỉ tiêu chính", layout))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "val"]
    assert len(bars) == 6
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.2)  # 40 vs 20
    assert widths[1] == pytest.approx(2 * widths[2], abs=0.2)  # 20 vs 10
    assert widths[0] == pytest.approx(widths[5], abs=0.2)  # each indicator fills its own scale
    assert widths[4] == 0  # no figure: no bar, and "—" written
    assert widths[3] == pytest.approx(widths[5] / 2, abs=0.2)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "1.500" in texts and "3.000" in texts and "—" in texts
    fills = [b.get("fill") for b in bars[:3]]
    assert fills == list(charts.SERIES_COLOURS)
    assert all(s in texts for s in series)  # the legend names every series


def test_empty_charts_say_so():
    assert "Chưa có đơn vị" in str(stacked([], "T"))
    assert "chưa có chỉ tiêu chính" in str(charts.comparison_chart([], ["a", "b", "c"], "T"))
    parse(stacked([], "T", "narrow"))
    parse(charts.comparison_chart([], ["a", "b", "c"], "T", "narrow"))


def test_vietnamese_numbers():
    assert format_number(Decimal("1234567.5")) == "1.234.567,5"
    assert format_number(Decimal("1234.0000")) == "1.234"
    assert format_number(Decimal("0.70000000")) == "0,7"
    assert format_number(Decimal("-1234.25")) == "\u22121.234,25"
    assert format_number(Decimal("12.34567")) == "12,3457"
    assert format_number(Decimal("999.5"), decimals=0) == "1.000"
    assert format_number(None) == "—"
    assert vnnum(1000000) == "1.000.000"
    assert vnnum("abc") == "—"
    assert format_percent(Decimal("23.4")) == "+23,4%"
    assert format_percent(Decimal("-5")) == "\u22125,0%"
    assert format_percent(Decimal("0")) == "0,0%"
    assert format_percent(None) == "—"
    assert share(3, 8) == "37,5%"
    assert share(1, 0) == "—"
    assert ratio(1, 3) == Decimal("33.3")
    assert [trend(x) for x in (Decimal(2), Decimal(-1), Decimal(0), None)] == [
        "up",
        "down",
        "flat",
        "none",
    ]
