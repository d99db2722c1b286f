"""The campaigns' section of the consolidated report (registry.report_sections): each
campaign the unit takes part in that runs in the period, from `progress.compute` as of the
day the report counts to — the unit's own requirements met, its units below complete, the
standings of the subtree — in the compiled snapshot and in the Word file."""

import io

import pytest
from docx import Document as Docx

from giaoban.campaigns import progress, sections
from giaoban.conferences import compile as compiled
from giaoban.conferences import consolidation
from giaoban.conferences.models import PARTY
from giaoban.core import due
from giaoban.reports.demo_form import ensure_demo_form
from tests.campaigns.conftest import day
from tests.campaigns.fixtures_due import progress_mix, unlaunch

TITLE = "Kết quả thực hiện các đợt sinh hoạt chính trị"
KEY = "2026-H1"


@pytest.fixture
def mixed(scene, settings, tmp_path):
    progress_mix(scene, settings, tmp_path)
    return scene


def record(snapshot):
    found = [r for r in snapshot["records"] if r["key"] == "campaigns"]
    return found[0] if found else None


def period(key=KEY):
    return ensure_demo_form().period(key)


def test_the_ministrys_report_counts_the_campaign(mixed):
    c = mixed.cast
    draft = consolidation.open_draft(c.ministry_officer, c.root, PARTY, ensure_demo_form(), KEY)
    snapshot = compiled.compile_report(draft, today=day(50))
    found = record(snapshot)
    symbol = mixed.plan.symbol
    assert found["title"] == TITLE
    assert found["paragraphs"] == [
        f"{mixed.campaign.title} (kế hoạch {symbol}, từ ngày 02/03/2026 đến ngày 15/04/2026), "
        "tính đến ngày 21/04/2026: đơn vị đã thực hiện 0/1 yêu cầu áp dụng cho đơn vị; 1/6 "
        "đơn vị cấp dưới hoàn thành, 5 đơn vị chậm tiến độ; toàn đơn vị có 4 lượt yêu cầu thực "
        "hiện đúng hạn, 1 thực hiện muộn, 0 chưa thực hiện còn hạn, 9 quá hạn."
    ]
    header, rows = found["table"]["header"], found["table"]["rows"]
    assert header[3:] == [str(due.STANDING_LABELS[s]) for s in due.STANDINGS]
    assert rows == [[f"{mixed.campaign.title} ({symbol})", "0/1", "1/6", 4, 1, 0, 9]]
    assert found["url"] == "/sinh-hoat-chinh-tri/"


def test_the_figures_are_those_of_the_campaigns_progress(mixed):
    """The section invents nothing: its figures are `progress.compute`'s, per unit."""
    c = mixed.cast
    for unit in (c.root, c.province_a, c.province_b, c.commune_a1):
        found = sections.section(unit, period(), day(50))
        figures = found.data[str(mixed.campaign.pk)]
        result = progress.compute(mixed.campaign, day(50), within=unit.path)
        total, _groups, own = result.summary(unit.path)
        assert figures["own"] == [own.met, own.applicable]
        assert figures["below"] == [total.complete, total.below, total.lagging]
        counted = [
            s
            for p in result.units.values()
            if p.path.startswith(unit.path)
            for s, _m in p.items.values()
        ]
        assert figures["standings"] == [counted.count(s) for s in due.STANDINGS]
    province = sections.section(c.province_a, period(), day(50))
    assert province.table[1] == [
        [f"{mixed.campaign.title} ({mixed.plan.symbol})", "2/3", "1/2", 4, 1, 0, 2]
    ]
    commune = sections.section(c.commune_a1, period(), day(50))
    assert commune.table[1][0][1:3] == ["2/2", "—"]  # nothing below a commune
    assert "đơn vị cấp dưới" not in commune.paragraphs[0]


def test_as_of_the_day_counted_to(mixed):
    """Mid-campaign, the records dated after the day are not known yet."""
    c = mixed.cast
    early = sections.section(c.province_a, period(), day(12))
    assert early.data[str(mixed.campaign.pk)] == {
        "own": [2, 3],
        "below": [0, 2, 0],
        "standings": [3, 0, 4, 0],  # launch, plan, A1's session; A2's session, three reviews
    }
    assert "tính đến ngày 14/03/2026" in early.paragraphs[0]


def test_no_section_without_a_campaign_in_the_period(scene):
    c = scene.cast
    assert sections.section(c.root, period("2026-H2"), day(250)) is None  # ended before
    assert sections.section(c.root, period(), day(-1)) is None  # not started by that day
    assert sections.section(c.root, period(), day(5)) is not None
    unlaunch(scene)
    assert sections.section(c.root, period(), day(5)) is None


def test_not_applicable_and_not_concerned(scene):
    from giaoban.campaigns.models import Requirement

    c = scene.cast
    # Only the provinces' and communes' requirements left: the ministry and its department
    # owe nothing of their own.
    Requirement.objects.filter(pk=scene.r_review.pk).delete()
    ministry = sections.section(c.root, period(), day(5))
    assert "không có yêu cầu nào áp dụng cho đơn vị" in ministry.paragraphs[0]
    assert ministry.table[1][0][1:3] == ["—", "0/5"]  # two provinces and three communes
    assert sections.section(c.department, period(), day(5)).table[1][0][1:3] == ["—", "—"]


def test_the_section_is_in_the_word_file(mixed):
    c = mixed.cast
    draft = consolidation.open_draft(c.ministry_officer, c.root, PARTY, ensure_demo_form(), KEY)
    data, _name, _changes = consolidation.export(c.ministry_officer, draft, today=day(50))
    doc = Docx(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert TITLE in text or TITLE.upper() in text
    assert (
        "đơn vị đã thực hiện 0/1 yêu cầu áp dụng cho đơn vị; 1/6 đơn vị cấp dưới hoàn thành" in text
    )
    tables = [
        [[cell.text for cell in row.cells] for row in t.rows]
        for t in doc.tables
        if t.rows and t.rows[0].cells[0].text == "Đợt sinh hoạt chính trị (kế hoạch)"
    ]
    assert len(tables) == 1
    assert tables[0][1] == [
        f"{mixed.campaign.title} ({mixed.plan.symbol})",
        "0/1",
        "1/6",
        "4",
        "1",
        "0",
        "9",
    ]
