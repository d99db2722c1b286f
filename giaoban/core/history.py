"""Whether a unit has anything recorded against it (then it is closed, never deleted)."""


def unit_has_history(unit):
    for relation in unit._meta.related_objects:
        if relation.related_model._meta.app_label == "audit":
            continue
        accessor = relation.get_accessor_name()
        if relation.one_to_one:
            if relation.related_model.objects.filter(**{relation.field.name: unit}).exists():
                return True
            continue
        if getattr(unit, accessor).exists():
            return True
    return False
