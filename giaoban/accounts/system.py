"""The demo's own account (tài khoản nạp dữ liệu minh họa), shared by every app's loader.

Demo data goes through the real services, which check roles: it is written by one account
that cannot log in (inactive, unusable password) and holds an officer's and a leader's role
at a unit only while a loader works there (`Grants`). The loader's object is made active
in memory only, never saved, so scope grants it what its roles say while it works.
"""

from giaoban.accounts.models import RoleAssignment, User
from giaoban.core import roles

SYSTEM_USERNAME = "minhhoa-tudong"
SYSTEM_FULL_NAME = "Tài khoản nạp dữ liệu minh họa (không đăng nhập được)"


def demo_account(root):
    """The account, created the first time (inactive, with no usable password)."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, full_name=SYSTEM_FULL_NAME, unit=root)
        user.is_active = False
        user.set_unusable_password()
        user.save()
    return user


def demo_actor(root):
    """The account as a loader uses it: active in memory only."""
    user = demo_account(root)
    user.is_active = True
    return user


class Grants:
    """An officer's and a leader's role at each unit the actor works for, while it works."""

    def __init__(self, actor, role_names=(roles.OFFICER, roles.LEADER)):
        self.actor = actor
        self.role_names = role_names
        self.made = []

    def at(self, unit):
        for role in self.role_names:
            grant, created = RoleAssignment.objects.get_or_create(
                user=self.actor, unit=unit, role=role
            )
            if created:
                self.made.append(grant)
        roles.forget(self.actor)

    def drop(self):
        for grant in self.made:
            grant.delete()
        self.made = []
        roles.forget(self.actor)

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.drop()
