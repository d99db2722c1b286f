"""Whether an object has anything recorded against it (then it is closed, never deleted)."""

# The audit trail names every object it ever saw; it does not count as a record *of* it.
IGNORED_APPS = ("audit",)


def has_records(obj):
    """Whether any row of another model points at `obj` (audit entries aside)."""
    for relation in obj._meta.related_objects:
        if relation.related_model._meta.app_label in IGNORED_APPS:
            continue
        if relation.related_model._base_manager.filter(**{relation.field.name: obj}).exists():
            return True
    return False
