"""The activity log's forms: one activity, the log's filters, the Excel upload.

The activity form only carries the values: they are read and checked by
`validation.clean` (through the services), the same way as an Excel row or an API item,
and each `Problem` is put back on its field.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.activities.models import Activity, ActivityKind
from giaoban.core import periods, uploads
from giaoban.core.scope import VIEW
from giaoban.core.widgets import FilePickerInput
from giaoban.documents import public as documents
from giaoban.exports import xlsx
from giaoban.units.forms import DateInput, UnitCodeField

CHOICE_ERROR = {"invalid_choice": gettext_lazy("Giá trị “%(value)s” không có trong danh sách.")}
ALL = [("", gettext_lazy("— tất cả —"))]


def _label(name):
    return capfirst(Activity._meta.get_field(name).verbose_name)


COUNT_ATTRS = {"inputmode": "numeric", "size": 8, "class": "num-input"}


def document_choices(unit, keep=None):
    """The documents `unit` received (documents.public.received), newest first; `keep` (a
    document already linked, perhaps since replaced) stays offered."""
    rows = list(documents.received(unit).defer("body_text", "search_text")[:500])
    choices = [(str(d.pk), documents.label(d)) for d in rows]
    if keep is not None and all(d.pk != keep.pk for d in rows):
        choices.append((str(keep.pk), documents.label(keep)))
    return choices


def kind_choices(keep=None):
    return [
        (k.code, k.name)
        for k in ActivityKind.objects.all()
        if k.is_active or (keep is not None and k.pk == keep)
    ]


class MultipleFilePickerInput(FilePickerInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Evidence files, several at once (checked by core.uploads in the services)."""

    widget = MultipleFilePickerInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Tệp minh chứng"))
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Biên bản, danh sách điểm danh (số lượng), ảnh… — PDF, Word, Excel, ảnh JPEG/PNG, "
                "tối đa 20 MB một tệp. Một tệp bị từ chối là không ghi gì."
            ),
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", uploads.accept_attribute())

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in files if f]


class ActivityForm(forms.Form):
    """Ghi / sửa một hoạt động. Dates and counts are text here: validation reads them."""

    date = forms.CharField(
        label=_label("date"),
        required=False,
        widget=DateInput(),
    )
    kind = forms.CharField(label=_label("kind"), required=False, widget=forms.Select)
    title = forms.CharField(
        label=_label("title"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"size": 60}),
    )
    form = forms.CharField(
        label=_label("form"),
        required=False,
        widget=forms.Select(choices=Activity.Form.choices),
    )
    party_members = forms.CharField(
        label=_label("party_members"),
        required=False,
        widget=forms.TextInput(attrs=COUNT_ATTRS),
    )
    officers = forms.CharField(
        label=_label("officers"),
        required=False,
        help_text=Activity._meta.get_field("officers").help_text,
        widget=forms.TextInput(attrs=COUNT_ATTRS),
    )
    others = forms.CharField(
        label=_label("others"),
        required=False,
        help_text=Activity._meta.get_field("others").help_text,
        widget=forms.TextInput(attrs=COUNT_ATTRS),
    )
    document = forms.CharField(
        label=_label("document"),
        required=False,
        help_text=gettext_lazy(
            "Chỉ khi hoạt động là buổi quán triệt một văn bản đơn vị đã nhận; buổi quán triệt "
            "được tính cho nhiệm vụ quán triệt của văn bản."
        ),
        widget=forms.Select,
    )
    notes = forms.CharField(
        label=_label("notes"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = FilesField()

    def __init__(self, *args, unit, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        keep_kind = activity.kind_id if activity else None
        self.fields["kind"].widget.choices = [("", _("— chọn —")), *kind_choices(keep_kind)]
        keep_doc = activity.document if activity and activity.unit_id == unit.pk else None
        self.fields["document"].widget.choices = [
            ("", _("— không (hoạt động khác) —")),
            *document_choices(unit, keep_doc),
        ]

    def values(self):
        """The submitted values for `validation.clean` (files apart)."""
        data = self.cleaned_data
        return {name: data.get(name) for name in self.fields if name != "files"}

    def put(self, error):
        """A service's refusal (ActivityError) onto the fields it names."""
        for problem in error.problems:
            name = problem.field if problem.field in self.fields else None
            self.add_error(name, problem.detail if name else problem.message)


def initial_of(activity):
    return {
        "date": f"{activity.date:%d/%m/%Y}",
        "kind": activity.kind.code,
        "title": activity.title,
        "form": activity.form,
        "party_members": activity.party_members,
        "officers": activity.officers,
        "others": activity.others,
        "document": str(activity.document_id or ""),
        "notes": activity.notes,
    }


# ---------------------------------------------------------------------------- filters

WINDOWS = [
    ("1", gettext_lazy("Theo tháng dương lịch")),
    ("15", gettext_lazy("Theo kỳ Nghị định 09 (từ ngày 15)")),
]
OWN, SUBTREE = "own", "subtree"


def period_choices(today=None):
    """The periods of this year and the last two: months, quarters, halves, 9 months, year."""
    today = today or timezone.localdate()
    out = []
    for year in (today.year, today.year - 1, today.year - 2):
        group = [(f"{year}-Y", _("Năm %(y)s") % {"y": year})]
        group += [(f"{year}-H{h}", periods.period(f"{year}-H{h}").label) for h in (1, 2)]
        group.append((f"{year}-9M", periods.period(f"{year}-9M").label))
        group += [(f"{year}-Q{q}", periods.period(f"{year}-Q{q}").label) for q in range(1, 5)]
        group += [
            (f"{year}-M{m:02d}", _("Tháng %(m)s/%(y)s") % {"m": m, "y": year}) for m in range(1, 13)
        ]
        out.append((str(year), group))
    return out


class PeriodMixin:
    """A period (key and window) or a range of days; `window()` gives (start, end) or None."""

    def window(self):
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start or end:
            return start or datetime.date(2000, 1, 1), end or timezone.localdate()
        key = data.get("period")
        if not key:
            return None
        p = periods.parse(key, int(data.get("window") or 1))
        return p.start, p.end

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            day = data.get(name)
            if day and not periods.FIRST_YEAR <= day.year <= periods.LAST_YEAR:
                self.add_error(
                    name,
                    _("năm phải từ %(first)s đến %(last)s.")
                    % {"first": periods.FIRST_YEAR, "last": periods.LAST_YEAR},
                )
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("không được trước ngày “Từ ngày”."))
        key = data.get("period")
        if key:
            try:
                periods.parse(key, int(data.get("window") or 1))
            except periods.PeriodError as error:
                self.add_error("period", str(error))
        return data


def _period_fields(form):
    form.fields["period"] = forms.ChoiceField(
        label=_("Kỳ"),
        required=False,
        choices=[("", _("— mọi thời gian —")), *period_choices()],
        error_messages=CHOICE_ERROR,
    )
    form.fields["window"] = forms.ChoiceField(
        label=_("Cách tính kỳ"), required=False, choices=WINDOWS, error_messages=CHOICE_ERROR
    )
    form.fields["start"] = forms.DateField(
        label=_("Từ ngày"), required=False, widget=DateInput(), input_formats=["%d/%m/%Y"]
    )
    form.fields["end"] = forms.DateField(
        label=_("Đến ngày"), required=False, widget=DateInput(), input_formats=["%d/%m/%Y"]
    )


class LogFilterForm(PeriodMixin, forms.Form):
    """Bộ lọc nhật ký: unit, own unit or whole subtree, kind, period, document, words."""

    def __init__(self, *args, user, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitCodeField(
            user, VIEW, open_only=False, required=False, label=_("Đơn vị")
        )
        self.fields["scope"] = forms.ChoiceField(
            label=_("Phạm vi"),
            required=False,
            choices=[(OWN, _("Chỉ đơn vị này")), (SUBTREE, _("Cả các đơn vị cấp dưới"))],
            error_messages=CHOICE_ERROR,
        )
        self.fields["kind"] = forms.ChoiceField(
            label=_("Loại hoạt động"),
            required=False,
            choices=ALL + kind_choices(),
            error_messages=CHOICE_ERROR,
        )
        _period_fields(self)
        self.fields["document"] = forms.TypedChoiceField(
            label=_("Văn bản được quán triệt"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=ALL + (document_choices(unit) if unit else []),
            error_messages=CHOICE_ERROR,
        )
        self.fields["q"] = forms.CharField(
            label=_("Tìm kiếm"),
            required=False,
            max_length=200,
            help_text=_("Tên hoạt động, ghi chú, văn bản; có dấu hay không dấu đều được."),
            widget=forms.TextInput(attrs={"type": "search", "placeholder": _("ví dụ: quan triet")}),
        )

        # Several kinds at once, comma-separated codes: the link from a report's indicator
        # computed from the log (a count of activities of these kinds) lands here.
        self.fields["kinds"] = forms.CharField(
            required=False, max_length=400, widget=forms.HiddenInput
        )

    def clean_q(self):
        value = self.cleaned_data.get("q") or ""
        if "\x00" in value:
            raise ValidationError(_("không được chứa ký tự rỗng (NUL)."))
        return value

    def clean_kinds(self):
        codes = [c.strip() for c in (self.cleaned_data.get("kinds") or "").split(",") if c.strip()]
        known = dict(ActivityKind.objects.filter(code__in=codes).values_list("code", "name"))
        unknown = [c for c in codes if c not in known]
        if unknown:
            # A hidden field: its error is shown above the filters.
            self.add_error(None, _("Không có loại hoạt động mã “%(code)s”.") % {"code": unknown[0]})
            return []
        self.kind_names = [known[c] for c in codes]
        return codes


class TotalsForm(PeriodMixin, forms.Form):
    """Số liệu tổng hợp: a unit (its whole subtree) and a period."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitCodeField(
            user, VIEW, open_only=False, required=False, label=_("Đơn vị")
        )
        _period_fields(self)
        self.fields["period"].choices = period_choices()


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel đã điền (.xlsx)"),
        help_text=gettext_lazy("Tối đa 5 MB. Dùng mẫu tải về từ trang này."),
        error_messages={
            "required": gettext_lazy("Chưa chọn tệp để tải lên."),
            "empty": gettext_lazy("Tệp trống (0 byte): hãy chọn tệp Excel đã điền."),
        },
        widget=FilePickerInput(attrs={"accept": f".xlsx,{xlsx.XLSX_TYPE}"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > xlsx.MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Tệp lớn %(size)s MB, vượt giới hạn 5 MB.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")}
            )
        return upload
