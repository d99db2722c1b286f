"""A NUL in a form code of the reports API's paths: no such form (404), not a server error.

PostgreSQL refuses NUL in any text it is sent; no form's code holds one (found by
tests/api/test_api_fuzz.py). In a file of its own: test_reports_api.py is at the size limit.
"""

import pytest

from tests.api.conftest import token_client
from tests.api.test_reports_api import KEY, form, post  # noqa: F401 — `form` is a fixture


@pytest.mark.parametrize(
    "path", ["reports/{}/{}/X05500", "rollups/{}/{}/T19", "completeness/{}/{}/T19"]
)
def test_a_form_code_with_a_nul_is_no_such_form_not_a_server_error(form, cast, path):  # noqa: F811
    response = token_client(cast.officer_a).get("/api/" + path.format("CTD%00", KEY))
    assert response.status_code == 404
    assert response.json()["detail"] == "Không có mẫu báo cáo “CTD\x00”."
    response = post(
        token_client(cast.officer_a), f"/api/reports/CTD%00/{KEY}/values", {"items": []}
    )
    assert response.status_code == 404
