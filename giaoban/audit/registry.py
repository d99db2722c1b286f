"""Change logging by mechanism (nhật ký thay đổi): register a model once and every
create, update and delete of it is audited, whoever makes it.

- `register(model, unit_path, …)`: `post_save`/`post_delete` receivers write an entry with
  the object's snapshot before and after, the acting user (from the request's ContextVar,
  see `middleware`) and the unit the object belongs to (`unit_path(obj)`), so that each
  subtree reads its own trail.
- `take_snapshot(obj)` before an edit records the "before" without a query, and with the
  model's `related` fields (a report's figures and texts, which live in other tables); a
  save after it compares the same fields. Without it, the "before" is read back from
  the database when the object is saved.
- `mark(obj, action, message)` names the change (a workflow transition, with its reason)
  for the next save.
- `BulkWriter` appends many entries at load speed for the bulk paths (unit imports,
  report imports), in the same shape as the receivers' entries.
- `exempt(model, reason)`: a model deliberately not audited, with the reason; a test
  walks every installed model and fails unless it is registered or exempt.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from giaoban.audit import context
from giaoban.audit.models import AuditEntry
from giaoban.core.bulkwrite import insert_values


class Registration:
    def __init__(self, unit_path, exclude, related, labels):
        self.unit_path = unit_path
        self.exclude = exclude
        self.related = related  # obj -> {key: JSON value}: what belongs to it in other tables
        self.labels = labels  # [keys] -> {key: label} for keys that are not model fields


_REGISTRY = {}
_EXEMPT = {}
# Never in a snapshot: secrets, derived search text, and what changes on every login.
_EXCLUDED = {"password", "search_text", "last_login", "key_hash"}


def register(model, unit_path, exclude=(), related=None, labels=None):
    """Audit every create/update/delete of `model`; `unit_path(obj)` places it in the tree."""
    _REGISTRY[model] = Registration(unit_path, set(exclude) | _EXCLUDED, related, labels)
    uid = f"audit:{model._meta.label}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + ":pre")
    post_save.connect(_post_save, sender=model, dispatch_uid=uid + ":post")
    post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + ":del")


def exempt(model, reason):
    """Declare that `model` is not audited, and why (checked by the test suite)."""
    _EXEMPT[model._meta.label] = reason


def registration(model):
    return _REGISTRY.get(model)


def audited_models():
    return list(_REGISTRY)


def exempt_reason(model):
    return _EXEMPT.get(model._meta.label)


def _jsonable(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def snapshot(obj, with_related=False):
    """The object's audited fields (by attname) as JSON values, plus its `related` ones."""
    reg = _REGISTRY.get(type(obj))
    exclude = reg.exclude if reg else _EXCLUDED
    data = {
        f.attname: f.value_from_object(obj)
        for f in obj._meta.concrete_fields
        if f.name not in exclude and f.attname not in exclude
    }
    if with_related and reg and reg.related:
        data.update(reg.related(obj))
    return _jsonable(data)


def take_snapshot(obj, related=True):
    """Record `obj` as it is now (with its `related` fields unless related=False), as the
    "before" of the next save's entry; that save compares the same fields."""
    obj._audit_before = snapshot(obj, with_related=related)
    obj._audit_related = related
    return obj


def mark(obj, action, message=""):
    """Name the next save of `obj` (e.g. "transition", with the reason as message)."""
    obj._audit_action = action
    obj._audit_message = message
    return obj


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or "_audit_before" in instance.__dict__:
        return
    before = None
    if instance.pk is not None:
        old = sender._base_manager.filter(pk=instance.pk).first()
        before = snapshot(old) if old is not None else None
    instance._audit_before = before


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    state = instance.__dict__
    before = state.pop("_audit_before", None)
    after = snapshot(instance, with_related=state.pop("_audit_related", False))
    action = state.pop("_audit_action", None) or ("create" if created else "update")
    message = state.pop("_audit_message", "")
    if not created and before == after and not message:
        return
    write(instance, action, before=None if created else before, after=after, message=message)


def _post_delete(sender, instance, **kwargs):
    write(instance, "delete", before=snapshot(instance), after=None)


def _place(instance):
    reg = _REGISTRY.get(type(instance))
    try:
        return (reg.unit_path(instance) if reg else "") or ""
    except Exception:  # noqa: BLE001 — a dangling relation must not lose the entry
        return ""


def write(instance, action, before=None, after=None, message="", unit_path=None):
    """Append one audit entry for `instance` as the current actor."""
    actor = context.current()
    return AuditEntry.objects.create(
        actor=actor.user,
        actor_label=actor.label[:150],
        request_id=(actor.request_id or "")[:64],
        action=action,
        model=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        unit_path=unit_path if unit_path is not None else _place(instance),
        before=before,
        after=after,
        message=message[:500],
    )


class JSONText(str):
    """A snapshot already written as JSON text (a bulk path that formats thousands of
    snapshots of one shape at once); `BulkWriter` stores it as it is."""


def _json_text(value, dumps):
    if value is None:
        return None
    return value if isinstance(value, JSONText) else dumps(value)


class BulkWriter:
    """Entries for many objects at once, written together by `flush()` (executemany/COPY).

    For the bulk paths, where one signal and one INSERT per object would cost more than
    the change itself. The entries read exactly like the receivers' ones.
    """

    FIELDS = (
        "at",
        "actor",
        "actor_label",
        "request_id",
        "action",
        "model",
        "object_id",
        "object_repr",
        "unit_path",
        "before",
        "after",
        "message",
    )

    def __init__(self, at=None, actor=None):
        self.at = at or timezone.now()
        self.actor = actor or context.current()
        self.rows = []

    def add(self, model, object_id, label, unit_path, action, before=None, after=None, message=""):
        actor = self.actor
        self.rows.append(
            [
                self.at,
                actor.user.pk if actor.user else None,
                actor.label[:150],
                (actor.request_id or "")[:64],
                action,
                model._meta.label,
                str(object_id),
                str(label)[:255],
                unit_path or "",
                before,
                after,
                (message or "")[:500],
            ]
        )

    def write_json(self, model, action, entries, message=""):
        """Write one entry per item of `entries` at once, without holding them: for a bulk
        path that makes thousands of entries of one model and action. Each item is
        (object id, label, unit path, before, after), the snapshots as JSON text (stored as
        they are, as `flush` stores a `JSONText`) or None; the entries read like `add`'s.
        What every entry shares — time, actor, model, action, message — is made once.
        Returns how many were written."""
        fields = [AuditEntry._meta.get_field(name) for name in self.FIELDS]
        actor = self.actor
        shared = (
            fields[0].get_db_prep_save(self.at, connection),
            actor.user.pk if actor.user else None,
            actor.label[:150],
            (actor.request_id or "")[:64],
            action,
            model._meta.label,
        )
        message = (message or "")[:500]
        written = 0

        def rows():
            nonlocal written
            for object_id, label, unit_path, before, after in entries:
                written += 1
                yield [
                    *shared,
                    str(object_id),
                    str(label)[:255],
                    unit_path or "",
                    before,
                    after,
                    message,
                ]

        insert_values(AuditEntry, fields, rows(), prepare=False)
        return written

    def flush(self):
        """Write the entries added so far. The values are made ready here, once for what
        they share: the time (one for every entry) is adapted once, and the snapshots go
        to the driver as JSON text (what JSONField would send: json.dumps, SQL NULL for
        None) rather than through two fields' preparation per row."""
        fields = [AuditEntry._meta.get_field(name) for name in self.FIELDS]
        at_field = fields[0]
        times = {}
        dumps = json.dumps
        rows = []
        for r in self.rows:
            at = r[0]
            ready = times.get(at)
            if ready is None:
                ready = times[at] = at_field.get_db_prep_save(at, connection)
            before, after = r[9], r[10]
            rows.append(
                [
                    ready,
                    *r[1:9],
                    _json_text(before, dumps),
                    _json_text(after, dumps),
                    r[11],
                ]
            )
        insert_values(AuditEntry, fields, rows, prepare=False)
        written = len(self.rows)
        self.rows = []
        return written
