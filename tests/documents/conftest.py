import datetime

import pytest

from giaoban.documents import services
from giaoban.documents.models import PARTY, STATE, Document, DocumentKind
from tests.conftest import make_user


def kind(body, abbreviation):
    return DocumentKind.objects.get(body=body, abbreviation=abbreviation)


@pytest.fixture
def ministry_leader(cast):
    return make_user("ministry_leader", cast.root, "leader")


def draft(user, unit, body=STATE, abbr="KH", **fields):
    fields.setdefault("subject", "Triển khai thực hiện nghị quyết")
    fields.setdefault("body_text", "Nội dung văn bản.")
    return services.create_draft(user, unit, body, kind=kind(body, abbr), **fields)


def issued(officer, leader, unit, body=STATE, abbr="KH", day=None, units=(), **fields):
    document = draft(officer, unit, body, abbr, **fields)
    services.send_for_review(document, officer)
    document, _warnings = services.issue(document, leader, day, explicit_units=units)
    return document


D = datetime.date
__all__ = ["PARTY", "STATE", "Document", "D", "draft", "issued", "kind"]
