"""Vietnamese text: NFC storage and diacritic-free matching."""

import unicodedata

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
