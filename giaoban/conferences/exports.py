"""A conference's files: the agenda and the participants with their attendance as Word
(.docx) and as one Excel workbook (.xlsx), the minutes as Word.

The Word files carry the host's issuing body (`documents.public.issuer`: its party
organisation in the layout of Hướng dẫn 36-HD/VPTW, or its command in that of Nghị định
30/2020) with the number and date dotted, to be written in by hand at signing; the
minutes of a conference not yet closed are marked "DỰ THẢO". The participants are those
the exporting user may see (`Participant.objects.restrict`): a province that took part
gets its own row, the host's people every row, with the totals of what is listed.
Delegates are counts, never names. Demo conferences say they are synthetic.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from giaoban.conferences.models import PARTY, Participant
from giaoban.documents import public as documents
from giaoban.exports.docx import DRAFT_MARK, OfficialDocument
from giaoban.exports.xlsx import (
    CENTER,
    COUNT,
    DEMO_NOTE,
    HEAD,
    HEAD_LEFT,
    LINE,
    NOTE,
    TEXT,
    TITLE,
    TOTAL,
    Sheet,
    workbook_bytes,
)

A = Participant.Attendance
AGENDA_HEAD = tuple(
    gettext_noop(h)
    for h in ("TT", "Nội dung", "Đơn vị trình bày", "Thời lượng (phút)", "Văn bản liên quan")
)
MINUTE_TOTAL = replace(TOTAL, number_format="#,##0")


@dataclass
class Totals:
    """Attendance of the participants listed."""

    listed: int = 0
    present: int = 0
    absent: int = 0
    delegates: int = 0


def totals(participants):
    t = Totals(listed=len(participants))
    for p in participants:
        if p.attendance == A.PRESENT:
            t.present += 1
            t.delegates += p.delegates or 0
        elif p.attendance == A.ABSENT:
            t.absent += 1
    return t


def demo_note(conference):
    if conference.is_demo or settings.DEMO:
        return _("(Hội nghị trình diễn: nội dung và số liệu là giả lập, không phải thật.)")
    return None


def _time(value):
    return value.strftime("%H giờ %M") if value else ""


def when(conference):
    """ "08 giờ 00 đến 11 giờ 30, ngày 10/07/2026" (what of it is known)."""
    day = conference.date.strftime("%d/%m/%Y")
    start, end = _time(conference.start_time), _time(conference.end_time)
    if start and end:
        return _("%(start)s đến %(end)s, ngày %(day)s") % {"start": start, "end": end, "day": day}
    if start:
        return _("%(start)s, ngày %(day)s") % {"start": start, "day": day}
    return _("Ngày %(day)s") % {"day": day}


def where_lines(conference):
    lines = [_("Thời gian: %(when)s.") % {"when": when(conference)}]
    if conference.place:
        lines.append(_("Địa điểm: %(place)s.") % {"place": conference.place})
    if conference.online_link:
        lines.append(_("Họp trực tuyến: %(link)s") % {"link": conference.online_link})
    lines.append(_("Đơn vị chủ trì: %(unit)s.") % {"unit": conference.unit.name})
    return lines


def attendance_label(p):
    return str(A(p.attendance).label)


def _document(conference, kind_label, kind_abbr, subject, mark=None):
    issuer = documents.issuer(conference.unit, conference.body)
    return OfficialDocument(
        issuer, kind_label, kind_abbr, subject, note=demo_note(conference), mark=mark
    )


def _agenda_rows(items, visible_documents):
    rows = []
    for n, item in enumerate(items, start=1):
        docs = [str(d) for d in item.documents.all() if d.pk in visible_documents]
        rows.append(
            [
                n,
                item.title,
                item.presenter.name if item.presenter_id else "",
                item.duration,
                "; ".join(docs),
            ]
        )
    return rows


def agenda_docx(conference, items, visible_documents):
    """Chương trình hội nghị (.docx): where and when, then one row per item."""
    doc = _document(conference, _("Chương trình"), "CTr", conference.title)
    doc.lines(where_lines(conference))
    rows = _agenda_rows(items, visible_documents)
    minutes = sum(item.duration or 0 for item in items)
    if rows:
        rows.append(["", _("Tổng thời lượng"), "", minutes or None, ""])
        doc.table(
            [[_(h) for h in AGENDA_HEAD]],
            rows,
            widths=(12, 62, 38, 22, 31),
            align=("center", None, None, "right", None),
        )
    else:
        doc.paragraph(_("(Chương trình chưa có mục nào.)"), italic=True)
    return doc.to_bytes()


def _participant_rows(participants):
    rows = []
    for n, p in enumerate(participants, start=1):
        present = p.attendance == A.PRESENT
        rows.append(
            [
                n,
                p.unit.name,
                attendance_label(p),
                p.absence_reason,
                p.delegates if present else None,
            ]
        )
    return rows


def participants_docx(conference, participants, partial):
    """Danh sách đơn vị dự hội nghị (.docx), with attendance and the totals."""
    doc = _document(
        conference,
        _("Danh sách"),
        "DS",
        _("Đơn vị dự %(title)s") % {"title": conference.title[:1].lower() + conference.title[1:]},
    )
    doc.lines(where_lines(conference))
    if partial:
        doc.paragraph(
            _("Danh sách gồm các đơn vị dự thuộc phạm vi của người lập danh sách."), italic=True
        )
    t = totals(participants)
    rows = _participant_rows(participants)
    rows.append(
        [
            "",
            _("Cộng: %(n)s đơn vị") % {"n": t.listed},
            _("Có mặt %(p)s/%(n)s") % {"p": t.present, "n": t.listed},
            _("Vắng %(a)s") % {"a": t.absent} if t.absent else "",
            t.delegates,
        ]
    )
    doc.table(
        [[_("TT"), _("Đơn vị"), _("Điểm danh"), _("Lý do vắng"), _("Số đại biểu")]],
        rows,
        widths=(12, 68, 28, 37, 20),
        align=("center", None, None, None, "right"),
    )
    return doc.to_bytes()


def minutes_docx(conference, conclusions, attendance=None):
    """Biên bản hội nghị (.docx): where and when, who attended (`attendance`, a Totals of
    every participant, or None when the user sees only some), the minutes, the
    conclusions. Marked "DỰ THẢO" until the conference is closed."""
    mark = None if conference.is_closed else DRAFT_MARK
    doc = _document(conference, _("Biên bản"), "BB", conference.title, mark=mark)
    doc.lines(where_lines(conference))
    if attendance is not None:
        doc.paragraph(
            _("Thành phần: đại biểu %(p)s/%(n)s đơn vị được triệu tập (%(d)s đại biểu).")
            % {"p": attendance.present, "n": attendance.listed, "d": attendance.delegates}
        )
    doc.heading(_("DIỄN BIẾN HỘI NGHỊ"))
    lines = [line.strip() for line in conference.minutes.splitlines() if line.strip()]
    for line in lines:
        doc.paragraph(line)
    if not lines:
        doc.paragraph(_("(Chưa ghi biên bản.)"), italic=True)
    if conclusions:
        doc.heading(_("KẾT LUẬN CỦA HỘI NGHỊ"))
        for c in conclusions:
            doc.paragraph(f"{c.number}. {c.text}")
    filing = _("Lưu Văn phòng Đảng ủy.") if conference.body == PARTY else _("Lưu: VT.")
    doc.sign(_("CHỦ TRÌ HỘI NGHỊ"), recipients=[filing])
    return doc.to_bytes()


# ------------------------------------------------------------------ Excel


def _heading(sheet, conference, title):
    sheet.add([(title, TITLE)])
    sheet.add([(conference.title, LINE)])
    for line in where_lines(conference):
        sheet.add([(line, LINE)])
    at = timezone.localtime(timezone.now())
    sheet.add(
        [(_("Lập lúc %(at)s từ dữ liệu của giaoban.") % {"at": f"{at:%d/%m/%Y %H:%M}"}, NOTE)]
    )
    note = demo_note(conference)
    if note:
        sheet.add([(note, DEMO_NOTE)])
    sheet.add([])


def _agenda_sheet(wb, conference, items, visible_documents):
    sheet = Sheet(wb, _("Chương trình"), [6, 60, 36, 14, 50], None, fit_pages_wide=1)
    _heading(sheet, conference, _("CHƯƠNG TRÌNH HỘI NGHỊ"))
    top = sheet.add([(_(h), HEAD if n != 1 else HEAD_LEFT) for n, h in enumerate(AGENDA_HEAD)])
    for row in _agenda_rows(items, visible_documents):
        sheet.add(
            [(row[0], CENTER), (row[1], TEXT), (row[2], TEXT), (row[3], COUNT), (row[4], TEXT)]
        )
    minutes = sum(item.duration or 0 for item in items)
    sheet.add(
        [(None, TOTAL), (_("Tổng thời lượng"), TOTAL), (None, TOTAL), (minutes, MINUTE_TOTAL)]
        + [(None, TOTAL)]
    )
    sheet.finish(title_rows=f"{top}:{top}", protect=False)


def _participants_sheet(wb, conference, participants, partial):
    heads = [_("TT"), _("Mã đơn vị"), _("Đơn vị"), _("Điểm danh"), _("Lý do vắng")]
    heads.append(_("Số đại biểu"))
    sheet = Sheet(wb, _("Đơn vị dự"), [6, 12, 50, 18, 40, 14], None, fit_pages_wide=1)
    _heading(sheet, conference, _("ĐƠN VỊ DỰ HỘI NGHỊ VÀ ĐIỂM DANH"))
    if partial:
        sheet.add([(_("Gồm các đơn vị dự thuộc phạm vi của người lập danh sách."), NOTE)])
    top = sheet.add([(h, HEAD_LEFT if n == 2 else HEAD) for n, h in enumerate(heads)])
    for n, p in enumerate(participants, start=1):
        present = p.attendance == A.PRESENT
        sheet.add(
            [
                (n, CENTER),
                (p.unit.code, CENTER),
                (p.unit.name, TEXT),
                (attendance_label(p), TEXT),
                (p.absence_reason, TEXT),
                (p.delegates if present else None, COUNT),
            ]
        )
    t = totals(participants)
    sheet.add(
        [
            (None, TOTAL),
            (None, TOTAL),
            (_("Cộng: %(n)s đơn vị") % {"n": t.listed}, TOTAL),
            (_("Có mặt %(p)s/%(n)s") % {"p": t.present, "n": t.listed}, TOTAL),
            (_("Vắng %(a)s") % {"a": t.absent}, TOTAL),
            (t.delegates, MINUTE_TOTAL),
        ]
    )
    sheet.finish(title_rows=f"{top}:{top}", protect=False)


def conference_xlsx(conference, items, visible_documents, participants, partial):
    """One workbook: the agenda, and the participants with their attendance."""
    wb = Workbook(write_only=True)
    _agenda_sheet(wb, conference, items, visible_documents)
    _participants_sheet(wb, conference, participants, partial)
    return workbook_bytes(wb)


def filename(conference, what, extension):
    return f"hoi-nghi-{conference.pk}-{what}.{extension}"
