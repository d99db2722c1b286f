"""The HTTP API (django-ninja): /api/ and its OpenAPI document.

The docs page (/api/docs, `giaoban.api.docs`) and the schema are public (they describe
shapes, never data); every data endpoint needs a session or a bearer token and sees only
the caller's subtree. ninja's own docs page (Swagger UI, in English) is turned off.
"""

from ninja import NinjaAPI

from giaoban.api import (
    accounts,
    activities,
    campaigns,
    conferences,
    document_writes,
    documents,
    errors,
    units,
)
from giaoban.api.auth import API_AUTH

# document_writes adds the drafting, review and issue operations to documents.router.
assert document_writes.router is documents.router

# Markdown, as OpenAPI tools read it; the docs page renders the same text.
DESCRIPTION = """\
API của giaoban cho các phần mềm khác (máy tổng hợp số liệu, bảng tin nội bộ): cây đơn vị \
và quan hệ kế thừa, người dùng hiện tại, báo cáo định kỳ — nhập số liệu của nhiều đơn vị \
một lần, đọc báo cáo, ký gửi, chấp nhận, trả lại, mở lại, số liệu tổng hợp và tiến độ gửi \
báo cáo —, văn bản chỉ đạo — văn bản đến, văn bản đi, soạn, gửi thẩm định, ban hành, đơn vị \
nhận và tình trạng thực hiện — và nhật ký hoạt động — ghi một hoặc nhiều hoạt động \
một lần. Tài liệu dạng OpenAPI (JSON) cho công cụ ở `/api/openapi.json`.

## Xác thực

- **Phiên đăng nhập** của trang web (cookie): các yêu cầu ghi (POST) phải kèm tiêu đề \
`X-CSRFToken` mang giá trị cookie `csrftoken`; thiếu hoặc sai → 403.
- **Khóa API** trong tiêu đề `Authorization: Bearer <khóa>`. Khóa được cấp ở trang \
Cá nhân (mục Khóa truy cập API), có thể đặt ngày hết hạn và thu hồi bất cứ lúc nào; \
khóa mang đúng quyền của người được cấp. Khóa sai, đã thu hồi hoặc hết hạn bị từ chối \
ngay, kể cả khi yêu cầu có kèm cookie.
- Không xác thực được → 401.

## Phạm vi

Mỗi người dùng chỉ thấy cây đơn vị dưới các đơn vị mình được giao vai trò. Đơn vị hoặc \
báo cáo ngoài phạm vi trả về 404, giống hệt như không tồn tại; trong phạm vi nhưng vai \
trò không cho phép thao tác → 403.

## Lỗi

Mọi lỗi có dạng `{"detail": "<thông báo>"}`, thông báo bằng tiếng Việt. Dữ liệu vào không \
hợp lệ → 422 với một danh sách, mỗi lỗi một mục: \
`{"detail": [{"field": "limit", "location": "query", "message": "Số bản ghi mỗi trang \
(limit): phải nhỏ hơn hoặc bằng 500."}]}`. `location` là `path`, `query` hoặc `body`; \
mỗi thông báo bắt đầu bằng tên trường. Lỗi của việc nhập số liệu nhiều đơn vị có thêm \
`index` (vị trí mục trong `items`, từ 0) và `unit` (mã đơn vị).

## Ngày, số, phân trang

- Ngày gửi lên dạng dd/mm/yyyy hoặc yyyy-mm-dd; ngày trả về dạng yyyy-mm-dd, thời điểm \
dạng ISO 8601 có múi giờ.
- Số trả về là số JSON: số nguyên khi tròn, số thực khi có phần lẻ (lưu tối đa bốn chữ số \
thập phân). Số gửi lên là số JSON hoặc chuỗi viết theo kiểu Việt Nam: `"1.234"` (dấu chấm \
ngăn cách hàng nghìn), `"95,5"` (dấu phẩy thập phân).
- Danh sách dài được chia trang bằng `limit` và `offset`; `total` là tổng số dòng.

## Báo cáo định kỳ

Mẫu báo cáo được gọi bằng mã (ví dụ `CTD-CTCT-6T`); kỳ bằng khóa đúng loại kỳ của mẫu: \
`2026-M06` (tháng), `2026-Q2` (quý), `2026-H1` hoặc `2026-H2` (6 tháng), `2026-9M` \
(9 tháng), `2026-Y` (năm).

- **Nhập số liệu nhiều đơn vị** (`POST /api/reports/{form}/{period}/values`): số liệu và \
thuyết minh của nhiều đơn vị trong một yêu cầu, **tất cả hoặc không gì cả** — một lỗi ở \
bất kỳ mục nào thì không ghi gì, và 422 liệt kê mọi lỗi. `"dry_run": true` kiểm tra đầy đủ \
và trả kết quả như thật nhưng không ghi. Báo cáo đã gửi hoặc đã chấp nhận không bị ghi đè.
- **Đọc một báo cáo** (`GET /api/reports/{form}/{period}/{code}`): trạng thái, hạn gửi, \
số liệu, thuyết minh, kết quả kiểm tra theo quy tắc của mẫu, lịch sử chuyển trạng thái.
- **Quy trình**: `…/submit` (lãnh đạo đơn vị ký gửi lên cấp trên), `…/accept` (lãnh đạo \
cấp trên chấp nhận), `…/return` và `…/reopen` (lãnh đạo cấp trên trả lại báo cáo đã gửi, \
mở lại báo cáo đã chấp nhận; bắt buộc ghi lý do: `{"reason": "…"}`). Vai trò không cho \
phép → 403; trạng thái không cho phép → 409; báo cáo còn lỗi theo quy tắc của mẫu → 422.
- **Tổng hợp** (`GET /api/rollups/{form}/{period}/{code}`): mỗi chỉ tiêu trên toàn cây dưới \
đơn vị, cập nhật ngay khi báo cáo được chấp nhận (`mode`: `accepted` chỉ tính báo cáo đã \
chấp nhận, `counted` tính cả báo cáo đã gửi chờ duyệt; mặc định theo mẫu), cùng số \
liệu kỳ trước và cùng kỳ năm trước (qua quan hệ kế thừa khi cây đơn vị đã \
thay đổi). Tỷ lệ tăng/giảm chỉ được tính khi so sánh tương đương: nếu có đơn vị chưa báo \
cáo, chỉ so trên các đơn vị trực thuộc đã có đủ báo cáo ở mọi kỳ được so sánh (cùng những \
đơn vị ấy ở cả hai bên); không so sánh trung thực được thì là `null`. `comparison_basis` \
nói rõ đã so sánh trên cơ sở nào.
- **Tiến độ** (`GET /api/completeness/{form}/{period}/{code}`): số đơn vị phải báo cáo, \
đang soạn, đã gửi, đã chấp nhận, bị trả lại, chưa gửi, gửi trễ — của cả cây và của từng \
đơn vị trực thuộc; danh sách đơn vị chưa gửi, kèm hạn của từng đơn vị, ở `…/missing`.

## Văn bản chỉ đạo

Văn bản được gọi bằng mã số (`id`); số, ký hiệu (`15-NQ/ĐU`, `12/KH-CAT`) chỉ có từ khi \
ban hành. Dự thảo và văn bản chờ thẩm định chỉ hiện với người soạn (cán bộ) và người duyệt \
(lãnh đạo) ở đơn vị ban hành hoặc cấp trên; văn bản đã ban hành hiện với phạm vi của đơn vị \
ban hành và với các đơn vị nhận (cùng cấp trên của chúng).

- **Danh sách** (`GET /api/documents`): `box=incoming` (văn bản đến của một đơn vị, với việc \
còn phải làm, hạn gần nhất trước), `box=outgoing` (văn bản đi, với tiến độ của các đơn vị \
nhận), `box=all` (tra cứu); lọc theo loại (`kind`: mã số hoặc chữ viết tắt, danh mục ở \
`GET /api/document-kinds`), cơ quan ban hành (`body`: party/state), năm, trạng thái, đang có \
hiệu lực; tìm `q` không phân biệt dấu (“quan triet” tìm được “quán triệt”).
- **Một văn bản** (`GET /api/documents/{pk}`): thông tin, nội dung, liên kết cả hai chiều \
(sửa đổi, bổ sung; thay thế; bãi bỏ; triển khai), việc đơn vị nhận phải làm và hạn, tổng \
hợp tiến độ theo từng đơn vị trực thuộc.
- **Soạn, gửi thẩm định, ban hành**: `POST /api/documents` (dự thảo, với nơi nhận và hạn \
quán triệt D1, kế hoạch D2, báo cáo D3), `POST …/{pk}/send` (cán bộ gửi thẩm định), \
`POST …/{pk}/issue` (lãnh đạo đơn vị ban hành: cấp số, xác định đơn vị nhận vào ngày ban \
hành). Vai trò không cho phép → 403; trạng thái không cho phép (ban hành lần hai) → 409; \
hạn trước ngày ban hành, quy tắc nơi nhận không chọn được đơn vị nào → 422 nêu trường. \
Hạn muộn hơn hạn của văn bản cấp trên là cảnh báo (`warnings`), không chặn việc ghi.
- **Đơn vị nhận** (`GET /api/documents/{pk}/recipients`): từng đơn vị nhận trong phạm vi \
của đồng chí, tình trạng từng việc theo ma trận theo dõi nhiệm vụ (`on_time` đúng hạn, \
`late` quá hạn mới làm, `pending` còn hạn, `overdue` quá hạn chưa làm) — tính từ hồ sơ, \
không đánh dấu tay — lọc theo tình trạng, phân trang, và tổng hợp theo từng cây tại `node`.

## Nhật ký hoạt động

- **Danh sách** (`GET /api/activities`): lọc theo đơn vị (cả cấp dưới hay không), loại \
(danh mục ở `GET /api/activity-kinds`), khoảng ngày, văn bản được quán triệt, từ khóa \
không dấu.
- **Ghi một hoạt động** (`POST /api/activities`): ngày, loại, tên, hình thức, số người tham \
dự — **chỉ số đếm, không bao giờ ghi tên** —, ghi chú, và văn bản đơn vị đã nhận nếu đó \
là một buổi quán triệt (việc quán triệt của đơn vị được tính từ các buổi này).
- **Ghi nhiều hoạt động** (`POST /api/activities/bulk`): **tất cả hoặc không gì cả**, như \
nhập số liệu báo cáo — một lỗi ở bất kỳ mục nào thì không ghi gì, 422 liệt kê mọi lỗi với \
`index`, `unit` và `field`; `"dry_run": true` chỉ kiểm tra.

## Hội nghị giao ban

- **Hội nghị** (`GET /api/conferences`, `GET /api/conferences/{pk}`): chương trình, đơn vị \
dự và điểm danh, tham luận, biên bản, kết luận và nhiệm vụ giao theo từng kết luận — đơn vị \
dự, tham luận, nhiệm vụ chỉ gồm những gì trong phạm vi của đồng chí.
- **Nhiệm vụ** (`GET /api/tasks`, `GET /api/tasks/{pk}`): nhiệm vụ của đơn vị (`tab=unit`) \
hoặc đơn vị giao (`tab=assigned`), tình hình thực hiện theo ma trận theo dõi nhiệm vụ, tổng \
hợp theo cây; `POST …/{pk}/progress` (cán bộ đơn vị báo cáo tiến độ, minh chứng là văn bản, \
hoạt động, báo cáo của chính đơn vị), `…/done` (lãnh đạo đơn vị báo hoàn thành), \
`…/accept` và `…/return` (lãnh đạo đơn vị giao nghiệm thu hoặc trả lại kèm lý do).
- **Báo cáo tổng hợp** (`GET /api/consolidations/{pk}`): cấu trúc đã tổng hợp dạng JSON \
(đọc, không ghi gì); `POST …/{pk}/docx`: tệp Word, lần xuất được ghi lại.

## Đợt sinh hoạt chính trị

- **Đợt** (`GET /api/campaigns`, `GET /api/campaigns/{campaign}`): đơn vị phát động, kế \
hoạch phát động trong sổ văn bản, các giai đoạn và các yêu cầu theo cấp, mỗi yêu cầu được \
đáp ứng bằng hồ sơ — hoạt động đúng loại gắn với kế hoạch của đợt, văn bản triển khai kế \
hoạch, báo cáo kết quả —, không bao giờ bằng đánh dấu tay.
- **Tiến độ theo cây** (`GET /api/campaigns/{campaign}/progress`): tại đơn vị gốc `node`, \
yêu cầu của chính nó (đã đáp ứng x trên y) và từng đơn vị trực thuộc: yêu cầu của chính \
đơn vị ấy, các đơn vị dưới nó hoàn thành x trên y, chậm z.
- **Tiến độ một đơn vị** (`GET /api/campaigns/{campaign}/units/{code}`): từng yêu cầu với \
tình trạng theo ma trận theo dõi nhiệm vụ, ngày đáp ứng và hồ sơ đáp ứng. Một tỉnh chỉ \
đọc được tiến độ của cây đơn vị mình; đơn vị ngoài phạm vi → 404.
"""

api = NinjaAPI(
    title="giaoban API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=API_AUTH,
    # The app serves its own Vietnamese docs page at /api/docs (giaoban/api/urls.py).
    docs_url=None,
    parser=errors.StrictParser(),
)
errors.install(api)
api.add_router("", units.router)
api.add_router("", accounts.router)
api.add_router("", "giaoban.api.reports.router")
api.add_router("", documents.router)  # with document_writes' operations
api.add_router("", activities.router)
api.add_router("", conferences.router)
api.add_router("", campaigns.router)
