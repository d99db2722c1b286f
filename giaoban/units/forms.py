from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giaoban.units.models import Level, Unit

DATE_PLACEHOLDER = "dd/mm/yyyy"


class DateInput(forms.DateInput):
    """A dd/mm/yyyy text box: the format offices write, whatever the browser's locale."""

    def __init__(self, attrs=None):
        attrs = {
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "size": 10,
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%d/%m/%Y")


def date_field(label, required=False, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm đơn vị"), required=False, max_length=100)
    closed = forms.BooleanField(label=_("Hiện cả đơn vị đã giải thể"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Tên hoặc mã, có dấu hay không dấu")}
        )


class UnitForm(forms.ModelForm):
    """Create or edit a unit. The parent is fixed by the page (create) or unchanged (edit)."""

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "short_name",
            "level",
            "party_name",
            "command_name",
            "active_from",
            "active_to",
        ]
        widgets = {"active_from": DateInput(), "active_to": DateInput()}
        error_messages = {
            "code": {"unique": _("Mã đơn vị này đã được dùng cho một đơn vị khác.")},
        }

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent if parent is not None else self.instance.parent
        # A level that has been abolished (the districts) is offered to nobody new; a
        # unit that already has it keeps it.
        levels = Level.objects.in_use()
        if self.instance.pk:
            levels = Level.objects.filter(Q(pk__in=levels) | Q(pk=self.instance.level_id))
        if self.parent is not None:
            levels = levels.filter(rank__gt=self.parent.level.rank)
        self.fields["level"].queryset = levels
        self.fields["level"].empty_label = _("— chọn cấp —")
        self.fields["code"].help_text = _("Chữ in hoa không dấu, chữ số, dấu chấm, gạch ngang.")
        if self.instance.pk:
            # The code is the unit's identity in the tree path and in imports: never renamed here.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Mã đơn vị không sửa được.")
        elif self.parent is not None and not self.initial.get("level"):
            # Most likely the level of the units already below this parent.
            sibling = self.parent.children.filter(active_to__isnull=True).first()
            first = sibling.level if sibling is not None else levels.first()
            if first is not None:
                self.initial["level"] = first.pk

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()

    def clean_level(self):
        level = self.cleaned_data.get("level")
        if level is not None and self.instance.pk:
            too_high = self.instance.children.filter(level__rank__lte=level.rank)
            if too_high.exists():
                raise forms.ValidationError(
                    _("Cấp này không cao hơn cấp của đơn vị cấp dưới %(name)s.")
                    % {"name": too_high.first().short_name}
                )
        return level

    def clean(self):
        data = super().clean()
        day = data.get("active_to")
        if self.instance.pk and day is not None:
            below = (
                Unit.objects.subtree(self.instance)
                .exclude(pk=self.instance.pk)
                .filter(Q(active_to__isnull=True) | Q(active_to__gt=day))
            )
            if below.exists():
                self.add_error(
                    "active_to",
                    _(
                        "Còn %(n)s đơn vị cấp dưới hoạt động sau ngày này: dùng chức năng "
                        "“Giải thể” để giải thể cả các đơn vị đó."
                    )
                    % {"n": below.count()},
                )
        return data

    def _post_clean(self):
        # Unit.clean() compares levels; without a valid level the error is already reported.
        if self.cleaned_data.get("level") is None:
            return
        if self.parent is not None:
            self.instance.parent = self.parent
        super()._post_clean()


class CloseUnitForm(forms.Form):
    active_to = date_field(_("Ngày giải thể (hoạt động đến hết ngày)"), required=True)
    with_descendants = forms.BooleanField(
        label=_("Giải thể cả các đơn vị cấp dưới đang hoạt động"), required=False
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["active_to"].initial = timezone.localdate()

    def open_descendants(self, day):
        """Units below that would outlive their parent if it closed on `day`."""
        from django.db.models import Q

        return (
            Unit.objects.subtree(self.unit)
            .exclude(pk=self.unit.pk)
            .filter(Q(active_to__isnull=True) | Q(active_to__gt=day))
        )

    def clean(self):
        data = super().clean()
        day = data.get("active_to")
        if day is None:
            return data
        if self.unit.active_from and day < self.unit.active_from:
            self.add_error(
                "active_to",
                _("Ngày giải thể không được trước ngày bắt đầu hoạt động (%(d)s).")
                % {"d": self.unit.active_from.strftime("%d/%m/%Y")},
            )
            return data
        below = self.open_descendants(day)
        if below.exists():
            if not data.get("with_descendants"):
                self.add_error(
                    "with_descendants",
                    _(
                        "Còn %(n)s đơn vị cấp dưới hoạt động sau ngày này: đánh dấu ô này để "
                        "giải thể cả các đơn vị đó, hoặc chuyển/giải thể chúng trước."
                    )
                    % {"n": below.count()},
                )
            elif below.filter(active_from__gt=day).exists():
                self.add_error(
                    "active_to",
                    _("Có đơn vị cấp dưới bắt đầu hoạt động sau ngày giải thể này."),
                )
        return data


class UnitPickerInput(forms.TextInput):
    """A search-as-you-type box for a unit: units.js lists the units of the user's scope
    that match what is typed (without diacritics, by name or code) and puts the chosen
    one in the box as "T19 — Công an tỉnh Thái Nguyên". Without JavaScript a code, or a
    name that matches one unit, is typed instead."""

    def __init__(self, action, attrs=None):
        attrs = {
            "autocomplete": "off",
            "spellcheck": "false",
            "data-unit-picker": "",
            "data-action": action,
            "placeholder": _("Gõ tên hoặc mã đơn vị, có dấu hay không dấu"),
            "data-empty-label": _("Không có đơn vị nào khớp trong phạm vi của đồng chí."),
            **(attrs or {}),
        }
        super().__init__(attrs=attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-url"] = reverse("units:pick")
        return context


def picker_label(unit):
    return f"{unit.code} — {unit.name}"


class UnitCodeField(forms.ModelChoiceField):
    """A unit chosen inside the user's scope for `action`: picked from the search box, or
    typed as its code, or as a name that matches exactly one unit of the scope.

    With `open_only`, closed units are refused (nobody is placed in, or given a role at, a unit
    that no longer exists), except `keep`, the unit a user already belongs to.
    """

    def __init__(self, user, action, open_only=True, keep=None, **kwargs):
        queryset = Unit.objects.restrict(user, action)
        if open_only:
            is_open = Q(active_to__isnull=True) | Q(active_to__gte=timezone.localdate())
            if keep is not None:
                is_open |= Q(pk=keep.pk)
            queryset = queryset.filter(is_open)
        kwargs.setdefault("label", _("Đơn vị"))
        kwargs.setdefault(
            "help_text", _("Gõ vài chữ của tên (không cần dấu) hoặc mã, rồi chọn trong danh sách.")
        )
        self.missing_message = (
            _("Không có đơn vị đang hoạt động nào khớp “%(value)s” trong phạm vi của đồng chí.")
            if open_only
            else _("Không có đơn vị nào khớp “%(value)s” trong phạm vi của đồng chí.")
        )
        super().__init__(
            queryset=queryset,
            to_field_name="code",
            widget=UnitPickerInput(action),
            error_messages={"invalid_choice": self.missing_message},
            **kwargs,
        )

    def to_python(self, value):
        text = (value or "").strip()
        if text in self.empty_values:
            return None
        code = text.split(" — ", 1)[0].strip().upper()
        unit = self.queryset.filter(code=code).first()
        if unit is not None:
            return unit
        found = list(self.queryset.search(text).order_by("depth", "path")[:6])
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(self.missing_message % {"value": text}, "invalid_choice")
        names = ", ".join(picker_label(u) for u in found[:5])
        raise forms.ValidationError(
            _("Có nhiều đơn vị khớp “%(value)s”: %(names)s… — chọn một trong danh sách.")
            % {"value": text, "names": names},
            "invalid_choice",
        )

    def prepare_value(self, value):
        if isinstance(value, Unit):
            return picker_label(value)
        if isinstance(value, str) and value:
            unit = self.queryset.filter(code=value.strip().upper()).first()
            return picker_label(unit) if unit else value
        return value
