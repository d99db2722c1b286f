"""The ministry consolidating 2026-H1 of the demo form: Thái Nguyên (T19) sent its report
and the ministry accepted it, Hà Nội (T01) sent its report, the department (CTDCT) has
none; Thái Nguyên's commune A1 sent and was accepted by the province."""

import datetime

import pytest

from giaoban.reports import workflow
from giaoban.reports.demo_form import ensure_demo_form
from tests.conftest import make_user
from tests.reports.conftest import GOOD

KEY = "2026-H1"
TODAY = datetime.date(2026, 7, 1)
KQ_A = (
    "Tổ chức quán triệt Nghị quyết cho 100% cán bộ (số liệu thử nghiệm). Đã có 12 buổi "
    "sinh hoạt chuyên đề.\nPhong trào thi đua được duy trì."
)
HC_A = "Một số chi bộ sinh hoạt chưa đều. Việc ghi chép còn chậm."
KQ_B = "Hoàn thành kế hoạch 6 tháng (số liệu thử nghiệm). Dân vận có nhiều mô hình hay."


@pytest.fixture
def form(cast):
    return ensure_demo_form()


@pytest.fixture
def ministry_leader(cast):
    return make_user("ministry_leader", cast.root, "leader")


@pytest.fixture
def leader_b(cast):
    return make_user("leader_b", cast.province_b, "leader")


def send(form, unit, officer, leader, texts, values=GOOD, key=KEY):
    report = workflow.open_report(form, unit, key, officer)
    workflow.save_entries(report, officer, values, texts)
    workflow.submit(report, leader)
    return report


@pytest.fixture
def sent(cast, form, ministry_leader, leader_b):
    """{code: report} of the reports sent up for 2026-H1."""
    a1 = send(
        form, cast.commune_a1, cast.officer_a, cast.commune_leader, {"KQ": "Xã A1.", "PH": "x"}
    )
    workflow.accept(a1, cast.leader_a)
    t19 = send(
        form,
        cast.province_a,
        cast.officer_a,
        cast.leader_a,
        {"KQ": KQ_A, "HC": HC_A, "PH": "Tiếp tục."},
    )
    workflow.accept(t19, ministry_leader)
    t01 = send(form, cast.province_b, cast.officer_b, leader_b, {"KQ": KQ_B, "PH": "Tiếp tục."})
    return {"X05500": a1, "T19": t19, "T01": t01}
