"""Property tests for name normalisation and comparison."""

import string

from hypothesis import given
from hypothesis import strategies as st

from webapp.rules.matching import EXACT, compare_name, fold, normalise

# Names as appendix B allows them: letters, space, hyphen, apostrophes, backtick, full stop.
allowed = st.text(alphabet=string.ascii_letters + " -'’`.", min_size=1, max_size=35).filter(
    lambda s: any(ch.isalpha() for ch in s))
any_text = st.text(max_size=40)


@given(any_text)
def test_normalise_and_fold_are_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)
    assert fold(fold(text)) == fold(text)


@given(allowed)
def test_case_and_surrounding_spaces_never_matter(name):
    assert normalise(f"  {name.swapcase()} ") == normalise(name)
    assert compare_name(f" {name.upper()} ", name, "given name").kind == EXACT


@given(allowed)
def test_folding_drops_punctuation_and_keeps_letters(name):
    folded = fold(name)
    assert not set(folded) & set("'’`.-")
    assert [ch for ch in folded if ch.isalpha()] == [ch.lower() for ch in name if ch.isalpha()]


@given(allowed, allowed)
def test_comparison_never_crashes_and_exact_means_equal_after_normalising(first, second):
    match = compare_name(first, second, "family name")
    if match is not None and match.kind == EXACT:
        assert normalise(first) == normalise(second)


@given(allowed)
def test_a_name_always_matches_itself_with_punctuation_removed(name):
    match = compare_name(name, fold(name).title(), "family name")
    assert match is not None


@given(st.text(alphabet="aeiouéèêëàáâäåçñøłıœæßÅÉÖÜ" + string.ascii_letters, min_size=1,
               max_size=30).filter(lambda s: any(ch.isalpha() for ch in s)))
def test_any_unicode_normal_form_of_a_name_is_exact(name):
    import unicodedata

    for form in ("NFC", "NFD", "NFKC"):
        same = unicodedata.normalize(form, name)
        if unicodedata.normalize("NFC", same) == unicodedata.normalize("NFC", name):
            assert compare_name(same, name, "family name").kind == EXACT


@given(st.lists(allowed.filter(lambda s: " " not in s.strip() and len(fold(s)) > 1),
                min_size=4, max_size=8), allowed)
def test_a_list_of_names_never_matches_by_its_parts(parts, held):
    """More than MAX_PARTS parts is a list: only the whole text can match."""
    from webapp.rules.matching import MAX_PARTS

    supplied = " ".join(parts)
    if len(fold(supplied).split()) > MAX_PARTS:
        match = compare_name(supplied, held, "given name", synonyms=True)
        assert match is None or match.kind not in ("part", "synonym")
