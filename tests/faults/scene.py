"""Steps run against the site of tests/faults (`python -m tests.faults.scene STEP`, with the
site's GIAOBAN_DATA_DIR and DATABASE_URL), through the app's own code; each prints JSON.

- build: the test cast's units, an officer of the ministry ("bo.canbo") with an API key and
  a signed-in session, the demo report form.
- check: what the tests compare: rows counted, and whether the activity log's tally and the
  report form's roll-up equal their from-scratch recomputations (the checks of
  tests/activities and tests/reports/test_rollup_invariant.py).
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giaoban.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from giaoban.accounts.models import ApiToken, RoleAssignment, User  # noqa: E402
from giaoban.activities import tally  # noqa: E402
from giaoban.activities.models import Activity  # noqa: E402
from giaoban.audit.context import acting_as  # noqa: E402
from giaoban.audit.models import AuditEntry  # noqa: E402
from giaoban.reports import rollup  # noqa: E402
from giaoban.reports.demo_form import FORM_CODE, ensure_demo_form  # noqa: E402
from giaoban.reports.models import Report, ReportForm, ReportValue, Rollup  # noqa: E402
from giaoban.units.models import Unit  # noqa: E402
from tests.ops.scenario import cast_units  # noqa: E402
from tests.reports.test_rollup_invariant import KEY, normalise  # noqa: E402

USERNAME = "bo.canbo"


def build():
    with acting_as(label="kiểm thử sự cố"):
        cast_units()
        root = Unit.objects.get(code="BCA")
        user = User.objects.create_user(USERNAME, password=None, full_name="Cán bộ Bộ", unit=root)
        RoleAssignment.objects.create(user=user, unit=user.unit, role="officer")
        ensure_demo_form()
        key = ApiToken.issue(user, "kiểm thử sự cố")[1]
    client = Client()
    client.force_login(user)
    return {"key": key, "session": client.cookies[settings.SESSION_COOKIE_NAME].value}


def check():
    form = ReportForm.objects.get(code=FORM_CODE)
    live = {
        r.node_id: normalise(
            {"statuses": r.statuses, "late": r.late, "accepted": r.accepted, "counted": r.counted}
        )
        for r in Rollup.objects.filter(form=form, period_key=KEY)
    }
    fresh = {node: normalise(v) for node, v in rollup.recompute(form, KEY).items()}
    return {
        "tally_equals_recomputation": tally.stored() == tally.recompute(),
        "rollup_equals_recomputation": live == fresh,
        "activities": Activity.objects.count(),
        "reports": Report.objects.count(),
        "values": ReportValue.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
    }


if __name__ == "__main__":
    print(json.dumps({"build": build, "check": check}[sys.argv[1]]()))
