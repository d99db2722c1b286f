"""Audit by mechanism, everywhere: every model is audited or exempt with a reason, and
what the audit page shows of an audited model is named in Vietnamese."""

import re

from django.apps import apps

from giaoban.audit import registry

# Django's own default names: "report", "first submitted at"… — never what a reader sees.
ASCII = re.compile(r"^[\x00-\x7f]*$")


def default_name(model):
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def test_every_installed_model_is_audited_or_exempt_with_a_reason():
    audited = set(registry.audited_models())
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model not in audited and not registry.exempt_reason(model)
    ]
    assert not missing, f"register these with giaoban.audit.registry, or exempt them: {missing}"
    for model in apps.get_models():
        reason = registry.exempt_reason(model)
        assert model not in audited or reason is None, f"{model._meta.label}: both?"
        if reason is not None:
            assert len(reason) > 10, f"{model._meta.label}: say why it is not audited"


def test_audited_models_and_their_fields_have_vietnamese_names():
    wrong = []
    for model in registry.audited_models():
        reg = registry.registration(model)
        name = str(model._meta.verbose_name)
        if name == default_name(model) or ASCII.match(name):
            wrong.append(f"{model._meta.label} (model)")
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if field.primary_key or field.name in reg.exclude or field.attname in reg.exclude:
                continue
            label = str(field.verbose_name)
            if ASCII.match(label):
                wrong.append(f"{model._meta.label}.{field.name}: {label!r}")
    assert not wrong, "give these a Vietnamese verbose_name: " + "; ".join(wrong)
