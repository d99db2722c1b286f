"""Shapes of what the API accepts and returns.

Input types validate with Vietnamese messages of their own (error types prefixed
"giaoban_", passed through untouched by `errors.translate`).
"""

import datetime
import functools
import re
import unicodedata
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from giaoban.units.models import CODE_RE

LEVEL_RE = re.compile(r"^[a-z0-9_-]{1,20}$")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
MAX_LIMIT = 500


def _own_error(kind, message):
    # Braces would be read as pydantic placeholders; our messages never need them.
    return PydanticCustomError(f"giaoban_{kind}", message.replace("{", "(").replace("}", ")"))


def parse_date(value):
    """dd/mm/yyyy (how users write dates) or yyyy-mm-dd (ISO 8601)."""
    if isinstance(value, datetime.datetime):
        raise _own_error("date", _("phải là một ngày, không kèm giờ."))
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise _own_error(
        "date",
        _("ngày không hợp lệ; dùng dạng dd/mm/yyyy (ví dụ 01/07/2025) hoặc yyyy-mm-dd."),
    )


def parse_unit_code(value):
    code = str(value).strip().upper()
    if not CODE_RE.match(code):
        raise _own_error(
            "code",
            _(
                "mã đơn vị chỉ gồm chữ in hoa không dấu, chữ số, dấu chấm, gạch ngang, "
                "gạch dưới (tối đa 30 ký tự)."
            ),
        )
    return code


def parse_level_code(value):
    code = str(value).strip().lower()
    if not LEVEL_RE.match(code):
        raise _own_error(
            "level", _("mã cấp chỉ gồm chữ thường không dấu, chữ số, gạch ngang (tối đa 20).")
        )
    return code


def parse_search_text(value):
    text = unicodedata.normalize("NFC", str(value)).strip()
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise _own_error("text", _("chứa ký tự điều khiển không hợp lệ."))
    if len(text) > 200:
        raise _own_error("text", _("tối đa 200 ký tự."))
    return text


def parse_key(value, max_length):
    text = unicodedata.normalize("NFC", str(value)).strip()
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        # PostgreSQL refuses NUL in any text: a filter holding one must not reach a query.
        raise _own_error("key", _("chứa ký tự điều khiển không hợp lệ."))
    if len(text) > max_length:
        raise _own_error("key", _("tối đa %(count)s ký tự.") % {"count": max_length})
    return text


# Text without control characters (the JSON schema's pattern).
NO_CONTROLS = r"^[^\u0000-\u001f\u007f-\u009f]*$"


def key_text(max_length):
    """A code or key a list is filtered on (a report form's code, a period's key), at most
    `max_length` characters, without control characters."""
    return Annotated[
        str,
        BeforeValidator(functools.partial(parse_key, max_length=max_length)),
        WithJsonSchema({"type": "string", "maxLength": max_length, "pattern": NO_CONTROLS}),
    ]


# The documented schemas say what the validators accept, so a client (or schemathesis)
# knows a well-formed value before sending it; case is folded by the validators.
ApiDate = Annotated[datetime.date, BeforeValidator(parse_date)]
UnitCode = Annotated[
    str,
    BeforeValidator(parse_unit_code),
    WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$"}),
]
LevelCode = Annotated[
    str,
    BeforeValidator(parse_level_code),
    WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,20}$"}),
]
SearchText = Annotated[
    str,
    BeforeValidator(parse_search_text),
    WithJsonSchema({"type": "string", "maxLength": 200, "pattern": NO_CONTROLS}),
]


class UnitFilters(Schema):
    level: LevelCode | None = Field(
        None, description="Mã cấp đơn vị: bo, cuc, tinh, huyen, xa (các cấp là dữ liệu)."
    )
    parent: UnitCode | None = Field(None, description="Mã đơn vị cấp trên trực tiếp.")
    q: SearchText | None = Field(
        None,
        description="Tìm theo mã, tên, tổ chức đảng, chỉ huy; không phân biệt dấu và hoa/thường.",
    )
    active_on: ApiDate | None = Field(
        None, description="Chỉ các đơn vị hoạt động vào ngày này (dd/mm/yyyy hoặc yyyy-mm-dd)."
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số bản ghi mỗi trang (1–500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Bỏ qua bấy nhiêu bản ghi đầu.")


class UnitRef(Schema):
    code: str
    name: str
    short_name: str


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    level: str = Field(description="Mã cấp đơn vị.")
    level_name: str
    parent_code: str | None
    depth: int
    active_from: datetime.date | None
    active_to: datetime.date | None


class UnitPage(Schema):
    total: int = Field(description="Tổng số đơn vị khớp bộ lọc (trong phạm vi của đồng chí).")
    limit: int
    offset: int
    items: list[UnitOut]


class UnitDetail(UnitOut):
    parent_name: str | None
    party_name: str = Field(description="Tổ chức đảng (cấp ủy) của đơn vị.")
    command_name: str = Field(description="Chỉ huy (lãnh đạo) của đơn vị.")
    is_active: bool = Field(description="Đơn vị đang hoạt động hôm nay.")
    children_count: int


class LineageLink(Schema):
    kind: str = Field(description="merge, split, rename hoặc move.")
    kind_name: str
    date: datetime.date
    share: float = Field(description="Tỷ lệ số liệu của đơn vị cũ mà đơn vị mới kế thừa (0–1).")
    unit: UnitRef = Field(description="Đơn vị ở đầu kia của quan hệ.")
    in_scope: bool = Field(description="Đồng chí có quyền xem đơn vị ở đầu kia hay không.")
    note: str


class MoveOut(Schema):
    date: datetime.date
    old_parent_code: str | None
    new_parent_code: str | None
    note: str


class LineageOut(Schema):
    unit: UnitRef
    predecessors: list[LineageLink] = Field(description="Các đơn vị cũ đã trở thành đơn vị này.")
    successors: list[LineageLink] = Field(description="Các đơn vị mới kế thừa đơn vị này.")
    moves: list[MoveOut] = Field(description="Các lần chuyển sang cấp trên khác.")


class RoleOut(Schema):
    role: str
    role_name: str
    unit: UnitRef


class MeOut(Schema):
    username: str
    full_name: str
    position: str
    unit: UnitRef | None
    roles: list[RoleOut]
    auth: str = Field(description="session hoặc token: cách yêu cầu này được xác thực.")


class ErrorOut(Schema):
    detail: str = Field(description="Thông báo lỗi bằng tiếng Việt.")


class FieldErrorOut(Schema):
    field: str = Field(description="Tên tham số sai, ví dụ limit.")
    location: str = Field(description="query, path, body hoặc header.")
    message: str = Field(description="Thông báo tiếng Việt, bắt đầu bằng tên trường.")


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]
