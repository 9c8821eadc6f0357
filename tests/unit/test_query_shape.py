"""What the audit keeps of a verification query: the lengths of the name parts as folded,
the same for a plain name (split without folding) as for any other."""

import string
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from webapp.rules.names import parts
from webapp.services.verification import VerificationRequest, query_shape

plain_names = st.lists(st.text(alphabet=string.ascii_letters, min_size=1, max_size=12),
                       min_size=1, max_size=4).map(" ".join)
any_names = st.text(alphabet=string.ascii_letters + " -'’`.\t_éøßİ", max_size=20)


def _shape(given_name: str, family_name: str) -> dict:
    return query_shape(VerificationRequest("4715200006", given_name, family_name))


@given(st.one_of(plain_names, any_names), st.one_of(plain_names, any_names))
def test_part_lengths_are_those_of_the_folded_parts(given_name, family_name):
    shape = _shape(given_name, family_name)
    assert shape["given_name_parts"] == [len(part) for part in parts(given_name)]
    assert shape["family_name_parts"] == [len(part) for part in parts(family_name)]


def test_the_shape_of_a_query():
    assert _shape("Mary Ann", " O’Brien-Smith ") == {
        "given_name_parts": [4, 3], "family_name_parts": [6, 5], "date_of_birth": False,
        "gender": False}
    assert query_shape(VerificationRequest("4715200006", "Jo", "Li", date(2008, 1, 2), "9")
                       ) == {"given_name_parts": [2], "family_name_parts": [2],
                             "date_of_birth": True, "gender": True}


def test_a_plain_name_is_measured_without_folding():
    parts.cache_clear()
    assert _shape("Mary Ann", "Smith")["given_name_parts"] == [4, 3]
    assert parts.cache_info().currsize == 0
