"""schemathesis: generated requests, valid and invalid, against the API's whole OpenAPI
document, as a user in scope and as one out of scope of the data the requests reach.

The world, built once for the module (tests/shared.py), holds the records of every app in two
provinces — the permission walk's records (tests/walk_*.py): reports, directive documents,
activities, conferences with their tasks, consolidated reports, campaigns — of province A (T19,
communes A1 and A2) and of province B (T01, commune B1), and the ministry's directive to both.
Every generated request is sent by two users, each holding every role at their province:

- officer_a at T19: in scope of most of the records, out of scope of province B's;
- officer_b at T01: out of scope of everything of province A, which is most of what the
  requests ask for.

A request generated valid is steered to real things (`steer`): its path parameters, nine
times in ten, and its query's and body's unit codes and record ids, half of the time, are drawn
from the world's unit codes and record ids — those of province A, of province B and of the
ministry alike —, its report form and period are the demo form's.

Every answer must be documented (status, content type, body schema), none may be a 5xx, and
none may show anything of the units outside the caller's subtree (`names_nothing_outside`,
a schemathesis check): their codes, names, people and the titles of their records, the ids
of their records where the answer gives a record of that kind, nor a 2xx to a path naming one
of their records.

Schemathesis' boundary cases (its coverage phase: each parameter at its limits, missing,
of the wrong type) run in `test_boundary_requests_in_scope` for the operations that
test_reports_api, test_documents_api and test_activities_api do not already run them for.
"""

import importlib
import json
import pkgutil
import re
from collections import defaultdict

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.signals import request_finished, request_started  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from ninja import Router  # noqa: E402
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance  # noqa: E402

import giaoban.api  # noqa: E402
from giaoban.accounts.models import ApiToken, RoleAssignment, User  # noqa: E402
from giaoban.activities.models import Activity  # noqa: E402
from giaoban.api.api import api  # noqa: E402
from giaoban.campaigns.models import Campaign  # noqa: E402
from giaoban.conferences.models import Conference, Consolidation, Task  # noqa: E402
from giaoban.core.paths import subtree_q  # noqa: E402
from giaoban.documents.models import Document, IssuingBody  # noqa: E402
from giaoban.reports.demo_form import ensure_demo_form  # noqa: E402
from giaoban.reports.models import Report  # noqa: E402
from giaoban.units.models import Unit  # noqa: E402
from tests import walk_campaigns, walk_conferences, walk_records  # noqa: E402
from tests.conftest import build_cast  # noqa: E402
from tests.shared import Shared  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())

ALL_ROLES = [choice for choice, _ in RoleAssignment.Role.choices]

# --- The whole API is fuzzed ---------------------------------------------------------------------


def api_routers():
    """{Router: the modules of giaoban/api holding it}, for every ninja Router they hold."""
    found = {}
    for info in pkgutil.iter_modules(giaoban.api.__path__):
        module = importlib.import_module(f"giaoban.api.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Router):
                found.setdefault(value, set()).add(info.name)
    return found


def router_operations(router, prefix="/api"):
    """(METHOD, OpenAPI path) of every operation of a router and of the routers below it."""
    found = set()
    for route, view in router.path_operations.items():
        path = prefix + re.sub(r"\{(?:\w+:)?(\w+)\}", r"{\1}", route)
        for operation in view.operations:
            found |= {(method.upper(), path) for method in operation.methods}
    for sub_prefix, sub in router._routers:
        found |= router_operations(sub, prefix + sub_prefix)
    return found


def test_every_router_and_route_of_the_api_is_in_the_schema_the_fuzzer_reads(client, db):
    routers = api_routers()
    holders = set().union(*routers.values())
    for module in ("units", "accounts", "reports", "documents", "document_writes"):
        assert module in holders, module
    for module in ("activities", "conferences", "campaigns"):
        assert module in holders, module
    mounted = [router for _prefix, router in api._routers]
    for router, modules in routers.items():
        assert router in mounted, f"the router of {modules} is not mounted (giaoban/api/api.py)"
    document = client.get("/api/openapi.json").json()
    published = {(m.upper(), p) for p, methods in document["paths"].items() for m in methods}
    routes = set().union(*(router_operations(router) for router in routers))
    assert routes == published
    assert {("GET", "/api/me"), ("POST", "/api/tasks/{pk}/progress")} <= routes
    fuzzed = {(o.ok().method.upper(), o.ok().path) for o in schema.get_all_operations()}
    assert fuzzed == published


# --- The world -----------------------------------------------------------------------------------

# The records an id may name: model, and the lookup placing a record in the tree.
RECORDS = {
    "document": (Document, "path"),
    "activity": (Activity, "path"),
    "conference": (Conference, "path"),
    "consolidation": (Consolidation, "path"),
    "task": (Task, "path"),
    "campaign": (Campaign, "path"),
    "report": (Report, "unit__path"),
}


def build_world():
    w = build_cast()
    for user, unit in [(w.officer_a, w.province_a), (w.officer_b, w.province_b)]:
        for role in ALL_ROLES:
            RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    w.form = ensure_demo_form().code
    walk_records.records(w)
    walk_conferences.records(w)
    walk_campaigns.records(w)
    w.actors = [w.officer_a, w.officer_b]
    w.keys = {user.username: ApiToken.issue(user, "schemathesis")[1] for user in w.actors}
    w.outside = {
        w.officer_a.username: Outside(w.province_b.path),
        w.officer_b.username: Outside(w.province_a.path),
    }
    w.seeds = seeds(w.province_a.path, w.province_b.path)
    return w


def seeds(*paths):
    """{kind: [[values] of each province's subtree, [the other values]]}: every unit code
    and every record id, grouped so that either province's are drawn as often."""

    def grouped(values_in):
        groups = [sorted(values_in(path)) for path in paths]
        rest = sorted(set(values_in(None)) - set().union(*groups))
        return [group for group in [*groups, rest] if group]

    def units(path):
        units = Unit.objects.filter(subtree_q(path)) if path else Unit.objects.all()
        return units.values_list("code", flat=True)

    found = {"code": grouped(units)}
    for kind, (model, field) in RECORDS.items():

        def records(path, model=model, field=field):
            records = model.objects.filter(subtree_q(path, field)) if path else model.objects
            return records.values_list("pk", flat=True)

        found[kind] = grouped(records)
    return found


# The titles of records: what a user reads of them.
TITLES = [
    (Document, "subject"),
    (Activity, "title"),
    (Conference, "title"),
    (Task, "title"),
    (Consolidation, "subject"),
    (Campaign, "title"),
]


def names(inside):
    """The names of units, people and records that `inside(lookup)` (a filter on a path)
    selects: codes aside, what a user reads of them."""
    units = Unit.objects.filter(inside("path"))
    found = set()
    for field in ("name", "short_name", "party_name", "command_name"):
        found |= set(units.values_list(field, flat=True))
    for field in ("username", "full_name"):
        found |= set(User.objects.filter(inside("unit__path")).values_list(field, flat=True))
    for model, field in TITLES:
        found |= set(model.objects.filter(inside("path")).values_list(field, flat=True))
    return found


class Outside:
    """What a user whose subtree does not hold `path` must never be shown of it: its units'
    codes, the names (of its units, people, records) that name nothing else — a place or a
    title shared with what the user sees is no sign —, its records' ids by kind."""

    def __init__(self, path):
        self.codes = sorted(Unit.objects.filter(subtree_q(path)).values_list("code", flat=True))
        words = names(lambda field: subtree_q(path, field))
        words -= names(lambda field: ~subtree_q(path, field))
        # The ministry's documents are dated at "Hà Nội", as Hà Nội's police is named.
        places = IssuingBody.objects.exclude(subtree_q(path, "unit__path"))
        words -= set(places.values_list("place", flat=True))
        self.words = sorted(word for word in words if word)
        self.ids = {
            kind: set(model.objects.filter(subtree_q(path, field)).values_list("pk", flat=True))
            for kind, (model, field) in RECORDS.items()
        }


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    with Shared(django_db_blocker, build_world) as shared:
        # What the fuzz reached, over the module's tests: {(username, what): operations}.
        shared.reached = defaultdict(set)
        yield shared


@pytest.fixture
def world(shared_world, db):  # `shared_world` first: its writes precede the test's
    w = shared_world.copy()
    w.reached = shared_world.reached
    # schemathesis calls the plain WSGI handler, which closes the database connection at
    # the end of each request — and with it the test's transaction on PostgreSQL. Django's
    # own test client detaches the same receivers.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield w
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# --- Steering: generated values replaced, some of the time, by real ones -------------------------

PERIODS = ["2026-H1", "2026-H2"]  # the demo form reports every six months
LEVELS = ["bo", "cuc", "tinh", "huyen", "xa"]
LEVEL_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
# Search words: each finds records of one province or the other, or of both.
SEARCHES = ["ha noi", "thai nguyen", "dai phuc", "ba dinh", "ke hoach", "quan triet"]
# The kind of the records of a path (`/api/documents/{pk}`, its `id`, its `items[].id`).
PATH_KINDS = {
    "documents": "document",
    "activities": "activity",
    "conferences": "conference",
    "consolidations": "consolidation",
    "tasks": "task",
    "campaigns": "campaign",
}
# Parameters and body fields naming a unit or a record.
FIELD_KINDS = {
    "code": "code",
    "unit": "code",
    "parent": "code",
    "node": "code",
    "owner": "code",
    "campaign": "campaign",
    "conference": "conference",
    "document": "document",
    "implements": "document",
}


def kind_of(path, name):
    if name == "pk":
        return PATH_KINDS[path.split("/")[2]]
    return FIELD_KINDS.get(name)


def real_level(case):
    """Levels are rows, not an enum in the schema: a well-formed but unknown level is a 422
    by design (test_validation_api covers it), so well-formed ones are made real."""
    level = (case.query or {}).get("level")
    if isinstance(level, str) and LEVEL_RE.match(level):
        case.query["level"] = LEVELS[len(level) % len(LEVELS)]


def steer(data, w, case):
    """Replace generated values by real ones, drawn by hypothesis (so that a failing example
    is replayed and shrunk like any other) — in requests generated valid only: an invalid one
    stays as generated, for the API to refuse."""
    real_level(case)
    if not case.meta.generation.mode.is_positive:
        return

    def real(name, kind=None):
        kind = kind or kind_of(case.path, name)
        if name == "form":
            return w.form
        if name == "period":
            return data.draw(st.sampled_from(PERIODS))
        if name == "q":
            return data.draw(st.sampled_from(SEARCHES))
        return data.draw(st.sampled_from(w.seeds[kind]).flatmap(st.sampled_from))

    for name in case.path_parameters:
        if data.draw(st.integers(0, 9)):  # mostly real: a random id is only a 404
            case.path_parameters[name] = real(name)
    steered = [p.name for p in case.operation.query if p.name in STEERED_QUERY]
    for name in steered:
        if data.draw(st.booleans()):
            case.query = {**(case.query or {}), name: real(name)}
    if isinstance(case.body, dict):
        items = case.body.get("items")
        for item in items if isinstance(items, list) else [case.body]:
            if isinstance(item, dict):
                steer_item(data, item, real)


STEERED_QUERY = {name for name in FIELD_KINDS if name != "code"} | {"form", "period", "q"}


def steer_item(data, item, real):
    """A body, or one of its `items`: its units and records, half of the time real ones."""
    for name in ("unit", "document", "implements"):
        if name in item and data.draw(st.booleans()):
            item[name] = real(name)
    if isinstance(item.get("recipient_units"), list) and data.draw(st.booleans()):
        item["recipient_units"] = [real("unit") for _ in range(data.draw(st.integers(1, 3)))]
    evidence = item.get("evidence_kind")
    if evidence in RECORDS and "evidence_id" in item and data.draw(st.booleans()):
        item["evidence_id"] = real("evidence_id", kind=evidence)


# --- The check: nothing of a unit out of scope ---------------------------------------------------

# Texts of the API naming a unit of the demo as an example, whoever reads them.
EXAMPLES = ["một chuỗi như X05500"]
# Fields of an answer holding a record of a kind (its id, or an object with its id).
ID_FIELDS = {
    "document": "document",
    "plan": "document",
    "activity": "activity",
    "conference": "conference",
    "consolidation": "consolidation",
    "task": "task",
    "campaign": "campaign",
    "report": "report",
}
# … fields holding records of a kind as objects (`tasks` elsewhere is a count) …
LIST_FIELDS = {"tasks": "task"}
# … and fields holding records that say their kind (`{"kind": "document", "id": …}`).
KIND_SAYING_FIELDS = {"evidence", "records"}


def said(case):
    """Everything the request said (path, query, body): an answer may repeat it."""
    parts = [case.formatted_path, json.dumps(case.query or {}, ensure_ascii=False, default=str)]
    if case.body is not None:
        parts.append(json.dumps(case.body, ensure_ascii=False, default=str))
    return " ".join(parts).casefold()


def named_outside(case, outside):
    """The path parameters of the request naming a unit or a record out of scope."""
    found = []
    for name, value in (case.path_parameters or {}).items():
        if not isinstance(value, (int, str)):
            continue
        kind = kind_of(case.path, name)
        if kind == "code" and str(value).upper() in outside.codes:
            found.append(f"unit {value}")
        elif kind in RECORDS and value in outside.ids[kind]:
            found.append(f"{kind} {value}")
    return found


def id_leaks(value, kind, outside, where="$"):
    """Ids of records out of scope where the answer gives a record of a known kind: the `id`
    of an object of that kind (the path's records, the value of a field named after a kind —
    `document`, `plan`, `tasks` … —, the evidence or records saying their `kind`), and a
    field named after a kind holding an id."""
    found = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            found += id_leaks(item, kind, outside, f"{where}[{index}]")
    elif isinstance(value, dict):
        if kind == "said":
            kind = value.get("kind") if value.get("kind") in RECORDS else None
        for key, item in value.items():
            here = f"{where}.{key}"
            if key == "id":
                if kind and isinstance(item, int) and item in outside.ids[kind]:
                    found.append(f"{here}={item} ({kind})")
            elif key in ID_FIELDS:
                if isinstance(item, int) and item in outside.ids[ID_FIELDS[key]]:
                    found.append(f"{here}={item} ({ID_FIELDS[key]})")
                else:
                    found += id_leaks(item, ID_FIELDS[key], outside, here)
            elif key in LIST_FIELDS and isinstance(item, list):
                found += id_leaks(item, LIST_FIELDS[key], outside, here)
            elif key in KIND_SAYING_FIELDS:
                found += id_leaks(item, "said", outside, here)
            else:
                found += id_leaks(item, kind if key == "items" else None, outside, here)
    return found


def leaks(case, status, content_type, content, outside):
    """What the answer (`content`, bytes) shows of the units out of scope (`outside`)."""
    if 200 <= status < 300 and named_outside(case, outside):
        return [f"{status} to a request for {', '.join(named_outside(case, outside))}"]
    if "json" not in content_type:
        return []  # a download (.docx): not text to search
    body = json.loads(content)
    text = json.dumps(body, ensure_ascii=False)  # "Hà Nội", not "H\u00e0 N\u1ed9i"
    for example in EXAMPLES:
        text = text.replace(example, "")
    typed = said(case)
    found = [word for word in outside.words if word in text and word.casefold() not in typed]
    found += [
        code
        for code in outside.codes
        # a whole code: not the "T19" of "2026-05-03T19:22"
        if re.search(rf"(?<![\w:-]){re.escape(code)}(?![\w:])", text)
        and code.casefold() not in typed
    ]
    return found + id_leaks(body, PATH_KINDS.get(case.path.split("/")[2]), outside)


def names_nothing_outside(outside):
    """A schemathesis check: the answer shows nothing of the units out of the caller's
    subtree (`outside`)."""

    def names_nothing_outside(ctx, response, case):
        content_type = response.headers.get("content-type", [""])[0]
        found = leaks(case, response.status_code, content_type, response.content, outside)
        assert not found, f"LEAK: the answer shows what is out of scope: {found}"

    return names_nothing_outside


def test_the_check_sees_what_is_out_of_scope(world):
    outside = world.outside["officer_b"]  # province A's
    case = schema["/api/documents/{pk}"]["GET"].Case(path_parameters={"pk": 1})
    draft = world._records.draft

    def show(body):
        return leaks(case, 404, "application/json", json.dumps(body), outside)

    assert show({"detail": "Không tìm thấy văn bản."}) == []
    assert show({"detail": "Công an tỉnh Thái Nguyên"}) == [
        "Công an tỉnh Thái Nguyên",
        "Thái Nguyên",
    ]
    assert show({"place": "Hà Nội", "at": "2026-05-03T19:22:00"}) == []
    assert show({"path": "BCA/T19/X05800/"}) == ["T19", "X05800"]
    assert show({"id": draft.pk}) == [f"$.id={draft.pk} (document)"]
    assert show({"items": [{"plan": {"id": draft.pk}}]}) == [
        f"$.items[0].plan.id={draft.pk} (document)"
    ]
    assert show({"evidence": {"kind": "document", "id": draft.pk}}) != []
    assert show({"requirements": [{"kind": "document", "id": draft.pk}]}) == []
    task = world._conference_records.task.pk
    assert show({"conclusions": [{"tasks": [{"id": task}]}]}) != []
    assert show({"counts": {"tasks": task}}) == []  # a count
    mine = schema["/api/units/{code}"]["GET"].Case(path_parameters={"code": "x05800"})
    assert leaks(mine, 200, "application/json", "{}", outside) == [
        "200 to a request for unit x05800"
    ]
    assert leaks(mine, 404, "application/json", '{"detail": "X05800"}', outside) == []


# --- The fuzz ------------------------------------------------------------------------------------

# A well-formed request may still be refused by the data's own rules — a 422 by design: a
# document's or an activity's (an unknown kind, a date in the future, a unit not below the
# issuer), a report's figures and its period (a form's rules, its kind of period), a task's
# evidence (a record of another unit). test_*_api fuzz these again, each with its own data.
DATA_RULED = re.compile(r"^/api/(documents|activities|reports|rollups|completeness|tasks)\b")


def call(case, w, user, excluded=()):
    """Send the request as `user` and check the answer; count what it reached."""
    outside = w.outside[user.username]
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {w.keys[user.username]}"},
        excluded_checks=list(excluded),
        additional_checks=[names_nothing_outside(outside)],
    )
    label = case.operation.label
    w.reached[user.username, "ran"].add(label)
    if named_outside(case, outside):
        w.reached[user.username, "asked outside"].add(label)
    elif 200 <= response.status_code < 300:
        w.reached[user.username, "answered"].add(label)


def excluded_checks(case):
    return [positive_data_acceptance] if DATA_RULED.match(case.path) else []


@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    # Without the explicit phase: the schema's examples cannot take `data` (schemathesis
    # refuses the mix), and the boundary cases run in the test below.
    phases=[Phase.reuse, Phase.generate, Phase.shrink],
)
def test_generated_requests_as_users_in_and_out_of_scope(case, data, world):
    steer(data, world, case)
    in_scope, out_of_scope = world.actors
    call(case, world, in_scope, excluded_checks(case))
    # The same request without a key is the same refusal whoever sent it with one: once.
    call(case, world, out_of_scope, [*excluded_checks(case), ignored_auth])


# test_reports_api, test_documents_api and test_activities_api run the boundary cases of their
# operations with their own data (their `path_regex`).
BOUNDARY_ELSEWHERE = r"^/api/((reports|rollups|completeness)/|document|activities)"


@schema.exclude(path_regex=BOUNDARY_ELSEWHERE).parametrize()
@settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit],  # the schema's examples and the coverage phase, nothing random
)
def test_boundary_requests_in_scope(case, world):
    """Each parameter at its limits, missing, of the wrong type — as officer_a, in scope of
    most of the records, with every role: the deepest the requests get."""
    real_level(case)
    call(case, world, world.officer_a, excluded_checks(case))


def test_the_fuzz_asked_for_records_in_and_out_of_scope(shared_world, db):
    """The steering works: each user asked for records out of their scope on at least half of
    the operations naming a unit or a record in their path, and was answered with data on at
    least a third of those that read one (random ids and codes would be answered on none)."""
    # `db`: pytest-django runs the tests using it first, in their order, so this one comes
    # right after the module's fuzz, while `shared_world` still holds what it reached.
    reached = shared_world.reached
    operations = [o.ok() for o in schema.get_all_operations()]
    for user in ("officer_a", "officer_b"):
        if reached[user, "ran"] != {o.label for o in operations}:
            pytest.skip("the fuzz of every operation did not run in this session")
    naming = {
        o.label for o in operations if any(kind_of(o.path, p.name) for p in o.path_parameters)
    }
    reading = {label for label in naming if label.startswith("GET ")}
    for user in ("officer_a", "officer_b"):
        assert len(reached[user, "asked outside"] & naming) >= len(naming) / 2, user
        assert len(reached[user, "answered"] & reading) >= len(reading) / 3, user
