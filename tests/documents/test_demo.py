"""The demo's documents and activity log: synthetic and labelled, every status shown, idempotent.

On the fixed cast (tests/conftest.py): the ministry, its department, Thái Nguyên (the demo
province, two communes, X05500 being the demo commune) and Hà Nội (one commune).
"""

import datetime
import functools

import pytest
from django.utils import timezone

from giaoban.activities import demo as activities_demo
from giaoban.activities import tally
from giaoban.activities.models import Activity, ActivityKind, ActivityTally
from giaoban.audit.models import AuditEntry
from giaoban.core import registry
from giaoban.documents import demo as documents_demo
from giaoban.documents import obligations
from giaoban.documents.models import Document, DocumentLink, Recipient
from giaoban.shell.demo import DemoContext
from giaoban.units.models import Unit
from tests.conftest import build_cast, make_unit
from tests.shared import Shared

S = Document.Status
MONTHS = 2  # of the year of activities: enough for the shape, quick to load


def context(cast):
    return DemoContext(
        ministry=cast.root,
        department=cast.department,
        province_a=cast.province_a,
        commune_a=cast.commune_a1,
        province_b=cast.province_b,
        log=lambda text: None,
    )


def build_tree(cast):
    """The cast with three more provinces of two communes each, so that the demo has
    provinces on time, late and without a plan."""
    for i in (2, 3, 4):
        province = make_unit(f"T9{i}", f"Công an tỉnh Mẫu {i}", f"Mẫu {i}", "tinh", cast.root)
        for j in (1, 2):
            make_unit(f"X9{i}0{j}", f"Công an xã Mẫu {i}{j}", f"Mẫu {i}{j}", "xa", province)
    return cast


def load(monkeypatch):
    """(the tree, (its demo context, the documents' counts, the activities' counts))."""
    monkeypatch.setattr(documents_demo, "MISSING_PLANS", 1)
    tree = build_tree(build_cast())
    ctx = context(tree)
    documents = documents_demo.load(ctx, log=ctx.log)
    activities = activities_demo.load(ctx, log=ctx.log, months=MONTHS)
    return tree, (ctx, documents, activities)


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module's tests, each test starting from it as loaded
    (tests/shared.py)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        with Shared(django_db_blocker, functools.partial(load, monkeypatch)) as shared:
            yield shared


@pytest.fixture
def demo(shared_demo, monkeypatch):
    monkeypatch.setattr(documents_demo, "MISSING_PLANS", 1)  # as while it was loaded
    return shared_demo.copy()


@pytest.fixture
def tree(demo, db):
    return demo[0]


@pytest.fixture
def loaded(demo, db):
    return demo[1]


def statuses(document):
    """{obligation key: {status: count}} over the document's recipients."""
    total, _groups = obligations.summary(document, document.path)
    return {k: {s: n for s, n in v.items() if n} for k, v in total.counts.items()}


def test_the_loaders_register_themselves_documents_before_activities():
    loaders = list(registry.demo)
    assert documents_demo.load_demo_documents in loaders
    assert activities_demo.load_demo_activities in loaders
    assert loaders.index(documents_demo.load_demo_documents) < loaders.index(
        activities_demo.load_demo_activities
    )


def test_every_document_is_labelled_demo_and_names_no_signatory(loaded):
    documents = Document.objects.all()
    assert documents.count() == loaded[1]["documents"]
    assert all(d.is_demo for d in documents)
    assert all(d.subject.endswith(documents_demo.LABEL) for d in documents)
    assert all(d.body_text.startswith(documents_demo.LABEL) for d in documents)
    assert {d.signer_title for d in documents} <= {"T/M BAN THƯỜNG VỤ", "KT. BỘ TRƯỞNG", "GIÁM ĐỐC"}


def test_the_resolution_and_plan_are_issued_through_the_register(loaded, tree):
    _ctx, counts, _a = loaded
    resolution = Document.objects.get(pk=counts["resolution"])
    plan = Document.objects.get(pk=counts["plan"])
    today = timezone.localdate()
    assert resolution.status == plan.status == S.ISSUED
    assert resolution.symbol == "01-NQ/ĐU" and resolution.issuer.body == "party"
    assert plan.symbol == "01/KH-BCA"
    assert plan.issue_date == today + datetime.timedelta(days=documents_demo.PLAN_DAY)
    assert (plan.disseminate_by - today).days == documents_demo.D1
    assert (plan.plan_by - today).days == documents_demo.D2
    assert (plan.report_by - today).days == documents_demo.D3
    provinces = set(Unit.objects.filter(level__code="tinh").values_list("pk", flat=True))
    assert set(plan.recipients.values_list("unit_id", flat=True)) == provinces
    # Recipients and the issue are in the audit trail like any other.
    assert AuditEntry.objects.filter(object_id=str(plan.pk), action="transition").exists()
    assert (
        AuditEntry.objects.filter(model__icontains="recipient").count() >= Recipient.objects.count()
    )


def test_provinces_plans_most_on_time_some_late_a_few_missing(loaded, tree):
    _ctx, counts, _a = loaded
    plan = Document.objects.get(pk=counts["plan"])
    counts = statuses(plan)[obligations.PLAN]
    assert set(counts) == {obligations.ON_TIME, obligations.LATE, obligations.OVERDUE}
    assert counts[obligations.OVERDUE] == 1  # MISSING_PLANS provinces without a plan
    assert counts[obligations.ON_TIME] >= counts[obligations.LATE]
    standing = {
        r.unit_id: obligations.status(plan.plan_by, r.plan_on) for r in plan.recipients.all()
    }
    assert standing[tree.province_a.pk] == obligations.ON_TIME  # the demo province
    assert standing[tree.province_b.pk] == obligations.LATE
    assert Recipient.objects.get(document=plan, unit=tree.province_a).plan.status == S.ISSUED
    provincial = Document.objects.filter(
        links_out__target=plan, links_out__kind=DocumentLink.Kind.IMPLEMENTS
    )
    assert provincial.count() == 4 == loaded[1]["plans"]
    for document in provincial:
        assert document.disseminate_by <= plan.disseminate_by  # no cascade warning
        assert document.report_by <= plan.report_by
        assert set(document.recipients.values_list("unit__parent", flat=True)) == {document.unit_id}


def test_obligations_are_in_each_of_the_four_statuses(loaded):
    seen = set()
    for document in Document.objects.filter(status=S.ISSUED):
        for per_status in statuses(document).values():
            seen |= set(per_status)
    assert seen == {obligations.ON_TIME, obligations.LATE, obligations.PENDING, obligations.OVERDUE}


def test_communes_sessions_meet_their_dissemination_about_two_thirds(loaded, tree):
    ctx, _d, activities = loaded
    sessions = Activity.objects.filter(document__isnull=False)
    assert sessions.count() == activities["sessions"] > 0
    assert all(a.is_demo and a.title.endswith(activities_demo.LABEL) for a in sessions)
    commune_rows = Recipient.objects.filter(
        unit__level__code="xa", document__unit__level__code="tinh"
    )
    done = commune_rows.filter(disseminated_on__isnull=False).count()
    assert 0 < done < commune_rows.count()
    # The register's record is the sessions' own: first day and count, per (document, unit).
    for r in commune_rows.filter(disseminated_on__isnull=False):
        mine = sessions.filter(document=r.document, unit=r.unit)
        assert r.sessions == mine.count() and r.disseminated_on == min(a.date for a in mine)
    # The demo commune has not held its session: the visitor can record it.
    assert not sessions.filter(unit=ctx.commune_a).exists()
    assert commune_rows.filter(unit=ctx.commune_a, disseminated_on__isnull=True).exists()


def test_a_register_filter_and_status_for_everything(loaded, tree):
    today = timezone.localdate()
    assert set(Document.objects.values_list("status", flat=True)) == set(S.values)
    replaced = Document.objects.get(status=S.REPLACED)
    assert replaced.links_in.filter(kind=DocumentLink.Kind.REPLACES).exists()
    assert Document.objects.get(status=S.REPEALED).links_in.filter(kind="repeals").exists()
    assert Document.objects.filter(status=S.ISSUED, effective_to__lt=today).count() == 1
    kinds = set(Document.objects.values_list("kind__abbreviation", flat=True))
    assert {"NQ", "KH", "CT", "HD", "TB", "QĐ"} <= kinds
    assert {"party", "state"} == set(Document.objects.values_list("issuer__body", flat=True))
    at_province = Document.objects.filter(unit=tree.province_a)
    assert set(at_province.values_list("status", flat=True)) == {S.ISSUED, S.DRAFT, S.REVIEW}


def test_a_year_of_activities_of_every_kind_counted_in_the_tally(loaded, tree):
    _ctx, _d, activities = loaded
    everything = Activity.objects.all()
    assert everything.count() == activities["sessions"] + activities["activities"]
    assert not everything.filter(is_demo=False).exists()
    assert set(everything.values_list("kind__code", flat=True)) == set(
        ActivityKind.objects.values_list("code", flat=True)
    )
    units = Unit.objects.filter(level__code__in=["xa", "tinh"])
    assert set(everything.values_list("unit", flat=True)) >= set(units.values_list("pk", flat=True))
    assert everything.filter(party_members__gt=0).count() == everything.count()
    assert tally.recompute() == tally.stored()
    assert ActivityTally.objects.filter(node=tree.root).exists()


def test_rerunning_writes_nothing(loaded):
    ctx = loaded[0]
    counts = (Document.objects.count(), Activity.objects.count(), AuditEntry.objects.count())
    assert documents_demo.load(ctx, log=ctx.log) == {}
    assert activities_demo.load(ctx, log=ctx.log) == {}
    assert (
        Document.objects.count(),
        Activity.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_the_demo_account_keeps_no_role_and_cannot_log_in(loaded):
    from giaoban.accounts.models import User

    actor = User.objects.get(username=documents_demo.SYSTEM_USERNAME)
    assert not actor.is_active and not actor.has_usable_password()
    assert not actor.role_assignments.exists()
