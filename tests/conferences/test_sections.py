"""The next period's consolidated report: "Kết quả thực hiện kết luận hội nghị kỳ trước",
compiled from the previous period's tasks as they stood on the day the report counts to —
those the unit gave (counted by standing) and those it was given from above (listed)."""

import datetime
import io

import pytest
from docx import Document as Docx

from giaoban.conferences import compile as compiled
from giaoban.conferences import consolidation, sections, tasks
from giaoban.conferences.models import PARTY
from giaoban.core import due
from tests.conferences.test_tasks import hold

DAY = datetime.timedelta(days=1)
NEXT = "2026-H2"
TITLE = "Kết quả thực hiện kết luận hội nghị kỳ trước"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def scene(cast, ministry_leader):
    """T19's task done on time and accepted; T01's still open."""
    s = hold(cast, ministry_leader)
    tasks.report_progress(cast.officer_a, s.task_a, "Đã làm.", "document", s.plan.pk)
    tasks.mark_done(cast.leader_a, s.task_a, s.today - DAY)
    tasks.accept(ministry_leader, s.task_a)
    return s


def section(snapshot):
    found = [r for r in snapshot["records"] if r["key"] == "conference_tasks"]
    return found[0] if found else None


def test_the_next_report_counts_the_tasks_the_unit_gave(cast, form, scene):
    draft = consolidation.open_draft(cast.ministry_officer, cast.root, PARTY, form, NEXT)
    snapshot = compiled.compile_report(draft)
    record = section(snapshot)
    assert record["title"] == TITLE
    as_of = datetime.date.fromisoformat(snapshot["as_of"]).strftime("%d/%m/%Y")
    assert record["paragraphs"] == [
        f"Hội nghị giao ban 6 tháng đầu năm 2026 giao 2 nhiệm vụ cho các đơn vị; tính đến ngày "
        f"{as_of}: 1 hoàn thành đúng hạn, 0 hoàn thành muộn, 1 đang thực hiện trong hạn, 0 quá "
        f"hạn; 1 đã được nghiệm thu."
    ]
    header, rows = record["table"]["header"], record["table"]["rows"]
    assert header[2:6] == [str(due.STANDING_LABELS[s]) for s in due.STANDINGS]
    assert rows == [[f"1. {scene.conclusion.text}", 2, 1, 0, 1, 0, 1]]
    assert record["url"] == "/giao-ban/nhiem-vu/"


def test_the_province_lists_the_task_it_was_given(cast, form, scene):
    draft = consolidation.open_draft(cast.officer_a, cast.province_a, PARTY, form, NEXT)
    record = section(compiled.compile_report(draft))
    deadline = scene.task_a.deadline.strftime("%d/%m/%Y")
    assert record["paragraphs"] == [
        f"Nhiệm vụ Bộ Công an giao: {scene.task_a.title} (hạn {deadline}) — đã thực hiện đúng hạn."
    ]
    assert record["table"] is None


def test_standings_are_as_of_the_day_counted_to(cast, scene):
    period = scene.form.period(NEXT)
    before = sections.previous_tasks(cast.root, period, scene.today - 2 * DAY)
    assert before.data["given"][str(scene.conclusion.pk)] == [2, 0, 0, 2, 0, 0]
    later = scene.task_a.deadline + DAY
    after = sections.previous_tasks(cast.root, period, later)
    assert after.data["given"][str(scene.conclusion.pk)] == [2, 1, 0, 0, 1, 1]
    assert after.data["received"] == {}
    province = sections.previous_tasks(cast.province_b, period, later)
    assert province.data["received"] == {str(scene.task_b.pk): due.OVERDUE}


def test_no_section_without_last_periods_tasks(cast, form, scene):
    assert sections.previous_tasks(cast.root, scene.form.period("2026-H1"), scene.today) is None
    assert sections.previous_tasks(cast.commune_a1, scene.form.period(NEXT), scene.today) is None


def test_the_section_is_in_the_word_file(cast, form, scene):
    draft = consolidation.open_draft(cast.ministry_officer, cast.root, PARTY, form, NEXT)
    data, _name, _changes = consolidation.export(cast.ministry_officer, draft)
    text = "\n".join(p.text for p in Docx(io.BytesIO(data)).paragraphs)
    assert TITLE in text or TITLE.upper() in text
    assert "giao 2 nhiệm vụ cho các đơn vị" in text
