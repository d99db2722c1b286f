"""Recording what units did: record, edit, delete, import many, and totals.

- Who: an officer (or administrator) of the unit or of a unit above it — CHANGE on the
  unit (`core.scope`). Every function takes the acting user and checks it.
- Every write is one transaction: the activity (audited by the registry), its evidence
  files, the tally (`tally.py`) and the register's dissemination record of the
  (document, unit) pairs it touched (`documents.public.set_dissemination`), so that the
  dissemination obligation is met by the sessions themselves.
- Errors are `validation.ActivityError`, naming each field at fault in Vietnamese.

`import_rows` is the bulk path (Excel uploads, API, demo, historical imports): see
`bulk.py`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from giaoban.activities import bulk, tally
from giaoban.activities.models import Activity, ActivityFile
from giaoban.activities.records import check_scope, may_record, search_text, sync_dissemination
from giaoban.activities.validation import ActivityError, Context, Problem, clean
from giaoban.audit.registry import take_snapshot
from giaoban.core import uploads
from giaoban.documents import public as documents

__all__ = [
    "ActivityError",
    "delete",
    "import_rows",
    "may_record",
    "record",
    "remove_file",
    "totals",
    "update",
]

MAX_FILES = 20
FILES_FOLDER = "activities"


def _raise(problems):
    if problems:
        raise ActivityError(problems)


def _checked_files(files, already=0):
    """[(upload, Checked)] of the uploads, or the problems (type, size, content)."""
    out, problems = [], []
    if already + len(files) > MAX_FILES:
        problems.append(
            Problem("files", _("tối đa %(n)s tệp cho một hoạt động.") % {"n": MAX_FILES})
        )
    for upload in files:
        try:
            out.append((upload, uploads.check(upload)))
        except ValidationError as error:
            problems.extend(Problem("files", m) for m in error.messages)
    return out, problems


def _store(activity, user, checked, stored):
    for upload, info in checked:
        name = uploads.store(upload, info, FILES_FOLDER)
        stored.append(name)
        ActivityFile.objects.create(
            activity=activity,
            name=info.name,
            stored=name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=user,
        )


def _cleanup(stored):
    for name in stored:
        uploads.delete(name)


def _apply(activity, values, ctx):
    for name in ("date", "title", "form", "notes", "party_members", "officers", "others"):
        setattr(activity, name, values[name])
    activity.kind = values["kind"]
    activity.document_id = values["document"]
    label = ""
    if activity.document_id is not None:
        label = ctx.documents.label(activity.document_id, activity.unit) or (
            documents.label(activity.document) if activity.document else ""
        )
    activity.search_text = search_text(activity.title, activity.notes, label)


def record(user, unit, files=(), ctx=None, **fields):
    """Ghi một hoạt động of `unit`; returns it. All fields checked, nothing half-written."""
    check_scope(user, unit)
    ctx = ctx or Context.fresh()
    values, problems = clean(fields, unit, ctx)
    checked, file_problems = _checked_files(list(files))
    _raise(problems + file_problems)
    stored = []
    try:
        with transaction.atomic():
            activity = Activity(unit=unit, path=unit.path, created_by=user)
            _apply(activity, values, ctx)
            activity.save()
            _store(activity, user, checked, stored)
            deltas = tally.Deltas()
            deltas.add_activity(activity, 1)
            deltas.apply()
            sync_dissemination([(activity.document_id, unit.pk)])
    except BaseException:
        _cleanup(stored)
        raise
    return activity


def _locked(activity):
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("unit", "kind", "document")
        .get(pk=activity.pk)
    )


def update(activity, user, unit=None, files=(), ctx=None, **fields):
    """Sửa một hoạt động (and add evidence files); `unit` moves it to another unit."""
    ctx = ctx or Context.fresh()
    stored = []
    try:
        with transaction.atomic():
            activity = _locked(activity)
            check_scope(user, activity.unit)
            target = unit or activity.unit
            if target.pk != activity.unit_id:
                check_scope(user, target)
            values, problems = clean(fields, target, ctx, existing=activity)
            checked, file_problems = _checked_files(list(files), activity.files.count())
            _raise(problems + file_problems)
            take_snapshot(activity, related=False)
            deltas = tally.Deltas()
            deltas.add_activity(activity, -1)
            before = (activity.document_id, activity.unit_id)
            if target.pk != activity.unit_id:
                activity.unit, activity.path = target, target.path
            _apply(activity, values, ctx)
            activity.save()
            _store(activity, user, checked, stored)
            deltas.add_activity(activity, 1)
            deltas.apply()
            sync_dissemination({before, (activity.document_id, activity.unit_id)})
    except BaseException:
        _cleanup(stored)
        raise
    return activity


@transaction.atomic
def delete(activity, user):
    """Xóa một hoạt động, its files and its part of every total."""
    activity = _locked(activity)
    check_scope(user, activity.unit)
    names = list(activity.files.values_list("stored", flat=True))
    deltas = tally.Deltas()
    deltas.add_activity(activity, -1)
    pair = (activity.document_id, activity.unit_id)
    activity.delete()
    deltas.apply()
    sync_dissemination([pair])
    transaction.on_commit(lambda: _cleanup(names))


@transaction.atomic
def remove_file(file, user):
    """Xóa một tệp minh chứng."""
    file = ActivityFile.objects.select_related("activity__unit").get(pk=file.pk)
    check_scope(user, file.activity.unit)
    name = file.stored
    file.delete()
    transaction.on_commit(lambda: uploads.delete(name))


def totals(node, start, end, kind=None):
    """Activities and participants of `node`'s subtree dated start…end (`tally.Totals`)."""
    return tally.totals(node, start, end, kind)


def import_rows(user, rows, **options):
    """Many activities at once, all or nothing (see `bulk.import_rows`)."""
    return bulk.import_rows(user, rows, **options)
