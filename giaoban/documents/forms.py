"""Forms of the documents app's writing pages: a draft, its review, its issue, its links,
its files, and what a recipient sends back.

Dates are dd/mm/yyyy text boxes (the HTML date input's yyyy-mm-dd is read too). Text is
NFC-normalised here, before it is compared with the stored versions; a NUL character is
refused by Django's own validator ("Không được chứa ký tự rỗng (NUL)."). What a form can
not know (the numbering, the rule of Quy định 66-QĐ/TW) is checked by the services, whose
`DocumentError.field` the views put on the field it names.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.core import uploads
from giaoban.core.scope import CHANGE, VIEW
from giaoban.core.text import nfc
from giaoban.core.widgets import FilePickerInput
from giaoban.documents import obligations, services
from giaoban.documents.models import (
    BODY_CHOICES,
    Document,
    DocumentKind,
    DocumentLink,
    IssuingBody,
)
from giaoban.units.forms import DateInput, UnitCodeField, picker_label
from giaoban.units.models import Level, Unit

MAX_EXPLICIT_UNITS = 5000
MAX_FILES = 20
MAX_NOTE_CHARS = 2000
ITEM_SPLIT = re.compile(r"[,;\n]+")
CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,29}")


def unit_codes(raw):
    """The codes in the explicit box: separated by commas, semicolons, new lines or spaces;
    an item pasted from a picker ("T19 — Công an tỉnh …") counts by its code. Returns
    (codes, items that are not codes)."""
    codes, bad = [], []
    for item in ITEM_SPLIT.split(raw or ""):
        for token in item.split(" — ", 1)[0].split():
            code = token.strip().upper()
            if not CODE_RE.fullmatch(code):
                bad.append(token)
            elif code not in codes:
                codes.append(code)
    return codes, bad


def date_field(label, help_text=""):
    return forms.DateField(label=label, required=False, widget=DateInput(), help_text=help_text)


def text(value):
    return nfc(value) if isinstance(value, str) else value


# ---------------------------------------------------------------- widgets


class KindSelect(forms.Select):
    """The kinds, grouped by body; each option says its body (edit.js hides the other's)."""

    def __init__(self, bodies, attrs=None):
        super().__init__(attrs=attrs)
        self.bodies = bodies  # {str(pk): body}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        body = self.bodies.get(str(value))
        if body:
            option["attrs"]["data-body"] = body
        return option


class UnitsPickerInput(forms.Textarea):
    """Several units, as codes separated by commas or new lines; edit.js turns the box into
    a list of chosen units with a search box fed by units:pick (the same JSON as the one-unit
    picker). Without JavaScript the codes are typed."""

    def __init__(self, attrs=None):
        attrs = {
            "rows": 2,
            "autocomplete": "off",
            "spellcheck": "false",
            "data-units-picker": "",
            "data-action": VIEW,
            "data-search-label": gettext_lazy("Thêm đơn vị"),
            "data-placeholder": gettext_lazy("Gõ tên hoặc mã đơn vị, có dấu hay không dấu"),
            "data-empty-label": gettext_lazy(
                "Không có đơn vị nào khớp trong phạm vi của đồng chí."
            ),
            "data-remove-label": gettext_lazy("Bỏ"),
            "data-none-label": gettext_lazy("Chưa chọn đơn vị nào."),
            "data-count-label": gettext_lazy("Đã chọn {n} đơn vị."),
            "data-found-label": gettext_lazy("Tìm được {n} đơn vị: bấm để thêm."),
            **(attrs or {}),
        }
        super().__init__(attrs=attrs)

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-url"] = reverse("units:pick")
        return context


class MultipleFilePickerInput(FilePickerInput):
    allow_multiple_selected = True


class FilesField(forms.Field):
    """Several files at once, each checked by core.uploads (type, size, content, empty);
    every refused file is named. Cleans to [(upload, Checked)]."""

    widget = MultipleFilePickerInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Tệp đính kèm"))
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Chọn một hoặc nhiều tệp (PDF, Word, Excel, PowerPoint, ODF, ảnh JPEG/PNG), tối "
                "đa 20 MB một tệp. Chỉ một tệp bị từ chối là không lưu tệp nào."
            ),
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", uploads.accept_attribute())

    def to_python(self, data):
        if data is None:
            return []
        return list(data) if isinstance(data, (list, tuple)) else [data]

    def validate(self, value):
        if not value and self.required:
            raise ValidationError(_("Chưa chọn tệp để tải lên."), code="required")

    def clean(self, data):
        files = [f for f in self.to_python(data) if f]
        self.validate(files)
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("Tải lên tối đa %(n)s tệp một lần.") % {"n": MAX_FILES}, code="too_many"
            )
        out, errors = [], []
        for upload in files:
            try:
                # The limit is read at each call so that a deployment (or a test) may lower it.
                out.append((upload, uploads.check(upload, max_bytes=uploads.MAX_BYTES)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return out


# ---------------------------------------------------------------- a draft


class DraftForm(forms.Form):
    """Soạn thảo văn bản: the issuing unit and body (new drafts only), kind, text, validity,
    recipients and what they owe.

    `parent` is the document a new plan implements (?implements=): its deadlines are the
    latest the plan's may be.
    """

    unit = None  # set in __init__ for a new draft
    body = forms.ChoiceField(
        label=gettext_lazy("Cơ quan ban hành"),
        choices=BODY_CHOICES,
        widget=forms.RadioSelect(attrs={"data-body-choice": ""}),
        help_text=gettext_lazy(
            "Tổ chức đảng (Hướng dẫn 36-HD/VPTW, “Số 15-NQ/ĐU”) hay chỉ huy (Nghị định "
            "30/2020/NĐ-CP, “Số: 12/KH-CAT”)."
        ),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Loại văn bản"))
    subject = forms.CharField(
        label=gettext_lazy("Trích yếu"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "doc-subject"}),
        help_text=gettext_lazy("Một câu tóm tắt nội dung văn bản."),
        error_messages={"required": gettext_lazy("Trích yếu là bắt buộc.")},
    )
    body_text = forms.CharField(
        label=gettext_lazy("Nội dung"),
        required=False,
        max_length=services.MAX_BODY_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "doc-body"}),
    )
    secrecy = forms.ChoiceField(
        label=gettext_lazy("Độ mật"), choices=Document.Secrecy.choices, required=False
    )
    effective_from = date_field(gettext_lazy("Hiệu lực từ ngày"))
    effective_to = date_field(
        gettext_lazy("Hết hiệu lực ngày"), gettext_lazy("Để trống nếu không hạn định.")
    )
    signer_title = forms.CharField(
        label=gettext_lazy("Thẩm quyền ký"),
        max_length=120,
        required=False,
        help_text=gettext_lazy(
            "Ví dụ “T/M BAN THƯỜNG VỤ” hoặc “GIÁM ĐỐC”; không ghi tên người ký."
        ),
    )
    place = forms.CharField(
        label=gettext_lazy("Địa danh"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Ở dòng ngày tháng; để trống thì lấy địa danh của cơ quan."),
    )
    recipient_rule = forms.ChoiceField(
        label=gettext_lazy("Nơi nhận"),
        choices=Document.Rule.choices,
        widget=forms.RadioSelect(attrs={"data-rule-choice": ""}),
        help_text=gettext_lazy("Các đơn vị được xác định vào ngày ban hành."),
    )
    recipient_level = forms.ModelChoiceField(
        label=gettext_lazy("Cấp nhận"),
        queryset=Level.objects.none(),
        required=False,
        empty_label=gettext_lazy("— chọn cấp —"),
    )
    explicit_units = forms.CharField(
        label=gettext_lazy("Các đơn vị nhận"),
        required=False,
        max_length=60_000,
        widget=UnitsPickerInput(),
        help_text=gettext_lazy(
            "Mã các đơn vị cấp dưới, cách nhau bằng dấu phẩy hoặc xuống dòng; hoặc tìm theo "
            "tên, lọc theo cấp và thêm bằng ô tìm đơn vị bên dưới."
        ),
    )
    disseminate_by = date_field(gettext_lazy("Hạn quán triệt"))
    plan_by = date_field(gettext_lazy("Hạn xây dựng kế hoạch triển khai"))
    report_by = date_field(gettext_lazy("Hạn báo cáo kết quả"))

    TEXT_FIELDS = ("subject", "body_text", "signer_title", "place")
    DEADLINES = tuple(o.deadline_field for o in obligations.OBLIGATIONS)

    def __init__(self, *args, user, document=None, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.document = document
        self.parent = parent
        self.units = []  # the explicit units, once cleaned
        if document is not None:
            del self.fields["body"]
            bodies = [document.issuer.body]
            self.issuing_unit = document.unit
        else:
            self.fields = {
                "unit": UnitCodeField(
                    user,
                    CHANGE,
                    label=gettext_lazy("Đơn vị ban hành"),
                    help_text=gettext_lazy(
                        "Đơn vị mà đồng chí được soạn văn bản: gõ vài chữ của tên hoặc mã."
                    ),
                ),
                **self.fields,
            }
            bodies = [value for value, _label in BODY_CHOICES]
            self.issuing_unit = None
        kinds = DocumentKind.objects.filter(is_active=True, body__in=bodies)
        if document is not None:
            kinds = DocumentKind.objects.filter(pk=document.kind_id) | kinds
        kinds = list(kinds.order_by("body", "order", "name"))
        self.kinds = {str(k.pk): k for k in kinds}
        labels = dict(BODY_CHOICES)
        grouped = [("", _("— chọn loại văn bản —"))]
        for body in bodies:
            options = [(str(k.pk), str(k)) for k in kinds if k.body == body]
            grouped.append((labels[body], options) if len(bodies) > 1 else options)
        if len(bodies) == 1:
            grouped = [grouped[0], *grouped[1]]
        self.fields["kind"].choices = grouped
        self.fields["kind"].widget = KindSelect({pk: k.body for pk, k in self.kinds.items()})
        self.fields["kind"].widget.choices = self.fields["kind"].choices
        self.fields["kind"].widget.attrs["data-kind-select"] = ""
        levels = Level.objects.in_use()
        if document is not None:
            levels = levels.filter(rank__gt=document.unit.level.rank)
        self.fields["recipient_level"].queryset = levels
        if parent is not None:
            for name in self.DEADLINES:
                theirs = getattr(parent, name)
                if theirs:
                    self.fields[name].help_text = _(
                        "Không muộn hơn hạn của văn bản cấp trên: %(d)s."
                    ) % {"d": theirs.strftime("%d/%m/%Y")}

    # ------------------------------------------------------------ cleaning

    def clean_subject(self):
        return text(self.cleaned_data["subject"])

    def clean_body_text(self):
        return text(self.cleaned_data["body_text"])

    def clean_signer_title(self):
        return text(self.cleaned_data["signer_title"])

    def clean_place(self):
        return text(self.cleaned_data["place"])

    def clean_kind(self):
        kind = self.kinds.get(self.cleaned_data.get("kind") or "")
        if kind is None:
            raise ValidationError(_("Chọn loại văn bản."))
        return kind

    def clean(self):
        data = super().clean()
        unit = self.issuing_unit or data.get("unit")
        body = self.document.issuer.body if self.document is not None else data.get("body")
        kind = data.get("kind")
        if kind is not None and body and kind.body != body:
            self.add_error(
                "kind",
                _("Loại “%(kind)s” không thuộc hệ thống của %(body)s.")
                % {"kind": kind.name, "body": dict(BODY_CHOICES)[body].lower()},
            )
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("Ngày hết hiệu lực phải sau ngày có hiệu lực."))
        if unit is not None:
            self._clean_recipients(unit, data)
        return data

    def _clean_recipients(self, unit, data):
        rule = data.get("recipient_rule")
        if rule == Document.Rule.LEVEL:
            level = data.get("recipient_level")
            if level is None:
                self.add_error("recipient_level", _("Chọn cấp của các đơn vị nhận văn bản."))
                return
            if level.rank <= unit.level.rank:
                self.add_error(
                    "recipient_level",
                    _("Cấp nhận phải thấp hơn cấp của đơn vị ban hành (%(level)s).")
                    % {"level": unit.level.name},
                )
                return
        if rule == Document.Rule.EXPLICIT:
            self.units = self._explicit_units(unit, data.get("explicit_units") or "")
            if self.units is None:
                return
            if not self.units:
                self.add_error("explicit_units", _("Chọn ít nhất một đơn vị nhận văn bản."))
                return
        if rule is None or self.errors:
            return
        # The rule must reach some unit today (it is resolved again on the issue date).
        probe = Document(
            unit=unit, recipient_rule=rule, recipient_level=data.get("recipient_level")
        )
        try:
            obligations.resolve(probe, timezone.localdate(), self.units)
        except obligations.RuleError as error:
            field = "explicit_units" if rule == Document.Rule.EXPLICIT else "recipient_rule"
            self.add_error(field, str(error))

    def _explicit_units(self, unit, raw):
        codes, bad = unit_codes(raw)
        if bad:
            self.add_error(
                "explicit_units",
                _("“%(items)s” không phải mã đơn vị: ghi mã, cách nhau bằng dấu phẩy.")
                % {"items": ", ".join(bad[:5])},
            )
            return None
        if len(codes) > MAX_EXPLICIT_UNITS:
            self.add_error(
                "explicit_units",
                _("Chọn tối đa %(n)s đơn vị; với nhiều hơn hãy dùng quy tắc theo cấp.")
                % {"n": MAX_EXPLICIT_UNITS},
            )
            return None
        found = Unit.objects.restrict(self.user, VIEW).in_bulk(codes, field_name="code")
        missing = [c for c in codes if c not in found]
        if missing:
            self.add_error(
                "explicit_units",
                _("Không có đơn vị mã %(codes)s trong phạm vi của đồng chí.")
                % {"codes": ", ".join(missing[:10])},
            )
            return None
        units = [found[c] for c in codes]
        outside = [u for u in units if not u.path.startswith(unit.path) or u.pk == unit.pk]
        if outside:
            self.add_error(
                "explicit_units",
                _("%(units)s không thuộc phạm vi %(issuer)s: chỉ gửi cho đơn vị cấp dưới.")
                % {"units": ", ".join(picker_label(u) for u in outside[:5]), "issuer": unit.name},
            )
            return None
        return units

    # ------------------------------------------------------------ for the services

    def draft_fields(self):
        """The cleaned values as services.create_draft / save_draft take them."""
        data = self.cleaned_data
        out = {name: data.get(name) for name in services.DRAFT_FIELDS}
        out["secrecy"] = data.get("secrecy") or ""
        out["signer_title"] = data.get("signer_title") or ""
        out["place"] = data.get("place") or ""
        if data.get("recipient_rule") != Document.Rule.LEVEL:
            out["recipient_level"] = None
        return out

    def explicit(self):
        """The explicit units to keep (none unless the rule is explicit)."""
        rule = self.cleaned_data.get("recipient_rule")
        return self.units if rule == Document.Rule.EXPLICIT else []


def draft_initial(document):
    """The draft form's initial values from a document."""
    initial = {name: getattr(document, name) for name in services.DRAFT_FIELDS}
    initial["kind"] = str(document.kind_id)
    initial["recipient_level"] = document.recipient_level_id
    initial["explicit_units"] = ", ".join(services.explicit_codes(document))
    return initial


def plan_initial(user, parent, today=None):
    """A new plan implementing `parent` (a document the unit received): the unit, kind, subject
    and deadlines on or before the parent's (a few days earlier where there is room)."""
    today = today or timezone.localdate()
    margin = datetime.timedelta(days=5)
    initial = {
        "subject": _("Triển khai thực hiện %(kind)s số %(symbol)s của %(issuer)s")
        % {"kind": parent.kind.name, "symbol": parent.symbol, "issuer": parent.issuer.name},
        "recipient_rule": Document.Rule.CHILDREN,
    }
    for name in DraftForm.DEADLINES:
        theirs = getattr(parent, name)
        if theirs:
            initial[name] = min(theirs, max(today, theirs - margin))
    received = parent.recipients.filter(unit__in=Unit.objects.restrict(user, CHANGE))
    mine = received.filter(unit=user.unit).first() if user.unit_id else None
    recipient = mine or received.select_related("unit").order_by("path").first()
    if recipient is not None:
        initial["unit"] = recipient.unit
    return initial


def explicit_labels(form):
    """[{code, label}] of the units in the explicit box, for the picker's chips."""
    codes, _bad = unit_codes(form["explicit_units"].value() or "")
    found = Unit.objects.restrict(form.user, VIEW).in_bulk(codes[:500], field_name="code")
    return [{"code": c, "label": picker_label(found[c]) if c in found else c} for c in codes[:500]]


# ---------------------------------------------------------------- review and issue


class ReturnForm(forms.Form):
    review_note = forms.CharField(
        label=gettext_lazy("Ý kiến thẩm định"),
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Điều cần sửa, bổ sung; người soạn thấy ý kiến này trên dự thảo."),
        error_messages={"required": gettext_lazy("Cần ghi ý kiến thẩm định khi trả lại dự thảo.")},
    )

    def clean_review_note(self):
        return text(self.cleaned_data["review_note"])


class IssueForm(forms.Form):
    issue_date = forms.DateField(
        label=gettext_lazy("Ngày ban hành"),
        widget=DateInput(),
        help_text=gettext_lazy("Mặc định là hôm nay; không được sau hôm nay."),
        error_messages={"required": gettext_lazy("Ngày ban hành là bắt buộc.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue_date"].initial = timezone.localdate()

    def clean_issue_date(self):
        day = self.cleaned_data["issue_date"]
        if day > timezone.localdate():
            raise ValidationError(_("Ngày ban hành không được sau hôm nay."))
        return day


class MetadataForm(forms.Form):
    """After issue: validity, secrecy grade, signing authority and place only."""

    effective_from = date_field(gettext_lazy("Hiệu lực từ ngày"))
    effective_to = date_field(
        gettext_lazy("Hết hiệu lực ngày"), gettext_lazy("Để trống nếu không hạn định.")
    )
    secrecy = forms.ChoiceField(
        label=gettext_lazy("Độ mật"), choices=Document.Secrecy.choices, required=False
    )
    signer_title = forms.CharField(
        label=gettext_lazy("Thẩm quyền ký"), max_length=120, required=False
    )
    place = forms.CharField(label=gettext_lazy("Địa danh"), max_length=100, required=False)

    def clean_signer_title(self):
        return text(self.cleaned_data["signer_title"])

    def clean_place(self):
        return text(self.cleaned_data["place"])

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("Ngày hết hiệu lực phải sau ngày có hiệu lực."))
        return data


# ---------------------------------------------------------------- links


class LinkSearchForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Quan hệ"),
        choices=DocumentLink.Kind.choices,
        widget=forms.RadioSelect,
        initial=DocumentLink.Kind.IMPLEMENTS,
    )
    q = forms.CharField(
        label=gettext_lazy("Tìm văn bản"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("Số, ký hiệu hoặc trích yếu")}
        ),
    )


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Quan hệ"), choices=DocumentLink.Kind.choices)
    target = forms.IntegerField(
        label=gettext_lazy("Văn bản được dẫn chiếu"),
        min_value=1,
        error_messages={
            "required": gettext_lazy("Chọn văn bản trong danh sách tìm được."),
            "invalid": gettext_lazy("Chọn văn bản trong danh sách tìm được."),
        },
    )


# ---------------------------------------------------------------- files, results


class AttachForm(forms.Form):
    files = FilesField()


class PlanForm(forms.Form):
    files = FilesField(
        label=gettext_lazy("Tệp kế hoạch triển khai"),
        help_text=gettext_lazy(
            "Kế hoạch đã ký của đơn vị (PDF, Word…), tối đa 20 MB một tệp. Nếu đơn vị ban hành "
            "kế hoạch trên giaoban, kế hoạch được ghi nhận tự động khi ban hành."
        ),
    )


class ResultsForm(forms.Form):
    results_text = forms.CharField(
        label=gettext_lazy("Báo cáo kết quả"),
        max_length=services.MAX_RESULTS_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": gettext_lazy("Nội dung báo cáo kết quả là bắt buộc.")},
    )
    files = FilesField(required=False, label=gettext_lazy("Tệp kèm theo"))

    def clean_results_text(self):
        return text(self.cleaned_data["results_text"])


# ---------------------------------------------------------------- issuing bodies


SYMBOL_RE = re.compile(r"[^\s/]{1,20}")
MAX_TERM_YEARS = 10


class IssuingBodyForm(forms.ModelForm):
    """Cơ quan ban hành: its printed name, the superior above it, its symbol, its place and
    how its numbers run (by calendar year, or through the party committee's term)."""

    class Meta:
        model = IssuingBody
        fields = ["name", "superior", "symbol", "place", "span", "term_start", "term_end"]
        widgets = {
            "term_start": DateInput(),
            "term_end": DateInput(),
            "span": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Tên cơ quan ban hành là bắt buộc.")
        self.fields["symbol"].error_messages["required"] = _("Ký hiệu cơ quan là bắt buộc.")
        self.fields["place"].error_messages["required"] = _("Địa danh là bắt buộc.")
        self.fields["span"].help_text = _(
            "Theo năm: số văn bản bắt đầu lại từ 01 mỗi năm. Theo nhiệm kỳ: số chạy suốt nhiệm "
            "kỳ của cấp ủy (ngoài các ngày của nhiệm kỳ, văn bản vẫn đánh số theo năm)."
        )
        self.fields["term_start"].help_text = _("Ngày bắt đầu nhiệm kỳ (dd/mm/yyyy).")
        self.fields["term_end"].help_text = _("Ngày kết thúc nhiệm kỳ (dd/mm/yyyy).")

    def _text(self, name):
        return text((self.cleaned_data.get(name) or "").strip())

    def clean_name(self):
        return self._text("name")

    def clean_superior(self):
        return self._text("superior")

    def clean_place(self):
        return self._text("place")

    def clean_symbol(self):
        symbol = self._text("symbol")
        if not SYMBOL_RE.fullmatch(symbol):
            raise ValidationError(
                _("Ký hiệu cơ quan không có dấu cách hay dấu “/”, tối đa 20 ký tự (ví dụ ĐU, CAT).")
            )
        return symbol

    def clean(self):
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if data.get("span") == IssuingBody.Span.TERM:
            if start is None and "term_start" not in self.errors:
                self.add_error("term_start", _("Đánh số theo nhiệm kỳ: cần ngày bắt đầu nhiệm kỳ."))
            if end is None and "term_end" not in self.errors:
                self.add_error("term_end", _("Đánh số theo nhiệm kỳ: cần ngày kết thúc nhiệm kỳ."))
        if start and end:
            if end <= start:
                self.add_error("term_end", _("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."))
            elif (end - start).days > MAX_TERM_YEARS * 366:
                self.add_error(
                    "term_end",
                    _("Nhiệm kỳ dài tối đa %(n)s năm.") % {"n": MAX_TERM_YEARS},
                )
        return data


class BodyUnitForm(forms.Form):
    """Which unit's issuing bodies to show (GET)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitCodeField(
            user,
            VIEW,
            open_only=False,
            label=gettext_lazy("Đơn vị"),
            help_text=gettext_lazy("Gõ vài chữ của tên hoặc mã đơn vị."),
        )
