"""The task list and the task page, by role and scope: what each user reads, what each may
do, the refusals (a message beside the field, 400; 403; 409; out of scope 404) and that
nothing is half-written."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from giaoban.conferences import services, tasks
from giaoban.conferences.models import Progress, ProgressFile, Task
from tests import dbstate
from tests.conferences.test_tasks import KEY, PDF, activity_of, hold, stored_files

DAY = datetime.timedelta(days=1)
LIST = reverse("conferences:tasks")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def scene(cast, ministry_leader):
    return hold(cast, ministry_leader)


def page(client, user, url, data=None):
    client.force_login(user)
    return client.get(url, data or {})


def task_url(task, name="conferences:task"):
    return reverse(name, kwargs={"pk": task.pk})


def text(response):
    return response.content.decode()


def post(client, user, task, name, data=None):
    client.force_login(user)
    return client.post(task_url(task, name), data or {})


# ------------------------------------------------------------------ the list


def test_the_units_list_shows_its_tasks_and_counts(client, cast, scene):
    response = page(client, cast.officer_a, LIST)
    assert response.status_code == 200
    body = text(response)
    assert "Nhiệm vụ của đơn vị" in body and "Nhiệm vụ đơn vị giao" in body
    assert task_url(scene.task_a) in body and task_url(scene.task_b) not in body
    assert "Hà Nội" not in body
    assert "Chưa thực hiện, còn hạn" in body and "còn 20 ngày" in body
    rows = response.context["rows"]
    assert [t.pk for t in rows] == [scene.task_a.pk]


def test_the_ministry_reads_a_row_per_province_and_each_count_links(client, cast, scene):
    response = page(client, cast.ministry_officer, LIST, {"tab": "assigned"})
    assert response.status_code == 200
    table = response.context["table"]
    assert [(r["unit"].code, r["counts"][0][1]) for r in table] == [("T01", 1), ("T19", 1)]
    label, n, url = table[1]["counts"][3]  # T19, "Chưa thực hiện, còn hạn"
    assert (label, n) == ("Chưa thực hiện, còn hạn", 1)
    assert "owner=T19" in url and "standing=pending" in url and "tab=assigned" in url
    filtered = client.get(url)
    assert [t.pk for t in filtered.context["rows"]] == [scene.task_a.pk]
    # The node moves to the province: its own row, no commune has tasks.
    assert [r["itself"] for r in filtered.context["table"]] == [True]


def test_filters_by_standing_status_conference_and_words(client, cast, scene):
    client.force_login(cast.ministry_officer)
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.")
    tasks.mark_done(cast.leader_a, scene.task_a)

    def listed(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.context["form"].errors
        return {t.unit.code for t in response.context["rows"]}

    assert listed(standing="on_time") == {"T19"}
    assert listed(standing="owed") == {"T01"}
    assert listed(standing="overdue") == set()
    assert listed(status="done") == {"T19"}
    assert listed(conference=scene.conference.pk) == {"T19", "T01"}
    assert listed(q="quan triet nghi quyet") == {"T19", "T01"}  # without diacritics
    assert listed(q="ha noi") == {"T01"}  # the unit's name
    assert listed(q="giao ban") == {"T19", "T01"}  # the conference's title
    assert listed(q="khong co dau") == set()


def test_bad_filters_are_refused_in_vietnamese(client, cast, scene):
    for params, says in (
        ({"standing": "soon"}, "Tình hình thực hiện: Giá trị “soon” không có"),
        ({"tab": "x"}, "không có trong danh sách"),
        ({"conference": "abc"}, "Hội nghị:"),
        ({"owner": "X00004"}, "Đơn vị thực hiện: Không có đơn vị nào khớp “X00004”"),
    ):
        response = page(client, cast.officer_a, LIST, params)
        assert response.status_code == 400, params
        assert says in text(response) or says in str(response.context["form"].errors), params
        assert list(response.context["rows"]) == []
    response = page(client, cast.ministry_officer, LIST, {"unit": "T19", "owner": "T01"})
    assert response.status_code == 400
    assert "Công an thành phố Hà Nội không thuộc Công an tỉnh Thái Nguyên." in text(response)


def test_the_province_sees_the_tasks_it_gave_its_communes(client, cast, scene):
    conference = services.create(cast.officer_a, cast.province_a, scene.form, KEY, scene.today)
    conclusion = services.add_conclusion(cast.officer_a, conference, "Các xã hoàn thành.")
    tasks.assign(cast.officer_a, conclusion, scene.today + DAY, units=[cast.commune_a1])
    response = page(client, cast.officer_a, LIST, {"tab": "assigned"})
    assert [t.unit.code for t in response.context["rows"]] == ["X05500"]
    response = page(client, cast.officer_a, LIST)
    assert [r["unit"].code for r in response.context["table"]] == ["T19", "X05500"]
    assert response.context["table"][0]["itself"]
    response = page(client, cast.commune_officer, LIST)
    assert [t.unit.code for t in response.context["rows"]] == ["X05500"]
    assert "Thái Nguyên giao" in text(response)


def test_the_list_is_paged_in_the_database(client, cast, scene):
    conference = services.create(cast.ministry_officer, cast.root, scene.form, KEY, scene.today)
    for n in range(30):
        conclusion = services.add_conclusion(cast.ministry_officer, conference, f"Kết luận {n}.")
        tasks.assign(
            cast.ministry_officer, conclusion, scene.today + n * DAY, units=[cast.province_a]
        )
    response = page(client, cast.ministry_officer, LIST, {"unit": "BCA"})
    assert response.context["page"].paginator.count == 32
    assert len(response.context["rows"]) == 32  # within one page of 50
    deadlines = [t.deadline for t in response.context["rows"]]
    assert deadlines == sorted(deadlines)


# ------------------------------------------------------------------ the task page


def test_the_task_page_tells_everything_about_the_task(client, cast, scene):
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã ban hành.", "document", scene.plan.pk)
    response = page(client, cast.leader_a, task_url(scene.task_a))
    assert response.status_code == 200
    body = text(response)
    assert scene.conference.title in body
    assert reverse("conferences:conference", kwargs={"pk": scene.conference.pk}) in body
    assert "Bộ Công an" in body and "Công an tỉnh Thái Nguyên" in body
    assert "Kế hoạch triển khai và báo cáo kết quả quán triệt." in body
    assert str(Task.Status.OPEN.label) in body and "Chưa thực hiện, còn hạn" in body
    assert reverse("documents:detail", kwargs={"pk": scene.plan.pk}) in body
    assert scene.plan.symbol in body
    assert task_url(scene.task_a, "conferences:task_done") in body  # the leader's action
    assert task_url(scene.task_a, "conferences:task_progress") not in body
    assert "Hà Nội" not in body


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("officer_a", ["conferences:task_progress"]),
        ("leader_a", ["conferences:task_done"]),
        ("ministry_officer", []),
    ],
)
def test_each_role_is_offered_its_actions(client, cast, scene, who, sees):
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.")
    body = text(page(client, getattr(cast, who), task_url(scene.task_a)))
    for name in ("conferences:task_progress", "conferences:task_done", "conferences:task_accept"):
        assert (task_url(scene.task_a, name) in body) == (name in sees), (who, name)


@pytest.mark.parametrize("who", ["officer_b", "commune_officer"])
def test_out_of_scope_a_task_is_missing(client, cast, scene, who):
    user = getattr(cast, who)
    assert page(client, user, task_url(scene.task_a)).status_code == 404
    for name in ("task_progress", "task_done", "task_accept", "task_return"):
        response = post(client, user, scene.task_a, f"conferences:{name}", {"text": "x"})
        assert response.status_code == 404, name
    assert not Progress.objects.exists() and fresh_status(scene.task_a) == Task.Status.OPEN


def fresh_status(task):
    return Task.objects.get(pk=task.pk).status


def test_a_get_on_an_action_writes_nothing(client, cast, scene):
    for name in ("task_progress", "task_done", "task_accept", "task_return"):
        url = task_url(scene.task_a, f"conferences:{name}")
        assert page(client, cast.officer_a, url).status_code == 405


# ------------------------------------------------------------------ acting from the page


def test_the_officer_reports_progress_with_evidence_and_a_file(
    client, cast, scene, ministry_leader
):
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    data = {"text": "Đã quán triệt.", "evidence": f"document:{scene.plan.pk}", "files": [upload]}
    response = post(client, cast.officer_a, scene.task_a, "conferences:task_progress", data)
    assert response.status_code == 302 and response["Location"] == task_url(scene.task_a)
    progress = Progress.objects.get()
    assert progress.evidence_document == scene.plan and progress.created_by == cast.officer_a
    body = text(client.get(task_url(scene.task_a)))
    assert "Đã ghi báo cáo tiến độ" in body and "Đã quán triệt." in body
    (kept,) = ProgressFile.objects.all()
    download = client.get(reverse("conferences:task_file", kwargs={"pk": kept.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    client.force_login(cast.officer_b)
    assert client.get(reverse("conferences:task_file", kwargs={"pk": kept.pk})).status_code == 404
    client.force_login(ministry_leader)
    assert client.get(reverse("conferences:task_file", kwargs={"pk": kept.pk})).status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"text": ""}, "text", "Nội dung báo cáo tiến độ là bắt buộc."),
        ({"text": "Đã\x00 làm"}, "text", "ký tự rỗng (NUL)"),
        ({"text": "Đã làm.", "evidence": "photo:1"}, "evidence", "Loại minh chứng"),
        ({"text": "Đã làm.", "evidence": "document:99999"}, "evidence", "của chính"),
    ],
)
def test_a_bad_progress_report_is_refused_beside_its_field(client, cast, scene, data, field, says):
    response = post(client, cast.officer_a, scene.task_a, "conferences:task_progress", data)
    assert response.status_code == 400
    form = response.context["progress_form"]
    assert any(says in e for e in form.errors[field]), form.errors
    assert says in text(response)
    assert not Progress.objects.exists()


def test_another_units_record_or_a_bad_file_writes_nothing(client, cast, scene, settings):
    theirs = activity_of(cast.officer_b, cast.province_b)
    data = {"text": "Đã làm.", "evidence": f"activity:{theirs.pk}"}
    response = post(client, cast.officer_a, scene.task_a, "conferences:task_progress", data)
    assert response.status_code == 400
    said = "Minh chứng: Minh chứng phải là văn bản, hoạt động hoặc báo cáo của chính Công an tỉnh"
    assert said in text(response)
    fake = SimpleUploadedFile("ket-qua.pdf", b"MZ not a pdf", content_type="application/pdf")
    data = {"text": "Đã làm.", "files": [fake]}
    response = post(client, cast.officer_a, scene.task_a, "conferences:task_progress", data)
    assert response.status_code == 400 and "ket-qua.pdf" in text(response)
    assert not Progress.objects.exists() and stored_files(settings) == []


def test_roles_are_refused_with_403_and_states_with_409(client, cast, scene, ministry_leader):
    response = post(client, cast.leader_a, scene.task_a, "conferences:task_progress", {"text": "x"})
    assert response.status_code == 403
    assert "Chỉ cán bộ của Công an tỉnh Thái Nguyên" in text(response)
    response = post(client, cast.leader_a, scene.task_a, "conferences:task_done")
    assert response.status_code == 400 and "trước khi báo hoàn thành" in text(response)
    response = post(client, ministry_leader, scene.task_a, "conferences:task_accept")
    assert response.status_code == 409 and "chưa được báo hoàn thành" in text(response)
    response = post(client, cast.officer_a, scene.task_a, "conferences:task_accept")
    assert response.status_code == 403
    assert fresh_status(scene.task_a) == Task.Status.OPEN


def test_done_accepted_and_sent_back_from_the_page(client, cast, scene, ministry_leader):
    post(client, cast.officer_a, scene.task_a, "conferences:task_progress", {"text": "Đã làm."})
    response = post(client, cast.leader_a, scene.task_a, "conferences:task_done")
    assert response.status_code == 302 and fresh_status(scene.task_a) == Task.Status.DONE
    body = text(page(client, ministry_leader, task_url(scene.task_a)))
    assert task_url(scene.task_a, "conferences:task_accept") in body
    response = post(
        client, ministry_leader, scene.task_a, "conferences:task_return", {"reason": ""}
    )
    assert response.status_code == 400 and "Cần ghi lý do trả lại." in text(response)
    assert fresh_status(scene.task_a) == Task.Status.DONE
    data = {"reason": "Thiếu số liệu."}
    response = post(client, ministry_leader, scene.task_a, "conferences:task_return", data)
    assert response.status_code == 302 and fresh_status(scene.task_a) == Task.Status.RETURNED
    body = text(page(client, cast.officer_a, task_url(scene.task_a)))
    assert "Thiếu số liệu." in body and str(Task.Status.RETURNED.label) in body
    post(client, cast.officer_a, scene.task_a, "conferences:task_progress", {"text": "Đã bổ sung."})
    post(client, cast.leader_a, scene.task_a, "conferences:task_done")
    response = post(client, ministry_leader, scene.task_a, "conferences:task_accept")
    assert response.status_code == 302 and fresh_status(scene.task_a) == Task.Status.ACCEPTED
    body = text(client.get(task_url(scene.task_a)))
    assert "Đã nghiệm thu nhiệm vụ của Công an tỉnh Thái Nguyên." in body
    assert "Đã thực hiện đúng hạn" in body


def test_every_write_from_the_pages_is_audited_and_every_read_writes_nothing(
    client, cast, scene, ministry_leader
):
    def step(user, method, url, data=None):
        client.force_login(user)
        before, since = dbstate.fingerprint(), dbstate.last_entry_id()
        response = getattr(client, method)(url, data or {})
        tables = dbstate.changed(before, dbstate.fingerprint())
        if method == "get":
            assert tables == [], (url, tables)
        else:
            assert response.status_code == 302, (url, response.status_code)
            assert dbstate.unaudited_changes(tables, since) == [], url
        return response

    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    progress = {"text": "Đã làm.", "evidence": f"document:{scene.plan.pk}", "files": [upload]}
    step(cast.officer_a, "post", task_url(scene.task_a, "conferences:task_progress"), progress)
    step(cast.officer_a, "get", task_url(scene.task_a))
    step(cast.officer_a, "get", LIST)
    kept = ProgressFile.objects.get()
    step(cast.officer_a, "get", reverse("conferences:task_file", kwargs={"pk": kept.pk}))
    step(cast.leader_a, "post", task_url(scene.task_a, "conferences:task_done"))
    step(ministry_leader, "get", reverse("home"))
    step(
        ministry_leader, "post", task_url(scene.task_a, "conferences:task_return"), {"reason": "x"}
    )
    step(cast.officer_a, "post", task_url(scene.task_a, "conferences:task_progress"), {"text": "y"})
    step(cast.leader_a, "post", task_url(scene.task_a, "conferences:task_done"))
    step(ministry_leader, "post", task_url(scene.task_a, "conferences:task_accept"))
    assert fresh_status(scene.task_a) == Task.Status.ACCEPTED
