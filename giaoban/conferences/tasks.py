"""Follow-up tasks (nhiệm vụ sau hội nghị): assigned from a conclusion, tracked to done.

- An officer of the host unit assigns a conclusion's task to units of its subtree — chosen
  one by one or by a rule (every province: the host's direct children; a level) — with a
  deadline on or after the conference's day and the expected result.
- The unit's officer reports progress: a text, files, and the record that evidences it —
  a document the unit issued, an activity it recorded, a report it filed — so progress is
  shown from records, never a typed percentage.
- The unit's leader marks it done; a leader of the assigning unit accepts it or sends it
  back with a reason (it is then open again, and its "done" day is cleared).
- Where a task stands is the same matrix as a document's obligations (`core.due`):
  done on time, done late, not done and still within the deadline, overdue — from the
  deadline and the day it was marked done, never stored.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import StrIndex, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.activities import public as activities
from giaoban.audit.registry import BulkWriter, mark, snapshot, take_snapshot
from giaoban.conferences import consolidation
from giaoban.conferences.models import Conference, Progress, ProgressFile, Task
from giaoban.core import due, roles, uploads
from giaoban.core.paths import PATH_SEP, subtree_q
from giaoban.core.scope import ACTION_ROLES, CHANGE, can
from giaoban.documents import public as documents
from giaoban.notifications.services import notify_all
from giaoban.reports import public as reports
from giaoban.units import rules

T = Task.Status
DONE_STATES = (T.DONE, T.ACCEPTED)
OPEN_STATES = (T.OPEN, T.RETURNED)
TASK = "task"  # the key of the tasks' counts in a SubtreeTally
DONE, OWED = "done", "owed"  # standings grouped: done on time or late; within or overdue
ASSIGNED_NOTICE = "conferences.task_assigned"
DECIDED_NOTICE = "conferences.task_decided"
DONE_NOTICE = "conferences.task_done"
MAX_PROGRESS = 20_000
MAX_REASON = 5_000


class TaskError(Exception):
    def __init__(self, message, field=None, forbidden=False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.forbidden = forbidden


def clean_text(text, field, required=True, limit=MAX_PROGRESS):
    """NFC text without NUL, within `limit` characters (TaskError naming `field`)."""
    try:
        return consolidation.clean_text(text, field, required, limit)
    except consolidation.ConsolidationError as error:
        raise TaskError(error.message, field=error.field) from None


def met_on(task):
    """The day the matrix counts the task as done (None while it is not)."""
    return task.done_on if task.status in DONE_STATES else None


def standing(task, today=None):
    return due.standing(task.deadline, met_on(task), today)


def timing(task, today=None):
    return due.timing(task.deadline, met_on(task), today, verb=_("hoàn thành"))


def url(task):
    return reverse("conferences:task", kwargs={"pk": task.pk})


# ------------------------------------------------------------------ who may


def acts_for_unit(user, task):
    """An officer (CHANGE) of the task's unit, or of a unit above it that is below the
    assigning unit: the assigning side never reports on the task it gave."""
    paths = [h.unit_path for h in roles.held(user) if h.role in ACTION_ROLES[CHANGE]]
    return getattr(user, "is_active", False) and any(
        task.path.startswith(p) and not task.assigner_path.startswith(p) for p in paths
    )


def may_assign(user, conference):
    return conference.status != Conference.Status.CLOSED and can(user, CHANGE, conference.unit)


def may_report(user, task):
    return task.status in OPEN_STATES and acts_for_unit(user, task)


def may_mark_done(user, task):
    return task.status in OPEN_STATES and roles.is_leader_of(user, task.unit)


def may_decide(user, task):
    return task.status == T.DONE and roles.is_leader_of(user, task.assigner)


def actions(user, task):
    """What the user may do on the task now (the page's buttons, the API's `actions`)."""
    return {
        "report": may_report(user, task),
        "mark_done": may_mark_done(user, task),
        "decide": may_decide(user, task),
    }


def progress_refusal(user, task):
    """Why the user may not report progress on the task now (None: they may)."""
    if not acts_for_unit(user, task):
        return TaskError(
            _("Chỉ cán bộ của %(unit)s báo cáo được tiến độ nhiệm vụ này.")
            % {"unit": task.unit.name},
            forbidden=True,
        )
    if task.status not in OPEN_STATES:
        return state_error(task)
    return None


def decision_refusal(user, task, verb=None):
    """Why the user may not accept or send back the task now (None: they may)."""
    if not roles.is_leader_of(user, task.assigner):
        return TaskError(
            _("Chỉ lãnh đạo %(unit)s %(verb)s được nhiệm vụ này.")
            % {"unit": task.assigner.name, "verb": verb or _("nghiệm thu, trả lại")},
            forbidden=True,
        )
    if task.status != T.DONE:
        return state_error(task)
    return None


def _locked(task):
    return Task.objects.select_for_update().select_related("unit", "assigner").get(pk=task.pk)


def state_error(task):
    """Why a task in this state takes no more progress, "done" or decision."""
    if task.status == T.DONE:
        return TaskError(
            _("Nhiệm vụ đã được báo hoàn thành, đang chờ %(unit)s nghiệm thu.")
            % {"unit": task.assigner.name}
        )
    if task.status == T.ACCEPTED:
        return TaskError(_("Nhiệm vụ đã được nghiệm thu: không thay đổi được nữa."))
    return TaskError(_("Nhiệm vụ chưa được báo hoàn thành nên chưa nghiệm thu, trả lại được."))


# ------------------------------------------------------------------ assigning


TITLE_CHARS = 500


def default_title(conclusion):
    """The conclusion's text as a task's title, cut at a word within TITLE_CHARS."""
    text = " ".join(conclusion.text.split())
    if len(text) <= TITLE_CHARS:
        return text
    return text[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


@transaction.atomic
def assign(user, conclusion, deadline, rule=rules.Rule.EXPLICIT, level=None, units=(), **fields):
    """Tasks of `conclusion` for the units chosen (one task per unit; a unit that already
    has this conclusion's task keeps it). Returns the tasks created."""
    conference = (
        Conference.objects.select_for_update()
        .select_related("unit")
        .get(pk=conclusion.conference_id)
    )
    if not may_assign(user, conference):
        raise TaskError(_("Đồng chí không giao được nhiệm vụ của hội nghị này."), forbidden=True)
    if deadline is None:
        raise TaskError(_("Cần đặt hạn hoàn thành."), field="deadline")
    if deadline < conference.date:
        raise TaskError(
            _("Hạn hoàn thành phải từ ngày họp (%(d)s) trở đi.")
            % {"d": conference.date.strftime("%d/%m/%Y")},
            field="deadline",
        )
    title = clean_text(fields.get("title") or default_title(conclusion), "title", limit=500)
    expected = clean_text(fields.get("expected_result"), "expected_result", False, 5_000)
    try:
        chosen = rules.resolve(
            conference.unit, rule, conference.date, level=level, explicit_units=units
        )
    except rules.RuleError as error:
        raise TaskError(str(error), field="units") from None
    have = set(conclusion.tasks.values_list("unit_id", flat=True))
    rows = [
        Task(
            conclusion=conclusion,
            assigner=conference.unit,
            assigner_path=conference.path,
            unit=unit,
            path=path,
            title=title,
            expected_result=expected,
            deadline=deadline,
            is_demo=conference.is_demo,
        )
        for unit, path in chosen
        if unit.pk not in have
    ]
    Task.objects.bulk_create(rows, batch_size=500)
    created = list(
        Task.objects.filter(conclusion=conclusion, unit_id__in=[t.unit_id for t in rows])
    )
    writer = BulkWriter()
    for t in created:
        writer.add(Task, t.pk, str(t), t.path, "create", after=snapshot(t))
    writer.flush()  # units are told when the conference closes (services.close)
    return created


@transaction.atomic
def remove(user, task):
    """Withdraw a task before the conference closes (nothing reported on it yet)."""
    conference = task.conclusion.conference
    if not may_assign(user, conference):
        raise TaskError(_("Không rút được nhiệm vụ này."), forbidden=True)
    if task.progress.exists():
        raise TaskError(_("Đơn vị đã báo cáo tiến độ: không rút được nhiệm vụ."))
    task.delete()


def notify_assigned(conference):
    """Tell the units' officers and leaders of their tasks when the conference closes: one
    notice per task."""
    tasks = Task.objects.filter(conclusion__conference=conference).select_related("unit")
    people = get_user_model().objects
    for task in tasks:
        users = people.filter(
            role_assignments__unit_id=task.unit_id,
            role_assignments__role__in=(roles.OFFICER, roles.LEADER),
        )
        notify_all(
            users,
            ASSIGNED_NOTICE,
            (_("Nhiệm vụ sau %(c)s") % {"c": conference.title})[:255],
            _("%(title)s — hạn %(d)s")
            % {"title": task.title[:200], "d": task.deadline.strftime("%d/%m/%Y")},
            url(task),
        )


# ------------------------------------------------------------------ evidence and progress

EVIDENCE_KINDS = {
    "document": gettext_lazy("Văn bản đơn vị ban hành"),
    "activity": gettext_lazy("Hoạt động đơn vị đã ghi"),
    "report": gettext_lazy("Báo cáo của đơn vị"),
}


def evidence_choices(user, task):
    """What the unit may name as evidence: its issued documents, activities, reports."""
    return {
        "document": documents.issued_by(user, task.unit),
        "activity": activities.recorded_by(user, task.unit),
        "report": reports.reports_of(user, task.unit),
    }


def _evidence(user, task, kind, record_id):
    """The record named as evidence, checked to be the unit's own and visible."""
    kind = (kind or "").strip()
    if record_id in (None, "") and not kind:
        return {}
    if kind not in EVIDENCE_KINDS:
        raise TaskError(
            _("Loại minh chứng phải là văn bản, hoạt động hoặc báo cáo của đơn vị."),
            field="evidence",
        )
    if record_id in (None, ""):
        raise TaskError(_("Chọn văn bản, hoạt động hoặc báo cáo làm minh chứng."), field="evidence")
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        record_id = 0
    found = None
    if 0 < record_id < 2**31:
        if kind == "document":
            found = documents.issued_document(user, record_id, task.unit)
        elif kind == "activity":
            found = activities.activity_in_scope(user, record_id, task.unit)
        else:
            found = reports.report_in_scope(user, record_id, task.unit)
    if found is None:
        raise TaskError(
            _("Minh chứng phải là văn bản, hoạt động hoặc báo cáo của chính %(unit)s.")
            % {"unit": task.unit.name},
            field="evidence",
        )
    return {f"evidence_{kind}": found}


def evidence_of(progress):
    """(kind, record, label, url) of a progress report's evidence, or None."""
    if progress.evidence_document_id:
        d = progress.evidence_document
        return "document", d, documents.label(d), documents.url(d)
    if progress.evidence_activity_id:
        a = progress.evidence_activity
        return "activity", a, str(a), activities.url(a)
    if progress.evidence_report_id:
        r = progress.evidence_report
        return "report", r, reports.describe(r), reports.url_of(r)
    return None


@transaction.atomic
def report_progress(user, task, text, evidence_kind="", evidence_id=None, files=()):
    """A progress report: text, the record that evidences it, files ([(upload, Checked)]);
    the files stored are removed if anything fails."""
    task = _locked(task)
    refusal = progress_refusal(user, task)
    if refusal is not None:
        raise refusal
    text = clean_text(text, "text", limit=MAX_PROGRESS)
    evidence = _evidence(user, task, evidence_kind, evidence_id)
    progress = Progress.objects.create(task=task, text=text, created_by=user, **evidence)
    stored = []
    try:
        for upload, checked in files:
            stored.append(uploads.store(upload, checked, f"tasks/{task.pk}"))
            ProgressFile.objects.create(
                progress=progress,
                name=checked.name,
                stored=stored[-1],
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=user,
            )
    except BaseException:
        for name in stored:
            uploads.delete(name)
        raise
    return progress


def _check_day(task, day, today):
    if day > today:
        raise TaskError(_("Ngày hoàn thành không được sau hôm nay."), field="day")
    start = task.conclusion.conference.date
    if day < start:
        raise TaskError(
            _("Ngày hoàn thành không được trước ngày họp (%(d)s).")
            % {"d": start.strftime("%d/%m/%Y")},
            field="day",
        )


def _reported_since_return(task):
    """Whether the unit reported progress since the task was last sent back (or at all)."""
    reports_ = task.progress.all()
    if task.status == T.RETURNED and task.decided_at is not None:
        reports_ = reports_.filter(created_at__gt=task.decided_at)
    return reports_.exists()


@transaction.atomic
def mark_done(user, task, day=None):
    """The unit's leader reports the task done; it needs a progress report (since the task
    was sent back, when it was). `day` (default today) is the matrix's "done" date."""
    task = _locked(task)
    if not roles.is_leader_of(user, task.unit):
        raise TaskError(
            _("Chỉ lãnh đạo %(unit)s báo hoàn thành được nhiệm vụ này.") % {"unit": task.unit.name},
            forbidden=True,
        )
    if task.status not in OPEN_STATES:
        raise state_error(task)
    today = timezone.localdate()
    day = day or today
    _check_day(task, day, today)
    if not _reported_since_return(task):
        message = (
            _("Nhiệm vụ bị trả lại: cần báo cáo kết quả thực hiện tiếp trước khi báo hoàn thành.")
            if task.status == T.RETURNED
            else _("Cần báo cáo kết quả thực hiện (kèm minh chứng) trước khi báo hoàn thành.")
        )
        raise TaskError(message, field="text")
    take_snapshot(task)
    mark(task, "transition", _("Báo hoàn thành"))
    task.status = T.DONE
    task.done_on = day
    task.save()
    _tell_assigner(task)
    return task


def _people(unit_id, *wanted):
    return get_user_model().objects.filter(
        role_assignments__unit_id=unit_id, role_assignments__role__in=wanted
    )


def _tell_assigner(task):
    notify_all(
        _people(task.assigner_id, roles.LEADER),
        DONE_NOTICE,
        (_("Nhiệm vụ chờ nghiệm thu: %(unit)s") % {"unit": task.unit.name})[:255],
        task.title[:200],
        url(task),
    )


def _told(task, title):
    people = _people(task.unit_id, roles.OFFICER, roles.LEADER)
    notify_all(people, DECIDED_NOTICE, title[:255], task.title[:200], url(task))


def _decision(user, task, verb):
    task = _locked(task)
    refusal = decision_refusal(user, task, verb)
    if refusal is not None:
        raise refusal
    return task


@transaction.atomic
def accept(user, task):
    """Nghiệm thu: a leader of the assigning unit accepts the task reported done."""
    task = _decision(user, task, _("nghiệm thu"))
    take_snapshot(task)
    mark(task, "transition", _("Nghiệm thu"))
    task.status = T.ACCEPTED
    task.decided_at = timezone.now()
    task.save()
    _told(task, _("Nhiệm vụ đã được nghiệm thu"))
    return task


@transaction.atomic
def send_back(user, task, reason):
    """Trả lại: open again with the reason; its "done" day is cleared."""
    task = _decision(user, task, _("trả lại"))
    reason = clean_text(reason, "reason", limit=MAX_REASON)
    take_snapshot(task)
    mark(task, "transition", reason)
    task.status = T.RETURNED
    task.done_on = None
    task.return_reason = reason
    task.decided_at = timezone.now()
    task.save()
    _told(task, _("Nhiệm vụ bị trả lại: %(r)s") % {"r": reason[:150]})
    return task


# ------------------------------------------------------------------ standing in SQL


def standing_q(key, today=None):
    """The tasks whose standing (the documents' matrix) is `key` today; also "done" (on time
    or late) and "owed" (within the deadline or overdue)."""
    today = today or timezone.localdate()
    done = Q(status__in=DONE_STATES)
    owed = Q(status__in=OPEN_STATES)
    return {
        due.ON_TIME: done & Q(done_on__lte=F("deadline")),
        due.LATE: done & Q(done_on__gt=F("deadline")),
        due.PENDING: owed & Q(deadline__gte=today),
        due.OVERDUE: owed & Q(deadline__lt=today),
        DONE: done,
        OWED: owed,
    }[key]


def head_below(node_path, field="path"):
    """An SQL expression: the code of the unit directly below `node_path` that `field`'s path
    lies under ("" for the node itself) — "BCA/T19/X05500/" below "BCA/" is "T19"."""
    rest = Substr(field, len(node_path) + 1)
    return Case(
        When(**{field: node_path}, then=Value("")),
        default=Substr(rest, 1, StrIndex(rest, Value(PATH_SEP)) - 1),
        output_field=CharField(),
    )


def tally(queryset, node_path, today=None):
    """(total, {child code: SubtreeTally}) of the tasks of `queryset` below `node_path`,
    grouped by the unit directly below the node ("" for the node itself), in the
    documents' matrix (key TASK). Counted in SQL, grouped by that unit: one row per unit
    directly below, whatever the number of tasks."""
    total, groups, _rows, _conclusions = tally_in_detail(queryset, node_path, today)
    return total, groups


def tally_in_detail(queryset, node_path, today=None):
    """`tally`, and from the same grouped query (one SQL row per unit directly below and
    conclusion): the number of tasks counted (whatever their standing) and the ids of the
    conclusions they belong to — so that a page needs no other pass over the tasks for its
    count and its choice of conferences."""
    today = today or timezone.localdate()
    counts = {s: Count("pk", filter=standing_q(s, today)) for s in due.STANDINGS}
    rows = (
        queryset.filter(subtree_q(node_path, "path"))
        .annotate(head=head_below(node_path))
        .order_by()
        .values_list("head", "conclusion_id")
        .annotate(**counts, every=Count("pk"))
    )
    total, groups, found, conclusions = due.SubtreeTally(), {}, 0, set()
    for head, conclusion, *numbers, every in rows:
        found += every
        conclusions.add(conclusion)
        group = groups.setdefault(head, due.SubtreeTally())
        for counted in (total, group):
            counted.items += sum(numbers)
            for s, n in zip(due.STANDINGS, numbers, strict=True):
                counted.counts[TASK][s] += n
    return total, groups, found, conclusions
