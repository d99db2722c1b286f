"""Vietnamese text: NFC storage and diacritic-free matching."""

import unicodedata

from django.utils.translation import gettext as _

_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value):
    """Text is stored NFC-normalised so that the same word is always the same bytes."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", str(value)).strip()


def fold(value):
    """Lower-case, strip diacritics and map đ→d: "Thái Nguyên" → "thai nguyen"."""
    if not value:
        return ""
    value = str(value)
    if value.isascii():  # no diacritics nor đ to strip: the same result, without NFD
        return " ".join(value.lower().split())
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


class TextError(ValueError):
    """A text a user typed that cannot be stored; the message is for the user."""


def clean(value, limit, required=True):
    """NFC text without NUL or surrounding spaces (Windows line ends made plain), at most
    `limit` characters; TextError (in Vietnamese) otherwise."""
    text = nfc((value or "").replace("\r\n", "\n")) or ""
    if "\x00" in text:
        raise TextError(_("Không được chứa ký tự rỗng (NUL)."))
    if required and not text:
        raise TextError(_("Nội dung là bắt buộc."))
    if len(text) > limit:
        raise TextError(_("Tối đa %(n)s ký tự.") % {"n": f"{limit:,}".replace(",", ".")})
    return text
