from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from giaoban.audit import registry
from giaoban.audit.models import AuditEntry
from giaoban.core.scope import AUDIT
from giaoban.units.forms import DateInput, UnitCodeField


def model_choices():
    """The audited object types, by their Vietnamese names."""
    labels = {model._meta.label: model._meta.verbose_name for model in registry._REGISTRY}
    return sorted(labels.items(), key=lambda item: str(item[1]))


def model_name(label):
    try:
        return apps.get_model(label)._meta.verbose_name
    except (LookupError, ValueError):
        return label


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("Loại đối tượng"), required=False)
    action = forms.ChoiceField(
        label=_("Thao tác"),
        required=False,
        choices=[("", _("— tất cả —")), *AuditEntry.Action.choices],
    )
    actor = forms.CharField(label=_("Người thực hiện"), required=False, max_length=150)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "unit": UnitCodeField(
                user,
                AUDIT,
                open_only=False,
                required=False,
                label=_("Đơn vị"),
                help_text=_("Gồm cả các đơn vị cấp dưới."),
            ),
            **self.fields,
        }
        self.fields["model"].choices = [("", _("— tất cả —")), *model_choices()]
        self.fields["actor"].widget.attrs["placeholder"] = _("tên đăng nhập")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", ValidationError(_("Đến ngày phải sau hoặc bằng Từ ngày.")))
        return data
