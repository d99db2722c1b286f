import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from giaoban.audit.context import acting_as
from giaoban.audit.models import AppendOnlyError, AuditEntry


def test_every_unit_change_is_logged_with_before_and_after(cast):
    with acting_as(cast.ministry_admin):
        cast.commune_a1.short_name = "P. Phan Đình Phùng"
        cast.commune_a1.save()
    entry = AuditEntry.objects.filter(model="units.Unit", object_id=str(cast.commune_a1.pk)).first()
    assert entry.action == "update"
    assert entry.actor == cast.ministry_admin
    assert entry.before["short_name"] == "Phan Đình Phùng"
    assert entry.after["short_name"] == "P. Phan Đình Phùng"
    assert entry.unit_path == "BCA/T19/X05500/"


def test_entries_cannot_be_changed_or_deleted(cast):
    entry = AuditEntry.objects.first()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(actor_label="x")


def test_the_database_refuses_an_update_behind_the_orm(cast):
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditentry SET actor_label = 'x' WHERE id = %s", [entry.pk]
            )


def test_the_trail_is_scoped_to_the_subtree(cast):
    visible = AuditEntry.objects.restrict(cast.leader_a)
    assert visible.exists()
    assert all(e.unit_path.startswith("BCA/T19/") for e in visible)
    assert not AuditEntry.objects.restrict(cast.officer_a).exists()  # officers do not audit
