import pytest

from webapp.rules import accounts, roles
from webapp.rules.problems import RuleBroken


@pytest.mark.parametrize("given,family,expected", [
    ("Jane", "Smith", "jane.smith"),
    ("Zoë", "O'Brien-Jones", "zoe.obrienjones"),
    ("Mary Ann", "de la Cruz", "mary.delacruz"),
    ("  ", "Smith", "user.smith"),
])
def test_username_is_firstname_dot_surname_letters_only(given, family, expected):
    assert accounts.username_base(given, family) == expected


def test_username_candidates_add_a_number_when_taken():
    candidates = accounts.username_candidates("jane.smith")
    assert [next(candidates) for _ in range(3)] == ["jane.smith", "jane.smith2", "jane.smith3"]


@pytest.mark.parametrize("address", [
    "contact@college.ac.uk", "INFO@college.ac.uk", "admin@x.org", "enquiries@x.org",
    "office@x.org",
])
def test_generic_addresses_are_refused(address):
    assert "shared address" in accounts.email_problem(address).message


@pytest.mark.parametrize("address", ["not-an-email", "a@b", "two@@x.org", "", "x" * 250 + "@a.uk"])
def test_malformed_addresses_are_refused(address):
    assert accounts.email_problem(address) is not None


def test_a_personal_address_is_fine():
    assert accounts.email_problem(" Jane.Smith@College.ac.uk ") is None
    assert accounts.normalise_email(" Jane.Smith@College.ac.uk ") == "jane.smith@college.ac.uk"


@pytest.mark.parametrize("ukprn", ["1234567", "123456789", "1234567a", ""])
def test_ukprn_must_be_eight_digits(ukprn):
    assert "8 digits" in accounts.ukprn_problem(ukprn).message


def test_roles_parse_and_unknown_roles_are_named():
    assert roles.parse_roles("super_user, ab_user") == ["super_user", "ab_user"]
    with pytest.raises(RuleBroken, match="wizard"):
        roles.parse_roles("super_user,wizard")


def test_an_organisation_grants_every_role_of_its_kind_by_default():
    assert set(roles.grantable_roles("awarding")) == {
        "super_user", "ab_batch_user", "ab_user", "qcf_record_set_user", "qcf_user",
        "edc_resolver"}
    assert roles.grantable_roles("awarding", ["ab_user"]) == ["ab_user"]
    with pytest.raises(RuleBroken, match="Learning provider user"):
        roles.grantable_roles("awarding", ["provider_user"])
