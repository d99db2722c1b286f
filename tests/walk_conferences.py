"""The permission walk's objects of the conferences app.

Built once per walk world (`records(w)`), around the walk's actors: officer_a holds every role
at province A (T19), commune_officer every role at commune A1 (X05500).

In scope (what officer_a opens): T19's consolidated report of 2026-H1 (its own words and an
excerpt of A1's sent report, exported once), T19's conference with its communes (an agenda
item, attendance, A1 invited to send a paper and its paper, a conclusion with a task to A1,
that task's progress and file).

Out of the commune officer's reach: T19's consolidated report (a unit below never reads its
parent's draft), a conference of T19 with the sibling commune A2 only (its agenda, paper,
conclusion, A2's task and progress file), and province B's report, conference and task.
"""

import datetime
import json

from django.utils import timezone

from giaoban.conferences import consolidation, services, tasks
from giaoban.conferences.models import PARTY, STATE, Participant
from giaoban.core import uploads
from giaoban.reports import workflow
from giaoban.reports.demo_form import ensure_demo_form
from giaoban.units.rules import Rule
from tests.conftest import make_user
from tests.reports.conftest import GOOD
from tests.walk_records import pdf

KEY = "2026-H1"


def _sent(form, unit, officer, leader, text):
    report = workflow.open_report(form, unit, KEY, officer, check_scope=False)
    workflow.save_entries(report, officer, GOOD, {"KQ": text, "PH": "Tiếp tục."}, check_scope=False)
    workflow.submit(report, leader)
    return report


class Records:
    def __init__(self, w):
        form = ensure_demo_form()
        today = timezone.localdate()
        date = today - datetime.timedelta(days=3)
        leader_a2 = make_user("walk_leader_a2", w.commune_a2, "leader", "officer")
        leader_b = make_user("walk_conf_leader_b", w.province_b, "leader")
        leader_b1 = make_user("walk_leader_b1", w.commune_b1, "leader", "officer")
        self.report_a1 = _sent(
            form,
            w.commune_a1,
            w.commune_officer,
            w.commune_leader,
            "Xã A1 đã quán triệt. Đã có 3 buổi sinh hoạt chuyên đề.",
        )
        self.report_a2 = _sent(form, w.commune_a2, leader_a2, leader_a2, "Xã A2 đã quán triệt.")
        self.report_b1 = _sent(form, w.commune_b1, leader_b1, leader_b1, "Phường B1 báo cáo.")
        # The consolidated reports.
        self.consolidation = consolidation.open_draft(w.officer_a, w.province_a, PARTY, form, KEY)
        self.own = consolidation.add_own(w.officer_a, self.consolidation, "KQ", "Lời của tỉnh.")
        self.excerpt = consolidation.add_excerpt(
            w.officer_a, self.consolidation, "KQ", self.report_a1.pk, "KQ"
        )
        consolidation.export(w.officer_a, self.consolidation)
        self.issued = consolidation.open_draft(w.officer_a, w.province_a, STATE, form, KEY)
        consolidation.issue(w.leader_a, self.issued)
        self.other_consolidation = consolidation.open_draft(
            w.officer_b, w.province_b, PARTY, form, KEY
        )
        self.other_part = consolidation.add_own(
            w.officer_b, self.other_consolidation, "KQ", "Lời của tỉnh B."
        )
        # The conferences.
        self.conference, self.task, self.progress = self._conference(
            w, w.officer_a, w.province_a, [], w.commune_a1, w.commune_officer, date, form
        )
        self.sibling_conference, self.sibling_task, self.sibling_progress = self._conference(
            w, w.officer_a, w.province_a, [w.commune_a2], w.commune_a2, leader_a2, date, form
        )
        self.other_conference, self.other_task, self.other_progress = self._conference(
            w, w.officer_b, w.province_b, [], w.commune_b1, leader_b1, date, form
        )
        self.leader_b = leader_b

    @staticmethod
    def _conference(w, officer, host, explicit, owner, owner_officer, date, form):
        rule = Rule.EXPLICIT if explicit else Rule.CHILDREN
        conference = services.create(
            officer,
            host,
            form,
            KEY,
            date,
            rule=rule,
            units=explicit,
            body=PARTY,
            papers_due=date,
        )
        services.add_item(officer, conference, "Khai mạc", host, 10)
        participant = conference.participants.get(unit=owner)
        services.set_attendance(
            officer, conference, {participant.pk: (Participant.Attendance.PRESENT, "", 3)}
        )
        services.invite_papers(officer, conference, [participant.pk], date)
        upload = pdf("tham-luan.pdf")
        services.upload_paper(
            owner_officer,
            conference,
            participant,
            upload,
            uploads.check(upload),
            "Tham luận",
            today=date,
        )
        conclusion = services.add_conclusion(officer, conference, "Tiếp tục quán triệt.")
        (task,) = tasks.assign(
            officer, conclusion, date + datetime.timedelta(days=30), units=[owner]
        )
        upload = pdf("ket-qua.pdf")
        progress = tasks.report_progress(
            owner_officer, task, "Đã triển khai.", files=[(upload, uploads.check(upload))]
        )
        return conference, task, progress


def records(w):
    if not hasattr(w, "_conference_records"):
        w._conference_records = Records(w)
    return w._conference_records


# --- KWARG_RULES providers: side "in" → what officer_a opens; "out" → what commune_officer
# must not open.


def _pick(in_name, out_names):
    def give(w, side):
        r = records(w)
        if side == "out":
            return [_pk(getattr(r, name)) for name in out_names]
        return [_pk(getattr(r, in_name))]

    return give


def _pk(obj):
    return obj.pk


consolidations = _pick("consolidation", ["consolidation", "other_consolidation"])
issued_consolidations = _pick("issued", ["issued", "other_consolidation"])
parts = _pick("excerpt", ["own", "excerpt", "other_part"])
conferences = _pick("conference", ["sibling_conference", "other_conference"])
tasks_of = _pick("task", ["sibling_task", "other_task"])


def agenda_items(w, side):
    r = records(w)
    if side == "out":
        return [c.agenda.get().pk for c in (r.sibling_conference, r.other_conference)]
    return [r.conference.agenda.get().pk]


def conclusions(w, side):
    r = records(w)
    if side == "out":
        return [c.conclusions.get().pk for c in (r.sibling_conference, r.other_conference)]
    return [r.conference.conclusions.get().pk]


def papers(w, side):
    r = records(w)
    if side == "out":
        return [c.papers.get().pk for c in (r.sibling_conference, r.other_conference)]
    return [r.conference.papers.get().pk]


def participants(w, side):
    r = records(w)
    if side == "out":
        return [c.participants.first().pk for c in (r.sibling_conference, r.other_conference)]
    return [r.conference.participants.get(unit=w.commune_a1).pk]


def progress_files(w, side):
    r = records(w)
    if side == "out":
        return [p.files.get().pk for p in (r.sibling_progress, r.other_progress)]
    return [r.progress.files.get().pk]


# --- The writing walk's cases (tests/test_walk_writes.py): (actor, url, data) that succeed.


def _day(offset):
    return (timezone.localdate() + datetime.timedelta(days=offset)).strftime("%d/%m/%Y")


def _conference_data(w, **changes):
    form = ensure_demo_form()
    data = {
        "body": PARTY,
        "period": f"{form.pk}:{KEY}",
        "title": "Hội nghị giao ban thử",
        "date": _day(-2),
        "participant_rule": "children",
    }
    return {**data, **changes}


def case_conference_new(w):
    return w.officer_a, "/giao-ban/hoi-nghi/moi/", _conference_data(w, unit="T19")


def case_conference_edit(w):
    c = records(w).conference
    return w.officer_a, f"/giao-ban/hoi-nghi/{c.pk}/sua/", _conference_data(w, title="Tên mới")


def case_attendance(w):
    c = records(w).conference
    p = c.participants.get(unit=w.commune_a2)
    data = {f"attendance-{p.pk}": "present", f"delegates-{p.pk}": "2"}
    return w.officer_a, f"/giao-ban/hoi-nghi/{c.pk}/diem-danh/", data


def case_agenda_add(w):
    c = records(w).conference
    return w.officer_a, f"/giao-ban/hoi-nghi/{c.pk}/chuong-trinh/", {"title": "Thảo luận"}


def case_agenda_item(w):
    item = records(w).conference.agenda.get()
    return w.officer_a, f"/giao-ban/hoi-nghi/chuong-trinh/{item.pk}/", {"title": "Khai mạc (sửa)"}


def case_agenda_move(w):
    c = records(w).conference
    services.add_item(w.officer_a, c, "Bế mạc")
    item = c.agenda.order_by("order").first()
    return w.officer_a, f"/giao-ban/hoi-nghi/chuong-trinh/{item.pk}/di-chuyen/", {"step": "1"}


def case_agenda_delete(w):
    item = records(w).conference.agenda.get()
    return w.officer_a, f"/giao-ban/hoi-nghi/chuong-trinh/{item.pk}/xoa/", {}


def case_papers_invite(w):
    c = records(w).conference
    ids = list(c.participants.values_list("pk", flat=True))  # A1, with its paper, stays invited
    data = {"participants": ids, "papers_due": c.date.strftime("%d/%m/%Y")}
    return w.officer_a, f"/giao-ban/hoi-nghi/{c.pk}/moi-tham-luan/", data


def case_paper_upload(w):
    form = ensure_demo_form()
    today = timezone.localdate()
    c = services.create(
        w.officer_a,
        w.province_a,
        form,
        KEY,
        today + datetime.timedelta(days=5),
        body=PARTY,
        papers_due=today + datetime.timedelta(days=2),
    )
    p = c.participants.get(unit=w.commune_a1)
    services.invite_papers(w.officer_a, c, [p.pk], c.papers_due)
    data = {"title": "Tham luận của phường", "file": pdf("tham-luan-moi.pdf")}
    return w.commune_officer, f"/giao-ban/hoi-nghi/{c.pk}/gui-tham-luan/", data


def case_paper_delete(w):
    paper = records(w).conference.papers.get()
    return w.officer_a, f"/giao-ban/hoi-nghi/tham-luan/{paper.pk}/xoa/", {}


def case_minutes(w):
    c = records(w).conference
    return w.officer_a, f"/giao-ban/hoi-nghi/{c.pk}/bien-ban/", {"minutes": "Diễn biến hội nghị."}


def case_start(w):
    c = records(w).conference
    return w.officer_a, f"/giao-ban/hoi-nghi/{c.pk}/bat-dau/", {}


def case_close(w):
    c = records(w).conference
    return w.officer_a, f"/giao-ban/hoi-nghi/{c.pk}/ket-thuc/", {}


def case_conclusion_add(w):
    c = records(w).conference
    return w.officer_a, f"/giao-ban/hoi-nghi/{c.pk}/ket-luan/", {"text": "Kết luận thêm."}


def case_conclusion_edit(w):
    conclusion = records(w).conference.conclusions.get()
    url = f"/giao-ban/hoi-nghi/ket-luan/{conclusion.pk}/sua/"
    return w.officer_a, url, {"text": "Kết luận đã sửa."}


def case_conclusion_delete(w):
    conclusion = services.add_conclusion(w.officer_a, records(w).conference, "Sẽ xóa.")
    return w.officer_a, f"/giao-ban/hoi-nghi/ket-luan/{conclusion.pk}/xoa/", {}


def case_conclusion_assign(w):
    c = records(w).conference
    conclusion = c.conclusions.get()
    data = {
        "rule": "children",
        "deadline": (c.date + datetime.timedelta(days=20)).strftime("%d/%m/%Y"),
    }
    return w.officer_a, f"/giao-ban/hoi-nghi/ket-luan/{conclusion.pk}/giao-nhiem-vu/", data


def case_task_withdraw(w):
    c = records(w).conference
    conclusion = c.conclusions.get()
    (task,) = tasks.assign(
        w.officer_a, conclusion, c.date + datetime.timedelta(days=20), units=[w.commune_a2]
    )
    return w.officer_a, f"/giao-ban/hoi-nghi/nhiem-vu/{task.pk}/rut/", {}


def _done(w):
    task = records(w).task
    tasks.mark_done(w.commune_leader, task)
    return task


def case_task_progress(w):
    task = records(w).task
    return w.commune_officer, f"/giao-ban/nhiem-vu/{task.pk}/tien-do/", {"text": "Đã triển khai."}


def case_task_done(w):
    task = records(w).task
    return w.commune_leader, f"/giao-ban/nhiem-vu/{task.pk}/hoan-thanh/", {}


def case_task_accept(w):
    task = _done(w)
    return w.leader_a, f"/giao-ban/nhiem-vu/{task.pk}/nghiem-thu/", {}


def case_task_return(w):
    task = _done(w)
    return w.leader_a, f"/giao-ban/nhiem-vu/{task.pk}/tra-lai/", {"reason": "Cần bổ sung."}


def case_api_task_progress(w):
    task = records(w).task
    return w.commune_officer, f"/api/tasks/{task.pk}/progress", json.dumps({"text": "Tiến độ."})


def case_api_task_done(w):
    task = records(w).task
    return w.commune_leader, f"/api/tasks/{task.pk}/done", json.dumps({})


def case_api_task_accept(w):
    task = _done(w)
    return w.leader_a, f"/api/tasks/{task.pk}/accept", json.dumps({})


def case_api_task_return(w):
    task = _done(w)
    return w.leader_a, f"/api/tasks/{task.pk}/return", json.dumps({"reason": "Bổ sung."})


# Exporting writes only the record of what was exported (ConsolidationExport, exempt from the
# trail): nothing a user changed.
NOT_AUDITED = {
    "api:consolidation_docx": "records what was exported (ConsolidationExport is exempt)",
    "conferences:consolidation_export": "records what was exported (ConsolidationExport is exempt)",
}


def _consolidation_url(w, tail=""):
    return f"/giao-ban/bao-cao-tong-hop/{records(w).consolidation.pk}/{tail}"


def case_consolidation_new(w):
    data = {"unit": "T19", "body": "state", "form": ensure_demo_form().code, "period": KEY}
    return w.officer_a, "/giao-ban/bao-cao-tong-hop/lap/", data


def case_consolidation_issue(w):
    return w.officer_a, _consolidation_url(w, "ban-hanh/"), {}


def case_consolidation_layout(w):
    data = {
        "subject": "Báo cáo sơ kết",
        "signer_title": "T/M ĐẢNG ỦY",
        "signer_position": "BÍ THƯ",
        "recipients_text": "Lưu Văn phòng Đảng ủy.",
    }
    return w.officer_a, _consolidation_url(w, "the-thuc/"), data


def case_own_add(w):
    return w.officer_a, _consolidation_url(w, "doan/them/"), {"section": "HC", "text": "Lời mới."}


def case_excerpt_add(w):
    r = records(w)
    data = {"section": "PH", "report": r.report_a2.pk, "field": "KQ", "whole": "1"}
    return w.officer_a, _consolidation_url(w, "doan/trich/"), data


def case_part_edit(w):
    part = records(w).own
    return w.officer_a, _consolidation_url(w, f"doan/{part.pk}/sua/"), {"text": "Lời đã sửa."}


def case_part_shorten(w):
    part = records(w).excerpt
    start, end = part.fragments[0]
    url = _consolidation_url(w, f"doan/{part.pk}/rut-gon/")
    return w.officer_a, url, {"fragments": f"{start}-{end}"}


def case_part_move(w):
    part = records(w).excerpt
    return w.officer_a, _consolidation_url(w, f"doan/{part.pk}/di-chuyen/"), {"step": "-1"}


def case_part_delete(w):
    part = records(w).own
    return w.officer_a, _consolidation_url(w, f"doan/{part.pk}/xoa/"), {}


WRITES = {
    "conferences:consolidation_new": case_consolidation_new,
    "conferences:consolidation_issue": case_consolidation_issue,
    "conferences:consolidation_layout": case_consolidation_layout,
    "conferences:consolidation_own_add": case_own_add,
    "conferences:consolidation_excerpt_add": case_excerpt_add,
    "conferences:consolidation_part_edit": case_part_edit,
    "conferences:consolidation_part_shorten": case_part_shorten,
    "conferences:consolidation_part_move": case_part_move,
    "conferences:consolidation_part_delete": case_part_delete,
    "conferences:conference_new": case_conference_new,
    "conferences:conference_edit": case_conference_edit,
    "conferences:conference_attendance": case_attendance,
    "conferences:conference_agenda": case_agenda_add,
    "conferences:agenda_item": case_agenda_item,
    "conferences:agenda_move": case_agenda_move,
    "conferences:agenda_delete": case_agenda_delete,
    "conferences:papers_invite": case_papers_invite,
    "conferences:paper_upload": case_paper_upload,
    "conferences:paper_delete": case_paper_delete,
    "conferences:conference_minutes": case_minutes,
    "conferences:conference_start": case_start,
    "conferences:conference_close": case_close,
    "conferences:conclusions": case_conclusion_add,
    "conferences:conclusion_edit": case_conclusion_edit,
    "conferences:conclusion_delete": case_conclusion_delete,
    "conferences:conclusion_assign": case_conclusion_assign,
    "conferences:task_withdraw": case_task_withdraw,
    "conferences:task_progress": case_task_progress,
    "conferences:task_done": case_task_done,
    "conferences:task_accept": case_task_accept,
    "conferences:task_return": case_task_return,
    "api:task_progress": case_api_task_progress,
    "api:task_done": case_api_task_done,
    "api:task_accept": case_api_task_accept,
    "api:task_return": case_api_task_return,
}
