import datetime

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giaoban.accounts.models import RoleAssignment, User
from giaoban.core.scope import ADMINISTER
from giaoban.units.forms import DateInput, UnitCodeField


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput)

    attempts_left = None  # after a wrong password: tries left before the lockout

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


# Django's Vietnamese catalogue lags behind a reworded message; these codes get our own text.
def _password_pair(label1, label2):
    return (
        forms.CharField(
            label=label1,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=password_validation.password_validators_help_text_html(),
        ),
        forms.CharField(
            label=label2,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class PasswordPairMixin:
    """Two password boxes checked against each other and Django's password validators."""

    def check_password_pair(self, user):
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai mật khẩu không giống nhau."))
        if first:
            try:
                password_validation.validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)


class UserForm(PasswordPairMixin, forms.ModelForm):
    """Create (with a password and a first role) or edit a user, inside the admin's scope."""

    role = forms.ChoiceField(
        label=_("Vai trò tại đơn vị"),
        required=False,
        choices=[("", _("— chưa giao vai trò —")), *RoleAssignment.Role.choices],
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "position", "email", "unit"]
        labels = {
            "username": _("Tên đăng nhập"),
            "full_name": _("Họ và tên"),
            "position": _("Chức vụ"),
            "email": _("Thư điện tử"),
        }
        help_texts = {"username": _("Tối đa 150 ký tự: chữ, số và @ . + - _")}
        error_messages = {"username": {"unique": _("Tên đăng nhập này đã có người dùng.")}}

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.unit if self.instance.unit_id else None
        self.fields["unit"] = UnitCodeField(admin, ADMINISTER, keep=current)
        self.fields["full_name"].required = True
        if self.instance.pk:
            # The login name is what the audit trail and the user know; it is not renamed here.
            self.fields["username"].disabled = True
            self.fields["username"].help_text = _("Tên đăng nhập không sửa được.")
            del self.fields["role"]
            if self.instance.unit_id:
                self.initial["unit"] = self.instance.unit.code
        else:
            self.fields["password1"], self.fields["password2"] = _password_pair(
                _("Mật khẩu"), _("Nhắc lại mật khẩu")
            )

    def _post_clean(self):
        super()._post_clean()
        if not self.instance.pk:
            self.check_password_pair(self.instance)

    def save(self, commit=True):
        user = super().save(commit=False)
        if not user.pk:
            user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
            role = self.cleaned_data.get("role")
            if role:
                RoleAssignment.objects.create(user=user, unit=user.unit, role=role)
        return user


class SetPasswordForm(PasswordPairMixin, forms.Form):
    """An administrator sets a user's password."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password1"], self.fields["password2"] = _password_pair(
            _("Mật khẩu mới"), _("Nhắc lại mật khẩu mới")
        )

    def clean(self):
        data = super().clean()
        self.check_password_pair(self.user)
        return data

    def save(self):
        self.user.set_password(self.cleaned_data["password1"])
        self.user.save(update_fields=["password"])
        return self.user


class OwnPasswordForm(PasswordChangeForm):
    """Đổi mật khẩu của chính mình."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mật khẩu hiện tại")
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhắc lại mật khẩu mới")
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": _("Mật khẩu hiện tại không đúng."),
            "password_mismatch": _("Hai mật khẩu mới không giống nhau."),
        }

    def validate_password_for_user(self, user, password_field_name="new_password2"):  # noqa: S107
        # The rules are about the new password itself: report them under its own field.
        password = self.cleaned_data.get("new_password1")
        if password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error("new_password1", error)


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Vai trò"), choices=[("", _("— chọn vai trò —")), *RoleAssignment.Role.choices]
    )

    def __init__(self, *args, admin, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"] = UnitCodeField(admin, ADMINISTER, label=_("Tại đơn vị"))
        if user.unit_id and not self.is_bound:
            self.initial["unit"] = user.unit.code

    def clean(self):
        data = super().clean()
        unit, role = data.get("unit"), data.get("role")
        if unit and role and self.user.role_assignments.filter(unit=unit, role=role).exists():
            self.add_error("role", _("Người dùng đã có vai trò này tại đơn vị này."))
        return data

    def save(self):
        return RoleAssignment.objects.create(
            user=self.user, unit=self.cleaned_data["unit"], role=self.cleaned_data["role"]
        )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên khóa"),
        max_length=100,
        help_text=_("Để nhận ra khóa sau này, ví dụ “Máy tổng hợp số liệu”."),
    )
    expires = forms.DateField(
        label=_("Hết hạn sau ngày"),
        required=False,
        widget=DateInput(),
        help_text=_("Để trống nếu không hết hạn."),
    )

    def clean_expires(self):
        day = self.cleaned_data.get("expires")
        if day is not None and day < timezone.localdate():
            raise ValidationError(_("Ngày hết hạn không được ở trong quá khứ."))
        return day

    def expires_at(self):
        day = self.cleaned_data.get("expires")
        if day is None:
            return None
        # Valid through the whole of the chosen day, local time.
        end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(end)


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm người dùng"), required=False, max_length=100)

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Tên đăng nhập, họ tên, chức vụ, đơn vị")}
        )
        self.fields["unit"] = UnitCodeField(
            admin, ADMINISTER, open_only=False, required=False, help_text=""
        )
