"""Every message a user can see is Vietnamese, Django's own included.

giaoban/locale/vi/LC_MESSAGES/django.po translates the Django (and django-axes) messages
that Django's Vietnamese catalogue leaves in English; the compiled .mo is committed, so a
stale one must fail here.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth import password_validation
from django.core import validators
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.test import Client
from django.test.client import RequestFactory
from django.utils.translation import gettext_lazy, override
from django.views import defaults

CATALOG = Path(__file__).resolve().parents[2] / "giaoban" / "locale" / "vi" / "LC_MESSAGES"

# ------------------------------------------------------------------ (a) through real pages


def user_search(client, cast, q, **headers):
    client.force_login(cast.ministry_admin)
    return client.get("/tai-khoan/nguoi-dung/", {"q": q}, **headers)


def test_a_nul_character_in_a_search_box_is_refused_in_vietnamese(client, cast):
    response = user_search(client, cast, "cán\x00bộ")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tìm người dùng: Không được chứa ký tự rỗng (NUL)." in html
    assert "Null characters are not allowed" not in html


def test_an_over_long_search_is_refused_in_vietnamese(client, cast):
    response = user_search(client, cast, "x" * 101)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tìm người dùng: Giá trị này chỉ có tối đa 100 kí tự (hiện có 101)" in html
    assert "Ensure this value" not in html


def test_the_unit_search_says_the_same_in_vietnamese(client, cast):
    client.force_login(cast.officer_a)
    html = client.get("/don-vi/", {"q": "Thái\x00Nguyên"}).content.decode()
    assert "Không được chứa ký tự rỗng (NUL)." in html
    assert "Null characters" not in html
    html = client.get("/don-vi/", {"q": "y" * 101}).content.decode()
    assert "tối đa 100 kí tự (hiện có 101)" in html
    assert "Ensure this value" not in html


def test_a_browser_set_to_english_still_gets_vietnamese(client, cast):
    """Office machines often run an English browser: the page language is not its guess."""
    response = user_search(client, cast, "a\x00", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert "Không được chứa ký tự rỗng (NUL)." in html
    assert "Null characters are not allowed" not in html
    assert '<html lang="vi"' in html


def test_a_refused_csrf_check_is_explained_in_vietnamese(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/tai-khoan/dang-nhap/", {"username": "officer_a", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Chưa gửi được biểu mẫu" in html
    assert "tải lại trang rồi gửi lại" in html
    assert '<a class="brand"' in html  # the app's page frame, like 403.html
    for english in ("Forbidden", "CSRF verification failed", "Request aborted", "DEBUG"):
        assert english not in html, english


def test_a_bad_request_has_the_apps_own_page(client, db):
    # A Host header the site does not serve is refused with 400 (settings.ALLOWED_HOSTS).
    response = client.get("/", HTTP_HOST="not-ours.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Yêu cầu không hợp lệ" in html
    assert "Bad Request" not in html


def test_the_server_error_page_needs_no_context_and_no_database(django_assert_num_queries, db):
    request = RequestFactory().get("/bao-cao/")
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Lỗi máy chủ" in html
    assert "Server Error" not in html
    assert "/static/giaoban/app.css" in html


def test_every_form_leaves_validation_to_the_server():
    # Without novalidate the browser stops the form with its own English bubble
    # ("Please fill out this field.") before the server's Vietnamese message can be shown.
    templates = sorted((CATALOG.parents[2]).glob("*/templates/**/*.html"))
    forms_found = [
        (path.relative_to(CATALOG.parents[3]), tag)
        for path in templates
        for tag in re.findall(r"<form\b[^>]*>", path.read_text(encoding="utf-8"))
    ]
    assert len(forms_found) > 20
    assert [(str(path), tag) for path, tag in forms_found if "novalidate" not in tag] == []


# ------------------------------------------------------------------ (b) the .mo is not stale


def _po_string(line):
    return ast.literal_eval(line[line.index('"') :])


def parse_po(path):
    """{(msgctxt, msgid): translation, or the list of plural translations} of a .po file,
    whose entries are separated by blank lines. The header and fuzzy entries are left out,
    as msgfmt leaves fuzzy ones out of the .mo."""
    entries = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = block.strip().splitlines()
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            continue
        fields, key = {}, None
        for line in lines:
            if line.startswith('"') and key:
                fields[key] += _po_string(line)
            elif re.match(r"(msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?) ", line):
                key = line.split(" ", 1)[0]
                fields[key] = _po_string(line)
        if fields.get("msgid"):
            plurals = [fields[k] for k in sorted(fields) if k.startswith("msgstr[")]
            entries[(fields.get("msgctxt"), fields["msgid"])] = plurals or fields["msgstr"]
    return entries


@pytest.fixture(scope="module")
def po():
    return parse_po(CATALOG / "django.po")


@pytest.fixture(scope="module")
def mo():
    with (CATALOG / "django.mo").open("rb") as fh:
        return gettext.GNUTranslations(fh)


def test_the_catalogue_translates_every_entry(po):
    assert len(po) > 50
    for (_ctx, msgid), translation in po.items():
        for text in translation if isinstance(translation, list) else [translation]:
            assert text and text != msgid, msgid
            assert not re.search(r"\bbạn\b", text, re.I), f"one form of address: {text}"


def test_the_compiled_catalogue_matches_the_source(po, mo):
    # Recompile with: cd giaoban/locale/vi/LC_MESSAGES && msgfmt --check -o django.mo django.po
    for (ctx, msgid), translation in po.items():
        if isinstance(translation, list):
            # Vietnamese has one plural form (nplurals=1).
            assert mo.ngettext(msgid, msgid + "s", 1) == translation[0], f"stale .mo: {msgid}"
            assert mo.ngettext(msgid, msgid + "s", 5) == translation[0], f"stale .mo: {msgid}"
        elif ctx:
            assert mo.pgettext(ctx, msgid) == translation, f"stale .mo: {msgid}"
        else:
            assert mo.gettext(msgid) == translation, f"stale .mo: {msgid}"
    in_mo = {key[0] if isinstance(key, tuple) else key for key in mo._catalog} - {""}
    in_po = {msgid if ctx is None else f"{ctx}\x04{msgid}" for ctx, msgid in po}
    assert in_mo == in_po, "the .mo holds messages the .po does not (or the reverse): recompile"


def test_the_parser_reads_what_msgfmt_reads(tmp_path):
    # The check above is only as good as this parser: multi-line strings, escapes, plurals.
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: vi\\n"\n\n'
        '#, python-format\nmsgid "a %(n)d"\nmsgid_plural "b %(n)d"\nmsgstr[0] "c %(n)d"\n\n'
        'msgid ""\n"long \\"quoted\\" "\n"line"\nmsgstr "dài"\n\n'
        '#, fuzzy\nmsgid "guess"\nmsgstr "đoán"\n',
        encoding="utf-8",
    )
    assert parse_po(sample) == {
        (None, "a %(n)d"): ["c %(n)d"],
        (None, 'long "quoted" line'): "dài",
    }


# ------------------------------------------------------------------ (c) Django's messages


PARAMS = {
    "value": "x",
    "limit_value": 5,
    "show_value": 6,
    "max": 2,
    "length": 3,
    "num": 2,
    "extension": "exe",
    "allowed_extensions": "xlsx",
    "protocol": "IPv4",
    "offset": 1,
    "valid_value1": 3,
    "valid_value2": 5,
    "datetime": "01/01/2026 02:30",
    "current_timezone": "Asia/Ho_Chi_Minh",
    "pk": "7",
    "field_names": "TOTAL_FORMS",
    "min_length": 8,
    "verbose_name": "tên đăng nhập",
}


def render(message):
    """A message as a user reads it in the active language (plural ones need their number)."""
    return str(message % PARAMS)


def form_field_messages():
    """Every default error message of Django's form fields (a Django upgrade adds its new ones)."""
    found = {}
    for name in dir(forms):
        cls = getattr(forms, name)
        if isinstance(cls, type) and issubclass(cls, forms.Field):
            for klass in cls.__mro__:
                found.update(
                    (f"{name}.{code}", msg)
                    for code, msg in vars(klass).get("default_error_messages", {}).items()
                )
    return found


VALIDATORS = [
    validators.MaxLengthValidator(5),
    validators.MinLengthValidator(5),
    validators.MaxValueValidator(5),
    validators.MinValueValidator(5),
    validators.StepValueValidator(5),
    validators.StepValueValidator(2, offset=1),
    validators.ProhibitNullCharactersValidator(),
    validators.EmailValidator(),
    validators.URLValidator(),
    validators.FileExtensionValidator(["xlsx"]),
    validators.validate_slug,
    validators.validate_unicode_slug,
]


def validator_messages():
    found = {f"{type(v).__name__} {i}": v.message for i, v in enumerate(VALIDATORS)}
    found.update(
        {f"DecimalValidator.{k}": m for k, m in validators.DecimalValidator.messages.items()}
    )
    return found


def _password_error(password):
    try:
        password_validation.validate_password(password)
    except ValidationError as error:
        return " ".join(str(e.message % (e.params or {})) for e in error.error_list)
    raise AssertionError(f"{password!r} was accepted")


class Later:
    """A message the password validators translate when they are called, not before."""

    def __init__(self, make):
        self.make = make

    def __mod__(self, params):
        return self.make()


def password_messages():
    found = {
        f"{type(v).__name__}.help": Later(v.get_help_text)
        for v in password_validation.get_default_password_validators()
    }
    for password in ("12345678", "abc", "password"):
        found[f"password {password}"] = Later(lambda p=password: _password_error(p))
    return found


OTHERS = {
    "blank choice": BLANK_CHOICE_LABEL,
    "ip address": gettext_lazy("Enter a valid %(protocol)s address."),
    "paginator": gettext_lazy("That page number is not an integer"),
    "csrf": gettext_lazy("CSRF verification failed. Request aborted."),
    "axes": gettext_lazy("Account locked: too many login attempts. Please try again later."),
}


def all_messages():
    return {**form_field_messages(), **validator_messages(), **password_messages(), **OTHERS}


def test_the_list_covers_the_messages_named_in_the_issue():
    with override("en"):
        english = {render(m) for m in all_messages().values()}
    for message in (
        "This field is required.",
        "Null characters are not allowed.",
        "Enter a valid date.",
        "Enter a number.",
        "Enter a whole number.",
        "The submitted file is empty.",
        "No file was submitted. Check the encoding type on the form.",
        "Ensure this value has at most 5 characters (it has 6).",
        "Ensure this value is less than or equal to 5.",
        "This password is too common.",
    ):
        assert any(message in text for text in english), message


@pytest.mark.parametrize("name", sorted(all_messages()))
def test_no_django_message_comes_back_in_english(name):
    message = all_messages()[name]
    with override("vi"):
        vietnamese = render(message)
    with override("en"):
        english = render(message)
    assert vietnamese and vietnamese != english, f"{name} is still English: {english}"
    assert not re.search(r"\bbạn\b", vietnamese, re.I), f"{name}: {vietnamese}"
