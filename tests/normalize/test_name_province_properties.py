from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hub.normalize.address import normalize_province
from hub.normalize.attribution import normalize_attribution
from hub.normalize.name import fold, normalize_name

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
VIETNAMESE += "ùúủũụừứửữựỳýỷỹỵ"

# Arbitrary text, plus text that looks like names and addresses, in NFC and NFD, with
# emoji, control and format characters mixed in.
vietnamese_words = st.lists(
    st.text(alphabet=VIETNAMESE + VIETNAMESE.upper(), min_size=1, max_size=7), max_size=6
).map(" ".join)
noise = st.sampled_from(
    ["", " ", "\t", "\n", "\x00", "\u200b", "\u200d", "\ufeff", "🌸", "❤️", ".", ","]
)
texts = st.one_of(
    st.text(),
    vietnamese_words,
    st.tuples(vietnamese_words, noise, vietnamese_words).map("".join),
    vietnamese_words.map(lambda text: unicodedata.normalize("NFD", text)),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "So", "Sk", "Mn", "Zs", "Nd"])),
)


@given(texts)
@example("chị anh Lan")
@example("Lan Hoàng Nguyễn")
@example("ß ǰ İ ŉ")
@example("chij Nguyeenx Thij Xuaan")  # Telex read back, once
@settings(max_examples=400)
def test_normalize_name_never_raises_and_is_idempotent(text: str) -> None:
    name = normalize_name(text)
    if name is None:
        return
    again = normalize_name(name.display)
    assert again is not None
    assert again.display == name.display
    assert (again.key, again.is_personal) == (name.key, name.is_personal)


@given(texts)
@settings(max_examples=300)
def test_name_key_is_the_fold_of_the_display(text: str) -> None:
    name = normalize_name(text)
    if name is not None:
        assert name.key == fold(name.display)
        assert unicodedata.is_normalized("NFC", name.display)


@given(st.text())
def test_fold_is_idempotent_and_case_and_mark_free(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == fold(unicodedata.normalize("NFD", text)) == fold(text.lower())


@given(texts)
@settings(max_examples=400)
def test_normalize_province_never_raises_and_resolves_its_own_name(text: str) -> None:
    province = normalize_province(text)
    if province is None:
        return
    assert province.raw == text
    if province.status == "resolved":
        assert province.name is not None
        again = normalize_province(province.name)
        assert again is not None and again.code == province.code


@given(
    st.dictionaries(
        st.text(max_size=12),
        st.one_of(st.text(), st.integers(), st.none(), st.binary(max_size=8),
                  st.dictionaries(st.text(max_size=8), st.text(), max_size=3)),
        max_size=8,
    )
)
def test_normalize_attribution_never_raises_and_keeps_only_strings(raw: dict[str, object]) -> None:
    attribution = normalize_attribution("web", raw)  # type: ignore[arg-type]
    assert all(isinstance(key, str) and key for key in attribution.values)
    assert all(isinstance(value, str) and value.strip() == value and value
               for value in attribution.values.values())
