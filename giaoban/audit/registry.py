"""Change logging by mechanism: register a model once and every save/delete is audited."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_delete, post_save, pre_save

from giaoban.audit import context

_REGISTRY = {}
_EXCLUDED = {"password", "search_text", "last_login"}


def register(model, unit_path, exclude=()):
    """Audit every create/update/delete of `model`; `unit_path(obj)` places it in the tree."""
    _REGISTRY[model] = (unit_path, set(exclude) | _EXCLUDED)
    uid = f"audit:{model._meta.label}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + ":pre")
    post_save.connect(_post_save, sender=model, dispatch_uid=uid + ":post")
    post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + ":del")


def snapshot(obj):
    _, exclude = _REGISTRY.get(type(obj), (None, _EXCLUDED))
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = field.value_from_object(obj)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = None
    if instance.pk is not None:
        old = sender._base_manager.filter(pk=instance.pk).first()
        before = snapshot(old) if old is not None else None
    instance._audit_before = before


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return
    write(
        instance, "create" if created else "update", before=None if created else before, after=after
    )


def _post_delete(sender, instance, **kwargs):
    write(instance, "delete", before=snapshot(instance), after=None)


def write(instance, action, before=None, after=None, message="", unit_path=None):
    """Append one audit entry for `instance` as the current actor."""
    from giaoban.audit.models import AuditEntry

    if unit_path is None:
        placer = _REGISTRY.get(type(instance), (None,))[0]
        try:
            unit_path = placer(instance) if placer else ""
        except Exception:  # noqa: BLE001 — a dangling relation must not lose the entry
            unit_path = ""
    actor = context.current()
    return AuditEntry.objects.create(
        actor=actor.user,
        actor_label=actor.label[:150],
        request_id=(actor.request_id or "")[:64],
        action=action,
        model=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        unit_path=unit_path or "",
        before=before,
        after=after,
        message=message[:500],
    )
