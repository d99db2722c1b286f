"""Bad input comes back as 4xx with a Vietnamese message naming the field — never a 500."""

import pytest


def errors(response):
    assert response.status_code == 422, response.content
    return {e["field"]: e for e in response.json()["detail"]}


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"limit": -1}, "limit", "Số bản ghi mỗi trang (limit): phải lớn hơn hoặc bằng 1."),
        ({"limit": 0}, "limit", "Số bản ghi mỗi trang (limit): phải lớn hơn hoặc bằng 1."),
        ({"limit": 501}, "limit", "Số bản ghi mỗi trang (limit): phải nhỏ hơn hoặc bằng 500."),
        ({"limit": "mười"}, "limit", "Số bản ghi mỗi trang (limit): phải là một số nguyên."),
        ({"offset": -5}, "offset", "Vị trí bắt đầu (offset): phải lớn hơn hoặc bằng 0."),
        ({"offset": 10**30}, "offset", "Vị trí bắt đầu (offset): phải nhỏ hơn hoặc bằng "),
        ({"active_on": "31/02/2025"}, "active_on", "Ngày hoạt động (active_on): ngày không hợp lệ"),
        ({"active_on": "2025-13-01"}, "active_on", "Ngày hoạt động (active_on): ngày không hợp lệ"),
        ({"active_on": "hôm qua"}, "active_on", "Ngày hoạt động (active_on): ngày không hợp lệ"),
        ({"level": "zz"}, "level", "Cấp đơn vị (level): không có cấp “zz”; các cấp hiện có: bo,"),
        ({"level": "tỉnh"}, "level", "Cấp đơn vị (level): mã cấp chỉ gồm"),
        ({"parent": "T 19"}, "parent", "Mã đơn vị cấp trên (parent): mã đơn vị chỉ gồm"),
        ({"parent": "\x00"}, "parent", "Mã đơn vị cấp trên (parent): mã đơn vị chỉ gồm"),
        ({"q": "a\x00b"}, "q", "Từ khóa tìm kiếm (q): chứa ký tự điều khiển không hợp lệ."),
        ({"q": "x" * 201}, "q", "Từ khóa tìm kiếm (q): tối đa 200 ký tự."),
    ],
)
def test_a_bad_filter_is_named_in_vietnamese(cast, as_user, params, field, message):
    error = errors(as_user(cast.officer_a).get("/api/units", params))[field]
    assert error["message"].startswith(message)
    assert error["location"] == "query"


def test_every_bad_field_is_reported_at_once(cast, as_user):
    found = errors(
        as_user(cast.officer_a).get("/api/units", {"limit": -1, "offset": "x", "active_on": "x"})
    )
    assert set(found) == {"limit", "offset", "active_on"}


def test_a_parameter_sent_twice_is_refused_not_guessed(cast, as_user):
    client = as_user(cast.officer_a)
    found = errors(client.get("/api/units?limit=1&limit=500&level=xa&level=tinh&offset=0"))
    assert set(found) == {"limit", "level"}
    assert found["limit"]["message"] == "Số bản ghi mỗi trang (limit): chỉ được gửi một lần."
    assert found["level"]["location"] == "query"
    assert client.get("/api/units?limit=1").status_code == 200


@pytest.mark.parametrize("code", ["%00", "T%2019", "Đ19", "X" * 31])
def test_a_malformed_code_in_the_path_is_named(cast, as_user, code):
    error = errors(as_user(cast.officer_a).get(f"/api/units/{code}"))["code"]
    assert error["location"] == "path"
    assert error["message"].startswith("Mã đơn vị (code): mã đơn vị chỉ gồm chữ in hoa")


def test_both_date_forms_are_accepted(cast, as_user):
    client = as_user(cast.officer_a)
    for day in ["01/07/2025", "2025-07-01", " 1/7/2025 "]:
        assert client.get("/api/units", {"active_on": day}).status_code == 200, day


def test_an_empty_search_is_no_filter(cast, as_user):
    response = as_user(cast.officer_a).get("/api/units", {"q": "   "})
    assert response.json()["total"] == 3


@pytest.mark.parametrize("q", ["%", "_", "'; drop table units_unit; --", "\\", "😀", "đ"])
def test_odd_search_text_never_breaks(cast, as_user, q):
    response = as_user(cast.officer_a).get("/api/units", {"q": q})
    assert response.status_code == 200
    assert response.json()["total"] == (3 if q == "đ" else 0)
