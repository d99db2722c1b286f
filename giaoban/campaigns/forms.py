"""Forms of the campaign's pages: the campaign, a phase, a requirement, a unit's results.

Dates are dd/mm/yyyy text boxes. The forms read the values; what depends on the campaign
(phases inside its dates and apart, a requirement some unit can meet, a plan its unit
issued) the services check, and the views put their refusal on the field it names.
Text is NFC-normalised and refused with a NUL by the services (`core.text.clean`); a NUL
is refused here first by Django's own check, in Vietnamese.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.activities import public as activities
from giaoban.campaigns import services
from giaoban.campaigns.models import Requirement
from giaoban.core import uploads
from giaoban.core.widgets import FilePickerInput
from giaoban.documents import public as documents
from giaoban.units.forms import DateInput

K = Requirement.Kind
MAX_FILES = 10
REQUIRED = {"required": gettext_lazy("Trường này là bắt buộc.")}
DATE_ERRORS = {**REQUIRED, "invalid": gettext_lazy("Ghi ngày theo dạng ngày/tháng/năm.")}
CHOICE_ERRORS = {**REQUIRED, "invalid_choice": gettext_lazy("Lựa chọn không hợp lệ.")}
NUMBER_ERRORS = {
    **REQUIRED,
    "invalid": gettext_lazy("Ghi một số nguyên."),
    "min_value": gettext_lazy("Không nhỏ hơn %(limit_value)s."),
    "max_value": gettext_lazy("Không lớn hơn %(limit_value)s."),
}


def date_field(label, help_text=""):
    return forms.DateField(
        label=label,
        widget=DateInput(),
        help_text=help_text,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages=DATE_ERRORS,
    )


def text_field(label, max_length, required=True, rows=None, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(attrs={"size": 60})
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=False,  # the services strip and normalise (core.text.clean)
        widget=widget,
        help_text=help_text,
        error_messages={
            **REQUIRED,
            "max_length": gettext_lazy("Tối đa %(limit_value)s ký tự."),
        },
    )


def _put_dates_in_order(form):
    start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    if start and end and end < start:
        form.add_error("end", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))


# ------------------------------------------------------------------ the campaign


class CampaignForm(forms.Form):
    """Phát động / sửa đợt: while it is prepared every field; launched, the title, the
    description and the last day (the start and the plan are fixed then)."""

    title = text_field(gettext_lazy("Tên đợt sinh hoạt chính trị"), 300, rows=2)
    plan = forms.TypedChoiceField(
        label=gettext_lazy("Kế hoạch phát động"),
        coerce=int,
        help_text=gettext_lazy(
            "Văn bản đã ban hành của đơn vị phát động. Buổi sinh hoạt của đơn vị cấp dưới "
            "được tính cho đợt khi gắn với kế hoạch này hoặc văn bản triển khai kế hoạch này."
        ),
        error_messages=CHOICE_ERRORS,
    )
    start = date_field(gettext_lazy("Từ ngày"))
    end = date_field(gettext_lazy("Đến ngày"))
    description = text_field(gettext_lazy("Mục đích, yêu cầu"), 20_000, required=False, rows=5)

    def __init__(self, *args, user, unit, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.campaign = campaign
        if campaign is not None and campaign.is_launched:
            del self.fields["plan"]
            del self.fields["start"]
            return
        plans = documents.issued_by(user, unit, limit=200)
        keep = campaign.plan if campaign is not None else None
        if keep is not None and all(pk != keep.pk for pk, _label in plans):
            plans.append((keep.pk, str(keep)))
        self.fields["plan"].choices = [("", _("— chọn văn bản —")), *plans]
        if not plans:
            self.fields["plan"].help_text = _(
                "%(unit)s chưa có văn bản nào đã ban hành: ban hành kế hoạch ở Sổ văn bản "
                "trước khi phát động đợt."
            ) % {"unit": unit.name}

    def clean(self):
        data = super().clean()
        if "start" in self.fields:
            _put_dates_in_order(self)
        return data


def campaign_initial(campaign):
    return {
        "title": campaign.title,
        "plan": campaign.plan_id,
        "start": campaign.start,
        "end": campaign.end,
        "description": campaign.description,
    }


# ------------------------------------------------------------------ phases


class PhaseForm(forms.Form):
    title = text_field(gettext_lazy("Nội dung giai đoạn"), 300)
    start = date_field(gettext_lazy("Từ ngày"))
    end = date_field(
        gettext_lazy("Đến ngày"),
        help_text=gettext_lazy("Hạn thực hiện các yêu cầu của giai đoạn."),
    )

    def clean(self):
        data = super().clean()
        _put_dates_in_order(self)
        return data


# ------------------------------------------------------------------ requirements


class RequirementForm(forms.Form):
    """Một yêu cầu: which phase, which level, and the record that meets it."""

    title = text_field(
        gettext_lazy("Yêu cầu"),
        300,
        rows=2,
        help_text=gettext_lazy("Ví dụ: Sinh hoạt chuyên đề của chi bộ."),
    )
    phase = forms.TypedChoiceField(
        label=gettext_lazy("Giai đoạn"), coerce=int, error_messages=CHOICE_ERRORS
    )
    level = forms.TypedChoiceField(
        label=gettext_lazy("Cấp thực hiện"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy(
            "Mọi đơn vị thuộc phạm vi đợt: cả đơn vị phát động và mọi đơn vị cấp dưới."
        ),
        error_messages=CHOICE_ERRORS,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Cách đáp ứng"),
        choices=K.choices,
        widget=forms.RadioSelect(attrs={"data-requirement-kind": ""}),
        help_text=gettext_lazy(
            "Yêu cầu được tính là đã thực hiện từ hồ sơ của đơn vị, không đánh dấu bằng tay."
        ),
        error_messages=CHOICE_ERRORS,
    )
    activity_kind = forms.TypedChoiceField(
        label=gettext_lazy("Loại hoạt động"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy(
            "Hoạt động loại này, gắn với kế hoạch của đợt (hoặc văn bản triển khai kế hoạch), "
            "ghi trong nhật ký hoạt động của đơn vị."
        ),
        error_messages=CHOICE_ERRORS,
    )
    min_count = forms.IntegerField(
        label=gettext_lazy("Số hoạt động tối thiểu"),
        min_value=1,
        max_value=100,
        initial=1,
        required=False,
        widget=forms.NumberInput(attrs={"size": 4, "inputmode": "numeric"}),
        error_messages=NUMBER_ERRORS,
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        phases = list(campaign.phases.order_by("number"))
        self.fields["phase"].choices = [("", _("— chọn giai đoạn —"))] + [
            (
                p.pk,
                _("Giai đoạn %(n)s: %(t)s (đến %(d)s)")
                % {"n": p.number, "t": p.title, "d": f"{p.end:%d/%m/%Y}"},
            )
            for p in phases
        ]
        self.phases = {p.pk: p for p in phases}
        if len(phases) == 1 and not self.initial.get("phase"):
            self.initial["phase"] = phases[0].pk  # the only choice, chosen
        self.levels = {level.pk: level for level, _n in services.levels_for(campaign)}
        self.fields["level"].choices = [("", _("Mọi đơn vị thuộc phạm vi đợt"))] + [
            (level.pk, _("%(level)s (%(n)s đơn vị)") % {"level": level.name, "n": n})
            for level, n in services.levels_for(campaign)
        ]
        self.fields["activity_kind"].choices = [("", _("— chọn loại hoạt động —"))] + list(
            activities.kinds()
        )

    def clean_min_count(self):
        return self.cleaned_data.get("min_count") or 1

    def clean(self):
        data = super().clean()
        if data.get("kind") != K.ACTIVITY:
            # Only an activity requirement counts activities: the rest is not asked.
            data["activity_kind"] = None
            data["min_count"] = 1
            self.errors.pop("min_count", None)
            self.errors.pop("activity_kind", None)
        return data

    def values(self):
        """The services' arguments."""
        data = self.cleaned_data
        return {
            "phase": self.phases.get(data["phase"]),
            "kind": data["kind"],
            "title": data["title"],
            "level": self.levels.get(data["level"]) if data.get("level") else None,
            "activity_kind_id": data.get("activity_kind"),
            "min_count": data.get("min_count") or 1,
        }


def requirement_initial(requirement):
    return {
        "title": requirement.title,
        "phase": requirement.phase_id,
        "level": requirement.level_id,
        "kind": requirement.kind,
        "activity_kind": requirement.activity_kind_id,
        "min_count": requirement.min_count,
    }


# ------------------------------------------------------------------ results


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


class ResultsForm(forms.Form):
    """Báo cáo kết quả của đơn vị cho một yêu cầu: the text (sent again, it replaces the
    earlier one) and files (added to those sent)."""

    text = text_field(gettext_lazy("Báo cáo kết quả"), 20_000, rows=8)
    files = FilesField(
        label=gettext_lazy("Tệp kèm theo"),
        help_text=gettext_lazy(
            "Chọn được nhiều tệp một lần (tối đa 10): PDF, Word, Excel, PowerPoint, ODF, ảnh "
            "JPEG/PNG, mỗi tệp tối đa 20 MB. Có tệp bị từ chối thì không tệp nào được lưu."
        ),
    )
