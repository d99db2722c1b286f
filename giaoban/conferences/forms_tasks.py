"""Forms of the follow-up tasks' pages: the list's filters, a progress report, a send-back.

Text is NFC-normalised and checked by the services (`tasks.clean_text`: no NUL, a limit);
the forms say what a field must be before the services are asked, and the views put a
service's `TaskError.field` on the field it names.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.conferences import tasks
from giaoban.conferences.models import Task
from giaoban.core import due, uploads
from giaoban.core.scope import VIEW
from giaoban.core.widgets import FilePickerInput
from giaoban.units.forms import UnitCodeField

ALL = [("", gettext_lazy("— tất cả —"))]
CHOICE_ERROR = {
    "invalid_choice": gettext_lazy("Giá trị “%(value)s” không có trong danh sách để chọn.")
}
MAX_FILES = 10
UNIT, ASSIGNED = "unit", "assigned"
TABS = {
    UNIT: gettext_lazy("Nhiệm vụ của đơn vị"),
    ASSIGNED: gettext_lazy("Nhiệm vụ đơn vị giao"),
}


def standing_choices():
    return [
        *ALL,
        *((s, due.STANDING_LABELS[s]) for s in due.STANDINGS),
        (tasks.DONE, _("Đã thực hiện (đúng hạn hoặc quá hạn)")),
        (tasks.OWED, _("Chưa thực hiện (còn hạn hoặc quá hạn)")),
    ]


class TaskFilterForm(forms.Form):
    """The list's filters; `unit` is whose list it is (the user's own by default)."""

    tab = forms.ChoiceField(
        required=False,
        choices=list(TABS.items()),
        widget=forms.HiddenInput,
        error_messages=CHOICE_ERROR,
    )
    q = forms.CharField(
        label=gettext_lazy("Tìm kiếm"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Nhiệm vụ, kết luận, hội nghị hoặc tên đơn vị; có dấu hay không dấu."
        ),
    )
    standing = forms.ChoiceField(
        label=gettext_lazy("Tình hình thực hiện"), required=False, error_messages=CHOICE_ERROR
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        required=False,
        choices=[*ALL, *Task.Status.choices],
        error_messages=CHOICE_ERROR,
    )
    conference = forms.TypedChoiceField(
        label=gettext_lazy("Hội nghị"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=CHOICE_ERROR,
    )

    def __init__(self, *args, user, conferences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standing"].choices = standing_choices()
        self.fields["conference"].choices = [*ALL, *((str(c.pk), str(c)) for c in conferences)]
        self.fields["unit"] = UnitCodeField(
            user,
            VIEW,
            open_only=False,
            required=False,
            label=_("Đơn vị"),
            help_text=_("Đơn vị của đồng chí hoặc cấp dưới; để trống là đơn vị của đồng chí."),
        )
        self.fields["owner"] = UnitCodeField(
            user,
            VIEW,
            open_only=False,
            required=False,
            label=_("Đơn vị thực hiện"),
            help_text=_("Chỉ nhiệm vụ của đơn vị này và các đơn vị cấp dưới của nó."),
        )
        self.fields["only"] = forms.BooleanField(
            label=_("Không gồm đơn vị cấp dưới"), required=False
        )
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("ví dụ: quan triet"))
        self.order_fields(["tab", "q", "unit", "owner", "only", "standing", "status", "conference"])

    def clean(self):
        data = super().clean()
        unit, owner = data.get("unit"), data.get("owner")
        if unit is not None and owner is not None and not owner.path.startswith(unit.path):
            self.add_error(
                "owner",
                _("%(owner)s không thuộc %(unit)s.") % {"owner": owner.name, "unit": unit.name},
            )
        return data


# ---------------------------------------------------------------- a progress report


class MultipleFilePickerInput(FilePickerInput):
    allow_multiple_selected = True


class FilesField(forms.Field):
    """Several files at once, each checked by core.uploads (type, size, content, empty);
    every refused file is named. Cleans to [(upload, Checked)]."""

    widget = MultipleFilePickerInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(multiple=True, accept=uploads.accept_attribute())

    def to_python(self, data):
        if not data:
            return []
        return [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]

    def clean(self, data):
        files = self.to_python(data)
        if len(files) > MAX_FILES:
            raise ValidationError(_("Tải lên tối đa %(n)s tệp một lần.") % {"n": MAX_FILES})
        out, errors = [], []
        for upload in files:
            try:
                out.append((upload, uploads.check(upload, max_bytes=uploads.MAX_BYTES)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return out


def evidence_options(choices):
    """The picker's options, grouped by kind: ("document:12", label)."""
    out = [("", _("— không nêu minh chứng —"))]
    for kind, rows in choices.items():
        if rows:
            group = [(f"{kind}:{pk}", label) for pk, label in rows]
            out.append((str(tasks.EVIDENCE_KINDS[kind]), group))
    return out


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Kết quả đã thực hiện"),
        max_length=tasks.MAX_PROGRESS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Nội dung báo cáo tiến độ là bắt buộc.")},
    )
    # A select of the unit's records; any other value is left to the service, which names
    # what is wrong with it (not the unit's own, not visible, unknown kind).
    evidence = forms.CharField(
        label=gettext_lazy("Minh chứng"),
        required=False,
        max_length=40,
        help_text=gettext_lazy(
            "Văn bản đơn vị đã ban hành, hoạt động đã ghi vào nhật ký hoặc báo cáo của đơn vị "
            "cho thấy kết quả."
        ),
    )
    files = FilesField(
        label=gettext_lazy("Tệp kèm theo"),
        help_text=gettext_lazy(
            "PDF, Word, Excel, PowerPoint, ODF, ảnh JPEG/PNG, tối đa 20 MB một tệp. Một tệp "
            "bị từ chối là không lưu gì."
        ),
    )

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget = forms.Select(choices=evidence_options(choices or {}))

    def clean_evidence(self):
        value = (self.cleaned_data.get("evidence") or "").strip()
        if not value:
            return ("", None)
        kind, _sep, record = value.partition(":")
        return (kind, record)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do trả lại"),
        max_length=tasks.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Cần ghi lý do trả lại.")},
    )
