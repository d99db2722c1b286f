"""The OpenAPI document and the docs page: public, complete, and served without any CDN."""

import json
import re

from django.urls import URLPattern, URLResolver, get_resolver

from giaoban.api.api import api

EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?\s*(?:[a-z]+:)?//""", re.I)


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


def test_the_docs_page_loads_nothing_from_outside(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not EXTERNAL.findall(html), EXTERNAL.findall(html)
    assert "cdn" not in html.lower()
    assets = re.findall(r"""(?:src|href)="([^"]+)\"""", html)
    assert {"/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui.css"} <= set(assets)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html), (
        "inline script would be refused by the Content-Security-Policy"
    )


def test_every_asset_of_the_docs_page_is_served_by_the_app(client, db):
    html = client.get("/api/docs").content.decode()
    for asset in re.findall(r"""(?:src|href)="([^"]+)\"""", html):
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
