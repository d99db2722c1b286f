"""Odd query strings get a page or a Vietnamese message, never a server error."""

from django.urls import reverse


def test_a_document_parameter_that_is_not_a_plain_number(client, scene):
    client.force_login(scene.cast.officer_a)
    for raw in ("²", "9" * 5000, "-1"):
        response = client.get(reverse("activities:create"), {"unit": "T19", "document": raw})
        assert response.status_code == 200, raw
        assert "không có trong các văn bản" in response.content.decode()


def test_dates_outside_the_calendar_the_app_knows(client, scene):
    client.force_login(scene.cast.officer_a)
    for start, end in (("20/12/9999", "31/12/9999"), ("01/01/0001", "01/01/0001")):
        query = {"unit": "T19", "start": start, "end": end}
        for name in ("activities:totals", "activities:log"):
            response = client.get(reverse(name), query)
            assert response.status_code in (200, 400), (name, start)
            assert "năm phải từ 1901 đến 2998" in response.content.decode()
