"""The OpenAPI document and the docs page: public, complete, Vietnamese, served without any CDN."""

import json
import re
from html import unescape
from unittest import mock

from django.urls import URLPattern, URLResolver, get_resolver
from ninja.openapi.schema import OpenAPISchema

from giaoban.api.api import api

EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?\s*(?:[a-z]+:)?//""", re.I)
# What a page loads (style sheets, icons, scripts, images), as opposed to where it links.
ASSET = re.compile(r'<(?:link|script|img)\b[^>]*?\b(?:src|href)="([^"]+)"')


def api_routes():
    """The API's data routes as OpenAPI paths, read from the project's URL resolver."""
    (api_include,) = [p for p in get_resolver().url_patterns if str(p.pattern) == "api/"]
    found = set()

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name not in {
                "openapi-json",
                "openapi-view",
                "api-root",
            }:
                route = prefix + str(p.pattern)
                found.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(api_include.url_patterns, "api/")
    return found


def test_the_schema_is_public_valid_json_listing_every_endpoint(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "giaoban API"
    paths = set(schema["paths"])
    assert {"/api/units", "/api/units/{code}", "/api/units/{code}/lineage", "/api/me"} <= paths
    assert paths == api_routes()
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "BrowserSession"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"], (method, path)
            assert "401" in operation["responses"], (method, path)
            assert operation["summary"], (method, path)


def test_the_schema_matches_the_api_object(db):
    assert set(api.get_openapi_schema()["paths"]) == api_routes()


def test_no_two_shapes_share_a_name_in_the_schema(db):
    """ninja files every shape under its class name and keeps the last one of a name: two
    classes named alike (a task's progress and a document's) would publish one shape for
    both, and the other endpoint's answers would not match its own schema."""
    shapes = {}
    original = OpenAPISchema.add_schema_definitions

    def recording(self, definitions):
        for name, definition in definitions.items():
            shapes.setdefault(name, set()).add(json.dumps(definition, sort_keys=True))
        original(self, definitions)

    with mock.patch.object(OpenAPISchema, "add_schema_definitions", recording):
        schema = api.get_openapi_schema()
    assert not sorted(name for name, seen in shapes.items() if len(seen) > 1)
    components = schema["components"]["schemas"]
    # The outgoing box's progress of the recipients, and a task's progress reports.
    assert "recipients" in components["RecipientProgressOut"]["properties"]
    assert "evidence" in components["TaskProgressOut"]["properties"]


def test_the_docs_page_loads_nothing_from_outside(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" not in html.lower()
    assert not EXTERNAL.findall(html), EXTERNAL.findall(html)
    assert "cdn" not in html.lower()
    assets = ASSET.findall(html)
    assert "/static/giaoban/app.css" in assets
    assert not any(a.startswith("/static/ninja/") for a in assets)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html), (
        "inline script would be refused by the Content-Security-Policy"
    )


def operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_docs_page_describes_every_operation_of_the_schema(client, db):
    html = client.get("/api/docs").content.decode()
    text = unescape(html)
    for path, method, operation in operations():
        start = html.index(f'id="{operation["operationId"]}"')
        end = html.find('<article class="card api-op"', start + 1)
        section = unescape(html[start : end if end > 0 else None])
        assert path in section and method.upper() in section, (method, path)
        assert operation["summary"] in section
        for param in operation.get("parameters", []):
            assert f"<code>{param['name']}</code>" in section, (path, param["name"])
            assert param["description"] in section, (path, param["name"])
        for status in operation["responses"]:
            assert f">{status}</span>" in section, (path, status)
        if "requestBody" in operation:
            assert "Nội dung gửi lên (JSON)" in section, path
    # Every shape the operations use has its own section, and is linked to.
    used = set(re.findall(r'"#/components/schemas/(\w+)"', json.dumps(api.get_openapi_schema())))
    assert {"BulkIn", "ReportOut", "RollupOut", "CompletenessOut", "ValidationErrorOut"} <= used
    for name in used:
        assert f'id="schema-{name}"' in html, name
        assert f'href="#schema-{name}"' in html, name
    assert "Tất cả hoặc không gì cả" in text


def test_the_docs_page_is_in_vietnamese_and_describes_todays_api(client, db):
    html = client.get("/api/docs").content.decode()
    main = unescape(re.sub(r"<[^>]+>", " ", html[html.index("<main") :]))
    # Swagger UI's interface and the HTTP reason phrases ninja writes into the schema.
    for english in (
        "Try it out",
        "Execute",
        "Parameters",
        "Responses",
        "Request body",
        "Schemas",
        "Unauthorized",
        "Unprocessable Entity",
        "Not Found",
        "Forbidden",
        "Conflict",
        "Successful",
    ):
        assert english not in main, english
    assert not re.search(r"\bbạn\b", main, re.I), "one form of address: đồng chí"
    for said in (
        "X-CSRFToken",  # authentication: session + CSRF header
        "Authorization: Bearer",  # or a key from the profile page
        "Khóa truy cập API",
        "giống hệt như không tồn tại",  # scope: 404 outside the subtree
        '{"detail": [{"field": "limit"',  # errors: the 422 list
        "dd/mm/yyyy",  # dates
        '"1.234"',  # numbers written the Vietnamese way
        '"95,5"',
        "dry_run",  # bulk values, all or nothing
        "/api/reports/{form}/{period}/values",
        "…/submit",
        "…/reopen",
        "/api/rollups/{form}/{period}/{code}",
        "so sánh tương đương",  # like with like
        "/api/completeness/{form}/{period}/{code}",
        "…/missing",
    ):
        assert said in main, said


def test_the_docs_page_needs_no_login_and_has_the_page_frame(client, cast):
    anonymous = client.get("/api/docs").content.decode()
    assert '<a class="brand"' in anonymous
    assert "Đăng xuất" not in anonymous
    client.force_login(cast.officer_a)
    signed_in = client.get("/api/docs").content.decode()
    assert "Đăng xuất" in signed_in
    # Only the reading methods: the page writes nothing and takes no form.
    assert client.post("/api/docs").status_code == 405


def test_every_asset_of_the_docs_page_is_served_by_the_app(client, db):
    html = client.get("/api/docs").content.decode()
    assets = ASSET.findall(html)
    assert assets
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if asset.endswith(".css"):
            # A stylesheet must not pull fonts or images from elsewhere either.
            assert not EXTERNAL.findall(body.decode()), asset


def test_the_docs_page_is_under_the_content_security_policy(client, db):
    response = client.get("/api/docs")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
