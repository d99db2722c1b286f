"""The briefing conference (hội nghị giao ban): preparing it, holding it, closing it.

- An officer of the host unit (or above it) creates the conference for a period and
  keeps it: title, date, time, place or an online link (plain text), the participants
  chosen by a rule (the host's direct children, a level, a list — resolved on the
  conference's date, always inside the host's subtree), attendance per unit (present;
  absent with a reason; the number of delegates, a count), the agenda, the invitation
  to send papers (tham luận) by a deadline, the minutes and the numbered conclusions.
- An invited unit's officer uploads its paper before the deadline.
- Closing (a leader of the host unit) locks the minutes and the conclusions and issues
  the conclusions as a thông báo kết luận through the document register, addressed to
  the units concerned: the participants and the units given tasks.

Errors are `ConferenceError` with a Vietnamese message and the field they concern.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.audit.registry import BulkWriter, mark, snapshot, take_snapshot, write
from giaoban.conferences import consolidation, tasks
from giaoban.conferences.models import (
    PARTY,
    STATE,
    AgendaItem,
    Conclusion,
    Conference,
    Paper,
    Participant,
    Task,
)
from giaoban.core import roles, uploads
from giaoban.core.scope import CHANGE, can
from giaoban.documents import public as documents
from giaoban.reports import public as reports
from giaoban.units import rules
from giaoban.units.models import Unit
from giaoban.units.rules import Rule

S = Conference.Status
A = Participant.Attendance
FIELDS = (
    "title",
    "body",
    "date",
    "start_time",
    "end_time",
    "place",
    "online_link",
    "papers_due",
    "consolidation",
)
MAX_DELEGATES = 10_000
MAX_MINUTES = 200_000
MAX_CONCLUSION = 20_000
NAMED_UNITS = 5  # units named after a conclusion in the notice; the rest counted


class ConferenceError(Exception):
    """A refusal: `message` in Vietnamese, the `field` it is about, `forbidden` when it is
    not this user's to do (403), and for a form of many rows every row's message in
    `errors` ({field: message}, `field` and `message` being the first of them)."""

    def __init__(self, message, field=None, forbidden=False, errors=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.forbidden = forbidden
        self.errors = errors or ({field: message} if field else {})


def clean_text(text, field, required=True, limit=consolidation.MAX_TEXT):
    """NFC text without NUL within `limit` characters, or a ConferenceError naming `field`."""
    try:
        return consolidation.clean_text(text, field, required, limit)
    except consolidation.ConsolidationError as error:
        raise ConferenceError(error.message, field=field) from None


def may_manage(user, conference):
    """Whether the user keeps the conference: an officer of the host unit or above it."""
    return can(user, CHANGE, conference.unit)


def may_edit(user, conference):
    """Whether the user may change it now: kept by them, and not closed."""
    return conference.status != S.CLOSED and may_manage(user, conference)


def may_start(user, conference):
    return conference.status == S.PREPARING and (
        may_manage(user, conference) or roles.is_leader_of(user, conference.unit)
    )


def may_close(user, conference):
    return conference.status != S.CLOSED and roles.is_leader_of(user, conference.unit)


def closed_message():
    return _("Hội nghị đã kết thúc: biên bản, kết luận và chương trình đã khóa.")


def _require_manage(user, conference, open_only=True):
    if not may_manage(user, conference):
        raise ConferenceError(
            _("Đồng chí không quản lý được hội nghị của đơn vị này."), forbidden=True
        )
    if open_only and conference.status == S.CLOSED:
        raise ConferenceError(closed_message(), forbidden=True)


def _locked(conference):
    return (
        Conference.objects.select_for_update().select_related("unit", "form").get(pk=conference.pk)
    )


def _lower_first(text):
    text = str(text)
    return text[:1].lower() + text[1:]


def default_title(period):
    return _("Hội nghị giao ban công tác đảng, công tác chính trị %(period)s") % {
        "period": _lower_first(period.label)
    }


def _day(value):
    return value.strftime("%d/%m/%Y")


def _parse_period(form, period_key):
    try:
        return reports.parse_period(form, period_key)
    except reports.PeriodError as error:
        raise ConferenceError(str(error), field="period") from None


def _check_fields(conference):
    if conference.body not in (PARTY, STATE):
        raise ConferenceError(_("Cơ quan chủ trì không hợp lệ."), field="body")
    if not isinstance(conference.date, datetime.date):
        raise ConferenceError(_("Ngày họp không hợp lệ."), field="date")
    conference.title = clean_text(conference.title, "title", limit=300)
    for name, limit in (("place", 300), ("online_link", 500)):
        setattr(conference, name, clean_text(getattr(conference, name), name, False, limit))
    if (
        conference.start_time
        and conference.end_time
        and conference.end_time <= conference.start_time
    ):
        raise ConferenceError(_("Giờ kết thúc phải sau giờ bắt đầu."), field="end_time")
    if conference.papers_due and conference.papers_due > conference.date:
        raise ConferenceError(
            _("Hạn gửi tham luận phải trước hoặc đúng ngày họp (%(d)s).")
            % {"d": _day(conference.date)},
            field="papers_due",
        )
    report = conference.consolidation
    if report is not None and (
        report.unit_id != conference.unit_id
        or report.form_id != conference.form_id
        or report.period_key != conference.period_key
    ):
        raise ConferenceError(
            _("Báo cáo tổng hợp phải của đơn vị chủ trì, cùng mẫu và cùng kỳ với hội nghị."),
            field="consolidation",
        )


def _check_task_deadlines(conference):
    """The day of the conference cannot move past a deadline it has already given."""
    if not conference.pk:
        return
    early = (
        Task.objects.filter(conclusion__conference=conference, deadline__lt=conference.date)
        .order_by("deadline")
        .values_list("deadline", flat=True)
        .first()
    )
    if early is not None:
        raise ConferenceError(
            _("Đã giao nhiệm vụ hạn %(d)s: ngày họp không được sau hạn đó.") % {"d": _day(early)},
            field="date",
        )


def _save_if_changed(conference, before):
    """Save only a real change: a save that changes nothing would still stamp "updated at",
    a write with nothing for the audit trail to record."""
    if snapshot(conference) != before:
        conference.save()


def _resolve(conference, explicit_units=()):
    try:
        return rules.resolve(
            conference.unit,
            conference.participant_rule,
            conference.date,
            level=conference.participant_level_id,
            explicit_units=explicit_units,
        )
    except rules.RuleError as error:
        raise ConferenceError(str(error), field="participant_rule") from None


def _set_fields(conference, fields):
    for name, value in fields.items():
        if name not in FIELDS:
            raise TypeError(name)
        setattr(conference, name, value)


@transaction.atomic
def create(user, unit, form, period_key, date, rule=Rule.CHILDREN, level=None, units=(), **fields):
    """A new conference hosted by `unit`, its participants resolved on `date`."""
    if not can(user, CHANGE, unit):
        raise ConferenceError(_("Đồng chí không tạo được hội nghị của đơn vị này."), forbidden=True)
    period = _parse_period(form, period_key)
    conference = Conference(
        unit=unit,
        path=unit.path,
        form=form,
        period_key=period.key,
        date=date,
        participant_rule=rule,
        participant_level=level,
        created_by=user,
    )
    conference.title = fields.pop("title", "") or default_title(period)
    _set_fields(conference, fields)
    _check_fields(conference)
    resolved = _resolve(conference, units)
    conference.save()
    Participant.objects.bulk_create(
        [Participant(conference=conference, unit=u, path=p) for u, p in resolved]
    )
    _audit_created_participants(conference)
    return conference


def _audit_created_participants(conference, ids=None):
    """bulk_create sends no signals: the audit entries of the rows it wrote."""
    writer = BulkWriter()
    rows = conference.participants.select_related("unit")
    if ids is not None:
        rows = rows.filter(unit_id__in=ids)
    for p in rows:
        writer.add(Participant, p.pk, str(p.unit), p.path, "create", after=snapshot(p))
    writer.flush()


@transaction.atomic
def update(user, conference, form=None, period_key=None, **fields):
    """Change the details (and the form and period); the participants stay as they are."""
    conference = _locked(conference)
    _require_manage(user, conference)
    if form is not None or period_key is not None:
        form = form or conference.form
        conference.form = form
        conference.period_key = _parse_period(form, period_key or conference.period_key).key
    before = snapshot(conference)
    _set_fields(conference, fields)
    _check_fields(conference)
    _check_task_deadlines(conference)
    _save_if_changed(conference, before)
    return conference


@transaction.atomic
def set_participants(user, conference, rule, level=None, units=()):
    """Choose the participants again; units kept keep their attendance and papers."""
    conference = _locked(conference)
    _require_manage(user, conference)
    before = snapshot(conference)
    conference.participant_rule = rule
    conference.participant_level = level
    resolved = _resolve(conference, units)
    wanted = {u.pk: p for u, p in resolved}
    existing = {p.unit_id: p for p in conference.participants.select_related("unit")}
    gone = [p for uid, p in existing.items() if uid not in wanted]
    with_papers = set(conference.papers.values_list("unit_id", flat=True))
    blocked = [p for p in gone if p.unit_id in with_papers]
    if blocked:
        raise ConferenceError(
            _("%(unit)s đã gửi tham luận: không bỏ khỏi danh sách đơn vị dự được.")
            % {"unit": blocked[0].unit.name},
            field="participant_rule",
        )
    for p in gone:
        p.delete()
    new = [uid for uid in wanted if uid not in existing]
    Participant.objects.bulk_create(
        [Participant(conference=conference, unit_id=uid, path=wanted[uid]) for uid in new]
    )
    _audit_created_participants(conference, new)
    _save_if_changed(conference, before)
    return conference


def _attendance_row(p, attendance, reason, delegates):
    """(attendance, reason, delegates) as stored, or a ConferenceError naming the row's field
    and unit. Absent: a reason and no delegates; present: at least one delegate if counted."""
    pid, unit = p.pk, p.unit.name
    if attendance not in A.values:
        raise ConferenceError(
            _("%(unit)s: điểm danh không hợp lệ.") % {"unit": unit}, field=f"attendance-{pid}"
        )
    reason = clean_text(reason, f"reason-{pid}", required=False, limit=300)
    if attendance == A.ABSENT:
        if not reason:
            raise ConferenceError(
                _("%(unit)s vắng mặt: cần ghi lý do.") % {"unit": unit}, field=f"reason-{pid}"
            )
        return attendance, reason, None
    if attendance == A.UNKNOWN:
        return attendance, "", None
    if delegates is not None and (
        not isinstance(delegates, int) or not 1 <= delegates <= MAX_DELEGATES
    ):
        raise ConferenceError(
            _("%(unit)s có mặt: số đại biểu từ 1 đến %(n)s.")
            % {"unit": unit, "n": f"{MAX_DELEGATES:,}".replace(",", ".")},
            field=f"delegates-{pid}",
        )
    return attendance, "", delegates


@transaction.atomic
def set_attendance(user, conference, rows):
    """Attendance of many participants at once: rows maps a participant id to
    (attendance, absence reason, delegates or None). All or none: every row's refusal is
    in the error's `errors`. Returns how many rows changed."""
    conference = _locked(conference)
    _require_manage(user, conference)
    participants = (
        conference.participants.select_for_update().select_related("unit").in_bulk(list(rows))
    )
    changed, errors = [], {}
    for pid, (attendance, reason, delegates) in rows.items():
        p = participants.get(pid)
        if p is None:
            raise ConferenceError(_("Đơn vị không thuộc danh sách dự hội nghị."), field="unit")
        try:
            values = _attendance_row(p, attendance, reason, delegates)
        except ConferenceError as error:
            errors.update(error.errors)
            continue
        if (p.attendance, p.absence_reason, p.delegates) != values:
            p.attendance, p.absence_reason, p.delegates = values
            changed.append(p)
    if errors:
        field, message = next(iter(errors.items()))
        raise ConferenceError(message, field=field, errors=errors)
    for p in changed:
        p.save()
    return len(changed)


# ------------------------------------------------------------------ agenda


def _check_presenter(conference, presenter):
    if presenter is not None and not presenter.path.startswith(conference.unit.path):
        raise ConferenceError(
            _("Đơn vị trình bày phải là đơn vị chủ trì hoặc đơn vị thuộc phạm vi của đơn vị đó."),
            field="presenter",
        )


def _check_duration(duration):
    if duration is not None and (not isinstance(duration, int) or not 0 < duration <= 24 * 60):
        raise ConferenceError(_("Thời lượng từ 1 đến 1.440 phút."), field="duration")


def _check_documents(user, docs):
    visible = documents.visible(user, [d.pk for d in docs])
    if len(visible) != len({d.pk for d in docs}):
        raise ConferenceError(_("Có văn bản đồng chí không xem được."), field="documents")


def _set_documents(item, docs):
    """Link the item to `docs`; the change of the links (not in the item's own row) is
    audited as its own entry, by the documents' symbols."""
    before = sorted(str(d) for d in item.documents.all())
    after = sorted(str(d) for d in docs)
    if before == after:
        return
    item.documents.set(docs)
    write(
        item,
        "update",
        before={"documents": before},
        after={"documents": after},
        message=_("Đổi văn bản liên quan của mục chương trình"),
    )


@transaction.atomic
def add_item(user, conference, title, presenter=None, duration=None, docs=()):
    """A new item at the end of the agenda."""
    conference = _locked(conference)
    _require_manage(user, conference)
    title = clean_text(title, "title", limit=300)
    _check_presenter(conference, presenter)
    _check_duration(duration)
    _check_documents(user, docs)
    top = conference.agenda.aggregate(m=Max("order"))["m"] or 0
    item = AgendaItem.objects.create(
        conference=conference, order=top + 1, title=title, presenter=presenter, duration=duration
    )
    _set_documents(item, docs)
    return item


@transaction.atomic
def update_item(user, item, title, presenter=None, duration=None, docs=None):
    """Change an item; `docs` None leaves its documents as they are."""
    conference = _locked(item.conference)
    _require_manage(user, conference)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    title = clean_text(title, "title", limit=300)
    _check_presenter(conference, presenter)
    _check_duration(duration)
    if docs is not None:
        _check_documents(user, docs)
    item.title, item.presenter, item.duration = title, presenter, duration
    item.save()
    if docs is not None:
        _set_documents(item, docs)
    return item


def _renumber(items):
    for n, x in enumerate(items, start=1):
        if x.order != n:
            x.order = n
            x.save(update_fields=["order"])


@transaction.atomic
def move_item(user, item, step):
    """One place up (-1) or down (1); at either end nothing changes."""
    conference = _locked(item.conference)
    _require_manage(user, conference)
    items = list(conference.agenda.select_for_update().order_by("order", "pk"))
    i = next((n for n, x in enumerate(items) if x.pk == item.pk), None)
    if i is None or step not in (-1, 1) or not 0 <= i + step < len(items):
        return item
    items[i], items[i + step] = items[i + step], items[i]
    _renumber(items)
    return item


@transaction.atomic
def delete_item(user, item):
    """Remove an item; those after it move up."""
    conference = _locked(item.conference)
    _require_manage(user, conference)
    item.delete()
    _renumber(list(conference.agenda.select_for_update().order_by("order", "pk")))


# ------------------------------------------------------------------ papers


@transaction.atomic
def invite_papers(user, conference, participant_ids, due):
    """Invite these participants to send a paper by `due` (the others are not invited; a
    unit that has sent one stays invited)."""
    conference = _locked(conference)
    _require_manage(user, conference)
    if due is None:
        raise ConferenceError(_("Cần đặt hạn gửi tham luận."), field="papers_due")
    before = snapshot(conference)
    conference.papers_due = due
    _check_fields(conference)
    wanted = set(participant_ids)
    participants = list(conference.participants.select_for_update().select_related("unit"))
    if wanted - {p.pk for p in participants}:
        raise ConferenceError(_("Đơn vị không thuộc danh sách dự hội nghị."), field="participants")
    with_papers = set(conference.papers.values_list("unit_id", flat=True))
    for p in participants:
        if p.paper_invited and p.pk not in wanted and p.unit_id in with_papers:
            raise ConferenceError(
                _("%(unit)s đã gửi tham luận: không bỏ lời mời được.") % {"unit": p.unit.name},
                field="participants",
            )
    _save_if_changed(conference, before)
    for p in participants:
        invited = p.pk in wanted
        if p.paper_invited != invited:
            p.paper_invited = invited
            p.save()
    return conference


def may_upload_paper(user, conference, participant):
    return (
        participant.conference_id == conference.pk
        and participant.paper_invited
        and conference.status != S.CLOSED
        and can(user, CHANGE, participant.unit)
    )


def papers_closed(conference, today=None):
    """Whether the deadline for papers has passed."""
    today = today or timezone.localdate()
    return bool(conference.papers_due and today > conference.papers_due)


@transaction.atomic
def upload_paper(user, conference, participant, upload, checked, title, today=None):
    """Store an invited unit's paper (`checked`: core.uploads.check of `upload`); refused
    after the deadline. The file is removed if the row cannot be written."""
    conference = _locked(conference)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not may_upload_paper(user, conference, participant):
        raise ConferenceError(
            _("Đơn vị không được mời gửi tham luận, hoặc đồng chí không gửi thay được."),
            forbidden=True,
        )
    if papers_closed(conference, today):
        raise ConferenceError(
            _("Đã quá hạn gửi tham luận (%(d)s).") % {"d": _day(conference.papers_due)},
            field="file",
        )
    title = clean_text(title, "title", limit=300)
    stored = uploads.store(upload, checked, f"conferences/{conference.pk}")
    try:
        return Paper.objects.create(
            conference=conference,
            unit=participant.unit,
            path=participant.path,
            title=title,
            name=checked.name,
            stored=stored,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=user,
        )
    except BaseException:
        uploads.delete(stored)
        raise


def may_delete_paper(user, conference, paper, today=None):
    """The host's officers until the close; the unit's own until the deadline."""
    if conference.status == S.CLOSED:
        return False
    if may_manage(user, conference):
        return True
    return can(user, CHANGE, paper.unit) and not papers_closed(conference, today)


@transaction.atomic
def delete_paper(user, paper, today=None):
    conference = _locked(paper.conference)
    if not may_delete_paper(user, conference, paper, today):
        raise ConferenceError(_("Không xóa được tham luận này."), forbidden=True)
    stored = paper.stored
    paper.delete()
    transaction.on_commit(lambda: uploads.delete(stored))


# ------------------------------------------------------------------ minutes, conclusions


@transaction.atomic
def save_minutes(user, conference, text):
    conference = _locked(conference)
    _require_manage(user, conference)
    before = snapshot(conference)
    conference.minutes = clean_text(text, "minutes", required=False, limit=MAX_MINUTES)
    _save_if_changed(conference, before)
    return conference


@transaction.atomic
def start(user, conference):
    """Hội nghị bắt đầu: the minutes are kept from now until the close."""
    conference = _locked(conference)
    if conference.status == S.CLOSED:
        raise ConferenceError(closed_message(), forbidden=True)
    if conference.status != S.PREPARING:
        return conference
    if not may_start(user, conference):
        raise ConferenceError(
            _("Đồng chí không quản lý được hội nghị của đơn vị này."), forbidden=True
        )
    take_snapshot(conference)
    mark(conference, "transition", _("Hội nghị bắt đầu"))
    conference.status = S.OPEN
    conference.save()
    return conference


@transaction.atomic
def add_conclusion(user, conference, text):
    conference = _locked(conference)
    _require_manage(user, conference)
    text = clean_text(text, "text", limit=MAX_CONCLUSION)
    top = conference.conclusions.aggregate(m=Max("number"))["m"] or 0
    return Conclusion.objects.create(conference=conference, number=top + 1, text=text)


@transaction.atomic
def edit_conclusion(user, conclusion, text):
    conference = _locked(conclusion.conference)
    _require_manage(user, conference)
    text = clean_text(text, "text", limit=MAX_CONCLUSION)
    # Read again: its number may have changed since (another one removed before it).
    conclusion = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
    conclusion.text = text
    conclusion.save()
    return conclusion


@transaction.atomic
def delete_conclusion(user, conclusion):
    """Remove a conclusion and its tasks (none reported on yet); the others are numbered
    again from 1."""
    conference = _locked(conclusion.conference)
    _require_manage(user, conference)
    if Task.objects.filter(conclusion=conclusion, progress__isnull=False).exists():
        raise ConferenceError(
            _("Đơn vị đã báo cáo tiến độ nhiệm vụ của kết luận này: không xóa được."),
            field="text",
        )
    conclusion.delete()
    for n, c in enumerate(conference.conclusions.order_by("number"), start=1):
        if c.number != n:
            c.number = n
            c.save(update_fields=["number"])


def _task_line(tasks_):
    names = ", ".join(t.unit.name for t in tasks_[:NAMED_UNITS])
    if len(tasks_) > NAMED_UNITS:
        names += _(" và %(n)s đơn vị khác") % {"n": len(tasks_) - NAMED_UNITS}
    days = sorted({t.deadline for t in tasks_})
    return _("Giao %(n)s đơn vị thực hiện (%(names)s), hạn %(d)s.") % {
        "n": len(tasks_),
        "names": names,
        "d": ", ".join(_day(d) for d in days),
    }


def notice_text(conference):
    """The thông báo kết luận's text: the conference, then the numbered conclusions, each
    with the units it gives tasks to and their deadlines."""
    lines = [
        _("Ngày %(day)s, %(host)s tổ chức %(title)s.")
        % {
            "day": _day(conference.date),
            "host": conference.unit.name,
            "title": _lower_first(conference.title),
        },
        _("Hội nghị kết luận:"),
    ]
    rows = conference.conclusions.order_by("number").prefetch_related("tasks__unit")
    for c in rows:
        lines.append(f"{c.number}. {c.text}")
        tasks_ = sorted(c.tasks.all(), key=lambda t: t.path)
        if tasks_:
            lines.append(_task_line(tasks_))
    return "\n".join(lines)


def notice_recipients(conference):
    """The units the notice is addressed to: the participants and the units given tasks."""
    unit_ids = set(conference.participants.values_list("unit_id", flat=True))
    unit_ids |= set(
        Task.objects.filter(conclusion__conference=conference).values_list("unit_id", flat=True)
    )
    return list(Unit.objects.filter(pk__in=unit_ids).order_by("path"))


def _closing_time(conference, day):
    """Now; or, for a close recorded afterwards on an earlier `day` (the demo's), that day
    at the conference's end time."""
    now = timezone.now()
    if day is None or day >= timezone.localdate():
        return now
    end = conference.end_time or datetime.time(17, 0)
    return timezone.make_aware(datetime.datetime.combine(day, end))


@transaction.atomic
def close(user, conference, day=None):
    """Kết thúc: lock the minutes and conclusions, issue the thông báo kết luận to the
    participants and the units given tasks. Returns the register's Document."""
    conference = _locked(conference)
    if conference.status == S.CLOSED:
        raise ConferenceError(_("Hội nghị đã kết thúc."), forbidden=True)
    if not roles.is_leader_of(user, conference.unit):
        raise ConferenceError(
            _("Chỉ lãnh đạo %(unit)s kết thúc được hội nghị.") % {"unit": conference.unit.name},
            forbidden=True,
        )
    day = day or timezone.localdate()
    if day < conference.date:
        raise ConferenceError(
            _("Hội nghị họp ngày %(d)s: chưa kết thúc được trước ngày đó.")
            % {"d": _day(conference.date)},
            field="date",
        )
    if not conference.conclusions.exists():
        raise ConferenceError(_("Hội nghị chưa có kết luận nào."), field="conclusions")
    authority, position = consolidation.default_signer(conference.unit, conference.body)
    try:
        document, _warnings = documents.issue_directly(
            user,
            conference.unit,
            conference.body,
            "TB",
            _("Kết luận %(title)s") % {"title": _lower_first(conference.title)},
            notice_text(conference),
            rule=documents.Rule.EXPLICIT,
            explicit_units=notice_recipients(conference),
            day=day,
            signer_title="\n".join(filter(None, (authority, position))),
            is_demo=conference.is_demo,
        )
    except documents.DocumentError as error:
        raise ConferenceError(error.message, field=error.field) from None
    take_snapshot(conference)
    mark(conference, "transition", _("Kết thúc hội nghị: %(s)s") % {"s": document.symbol})
    conference.status = S.CLOSED
    conference.closed_at = _closing_time(conference, day)
    conference.notice = document
    conference.save()
    tasks.notify_assigned(conference)
    return document
