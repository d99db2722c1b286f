"""Hội nghị giao ban minh họa — synthetic, labelled: the seed's mid-year conference.

With T the demo's "today" and P the demo form's latest ended period (6 tháng đầu năm
2026 when T is in December 2026):

- the ministry's consolidated report of P (its party committee's), drafted from the demo
  reports: a few paragraphs of its own words labelled demo, excerpts of provinces' texts
  (one shortened), issued and registered as a báo cáo two days before the conference;
- the ministry's conference of P (the seed's "Hội nghị giao ban … 6 tháng đầu năm"), eight
  days after P ends (22 June for 2026-H1): agenda, attendance of the departments and
  provinces (two absent, with a reason), papers from three of the four provinces invited,
  minutes, three conclusions, closed — its thông báo kết luận issued through the register.
  Its tasks: every province reports on the first conclusion (most done on time, some
  late, a few overdue, one sent back), five provinces on the second (due after T:
  within the deadline or done early), the departments on the third; progress is reported
  with the province's implementing plan (the documents' demo) or an activity as evidence;
- the demo province's own consolidated report of P (excerpts of its communes' texts) and its
  conference of P with its communes, closed, one conclusion with tasks to a few communes;
- the ministry's draft consolidated report of the current period, whose section "Kết quả
  thực hiện kết luận hội nghị kỳ trước" compiles those tasks.

Everything goes through the services as the demo's own account (accounts.system), which
cannot log in and holds roles only while it works. No person is named anywhere; every
text carries LABEL. Deterministic, idempotent (nothing is written when the ministry's
conference of P exists).
"""

import datetime
import random
import time

from django.core.files.base import ContentFile
from django.utils import timezone

from giaoban.accounts.system import SYSTEM_USERNAME, Grants, demo_actor
from giaoban.activities import public as activities
from giaoban.audit.context import acting_as
from giaoban.conferences import consolidation, services, tasks
from giaoban.conferences.models import PARTY, Conference, Paper, Participant, Progress, Task
from giaoban.core import periods, registry, uploads
from giaoban.documents import public as documents
from giaoban.exports.docx import OfficialDocument
from giaoban.reports import public as reports
from giaoban.units.models import Unit

LABEL = "(dữ liệu mẫu)"
SEED = "giaoban-demo-2026"
DEMO_ORDER = 300  # after the reports', documents' and activities' demos

AGENDA = [
    ("Khai mạc hội nghị", None, 10),
    ("Báo cáo kết quả công tác đảng, công tác chính trị và phương hướng kỳ tới", "ministry", 30),
    ("Tham luận của Công an các đơn vị, địa phương", "province_a", 60),
    ("Thảo luận", None, 40),
    ("Kết luận hội nghị", "ministry", 20),
]
CONCLUSIONS = [
    "Tiếp tục quán triệt, triển khai thực hiện hiệu quả Nghị quyết của Đảng ủy Công an Trung "
    "ương về tăng cường xây dựng, chỉnh đốn Đảng; báo cáo kết quả về Bộ Công an.",
    "Đổi mới nội dung, hình thức sinh hoạt chi bộ; xây dựng mô hình điểm về sinh hoạt chi bộ "
    "chuyên đề ở Công an cấp xã.",
    "Tham mưu hoàn thiện hướng dẫn về công tác chính trị, tư tưởng trong Công an nhân dân.",
]
MINUTES = (
    f"{LABEL} Biên bản minh họa, không phải biên bản thật.\n"
    "Thời gian: theo giấy mời. Thành phần: đại diện cấp ủy, lãnh đạo Công an các đơn vị, "
    "địa phương (số đại biểu theo bảng điểm danh).\n"
    "Nội dung: Hội nghị nghe báo cáo kết quả công tác đảng, công tác chính trị trong kỳ, "
    "các tham luận và ý kiến thảo luận; thống nhất các nội dung kết luận."
)
OPENING = (
    f"{LABEL} Thực hiện Chương trình công tác năm, {{party}} báo cáo kết quả công tác đảng, "
    "công tác chính trị trong kỳ và phương hướng, nhiệm vụ kỳ tới như sau."
)
OWN_WORDS = {
    "KQ": f"{LABEL} Các cấp ủy, tổ chức đảng đã bám sát chỉ đạo của cấp trên; một số kết quả "
    "nổi bật của Công an các địa phương:",
    "HC": f"{LABEL} Bên cạnh kết quả đạt được, còn một số hạn chế:",
    "PH": f"{LABEL} Kỳ tới, tập trung thực hiện tốt các nhiệm vụ sau:",
}


# What the units did, in turn, about a conclusion whose deadline has passed (done on time
# and accepted or awaiting acceptance, late, nothing: overdue, sent back) or not yet.
PAST_OUTCOMES = ["accepted", "done", "late", "accepted", "nothing", "late_accepted", "returned"]
FUTURE_OUTCOMES = ["nothing", "accepted", "nothing", "done"]


def _rng(*parts):
    return random.Random("|".join([SEED, *map(str, parts)]))


def _clip_day(day, today):
    return min(day, today - datetime.timedelta(days=1))


def load_demo_conferences(ctx):
    """The `giaoban demo` loader (registered at import of this module)."""
    load(ctx, log=ctx.log)


registry.demo.register(load_demo_conferences, order=DEMO_ORDER)


def exists(ministry, period):
    return Conference.objects.filter(unit=ministry, period_key=period.key, is_demo=True).exists()


def load(ctx, today=None, log=print):
    """Load the demo conferences; returns {what: how many} (empty when already loaded)."""
    started = time.monotonic()
    today = today or timezone.localdate()
    form = reports.form_by_code("CTD-CTCT-6T")
    if form is None:
        return {}
    period = periods.latest_ended(today, form.period_type, form.cutoff_day)
    if exists(ctx.ministry, period):
        log("Hội nghị giao ban minh họa đã có — bỏ qua.")
        return {}
    actor = demo_actor(ctx.ministry)
    with acting_as(user=actor, label=SYSTEM_USERNAME), Grants(actor) as grants:
        demo = _Demo(ctx, actor, grants, form, period, today)
        counts = demo.run()
    log(
        f"Hội nghị giao ban minh họa: {counts['conferences']} hội nghị, {counts['tasks']} nhiệm "
        f"vụ ({time.monotonic() - started:.1f} s)."
    )
    return counts


class _Demo:
    def __init__(self, ctx, actor, grants, form, period, today):
        self.ctx, self.actor, self.grants = ctx, actor, grants
        self.form, self.period, self.today = form, period, today
        self.date = _clip_day(period.end + datetime.timedelta(days=8), today)
        self.counts = {"conferences": 0, "tasks": 0}

    def at(self, *units):
        for unit in units:
            self.grants.at(unit)

    def run(self):
        ministry = self.ctx.ministry
        self.at(ministry)
        report = self.report(ministry, self.date)
        conference = self.conference(ministry, report)
        self.ministry_tasks(conference)
        self.close(conference)
        self.follow_up_ministry(conference)
        _backdate(conference, self.today)
        self.province_conference()
        self.current_draft(ministry)
        return self.counts

    # ---------------------------------------------------------- the consolidated report

    def report(self, unit, date):
        """The unit's consolidated report of the period, issued two days before `date`."""
        draft = consolidation.open_draft(
            self.actor, unit, PARTY, self.form, self.period.key, self.today, is_demo=True
        )
        party = unit.party_name or f"Đảng ủy {unit.name}"
        consolidation.add_own(self.actor, draft, "", OPENING.format(party=party))
        sent = [s for s in reports.submissions(unit, self.form, self.period) if s.sent]
        for code, words in OWN_WORDS.items():
            consolidation.add_own(self.actor, draft, code, words)
            with_text = [s for s in sent if s.texts.get(code)]
            for s in _rng(unit.code, code).sample(with_text, min(3, len(with_text))):
                consolidation.add_excerpt(self.actor, draft, code, s.report_id, code)
        consolidation.issue(self.actor, draft, date - datetime.timedelta(days=2))
        return draft

    # ---------------------------------------------------------- the conference

    def conference(self, unit, report):
        conference = services.create(
            self.actor,
            unit,
            self.form,
            self.period.key,
            self.date,
            body=PARTY,
            start_time=datetime.time(8, 0),
            end_time=datetime.time(11, 30),
            place=f"Hội trường Bộ Công an, Hà Nội {LABEL}",
            online_link="Điểm cầu trực tuyến tại Công an các tỉnh, thành phố (mạng nội bộ)",
            papers_due=self.date - datetime.timedelta(days=3),
            consolidation=report,
        )
        conference.is_demo = True
        conference.save(update_fields=["is_demo"])
        self.counts["conferences"] += 1
        places = {"ministry": self.ctx.ministry, "province_a": self.ctx.province_a}
        for title, presenter, minutes in AGENDA:
            services.add_item(
                self.actor, conference, title, places.get(presenter), minutes, docs=()
            )
        self.attendance(conference)
        self.papers(conference)
        services.start(self.actor, conference)
        services.save_minutes(self.actor, conference, MINUTES)
        return conference

    def attendance(self, conference):
        rows = {}
        participants = list(conference.participants.select_related("unit"))
        absent = {p.pk for p in _rng("absent").sample(participants, min(2, len(participants)))}
        for p in participants:
            if p.pk in absent:
                rows[p.pk] = (
                    Participant.Attendance.ABSENT,
                    f"Trực sẵn sàng chiến đấu {LABEL}",
                    None,
                )
            else:
                rows[p.pk] = (Participant.Attendance.PRESENT, "", _rng(p.unit.code).randint(2, 5))
        services.set_attendance(self.actor, conference, rows)

    def papers(self, conference):
        provinces = [
            p for p in conference.participants.select_related("unit") if p.unit.level.code == "tinh"
        ]
        chosen = [p for p in provinces if p.unit_id == self.ctx.province_a.pk]
        chosen += [
            p for p in _rng("papers").sample(provinces, min(3, len(provinces))) if p not in chosen
        ]
        chosen = chosen[:4]
        services.invite_papers(
            self.actor, conference, [p.pk for p in chosen], conference.papers_due
        )
        for p in chosen[:3]:
            self.at(p.unit)
            upload = ContentFile(self.paper(p.unit), name=f"tham-luan-{p.unit.code}.docx")
            services.upload_paper(
                self.actor,
                conference,
                p,
                upload,
                uploads.check(upload),
                f"Tham luận của {p.unit.name} {LABEL}",
                today=conference.papers_due,
            )

    def paper(self, unit):
        doc = OfficialDocument(
            documents.issuer(unit, PARTY),
            "Tham luận",
            "",
            f"Kinh nghiệm quán triệt, triển khai nghị quyết ở Công an cấp xã {LABEL}",
            note=f"{LABEL} Văn bản minh họa, không phải văn bản thật.",
        )
        doc.paragraph(
            f"{LABEL} Nội dung tham luận minh họa: cách tổ chức quán triệt lồng ghép sinh hoạt "
            "chi bộ, ghi buổi quán triệt vào nhật ký hoạt động và báo cáo kết quả đúng hạn."
        )
        return doc.to_bytes()

    # ---------------------------------------------------------- conclusions and tasks

    def ministry_tasks(self, conference):
        ctx = self.ctx
        first = services.add_conclusion(self.actor, conference, f"{CONCLUSIONS[0]} {LABEL}")
        second = services.add_conclusion(self.actor, conference, f"{CONCLUSIONS[1]} {LABEL}")
        third = services.add_conclusion(self.actor, conference, f"{CONCLUSIONS[2]} {LABEL}")
        level = ctx.province_a.level
        made = tasks.assign(
            self.actor,
            first,
            self.date + datetime.timedelta(days=60),
            rule=documents.Rule.LEVEL,
            level=level,
            expected_result=f"Báo cáo kết quả quán triệt, triển khai {LABEL}",
        )
        provinces = sorted(
            [t.unit for t in made if t.unit_id != ctx.province_a.pk], key=lambda u: u.code
        )
        five = [ctx.province_a, *_rng("second").sample(provinces, min(4, len(provinces)))]
        made += tasks.assign(
            self.actor,
            second,
            max(self.today + datetime.timedelta(days=20), self.date),
            units=five,
            expected_result=f"Mô hình điểm được xây dựng và báo cáo {LABEL}",
        )
        departments = list(
            Unit.objects.active_on(self.date).filter(parent=ctx.ministry, level__code="cuc")
        )
        if departments:
            made += tasks.assign(
                self.actor,
                third,
                self.date + datetime.timedelta(days=90),
                units=departments,
                expected_result=f"Dự thảo hướng dẫn trình Đảng ủy {LABEL}",
            )
        self.counts["tasks"] += len(made)

    def close(self, conference):
        services.close(self.actor, conference, self.date)

    def follow_up_ministry(self, conference):
        self.follow_up_all(tasks_of(conference))

    def follow_up_all(self, made):
        """Each conclusion's tasks, in the order of their units, take the outcomes of
        PAST_OUTCOMES (deadline passed) or FUTURE_OUTCOMES in turn, so that every standing
        of the matrix shows whatever the number of units; the demo province does its part
        of the first conclusion on time and has it accepted."""
        by_conclusion = {}
        for task in sorted(made, key=lambda t: (t.conclusion.number, t.path)):
            by_conclusion.setdefault(task.conclusion_id, []).append(task)
        for group in by_conclusion.values():
            for n, task in enumerate(group):
                outcomes = PAST_OUTCOMES if task.deadline < self.today else FUTURE_OUTCOMES
                outcome = outcomes[n % len(outcomes)]
                if task.unit_id == self.ctx.province_a.pk and task.conclusion.number == 1:
                    outcome = "accepted"
                self.follow_up(task, outcome)

    def follow_up(self, task, outcome):
        """Progress as the unit, the leader's "done", the assigning unit's decision."""
        if outcome == "nothing":
            return  # overdue, or still within the deadline
        rng = _rng(task.unit.code, task.conclusion.number)
        if outcome.startswith("late"):
            done = task.deadline + datetime.timedelta(days=rng.randint(1, 20))
        else:
            done = task.deadline - datetime.timedelta(days=rng.randint(1, 15))
        done = min(max(done, task.conclusion.conference.date), self.today)
        self.at(task.unit)
        kind, record = self.evidence(task)
        tasks.report_progress(
            self.actor,
            task,
            f"{LABEL} Đã tổ chức thực hiện; kết quả theo văn bản, hoạt động kèm theo.",
            kind,
            record,
        )
        tasks.mark_done(self.actor, task, done)
        if outcome == "returned":
            tasks.send_back(self.actor, task, f"Cần bổ sung số liệu cụ thể {LABEL}")
        elif outcome in ("accepted", "late_accepted"):
            tasks.accept(self.actor, task)

    def evidence(self, task):
        issued = documents.issued_by(self.actor, task.unit, limit=1)
        if issued:
            return "document", issued[0][0]
        done = activities.recorded_by(self.actor, task.unit, limit=1)
        return ("activity", done[0][0]) if done else ("", None)

    # ---------------------------------------------------------- the province's own

    def province_conference(self):
        province = self.ctx.province_a
        self.at(province)
        date = _clip_day(self.period.end + datetime.timedelta(days=5), self.today)
        conference = services.create(
            self.actor,
            province,
            self.form,
            self.period.key,
            date,
            body=PARTY,
            start_time=datetime.time(14, 0),
            place=f"Hội trường Công an tỉnh {LABEL}",
            consolidation=self.report(province, date),
        )
        conference.is_demo = True
        conference.save(update_fields=["is_demo"])
        self.counts["conferences"] += 1
        services.add_item(self.actor, conference, "Báo cáo sơ kết 6 tháng", province, 30)
        services.add_item(self.actor, conference, "Ý kiến của Công an các xã, phường", None, 45)
        rows = {
            p.pk: (Participant.Attendance.PRESENT, "", 1 + _rng(p.unit.code, "t").randint(0, 1))
            for p in conference.participants.select_related("unit")
        }
        services.set_attendance(self.actor, conference, rows)
        services.save_minutes(self.actor, conference, MINUTES)
        conclusion = services.add_conclusion(
            self.actor,
            conference,
            f"Công an các xã, phường hoàn thành quán triệt Nghị quyết, ghi vào nhật ký hoạt động "
            f"{LABEL}",
        )
        communes = [p.unit for p in conference.participants.select_related("unit")][:6]
        made = tasks.assign(
            self.actor, conclusion, date + datetime.timedelta(days=30), units=communes
        )
        self.counts["tasks"] += len(made)
        services.close(self.actor, conference, date)
        self.follow_up_all(made)
        _backdate(conference, self.today)

    def current_draft(self, unit):
        current = periods.shift(self.period, 1)
        if current.start > self.today:
            return
        consolidation.open_draft(
            self.actor, unit, PARTY, self.form, current.key, self.today, is_demo=True
        )


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _backdate(conference, today):
    """Date what the loader wrote today as it would have happened: papers the day before
    their deadline, progress reports on the day the task was marked done (or a week before
    its deadline), decisions two days later — never after today. The audit trail keeps the
    moment they were loaded (as the reports' demo does for its history)."""
    if conference.papers_due:
        Paper.objects.filter(conference=conference).update(
            uploaded_at=_at(conference.papers_due - datetime.timedelta(days=1), 9)
        )
    for task in tasks_of(conference):
        day = task.done_on or min(today, task.deadline - datetime.timedelta(days=7))
        day = max(day, conference.date)
        Progress.objects.filter(task=task).update(created_at=_at(day, 9))
        if task.decided_at is not None:
            decided = min(day + datetime.timedelta(days=2), today)
            Task.objects.filter(pk=task.pk).update(decided_at=_at(decided, 15))


def tasks_of(conference):
    return list(
        Task.objects.filter(conclusion__conference=conference)
        .select_related("unit", "assigner", "conclusion__conference")
        .order_by("pk")
    )
