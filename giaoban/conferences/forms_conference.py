"""Forms of the conference's pages: its details and participants, attendance, an agenda
item, papers, minutes, a conclusion and its tasks.

Dates are dd/mm/yyyy text boxes, times hh:mm. Units are typed or picked by their code
("T19 — Công an tỉnh Thái Nguyên" counts by its code) and looked up in the user's scope;
what a form cannot know (the host's subtree on the conference's day, a deadline against
the day of the conference) the services check, and the views put their refusal on the
field it names.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.conferences import services
from giaoban.conferences.models import BODY_CHOICES, Consolidation, Participant
from giaoban.core import periods, uploads
from giaoban.core.scope import CHANGE, VIEW
from giaoban.core.text import nfc
from giaoban.core.widgets import FilePickerInput
from giaoban.reports import public as reports
from giaoban.units.forms import DateInput, UnitCodeField, UnitPickerInput
from giaoban.units.models import Level, Unit
from giaoban.units.rules import Rule

A = Participant.Attendance
ITEM_SPLIT = re.compile(r"[,;\n]+")
CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,29}")
MAX_UNITS = 5000
PAST_PERIODS = 6  # periods offered before the current one
RULES = [
    (Rule.CHILDREN, gettext_lazy("Các đơn vị trực thuộc đơn vị chủ trì")),
    (Rule.LEVEL, gettext_lazy("Mọi đơn vị của một cấp thuộc đơn vị chủ trì")),
    (Rule.EXPLICIT, gettext_lazy("Các đơn vị được chọn")),
]
TASK_RULES = [
    (Rule.EXPLICIT, gettext_lazy("Các đơn vị được chọn")),
    (Rule.CHILDREN, gettext_lazy("Mọi đơn vị trực thuộc đơn vị chủ trì (mọi tỉnh, mọi cục)")),
    (Rule.LEVEL, gettext_lazy("Mọi đơn vị của một cấp")),
]
REQUIRED = {"required": gettext_lazy("Trường này là bắt buộc.")}
DATE_ERRORS = {**REQUIRED, "invalid": gettext_lazy("Ghi ngày theo dạng ngày/tháng/năm.")}
TIME_ERRORS = {"invalid": gettext_lazy("Ghi giờ theo dạng giờ:phút, ví dụ 08:00.")}
NUMBER_ERRORS = {
    "invalid": gettext_lazy("Ghi một số nguyên."),
    "min_value": gettext_lazy("Không nhỏ hơn %(limit_value)s."),
    "max_value": gettext_lazy("Không lớn hơn %(limit_value)s."),
}
CHOICE_ERRORS = {**REQUIRED, "invalid_choice": gettext_lazy("Lựa chọn không hợp lệ.")}


def text(value):
    return nfc(value) if isinstance(value, str) else value


def date_field(label, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages=DATE_ERRORS,
    )


def time_field(label):
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm", "size": 5}),
        input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"],
        error_messages=TIME_ERRORS,
    )


def unit_codes(raw):
    """(codes, items that are not codes) of a box of codes separated by commas, semicolons
    or new lines; an item "T19 — Công an tỉnh …" counts by its code."""
    codes, bad = [], []
    for item in ITEM_SPLIT.split(raw or ""):
        for token in item.split(" — ", 1)[0].split():
            code = token.strip().upper()
            if not CODE_RE.fullmatch(code):
                bad.append(token)
            elif code not in codes:
                codes.append(code)
    return codes, bad


def units_of(user, raw):
    """The units of the user's view scope named in the box, in the order typed, or a
    ValidationError naming what is not found."""
    codes, bad = unit_codes(raw)
    if bad:
        raise ValidationError(
            _("Không đọc được: %(items)s. Ghi mã đơn vị, cách nhau bằng dấu phẩy.")
            % {"items": ", ".join(bad[:5])}
        )
    if len(codes) > MAX_UNITS:
        raise ValidationError(
            _("Chọn tối đa %(n)s đơn vị.") % {"n": f"{MAX_UNITS:,}".replace(",", ".")}
        )
    found = {u.code: u for u in Unit.objects.restrict(user, VIEW).filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(
            _("Không có đơn vị mã %(codes)s trong phạm vi của đồng chí.")
            % {"codes": ", ".join(missing[:5])}
        )
    return [found[c] for c in codes]


class UnitsBox(forms.CharField):
    """Several units as codes, one per line or separated by commas; a search box beside it
    (conference.js) adds a unit picked by name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 60_000)
        kwargs.setdefault(
            "widget",
            forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "data-units-box": ""}),
        )
        super().__init__(**kwargs)


def add_unit_widget():
    """The search-as-you-type box that adds a unit to a UnitsBox (conference.js)."""
    return UnitPickerInput(VIEW, attrs={"data-adds-to-box": ""})


def period_choices(current=None, today=None):
    """Grouped choices "<form id>:<period key>" of the active forms: the current period,
    the next one, and those before it; `current` (form, key) is kept when older."""
    today = today or timezone.localdate()
    groups = []
    for form in reports.forms():
        now = periods.containing(today, form.period_type, form.cutoff_day)
        shown = [periods.shift(now, 1), now]
        shown += [periods.shift(now, -n) for n in range(1, PAST_PERIODS + 1)]
        if current is not None and current[0].pk == form.pk:
            if current[1] not in {p.key for p in shown}:
                shown.append(form.period(current[1]))
        options = [(f"{form.pk}:{p.key}", str(p)) for p in shown]
        groups.append((form.name, options))
    return groups


# ------------------------------------------------------------------ the conference


class ConferenceForm(forms.Form):
    """Tạo, sửa hội nghị: the host (new only), body, period, the details, participants."""

    body = forms.ChoiceField(
        label=gettext_lazy("Cơ quan chủ trì"),
        choices=BODY_CHOICES,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Cơ quan ban hành thông báo kết luận hội nghị."),
        error_messages=CHOICE_ERRORS,
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Kỳ giao ban"),
        help_text=gettext_lazy("Kỳ báo cáo mà hội nghị sơ kết, theo mẫu báo cáo của kỳ."),
        error_messages=CHOICE_ERRORS,
    )
    title = forms.CharField(
        label=gettext_lazy("Tên hội nghị"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Để trống thì lấy tên theo kỳ: “Hội nghị giao ban … 6 tháng đầu năm 2026”."
        ),
    )
    date = date_field(gettext_lazy("Ngày họp"), required=True)
    start_time = time_field(gettext_lazy("Bắt đầu lúc"))
    end_time = time_field(gettext_lazy("Kết thúc lúc"))
    place = forms.CharField(label=gettext_lazy("Địa điểm"), required=False, max_length=300)
    online_link = forms.CharField(
        label=gettext_lazy("Đường dẫn họp trực tuyến"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Ghi dạng văn bản để đơn vị tự mở; giaoban không mở đường dẫn này."),
    )
    participant_rule = forms.ChoiceField(
        label=gettext_lazy("Đơn vị dự"),
        choices=RULES,
        widget=forms.RadioSelect(attrs={"data-rule-choice": ""}),
        help_text=gettext_lazy("Các đơn vị được xác định theo cây đơn vị vào ngày họp."),
        error_messages=CHOICE_ERRORS,
    )
    participant_level = forms.ModelChoiceField(
        label=gettext_lazy("Cấp dự"),
        queryset=Level.objects.none(),
        required=False,
        empty_label=gettext_lazy("— chọn cấp —"),
        error_messages=CHOICE_ERRORS,
    )
    participant_units = UnitsBox(
        label=gettext_lazy("Các đơn vị dự"),
        help_text=gettext_lazy(
            "Mã các đơn vị thuộc đơn vị chủ trì, cách nhau bằng dấu phẩy hoặc xuống dòng; hoặc "
            "tìm theo tên ở ô bên dưới."
        ),
    )
    consolidation = forms.ChoiceField(
        label=gettext_lazy("Báo cáo tổng hợp trình hội nghị"),
        required=False,
        help_text=gettext_lazy("Báo cáo tổng hợp của đơn vị chủ trì, cùng mẫu và cùng kỳ."),
        error_messages=CHOICE_ERRORS,
    )
    papers_due = date_field(
        gettext_lazy("Hạn gửi tham luận"),
        help_text=gettext_lazy("Trước hoặc đúng ngày họp; mời đơn vị gửi ở trang hội nghị."),
    )

    TEXT_FIELDS = ("title", "place", "online_link")
    DETAILS = ("body", "title", "start_time", "end_time", "place", "online_link")

    def __init__(self, *args, user, conference=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.conference = conference
        if conference is None:
            self.fields = {
                "unit": UnitCodeField(
                    user,
                    CHANGE,
                    label=gettext_lazy("Đơn vị chủ trì"),
                    help_text=gettext_lazy(
                        "Đơn vị mà đồng chí được nhập liệu: gõ vài chữ của tên hoặc mã."
                    ),
                ),
                **self.fields,
            }
        current = (conference.form, conference.period_key) if conference else None
        self.fields["period"].choices = [("", _("— chọn kỳ —")), *period_choices(current)]
        levels = Level.objects.in_use()
        if conference is not None:
            levels = levels.filter(rank__gt=conference.unit.level.rank)
        self.fields["participant_level"].queryset = levels
        self.fields["add_unit"] = forms.CharField(
            label=gettext_lazy("Tìm đơn vị để thêm"), required=False, widget=add_unit_widget()
        )
        self.reports = self._reports()
        self.fields["consolidation"].choices = [
            ("", _("— không có —")),
            *[(str(c.pk), self.report_label(c)) for c in self.reports.values()],
        ]
        self.units = []

    def _reports(self):
        found = Consolidation.objects.restrict(self.user).select_related("unit", "form")
        if self.conference is not None:
            found = found.filter(unit=self.conference.unit)
        else:
            found = found.filter(path__in=Unit.objects.restrict(self.user, CHANGE).values("path"))
        return {str(c.pk): c for c in found.order_by("-period_key", "path")[:200]}

    @staticmethod
    def report_label(c):
        parts = (c.unit.short_name, c.period.label, c.get_body_display(), c.get_status_display())
        return " · ".join(str(part) for part in parts)

    # ------------------------------------------------------------ cleaning

    def clean_title(self):
        return text(self.cleaned_data["title"])

    def clean_place(self):
        return text(self.cleaned_data["place"])

    def clean_online_link(self):
        return text(self.cleaned_data["online_link"])

    def clean_period(self):
        raw = self.cleaned_data["period"]
        form_id, _sep, key = raw.partition(":")
        form = next((f for f in reports.forms() if str(f.pk) == form_id), None)
        if form is None and self.conference is not None and str(self.conference.form_id) == form_id:
            form = self.conference.form
        if form is None:
            raise ValidationError(_("Chọn kỳ trong danh sách."))
        try:
            return form, reports.parse_period(form, key).key
        except reports.PeriodError as error:
            raise ValidationError(str(error)) from None

    def clean_consolidation(self):
        raw = self.cleaned_data.get("consolidation")
        return self.reports.get(raw) if raw else None

    def clean(self):
        data = super().clean()
        if not data.get("title") and data.get("period"):
            form, key = data["period"]
            data["title"] = services.default_title(form.period(key))
        rule = data.get("participant_rule")
        if rule == Rule.LEVEL and data.get("participant_level") is None:
            self.add_error("participant_level", _("Chọn cấp dự."))
        if rule == Rule.EXPLICIT:
            try:
                self.units = units_of(self.user, data.get("participant_units"))
            except ValidationError as error:
                self.add_error("participant_units", error)
            else:
                if not self.units:
                    self.add_error("participant_units", _("Chọn ít nhất một đơn vị dự."))
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("Giờ kết thúc phải sau giờ bắt đầu."))
        return data

    # ------------------------------------------------------------ for the services

    def details(self):
        """The fields of services.create/update but the day (create takes it apart)."""
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.DETAILS}
        for name in self.TEXT_FIELDS:
            fields[name] = fields[name] or ""
        fields["papers_due"] = data.get("papers_due")
        fields["consolidation"] = data.get("consolidation")
        return fields

    def participants(self):
        data = self.cleaned_data
        rule = data["participant_rule"]
        level = data.get("participant_level") if rule == Rule.LEVEL else None
        return rule, level, self.units if rule == Rule.EXPLICIT else []


def conference_initial(conference):
    explicit = ""
    if conference.participant_rule == Rule.EXPLICIT:
        explicit = ", ".join(
            conference.participants.order_by("path").values_list("unit__code", flat=True)
        )
    return {
        "body": conference.body,
        "period": f"{conference.form_id}:{conference.period_key}",
        "title": conference.title,
        "date": conference.date,
        "start_time": conference.start_time,
        "end_time": conference.end_time,
        "place": conference.place,
        "online_link": conference.online_link,
        "participant_rule": conference.participant_rule,
        "participant_level": conference.participant_level_id,
        "participant_units": explicit,
        "consolidation": str(conference.consolidation_id or ""),
        "papers_due": conference.papers_due,
    }


# ------------------------------------------------------------------ attendance


class AttendanceForm(forms.Form):
    """Điểm danh: for each participant (a row of the table) attendance, the reason of an
    absence and the number of delegates — a count, never names."""

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for p in self.participants:
            name = p.unit.name
            self.fields[f"attendance-{p.pk}"] = forms.ChoiceField(
                label=_("Điểm danh"),
                choices=A.choices,
                required=False,
                initial=p.attendance,
                error_messages=CHOICE_ERRORS,
            )
            self.fields[f"attendance-{p.pk}"].widget.attrs["aria-label"] = _(
                "Điểm danh %(unit)s"
            ) % {"unit": name}
            self.fields[f"reason-{p.pk}"] = forms.CharField(
                label=_("Lý do vắng"), required=False, max_length=300, initial=p.absence_reason
            )
            self.fields[f"reason-{p.pk}"].widget.attrs["aria-label"] = _(
                "Lý do vắng của %(unit)s"
            ) % {"unit": name}
            self.fields[f"delegates-{p.pk}"] = forms.IntegerField(
                label=_("Số đại biểu"),
                required=False,
                min_value=0,
                max_value=services.MAX_DELEGATES,
                initial=p.delegates,
                error_messages=NUMBER_ERRORS,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "class": "num"}),
            )
            self.fields[f"delegates-{p.pk}"].widget.attrs["aria-label"] = _(
                "Số đại biểu của %(unit)s"
            ) % {"unit": name}

    def rows(self):
        """{participant id: (attendance, reason, delegates)} for services.set_attendance."""
        data = self.cleaned_data
        return {
            p.pk: (
                data.get(f"attendance-{p.pk}") or "",
                text(data.get(f"reason-{p.pk}") or ""),
                data.get(f"delegates-{p.pk}"),
            )
            for p in self.participants
        }

    def table(self):
        """One row per participant: (participant, attendance, reason, delegates bound fields)."""
        return [
            (p, self[f"attendance-{p.pk}"], self[f"reason-{p.pk}"], self[f"delegates-{p.pk}"])
            for p in self.participants
        ]


# ------------------------------------------------------------------ agenda


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Nội dung"),
        max_length=300,
        error_messages=REQUIRED,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    duration = forms.IntegerField(
        label=gettext_lazy("Thời lượng (phút)"),
        required=False,
        min_value=1,
        max_value=24 * 60,
        error_messages=NUMBER_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "class": "num"}),
    )
    documents = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Văn bản liên quan"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, user, conference, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"] = UnitCodeField(
            user,
            VIEW,
            required=False,
            label=gettext_lazy("Đơn vị trình bày"),
            help_text=gettext_lazy("Đơn vị chủ trì hoặc đơn vị thuộc đơn vị đó; có thể để trống."),
        )
        self.fields["presenter"].queryset = self.fields["presenter"].queryset.filter(
            path__startswith=conference.unit.path
        )
        self.order_fields(["title", "presenter", "duration", "documents"])
        self.fields["documents"].choices = [(d.pk, str(d)) for d in documents]

    def clean_title(self):
        return text(self.cleaned_data["title"])


# ------------------------------------------------------------------ papers


class InviteForm(forms.Form):
    participants = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Đơn vị được mời gửi tham luận"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )
    papers_due = date_field(gettext_lazy("Hạn gửi tham luận"), required=True)

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(p.pk, p.unit.name) for p in participants]


class PaperForm(forms.Form):
    participant = forms.TypedChoiceField(
        label=gettext_lazy("Đơn vị gửi"), coerce=int, error_messages=CHOICE_ERRORS
    )
    title = forms.CharField(
        label=gettext_lazy("Tên tham luận"), max_length=300, error_messages=REQUIRED
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp tham luận"),
        widget=FilePickerInput(attrs={"accept": uploads.accept_attribute()}),
        error_messages={
            **REQUIRED,
            "invalid": gettext_lazy("Tệp không hợp lệ."),
            "empty": gettext_lazy("Tệp trống (0 byte)."),
        },
        help_text=gettext_lazy(
            "PDF, Word, Excel, PowerPoint, ODF hoặc ảnh JPEG/PNG, tối đa 20 MB."
        ),
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.pk, p.unit.name) for p in participants]
        self.only = participants[0].pk if len(participants) == 1 else None
        if self.only is not None:  # the one unit the user may send for: nothing to choose
            self.fields["participant"].required = False
            self.fields["participant"].initial = self.only
            self.fields["participant"].widget = forms.HiddenInput()
        self.checked = None

    def clean_participant(self):
        return self.cleaned_data.get("participant") or self.only

    def clean_title(self):
        return text(self.cleaned_data["title"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The limit is read at each call so that a deployment (or a test) may lower it.
        self.checked = uploads.check(upload, max_bytes=uploads.MAX_BYTES)
        return upload


# ------------------------------------------------------------------ minutes, conclusions


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=gettext_lazy("Biên bản hội nghị"),
        required=False,
        max_length=services.MAX_MINUTES,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20, "class": "minutes-text"}),
        help_text=gettext_lazy(
            "Diễn biến hội nghị, ý kiến phát biểu (ghi theo đơn vị, không ghi tên người)."
        ),
    )


class ConclusionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Nội dung kết luận"),
        max_length=services.MAX_CONCLUSION,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=REQUIRED,
    )

    def clean_text(self):
        return text(self.cleaned_data["text"])


class AssignForm(forms.Form):
    """Giao nhiệm vụ: the units (chosen, or by a rule), the deadline, what is expected."""

    rule = forms.ChoiceField(
        label=gettext_lazy("Đơn vị thực hiện"),
        choices=TASK_RULES,
        initial=Rule.EXPLICIT,
        widget=forms.RadioSelect(attrs={"data-rule-choice": ""}),
        error_messages=CHOICE_ERRORS,
    )
    level = forms.ModelChoiceField(
        label=gettext_lazy("Cấp"),
        queryset=Level.objects.none(),
        required=False,
        empty_label=gettext_lazy("— chọn cấp —"),
        error_messages=CHOICE_ERRORS,
    )
    units = UnitsBox(
        label=gettext_lazy("Các đơn vị"),
        help_text=gettext_lazy("Mã các đơn vị thuộc đơn vị chủ trì, cách nhau bằng dấu phẩy."),
    )
    deadline = date_field(gettext_lazy("Hạn hoàn thành"), required=True)
    title = forms.CharField(
        label=gettext_lazy("Nhiệm vụ"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Để trống thì lấy nội dung kết luận."),
    )
    expected_result = forms.CharField(
        label=gettext_lazy("Kết quả cần đạt"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["level"].queryset = Level.objects.in_use().filter(
            rank__gt=conference.unit.level.rank
        )
        self.fields["add_unit"] = forms.CharField(
            label=gettext_lazy("Tìm đơn vị để thêm"), required=False, widget=add_unit_widget()
        )
        self.units = []

    def clean_title(self):
        return text(self.cleaned_data["title"])

    def clean_expected_result(self):
        return text(self.cleaned_data["expected_result"])

    def clean(self):
        data = super().clean()
        rule = data.get("rule")
        if rule == Rule.LEVEL and data.get("level") is None:
            self.add_error("level", _("Chọn cấp."))
        if rule == Rule.EXPLICIT:
            try:
                self.units = units_of(self.user, data.get("units"))
            except ValidationError as error:
                self.add_error("units", error)
            else:
                if not self.units:
                    self.add_error("units", _("Chọn ít nhất một đơn vị thực hiện."))
        return data

    def assignment(self, conclusion):
        """Keyword arguments of tasks.assign."""
        data = self.cleaned_data
        rule = data["rule"]
        title = data.get("title") or " ".join(conclusion.text.split())[:500]
        return {
            "deadline": data["deadline"],
            "rule": rule,
            "level": data.get("level") if rule == Rule.LEVEL else None,
            "units": self.units if rule == Rule.EXPLICIT else (),
            "title": title,
            "expected_result": data.get("expected_result") or "",
        }
