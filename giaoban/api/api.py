"""The HTTP API (django-ninja): /api/, its OpenAPI document and its interactive docs.

The docs page and the schema are public (they describe shapes, never data); every data
endpoint needs a session or a bearer token and sees only the caller's subtree.
"""

from ninja import NinjaAPI, Swagger

from giaoban.api import accounts, errors, units
from giaoban.api.auth import API_AUTH

DESCRIPTION = """\
API của giaoban: cây đơn vị, quan hệ kế thừa và người dùng hiện tại.

**Xác thực**: phiên đăng nhập của trang web (cookie; các phương thức ghi cần tiêu đề
`X-CSRFToken`) hoặc khóa API trong tiêu đề `Authorization: Bearer <khóa>`.
Thiếu hoặc sai → 401.

**Phạm vi**: mỗi người dùng chỉ thấy cây đơn vị dưới đơn vị mình được giao vai trò;
đơn vị ngoài phạm vi trả về 404, giống như không tồn tại.

**Lỗi**: `{"detail": "<thông báo>"}`; lỗi dữ liệu vào trả 422 với
`{"detail": [{"field": "limit", "location": "query", "message": "…"}]}`, mỗi thông báo
bằng tiếng Việt và bắt đầu bằng tên trường.

**Ngày**: nhận dd/mm/yyyy hoặc yyyy-mm-dd; trả về yyyy-mm-dd (ISO 8601).
"""

api = NinjaAPI(
    title="giaoban API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=API_AUTH,
    # Served from ninja's bundled static files ("ninja" in INSTALLED_APPS), never a CDN;
    # no online validator badge either: the intranet has no internet.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)
api.add_router("", units.router)
api.add_router("", accounts.router)
api.add_router("", "giaoban.api.reports.router")
