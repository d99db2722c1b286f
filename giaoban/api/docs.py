"""Tài liệu API: the app's own Vietnamese page for /api/docs, rendered on the server from the
OpenAPI document (so it always describes the API as it is), with no script and no CDN.

It needs no login: it describes shapes, never data. Tools read /api/openapi.json.
"""

import json
import re
import textwrap

from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from giaoban.api.api import api

# What each status means for this API, said once (ninja writes "OK", "Not Found"…).
STATUS_MEANINGS = {
    "200": gettext_lazy("Thành công."),
    "201": gettext_lazy("Đã tạo: trả về đối tượng vừa ghi."),
    "400": gettext_lazy("Không đọc được nội dung gửi lên (không phải JSON hợp lệ)."),
    "401": gettext_lazy("Chưa xác thực: chưa đăng nhập, hoặc khóa API sai, đã thu hồi, hết hạn."),
    "403": gettext_lazy("Vai trò không cho phép thao tác này, hoặc kiểm tra CSRF không đạt."),
    "404": gettext_lazy("Không tìm thấy, hoặc nằm ngoài phạm vi đơn vị của đồng chí."),
    "409": gettext_lazy(
        "Trạng thái hiện tại không cho phép thao tác này, hoặc một yêu cầu khác vừa ghi cùng "
        "báo cáo."
    ),
    "413": gettext_lazy("Nội dung gửi lên quá lớn."),
    "422": gettext_lazy("Dữ liệu vào không hợp lệ: `detail` liệt kê từng lỗi."),
}
LOCATIONS = {
    "path": gettext_lazy("đường dẫn"),
    "query": gettext_lazy("truy vấn"),
    "header": gettext_lazy("tiêu đề"),
    "cookie": gettext_lazy("cookie"),
}
TYPES = {
    "string": gettext_lazy("chuỗi"),
    "integer": gettext_lazy("số nguyên"),
    "number": gettext_lazy("số"),
    "boolean": gettext_lazy("true/false"),
    "object": gettext_lazy("đối tượng"),
    "null": "null",
}
FORMATS = {
    "date": gettext_lazy("ngày (yyyy-mm-dd)"),
    "date-time": gettext_lazy("thời điểm (ISO 8601)"),
}
REF = "#/components/schemas/"

# ------------------------------------------------------------------ text


INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*")


def inline(text):
    """One line of the docstrings' Markdown: `code` and **bold**; everything else escaped."""
    parts, pos = [], 0
    for match in INLINE.finditer(text):
        parts.append(escape(text[pos : match.start()]))
        code, bold = match.groups()
        if code is not None:
            parts.append(format_html("<code>{}</code>", code))
        else:
            parts.append(format_html("<strong>{}</strong>", bold))
        pos = match.end()
    parts.append(escape(text[pos:]))
    return mark_safe("".join(parts))  # noqa: S308 — every piece is escaped above


def _list_items(lines):
    items = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("- ") or not items:
            items.append(stripped.removeprefix("- "))
        else:
            items[-1] += " " + stripped
    return [inline(item) for item in items]


def blocks(text):
    """A docstring or description as blocks: headings (##), lists (- …) and paragraphs."""
    found = []
    for chunk in re.split(r"\n\s*\n", textwrap.dedent(text or "").strip()):
        lines = chunk.strip().splitlines()
        if not lines:
            continue
        if lines[0].startswith("#"):
            found.append({"heading": lines[0].lstrip("#").strip()})
            lines = lines[1:]
        if lines and lines[0].lstrip().startswith("- "):
            found.append({"bullets": _list_items(lines)})
        elif lines:
            found.append({"text": inline(" ".join(line.strip() for line in lines))})
    return found


# ------------------------------------------------------------------ schemas


def _ref_link(ref):
    name = ref.removeprefix(REF)
    return format_html('<a href="#schema-{}"><code>{}</code></a>', name, name)


def type_label(schema):
    """A JSON schema in words, with links to the named shapes it uses (safe HTML)."""
    if "$ref" in schema:
        return _ref_link(schema["$ref"])
    if "anyOf" in schema:
        # "or null" is said beside the field (nullable), not in its type.
        labels = [type_label(s) for s in schema["anyOf"] if s.get("type") != "null"] or ["null"]
        return format_html_join(_(" hoặc "), "{}", ((label,) for label in labels))
    kind = schema.get("type")
    if kind == "array":
        return format_html(_("danh sách {}"), type_label(schema.get("items", {})))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return format_html(_("đối tượng: mã → {}"), type_label(schema["additionalProperties"]))
    if schema.get("format") in FORMATS:
        return str(FORMATS[schema["format"]])
    return str(TYPES.get(kind, _("bất kỳ")))


def constraints(schema):
    """Limits a client must respect, in words (default, range, length, choices, example)."""
    schema = {**next((s for s in schema.get("anyOf", []) if s.get("type") != "null"), {}), **schema}
    said = []
    if "minimum" in schema and "maximum" in schema:
        said.append(
            _("từ %(min)s đến %(max)s")
            % {"min": _json_word(schema["minimum"]), "max": _json_word(schema["maximum"])}
        )
    if "maxLength" in schema:
        said.append(_("tối đa %(n)s ký tự") % {"n": _json_word(schema["maxLength"])})
    if "maxItems" in schema:
        said.append(_("tối đa %(n)s mục") % {"n": _json_word(schema["maxItems"])})
    if schema.get("enum"):
        said.append(_("một trong: %(values)s") % {"values": ", ".join(map(str, schema["enum"]))})
    if "default" in schema and schema["default"] not in (None, "", {}, []):
        said.append(_("mặc định %(value)s") % {"value": _json_word(schema["default"])})
    if schema.get("examples"):
        said.append(_("ví dụ %(value)s") % {"value": _json_word(schema["examples"][0])})
    return "; ".join(said)


def _json_word(value):
    """A value as written in the docs: JSON's true/false, thousands grouped the Vietnamese way."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) >= 1000:
        return f"{value:,}".replace(",", ".")
    return str(value)


def fields(schema):
    """The properties of an object schema as rows: name, type, required, limits, meaning."""
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "type": type_label(prop),
            "required": name in required,
            "nullable": any(s.get("type") == "null" for s in prop.get("anyOf", ())),
            "constraints": constraints(prop),
            "description": inline(prop.get("description", "")),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _json_schema(content):
    return (content or {}).get("application/json", {}).get("schema", {})


# ------------------------------------------------------------------ operations


def parameter(param):
    schema = param.get("schema", {})
    return {
        "name": param["name"],
        "where": LOCATIONS.get(param["in"], param["in"]),
        "required": param.get("required", False),
        "type": type_label(schema),
        "constraints": constraints({**schema, **param}),
        "description": inline(param.get("description") or schema.get("description", "")),
    }


def request_body(body, components):
    """The body an operation reads: the named shape (if any) and its fields."""
    if not body:
        return None
    schema = _json_schema(body.get("content"))
    name = schema.get("$ref", "").removeprefix(REF) or schema.get("title", "")
    resolved = components.get(name, schema) if "$ref" in schema else schema
    examples = resolved.get("examples") or [None]
    return {
        "name": name,
        "linked": "$ref" in schema,
        "required": body.get("required", False),
        "fields": fields(resolved),
        "example": json.dumps(examples[0], ensure_ascii=False, indent=2) if examples[0] else "",
    }


def responses(answers):
    """Each status an operation answers with, what it means here, and the shape returned."""
    rows = []
    for status, answer in sorted((str(code), answer) for code, answer in answers.items()):
        meaning = STATUS_MEANINGS.get(status) or _("Mã trạng thái HTTP %s.") % status
        content = answer.get("content")
        rows.append(
            {
                "status": status,
                "meaning": inline(str(meaning)),
                "type": type_label(_json_schema(content)) if content else "",
            }
        )
    return rows


def operation(path, method, op, components):
    return {
        "id": op.get("operationId") or slugify(f"{method} {path}"),
        "method": method.upper(),
        "path": path,
        "summary": op.get("summary", ""),
        "description": blocks(op.get("description", "")),
        "needs_auth": bool(op.get("security")),
        "parameters": [parameter(p) for p in op.get("parameters", [])],
        "body": request_body(op.get("requestBody"), components),
        "responses": responses(op.get("responses", {})),
    }


def groups(schema):
    """Operations grouped by their tag, in the order the API declares them."""
    components = schema.get("components", {}).get("schemas", {})
    by_tag = {}
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            tag = (op.get("tags") or [_("Khác")])[0]
            by_tag.setdefault(tag, []).append(operation(path, method, op, components))
    return [
        {"name": tag, "slug": slugify(tag) or "nhom", "operations": ops}
        for tag, ops in by_tag.items()
    ]


def _referenced(schema):
    """The names of the shapes the document refers to anywhere (a shape that only gathers
    query parameters, such as UnitFilters, is shown as those parameters instead)."""
    return set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(schema)))


def shapes(schema):
    """Every named shape (kiểu dữ liệu) used, with its fields, for the operations' links."""
    components = schema.get("components", {}).get("schemas", {})
    used = _referenced(schema)
    return [
        {"name": name, "description": inline(shape.get("description", "")), "fields": fields(shape)}
        for name, shape in components.items()
        if name in used
    ]


@require_safe
def docs(request):
    schema = api.get_openapi_schema()
    context = {
        "title": schema["info"]["title"],
        "version": schema["info"]["version"],
        "intro": blocks(schema["info"].get("description", "")),
        "groups": groups(schema),
        "shapes": shapes(schema),
        "schema_url": reverse("api:openapi-json"),
    }
    return render(request, "api/docs.html", context)
