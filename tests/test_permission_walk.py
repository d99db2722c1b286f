"""The permission walk: every URL of the project, as anonymous, in scope and out of scope.

The URL patterns are read from Django's resolver at collection time — pages, namespaced
includes and the ninja API routes alike — so a page added tomorrow is walked tomorrow
without anyone editing this file. What the walk cannot invent is a value for a URL
argument: an argument it does not know fails the test and asks to be taught (KWARG_RULES).

The actors hold *every* role, at the right or the wrong unit, so that a role check can
never hide a missing scope check:

- in scope:      officer_a, every role at province A (T19), opening objects of commune A1
                 (IN_SCOPE_ACTORS names the few areas whose user sits higher, e.g. the
                 ministry's administrators for report forms);
- out of scope:  commune_officer, every role at commune A1 (X05500), opening objects of
                 the sibling commune A2, of their own parent province A, and of province B;
- anonymous.

A URL whose arguments place nothing in a unit's subtree (no arguments, or only unscoped
ones such as a reporting period) has nothing to be out of scope of: there the walk reads
the out-of-scope actor's page, with a few search/filter probes, for names it must not show
(LIST_RECORDS builds an area's records first, so that its list is not read empty).

What must hold:

- anonymous gets a redirect to the login page or 401/403/404/405 — 200 only on PUBLIC;
- out of scope gets 403/404 (405 for a method the URL does not take): never a 200 and
  never a redirect, for GET and for an (empty) POST;
- in scope gets 200 (or a redirect, or 405 for a POST-only URL): a 403/404 there means the
  walk fed the URL the wrong object, so the out-of-scope check would prove nothing;
- whatever page answers 200, it names nothing outside the actor's subtree (LEAK_MARKERS);
- nothing ever answers 5xx;
- no GET, by anyone, changes any table (a GET never writes), and no refused request
  (anonymous, out of scope) changes any table;
- whatever a POST does change in an audited model's table comes with its audit entry
  (tests/test_walk_writes.py makes every write succeed and checks the same).
"""

import fnmatch
import inspect
import json
import re
import sys
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from giaoban.accounts.models import ApiToken, RoleAssignment
from tests import dbstate, walk_campaigns, walk_conferences, walk_records
from tests.conftest import build_cast, make_user
from tests.shared import Shared, calls

# Django's own admin is staff-only, guarded by its own is_staff checks, and not part of
# the product's scoped pages; it is not walked.
EXCLUDED_PREFIXES = ("quan-tri-django/",)

# Pages anyone may open: signing in, and the API's description (shapes, never data).
PUBLIC = {"login", "api:openapi-json", "api:openapi-view"}

# URLs that answer 404 to everybody by design.
ALWAYS_404 = {
    # ninja's root view exists only so ninja can compute the API's prefix.
    "api:api-root": "ninja's placeholder root",
}

ALL_ROLES = [choice for choice, _ in RoleAssignment.Role.choices]


@dataclass
class Entry:
    name: str  # "namespace:name"
    route: str  # "don-vi/<str:code>/sua/"
    converters: dict

    @property
    def kwargs(self):
        return re.findall(r"<(?:[^>:]+:)?([^>]+)>", self.route)

    def url(self, values):
        def fill(match):
            name = match.group(1)
            return str(self.converters[name].to_url(values[name]))

        return "/" + re.sub(r"<(?:[^>:]+:)?([^>]+)>", fill, self.route)


def collect(patterns=None, prefix="", namespaces=(), converters=None):
    """Every leaf URL pattern below the root URLconf, with its full route and name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    converters = converters or {}
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        if not isinstance(pattern.pattern, RoutePattern):
            # A regex pattern cannot be filled in by name: give it a route, or teach the walk.
            found.append(Entry(f"<re_path {route}>", route, {}))
            continue
        merged = {**converters, **pattern.pattern.converters}
        if isinstance(pattern, URLResolver):
            ns = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            found += collect(pattern.url_patterns, route, ns, merged)
        elif isinstance(pattern, URLPattern):
            name = ":".join(namespaces + (pattern.name or f"<unnamed {route}>",))
            found.append(Entry(name, route, merged))
    return found


ENTRIES = collect()


# --- The world the walk runs in --------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The world, built once for the module's tests (tests/shared.py), with the layers
    (layers()) built once for the tests that use the same ones."""
    with Shared(django_db_blocker, lambda: build_world(build_cast())) as shared:
        yield shared


@pytest.fixture
def world_copy(request, shared_world):
    """This test's copy of the world, with the layers it uses already built."""
    return shared_world.copy(shared_layers(request.node))


@pytest.fixture
def world(world_copy, db):  # in this order: the test's transaction after the shared writes
    """The cast, with every role for the two actors, a user in the sibling commune, tokens."""
    return world_copy


def build_world(cast):
    for user, unit in [(cast.officer_a, cast.province_a), (cast.commune_officer, cast.commune_a1)]:
        for role in ALL_ROLES:
            RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    cast.sibling_officer = make_user("sibling_officer", cast.commune_a2, "officer")
    cast.tokens = {
        user.username: ApiToken.issue(user, "khóa kiểm thử")[0]
        for user in [
            cast.officer_a,
            cast.commune_officer,
            cast.commune_leader,
            cast.sibling_officer,
            cast.officer_b,
        ]
    }
    cast.in_actor = cast.officer_a
    cast.out_actor = cast.commune_officer
    return cast


def demo_form(w):
    from giaoban.reports.demo_form import ensure_demo_form

    ensure_demo_form()


def layers():
    """[(what a test may call, the layer building the same before the test)]: the demo
    report form, and the records of the tests/walk_*.py modules (`records(w)`)."""
    from giaoban.reports.demo_form import ensure_demo_form

    found = [(ensure_demo_form, demo_form)]
    for name, module in sorted(sys.modules.items()):
        if name.startswith("tests.walk_") and inspect.isfunction(getattr(module, "records", 0)):
            found.append((module.records, module.records))
    return found


def shared_layers(item):
    """The layers a test uses, in the order it would build them: those its URL's arguments
    use (`entry`), or its write case (`name`, tests/test_walk_writes.py)."""
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec else {}
    if "entry" in params:
        entry = params["entry"]
        functions = [
            b for names, b in LIST_RECORDS if any(fnmatch.fnmatchcase(entry.name, n) for n in names)
        ]
        for kwarg in entry.kwargs:
            try:
                functions.append(rule_for(entry, kwarg).give)
            except pytest.fail.Exception:  # the test fails saying so
                return ()
    elif "name" in params and hasattr(item.module, "WRITES"):
        functions = [item.module.WRITES[params["name"]]]
    else:
        return ()
    known = layers()
    used = []
    for function in functions:
        for called in calls(function, [c for c, _ in known]):
            layer = next(layer for c, layer in known if c is called)
            if layer not in used:
                used.append(layer)
    return tuple(used)


def role_of(user, unit):
    return RoleAssignment.objects.filter(user=user, unit=unit).order_by("pk").first().pk


# Each provider answers (world, side) with the values to try: side "in" gives an object the
# in-scope actor may open (one, belonging to commune A1 or to the actor), side "out" the
# objects the out-of-scope actor must not open.
def unit_codes(w, side):
    if side == "in":
        return [w.commune_a1.code]
    return [w.commune_a2.code, w.province_a.code, w.commune_b1.code]


def users(w, side):
    if side == "in":
        return [w.commune_leader.pk]
    return [w.sibling_officer.pk, w.leader_a.pk, w.officer_b.pk]


def role_assignments(w, side):
    if side == "in":
        return [role_of(w.commune_leader, w.commune_a1)]
    return [
        role_of(w.sibling_officer, w.commune_a2),
        role_of(w.leader_a, w.province_a),
        role_of(w.officer_b, w.province_b),
    ]


def own_api_tokens(w, side):
    # Tokens are personal: the in-scope actor revokes their own; anybody else's is a 404.
    if side == "in":
        return [w.tokens[w.in_actor.username].pk]
    return [w.tokens[name].pk for name in ("sibling_officer", "officer_a", "officer_b")]


def report_forms(w, side):
    # The demo form belongs to the ministry (its owner unit is BCA).
    from giaoban.reports.demo_form import ensure_demo_form

    return [ensure_demo_form().code]


def report_periods(w, side):
    return ["2026-H1"]  # the demo form reports every 6 months


def units_with_reports(w, side):
    """Unit codes whose report of the demo form exists: the API's report URLs then answer
    200 in scope, so that the 404 out of scope is the scope check's doing."""
    from giaoban.reports import workflow
    from giaoban.reports.demo_form import ensure_demo_form
    from giaoban.units.models import Unit

    form = ensure_demo_form()
    codes = unit_codes(w, side)
    for unit in Unit.objects.filter(code__in=codes):
        key = report_periods(w, side)[0]
        workflow.open_report(form, unit, key, w.ministry_admin, check_scope=False)
    return codes


def own_notifications(w, side):
    """Notifications are personal: the in-scope actor marks their own; anybody else's is a
    404 (or changes nothing)."""
    from giaoban.notifications.models import Notification

    def one(user):
        return Notification.objects.create(user=user, kind="walk", title="Thông báo thử").pk

    if side == "in":
        return [one(w.in_actor)]
    return [one(w.sibling_officer), one(w.officer_a), one(w.officer_b)]


def failed_jobs(w, side):
    """Background jobs belong to nobody's subtree: only administrators at the top see them."""
    from django.utils import timezone

    from giaoban.jobs.models import Job

    job = Job.objects.create(
        kind="walk.failing",
        key=f"walk:{side}",
        run_at=timezone.now(),
        status=Job.Status.FAILED,
        attempts=3,
        last_error="RuntimeError: thử",
    )
    return [job.pk]


def demo_form_part(attribute):
    """An object of the demo form's current version (section, indicator, …), by pk."""

    def give(w, side):
        from giaoban.reports.demo_form import ensure_demo_form

        version = ensure_demo_form().versions.order_by("-number").first()
        if attribute == "version":
            return [version.pk]
        return [getattr(version, attribute).order_by("pk").first().pk]

    return give


@dataclass
class Rule:
    names: tuple  # URL name patterns ("namespace:name", fnmatch)
    kwarg: str
    give: object
    # False for an argument that does not place the object in anybody's subtree (a
    # period, a form every unit reports on): a URL whose arguments are all unscoped is
    # checked like a URL without arguments, not for a 403/404.
    scoped: bool = True


# Report forms are edited by administrators at the top only: in that area the form is the
# ministry's object, out of a commune's scope.
FORM_ADMIN = (
    "reports:form_*",
    "reports:section_*",
    "reports:indicator_*",
    "reports:narrative_*",
    "reports:rule_*",
)

# The reports API: /api/reports|rollups|completeness/<form>/<period>/<code>…
REPORTS_API = ("api:report_*", "api:rollup_*", "api:completeness_*")

# The first rule matching the URL's name and argument wins.
KWARG_RULES = [
    Rule(("api:report_*", "reports:report_docx"), "code", units_with_reports),
    Rule(("*",), "code", unit_codes),
    Rule(FORM_ADMIN, "form", report_forms),
    Rule(("reports:*",), "form", report_forms, scoped=False),  # every unit reports on it
    Rule(("reports:*",), "period", report_periods, scoped=False),
    Rule(REPORTS_API, "form", report_forms, scoped=False),
    Rule(REPORTS_API, "period", report_periods, scoped=False),
    Rule(("reports:form_version",), "pk", demo_form_part("version")),
    Rule(("reports:section_*",), "pk", demo_form_part("sections")),
    Rule(("reports:indicator_*",), "pk", demo_form_part("indicators")),
    Rule(("reports:narrative_*",), "pk", demo_form_part("narratives")),
    Rule(("reports:rule_*",), "pk", demo_form_part("rules")),
    Rule(("accounts:token_*",), "pk", own_api_tokens),
    Rule(("notifications:read",), "pk", own_notifications),
    Rule(("jobs:retry",), "pk", failed_jobs),
    Rule(("accounts:role_remove",), "pk", role_assignments),
    Rule(("accounts:user_*", "accounts:role_add"), "pk", users),
    # Directive documents and the activity log (tests/walk_records.py).
    Rule(
        walk_records.DRAFT_URLS + ("api:document_send",), "pk", walk_records.documents_for("draft")
    ),
    Rule(
        walk_records.REVIEW_URLS + ("api:document_issue",),
        "pk",
        walk_records.documents_for("review"),
    ),
    Rule(("documents:version",), "number", walk_records.versions, scoped=False),
    Rule(("documents:file", "documents:file_delete"), "pk", walk_records.attachments),
    Rule(("documents:link_remove",), "pk", walk_records.links),
    Rule(("documents:body_edit",), "pk", walk_records.bodies),
    Rule(("documents:*", "api:document_*"), "pk", walk_records.documents_for("issued")),
    Rule(("activities:file", "activities:file_remove"), "pk", walk_records.activity_files),
    Rule(("activities:*",), "pk", walk_records.activities_of),
    # The consolidated report, the conference and its tasks (tests/walk_conferences.py).
    Rule(
        ("conferences:consolidation*", "api:consolidation_*"), "pk", walk_conferences.consolidations
    ),
    Rule(("conferences:consolidation_part_*",), "part", walk_conferences.parts),
    Rule(("conferences:agenda_*",), "pk", walk_conferences.agenda_items),
    Rule(("conferences:paper_file", "conferences:paper_delete"), "pk", walk_conferences.papers),
    Rule(("conferences:conclusion_*",), "pk", walk_conferences.conclusions),
    Rule(("conferences:task_file",), "pk", walk_conferences.progress_files),
    Rule(("conferences:task*", "api:task_*"), "pk", walk_conferences.tasks_of),
    Rule(("conferences:*", "api:conference_*"), "pk", walk_conferences.conferences),
    # Campaigns: launched, being prepared, another province's (tests/walk_campaigns.py).
    Rule(("campaigns:phase_edit", "campaigns:phase_delete"), "pk", walk_campaigns.phases),
    Rule(
        ("campaigns:requirement_edit", "campaigns:requirement_delete"),
        "pk",
        walk_campaigns.requirements,
    ),
    Rule(("campaigns:results",), "pk", walk_campaigns.results_requirements),
    Rule(("campaigns:result_file",), "pk", walk_campaigns.result_files),
    Rule(walk_campaigns.DRAFT_EDITORS, "pk", walk_campaigns.draft_campaigns),
    Rule(("campaigns:campaign_edit",), "pk", walk_campaigns.edited_campaigns),
    Rule(("api:campaign_unit_progress",), "campaign", walk_campaigns.unit_campaigns),
    Rule(("campaigns:*",), "pk", walk_campaigns.seen_campaigns),
    Rule(("api:campaign_*",), "campaign", walk_campaigns.seen_campaigns),
]

# Lists and forms without URL arguments whose records the walk builds first, so that the
# leak check reads a page with something on it: (URL name patterns, builder(world)).
LIST_RECORDS = [(walk_campaigns.LISTS, walk_campaigns.records)]


def rule_for(entry, kwarg):
    for rule in KWARG_RULES:
        if rule.kwarg == kwarg and any(fnmatch.fnmatchcase(entry.name, n) for n in rule.names):
            return rule
    pytest.fail(
        f"The permission walk does not know the argument <{kwarg}> of {entry.name} "
        f"(/{entry.route}). Teach it: add a rule to KWARG_RULES in "
        f"tests/test_permission_walk.py giving an object in the user's scope and objects "
        f"outside it."
    )


def is_scoped(entry):
    """Whether the URL names an object that lies in some unit's subtree."""
    teach_check(entry)
    return any(rule_for(entry, kwarg).scoped for kwarg in entry.kwargs)


def teach_check(entry):
    if entry.name.startswith(("<re_path", "<unnamed")) or "<unnamed" in entry.name:
        pytest.fail(
            f"The permission walk cannot fill {entry.name}: name the URL pattern and use "
            f"path() (not re_path), or teach tests/test_permission_walk.py about it."
        )


def urls_for(entry, w, side):
    """The URLs to request: one per out-of-scope object (the cartesian product of args)."""
    teach_check(entry)
    for names, build in LIST_RECORDS:
        if any(fnmatch.fnmatchcase(entry.name, n) for n in names):
            build(w)
    options = [{}]
    for kwarg in entry.kwargs:
        values = rule_for(entry, kwarg).give(w, side)
        options = [{**o, kwarg: v} for o in options for v in values]
    return [entry.url(values) for values in options]


# Pages whose in-scope user is not a province user: (route pattern, cast user, why).
IN_SCOPE_ACTORS = [
    ("bao-cao/mau/*", "ministry_admin", "report forms are edited by administrators at the top"),
    ("cong-viec-nen/*", "ministry_admin", "background jobs are run by administrators at the top"),
]


def in_actor(entry, w):
    for route_pattern, username, _why in IN_SCOPE_ACTORS:
        if fnmatch.fnmatchcase(entry.route, route_pattern):
            return getattr(w, username)
    return w.in_actor


# --- What a response may contain -------------------------------------------------------------

# Names, codes and usernames outside each actor's subtree. Short codes such as "T01" are
# left out: they also occur inside timestamps.
LEAK_MARKERS = {
    "commune_officer": [
        *("Đại Phúc", "X05800", "sibling_officer"),  # the sibling commune
        *("Hà Nội", "Ba Đình", "X00004", "officer_b"),  # the other province
        *("leader_a", "officer_a"),  # users of the parent province
        *("ministry_admin", "ministry_officer"),
    ],
    "officer_a": [
        *("Hà Nội", "Ba Đình", "X00004", "officer_b"),
        *("ministry_admin", "ministry_officer"),
    ],
    "ministry_admin": [],  # the whole tree is theirs
}

# Query strings a list or search page may take, tried on URLs without scoped arguments.
PROBES = [{}, {"q": "dai phuc"}, {"q": "ha noi"}, {"unit": "X05800"}, {"parent": "X05800"}]


def text_of(response):
    content_type = response.get("Content-Type", "")
    if response.streaming:
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if "json" in content_type:
        return json.dumps(json.loads(body), ensure_ascii=False)
    if content_type.startswith("text/"):
        return body.decode(errors="replace")
    return ""  # a download (.xlsx, .docx): not text to search


def assert_names_nothing_outside(response, actor, url, probe=None):
    markers = LEAK_MARKERS.get(actor.username)
    assert markers is not None, f"add {actor.username} to LEAK_MARKERS"
    # A page may echo what the user typed (a filter box); only what it found counts.
    typed = " ".join((probe or {}).values())
    text = text_of(response)
    found = [marker for marker in markers if marker in text and marker not in typed]
    assert not found, f"LEAK: {url} shows {found} to {actor.username}"


def ids(entry):
    return entry.name


def request(client, method, url, data=None, follow=False, writes=False):
    """One request; GETs (and, unless `writes`, POSTs) must leave every table unchanged,
    and a POST's changes to audited models must be audited."""
    before, since = dbstate.fingerprint(), dbstate.last_entry_id()
    response = getattr(client, method)(url, data or {}, follow=follow)
    tables = dbstate.changed(before, dbstate.fingerprint())
    if method == "get" or not writes:
        assert not tables, f"{method.upper()} {url} wrote to {tables}"
    else:
        missing = dbstate.unaudited_changes(tables, since)
        assert not missing, f"POST {url} changed {missing} without an audit entry"
    return response


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- The walk --------------------------------------------------------------------------------


def test_the_walk_sees_pages_includes_and_api_routes():
    names = {e.name for e in ENTRIES}
    assert {"login", "home", "units:detail", "api:unit_list", "api:unit_detail", "api:me"} <= names
    assert not any(e.route.startswith("quan-tri-django/") for e in ENTRIES)


def test_a_url_with_an_unknown_argument_fails_the_walk(world):
    from django.urls.converters import StringConverter

    stranger = Entry("reports:detail", "bao-cao/<str:slug>/", {"slug": StringConverter()})
    with pytest.raises(pytest.fail.Exception, match="Teach it: add a rule to KWARG_RULES"):
        urls_for(stranger, world, "in")


@pytest.mark.parametrize("entry", ENTRIES, ids=ids)
def test_anonymous(entry, world):
    login = reverse("login")
    client = client_for()
    for url in urls_for(entry, world, "in"):
        for method in ("get", "post"):
            # Signing in is the one write an anonymous visitor makes (axes counts attempts).
            response = request(client, method, url, writes=entry.name == "login")
            status = response.status_code
            assert status < 500, f"{method.upper()} {url} → {status}"
            if entry.name in PUBLIC:
                continue
            if status in (301, 302, 303, 307, 308):
                target = urlparse(response["Location"]).path
                assert target == login, f"anonymous {method.upper()} {url} → {target}"
            else:
                assert status in (401, 403, 404, 405), (
                    f"LEAK: anonymous {method.upper()} {url} → {status}"
                )


@pytest.mark.parametrize("entry", ENTRIES, ids=ids)
def test_in_scope(entry, world):
    actor = in_actor(entry, world)
    for url in urls_for(entry, world, "in"):
        response = request(client_for(actor), "get", url)
        status = response.status_code
        if entry.name in ALWAYS_404:
            assert status == 404
        else:
            assert status in (200, 301, 302, 303, 405), (
                f"{actor.username} GET {url} → {status}: in scope with every role, this "
                f"should open; if the walk passed the wrong object, fix KWARG_RULES."
            )
        if status == 200:
            assert_names_nothing_outside(response, actor, url)
        # An empty form must be refused politely, never with a server error.
        response = request(client_for(actor), "post", url, writes=True)
        assert response.status_code < 500, f"POST {url} → {response.status_code}"


@pytest.mark.parametrize("entry", ENTRIES, ids=ids)
def test_out_of_scope(entry, world):
    actor = world.out_actor
    client = client_for(actor)
    if not is_scoped(entry):
        # Nothing to be out of scope of: the page is the actor's own view of their subtree
        # (a redirect is followed: it may lead to their unit's page, never to another's).
        (url,) = urls_for(entry, world, "in")
        for probe in PROBES:
            response = request(client, "get", url, probe, follow=True)
            assert response.status_code < 500, f"GET {url} {probe}"
            if response.status_code == 200:
                assert_names_nothing_outside(response, actor, f"{url} {probe}", probe)
        return
    for url in urls_for(entry, world, "out"):
        for method in ("get", "post"):
            status = request(client, method, url).status_code
            assert status in (403, 404, 405), (
                f"LEAK: {actor.username} (every role at {world.commune_a1.code}) "
                f"{method.upper()} {url} → {status}"
            )
