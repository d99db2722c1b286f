"""Nhật ký thay đổi: the audit trail of the user's subtree, for leaders and administrators."""

import datetime

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from giaoban.audit.forms import AuditFilterForm, model_name
from giaoban.audit.models import AuditEntry
from giaoban.core.scope import AUDIT, VIEW, role_paths
from giaoban.units.models import Unit, subtree_q

PAGE_SIZE = 50


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
    return name != "id" and value not in (None, "")


class _Labels:
    """Turns stored snapshots into what a reader understands: field names and values."""

    def __init__(self, user, entries):
        self.user = user
        self.fields = {}
        wanted = {}
        for entry in entries:
            for name, *_values in self._raw_changes(entry):
                field = self._field(entry.model, name)
                if isinstance(field, models.ForeignKey):
                    ids = wanted.setdefault(field.related_model, set())
                    ids.update(v for v in _values if v not in (None, ""))
        self.names = {}
        for model, ids in wanted.items():
            if model is Unit:
                # Units outside the reader's scope stay as bare numbers.
                qs = Unit.objects.restrict(user, VIEW)
            else:
                qs = model._base_manager.all()
            for obj in qs.filter(pk__in=ids):
                self.names[(model, obj.pk)] = str(obj)

    @staticmethod
    def _raw_changes(entry):
        if entry.action == AuditEntry.Action.CREATE:
            return [(k, None, v) for k, v in (entry.after or {}).items() if _shown(k, v)]
        if entry.action == AuditEntry.Action.DELETE:
            return [(k, v, None) for k, v in (entry.before or {}).items() if _shown(k, v)]
        return entry.changed_fields()

    def _field(self, label, attname):
        key = (label, attname)
        if key not in self.fields:
            field = None
            try:
                model = apps.get_model(label)
                for candidate in model._meta.concrete_fields:
                    if candidate.attname == attname:
                        field = candidate
                        break
            except (LookupError, ValueError, FieldDoesNotExist):
                field = None
            self.fields[key] = field
        return self.fields[key]

    def value(self, field, value):
        if value is None or value == "":
            return "—"
        if isinstance(field, models.ForeignKey):
            return self.names.get((field.related_model, value), f"#{value}")
        if isinstance(field, models.BooleanField):
            return _("Có") if value else _("Không")
        if getattr(field, "choices", None):
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            parsed = parse_datetime(value)
            if parsed is not None:
                return date_format(timezone.localtime(parsed), "d/m/Y H:i")
        elif isinstance(field, models.DateField) and isinstance(value, str):
            parsed = parse_date(value)
            if parsed is not None:
                return date_format(parsed, "d/m/Y")
        return str(value)

    def changes(self, entry):
        rows = []
        for name, before, after in self._raw_changes(entry):
            field = self._field(entry.model, name)
            label = str(field.verbose_name) if field is not None else name
            rows.append(
                {
                    "field": label[:1].upper() + label[1:],
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
