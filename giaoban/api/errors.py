"""Every API error answers in Vietnamese, in one documented shape.

    401, 403, 404 …  {"detail": "<thông báo>"}
    422               {"detail": [{"field": "limit", "location": "query",
                                   "message": "Số bản ghi mỗi trang (limit): …"}]}

Pydantic's English messages never reach the client: each error type is turned into a
Vietnamese sentence that starts with the field's label.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

# The label a user reads for each API field; the code name is kept in brackets so a
# developer finds the parameter.
LABELS = {
    "code": gettext_lazy("Mã đơn vị (code)"),
    "level": gettext_lazy("Cấp đơn vị (level)"),
    "parent": gettext_lazy("Mã đơn vị cấp trên (parent)"),
    "q": gettext_lazy("Từ khóa tìm kiếm (q)"),
    "active_on": gettext_lazy("Ngày hoạt động (active_on)"),
    "limit": gettext_lazy("Số bản ghi mỗi trang (limit)"),
    "offset": gettext_lazy("Vị trí bắt đầu (offset)"),
}

# Types raised by our own validators carry a message that is already Vietnamese.
OWN_ERROR_PREFIX = "giaoban_"


class ApiError(HttpError):
    """An error whose message is already written for the user."""


def label(field):
    return str(LABELS.get(field, field))


def field_error(field, message, location="query"):
    """A 422 for one field, raised from inside an endpoint (e.g. an unknown level code)."""
    return ValidationError(
        [{"field": field, "location": location, "message": f"{label(field)}: {message}"}]
    )


class StrictParser(Parser):
    """ninja's parser, refusing a parameter sent twice (`?limit=1&limit=500`): ninja would
    silently keep the last, and a caller would never learn which one counted."""

    def parse_querydict(self, data, list_fields, request):
        twice = [key for key in data if key not in list_fields and len(data.getlist(key)) > 1]
        location = "query" if data is request.GET else "form"
        if twice:
            raise ValidationError(
                [
                    {
                        "field": key,
                        "location": location,
                        "message": f"{label(key)}: {_('chỉ được gửi một lần.')}",
                    }
                    for key in twice
                ]
            )
        return super().parse_querydict(data, list_fields, request)


def _problem(error):
    """One pydantic error as a Vietnamese phrase (without the field label)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind.startswith(OWN_ERROR_PREFIX):
        return error["msg"]
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    simple = {
        "missing": _("bắt buộc phải có."),
        "int_parsing": _("phải là một số nguyên."),
        "int_type": _("phải là một số nguyên."),
        "int_from_float": _("phải là một số nguyên."),
        "float_parsing": _("phải là một số."),
        "bool_parsing": _("phải là true hoặc false."),
        "string_type": _("phải là một chuỗi ký tự."),
        "date_parsing": _("ngày không hợp lệ; dùng dạng dd/mm/yyyy hoặc yyyy-mm-dd."),
        "date_from_datetime_parsing": _("ngày không hợp lệ; dùng dạng dd/mm/yyyy hoặc yyyy-mm-dd."),
        "date_type": _("ngày không hợp lệ; dùng dạng dd/mm/yyyy hoặc yyyy-mm-dd."),
        "json_invalid": _("nội dung JSON không hợp lệ."),
        "dict_type": _("phải là một đối tượng JSON."),
        "model_attributes_type": _("phải là một đối tượng JSON."),
    }
    if kind in simple:
        return simple[kind]
    bounds = {
        "greater_than_equal": (_("phải lớn hơn hoặc bằng %(limit)s."), "ge"),
        "greater_than": (_("phải lớn hơn %(limit)s."), "gt"),
        "less_than_equal": (_("phải nhỏ hơn hoặc bằng %(limit)s."), "le"),
        "less_than": (_("phải nhỏ hơn %(limit)s."), "lt"),
        "string_too_long": (_("tối đa %(limit)s ký tự."), "max_length"),
        "string_too_short": (_("tối thiểu %(limit)s ký tự."), "min_length"),
    }
    if kind in bounds:
        template, key = bounds[kind]
        return template % {"limit": ctx.get(key, "?")}
    if kind in ("literal_error", "enum"):
        return _("phải là một trong: %(expected)s.") % {"expected": ctx.get("expected", "")}
    return _("giá trị không hợp lệ.")


def translate(error):
    """A ninja/pydantic error dict → {"field", "location", "message"} in Vietnamese."""
    if "message" in error:  # already ours (field_error)
        return error
    loc = [str(part) for part in error.get("loc", ())]
    location = loc[0] if loc else ""
    field = ".".join(loc[1:]) or location
    return {"field": field, "location": location, "message": f"{label(field)}: {_problem(error)}"}


def install(api):
    """Replace ninja's English handlers with Vietnamese ones."""

    def on_validation_error(request, exc):
        return api.create_response(
            request, {"detail": [translate(e) for e in exc.errors]}, status=422
        )

    def on_authentication_error(request, exc):
        response = api.create_response(
            request,
            {
                "detail": _(
                    "Đồng chí chưa đăng nhập: đăng nhập vào trang web hoặc gửi khóa API hợp lệ "
                    "trong tiêu đề Authorization: Bearer <khóa>."
                )
            },
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="giaoban"'
        return response

    def on_http_error(request, exc):
        if isinstance(exc, ApiError):
            message = exc.message
        else:
            by_status = {
                400: _("Yêu cầu không hợp lệ: không đọc được nội dung gửi lên."),
                403: _("Đồng chí không có quyền thực hiện thao tác này."),
                404: _("Không tìm thấy."),
                405: _("Phương thức không được hỗ trợ."),
                429: _("Quá nhiều yêu cầu; vui lòng thử lại sau."),
            }
            message = by_status.get(exc.status_code, _("Yêu cầu không hợp lệ."))
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    def on_not_found(request, exc):
        message = str(exc) or _("Không tìm thấy.")
        return api.create_response(request, {"detail": message}, status=404)

    def on_forbidden(request, exc):
        message = str(exc) or _("Đồng chí không có quyền thực hiện thao tác này.")
        return api.create_response(request, {"detail": message}, status=403)

    def on_too_big(request, exc):
        message = _(
            "Nội dung gửi lên quá lớn (tối đa %(size)s một lần): chia thành nhiều lần gửi, "
            "ví dụ mỗi lần một tỉnh."
        ) % {"size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
        return api.create_response(request, {"detail": message}, status=413)

    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
