"""Nhật ký thay đổi: the audit trail of the user's subtree, for leaders and administrators."""

import datetime
import re

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from giaoban.audit import registry
from giaoban.audit.forms import AuditFilterForm, model_name
from giaoban.audit.models import AuditEntry
from giaoban.core.formatting import format_date, format_datetime, format_number, to_decimal
from giaoban.core.paths import subtree_q
from giaoban.core.scope import AUDIT, VIEW, role_paths
from giaoban.units.models import Unit

PAGE_SIZE = 50
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _filtered(entries, data):
    if data.get("unit") is not None:
        entries = entries.filter(subtree_q(data["unit"].path, "unit_path"))
    if data.get("model"):
        entries = entries.filter(model=data["model"])
    if data.get("action"):
        entries = entries.filter(action=data["action"])
    if data.get("actor"):
        actor = data["actor"].strip()
        entries = entries.filter(Q(actor_label__icontains=actor))
    zone = timezone.get_current_timezone()
    if data.get("date_from"):
        start = datetime.datetime.combine(data["date_from"], datetime.time.min, zone)
        entries = entries.filter(at__gte=start)
    if data.get("date_to"):
        end = datetime.datetime.combine(
            data["date_to"] + datetime.timedelta(days=1), datetime.time.min, zone
        )
        entries = entries.filter(at__lt=end)
    return entries


def _shown(name, value):
    # A new or deleted object is described by its filled-in fields; its row id says nothing.
    return name != "id" and value not in (None, "", [], {})


def _field_of(label, name):
    """The model field an entry's key names (attname or name, m2m included), or None."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if name in (field.attname, field.name):
            return field
    return None


class _Labels:
    """Turns stored snapshots into what a reader understands: field names and values, in
    Vietnamese, with related objects named (units only inside the reader's scope)."""

    def __init__(self, user, entries):
        self.fields = {}
        self.extra = {}  # (model label, key) → label from the model's registration
        wanted, keys = {}, {}
        for entry in entries:
            for name, *values in self._raw_changes(entry):
                field = self._field(entry.model, name)
                if field is None:
                    keys.setdefault(entry.model, set()).add(name)
                elif field.is_relation:
                    ids = wanted.setdefault(field.related_model, set())
                    for value in values:
                        ids.update(value if isinstance(value, list) else [value])
        self._label_extra(keys)
        self.names = {}
        for model, ids in wanted.items():
            ids = {i for i in ids if i not in (None, "")}
            if model is Unit:
                # Units outside the reader's scope stay as bare numbers.
                qs = Unit.objects.restrict(user, VIEW)
            else:
                qs = model._base_manager.all()
            for obj in qs.filter(pk__in=ids):
                self.names[(model, obj.pk)] = str(obj)

    def _label_extra(self, keys):
        for label, names in keys.items():
            try:
                reg = registry.registration(apps.get_model(label))
            except (LookupError, ValueError):
                reg = None
            found = reg.labels(sorted(names)) if reg and reg.labels else {}
            for name in names:
                self.extra[(label, name)] = found.get(name)

    @staticmethod
    def _raw_changes(entry):
        if entry.action == AuditEntry.Action.CREATE or (entry.before is None and entry.after):
            return [(k, None, v) for k, v in (entry.after or {}).items() if _shown(k, v)]
        if entry.action == AuditEntry.Action.DELETE:
            return [(k, v, None) for k, v in (entry.before or {}).items() if _shown(k, v)]
        return entry.changed_fields()

    def _field(self, label, name):
        key = (label, name)
        if key not in self.fields:
            self.fields[key] = _field_of(label, name)
        return self.fields[key]

    def _related(self, field, value):
        if isinstance(value, list):
            return ", ".join(self._related(field, v) for v in value) or "—"
        return self.names.get((field.related_model, value), f"#{value}")

    def value(self, field, value):
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("Có") if value else _("Không")
        if field is None:
            return self._plain(value)
        if field.is_relation:
            return self._related(field, value)
        if getattr(field, "choices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            parsed = parse_datetime(value)
            if parsed is not None:
                return format_datetime(parsed)
        elif isinstance(field, models.DateField) and isinstance(value, str):
            parsed = parse_date(value)
            if parsed is not None:
                return format_date(parsed)
        elif isinstance(field, (models.DecimalField, models.IntegerField, models.FloatField)):
            return format_number(value)
        return self._plain(value)

    @staticmethod
    def _plain(value):
        """A value with no field to go by: numbers the Vietnamese way, lists joined."""
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value) or "—"
        if isinstance(value, dict):
            return "; ".join(f"{k}: {v}" for k, v in value.items()) or "—"
        number = to_decimal(value) if isinstance(value, (int, float, str)) else None
        if number is not None and (not isinstance(value, str) or NUMBER.match(value)):
            return format_number(number)
        return str(value)

    def label(self, model, name):
        field = self._field(model, name)
        if field is not None:
            text = str(field.verbose_name)
        else:
            text = self.extra.get((model, name)) or name
        return text[:1].upper() + text[1:]

    def changes(self, entry):
        rows = []
        for name, before, after in self._raw_changes(entry):
            field = self._field(entry.model, name)
            rows.append(
                {
                    "field": self.label(entry.model, name),
                    "before": self.value(field, before) if before is not None else None,
                    "after": self.value(field, after) if after is not None else None,
                }
            )
        return rows


@login_required
@require_GET
def entry_list(request):
    if not role_paths(request.user, AUDIT):
        raise PermissionDenied
    entries = AuditEntry.objects.restrict(request.user, AUDIT)
    form = AuditFilterForm(request.GET or None, user=request.user)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        entries = entries.none()
    elif form.is_bound:
        entries = _filtered(entries, form.cleaned_data)
    page = Paginator(entries.select_related("actor"), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = _Labels(request.user, page.object_list)
    unit_names = dict(
        Unit.objects.restrict(request.user, VIEW)
        .filter(path__in={e.unit_path for e in page.object_list})
        .values_list("path", "short_name")
    )
    rows = [
        {
            "entry": entry,
            "model_name": model_name(entry.model),
            "unit_name": unit_names.get(entry.unit_path, ""),
            "unit_code": entry.unit_path.rstrip("/").rsplit("/", 1)[-1],
            "changes": labels.changes(entry),
            "as_table": entry.action not in (AuditEntry.Action.CREATE, AuditEntry.Action.DELETE),
        }
        for entry in page.object_list
    ]
    context = {"form": form, "page": page, "rows": rows}
    return render(request, "audit/list.html", context, status=status)
