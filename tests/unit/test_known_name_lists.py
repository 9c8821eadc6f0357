"""The matching engine's lists of known names (issue 14): shipped as generated files and read
from gender-guesser without its Detector, so that a worker stays small, with every answer
as it was."""

import importlib.util
import re
import subprocess
import sys
from importlib import metadata, resources
from pathlib import Path

import pytest

from webapp.rules import names

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "build_known_names", ROOT / "bench" / "build_known_names.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shipped(file_name: str) -> str:
    return resources.files("webapp.rules.data").joinpath(file_name).read_text(encoding="utf-8")


def _header_version(file_name: str, label: str) -> str:
    return re.search(rf"{re.escape(label)} (\S+) \(MIT", _shipped(file_name)).group(1)


SOURCES = {"faker_given_names.txt": ("Faker", "faker"),
           "faker_family_names.txt": ("Faker", "faker"),
           "faker_english_names.txt": ("Faker", "faker"),
           "census_surnames.txt": ("`names` package", "names")}


def _installed(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def test_the_shipped_lists_are_what_the_generator_makes_from_the_installed_packages():
    """Each file is compared when the package it was made from is installed at the version
    its header names; a file made from another version is reported (skipped, with what to
    run), after every other file has been compared. So a change to how names.compact folds a
    name fails here, and a Faker upgrade says to run bench/build_known_names.py again."""
    built = _generator().build()
    assert sorted(built) == sorted(SOURCES)
    other_versions = []
    for file_name, (label, distribution) in SOURCES.items():
        shipped, installed = _header_version(file_name, label), _installed(distribution)
        if shipped != installed:
            other_versions.append(f"{file_name} was made from {label} {shipped}, "
                                  f"{installed or 'none'} is installed")
            continue
        assert built[file_name] == _shipped(file_name), \
            f"{file_name} differs from what the script makes"
    if other_versions:
        pytest.skip("; ".join(other_versions) + ": run `PYTHONPATH=. .venv/bin/python "
                    "bench/build_known_names.py` and review the difference")


def test_every_gender_is_the_detectors():
    """gender_of and the not-rare names, read without the Detector, answer as it does for
    every name on its list (and for each name made compact)."""
    import gender_guesser.detector

    detector = gender_guesser.detector.Detector(case_sensitive=False)
    as_engine = {"male": names.MALE, "mostly_male": names.MALE, "female": names.FEMALE,
                 "mostly_female": names.FEMALE}
    asked = set(detector.names) | {names.compact(name) for name in detector.names}
    differ = [name for name in asked if names.gender_of(name) !=
              as_engine.get(detector.get_gender(names.compact(name).capitalize()))]
    assert not differ
    assert {names.gender_of(n) for n in ("james", "mary", "kim", "zzzz")} == {
        names.MALE, names.FEMALE, None}
    not_rare = {names.compact(name) for name, by_gender in detector.names.items()
                if max(int(digit, 16) for column in by_gender.values() for digit in column
                       if digit.strip()) >= names.KNOWN_NAME_FREQUENCY}
    assert set(names._gender_list()[1]) == not_rare


def test_known_given_names_are_faker_synonyms_and_not_rare_names():
    same, related = names._parse_synonym_sets(names._data_text(*names.SYNONYM_FILES))
    expected = (set(same) | set(related) | names._gender_list()[1]
                | set(names._name_list("faker_given_names.txt")))
    assert set(names._known_given_names()) == expected
    # the pet forms file's names are not known names: its romanisations (Viktoriia, Dariia)
    # stay spellings of the listed names
    assert names.PET_FORMS_FILE not in names.SYNONYM_FILES
    assert not names.is_known_name("viktoriia") and not names.is_known_name("dariia")
    assert set(names._known_family_names()) == (
        set(names._name_list("faker_family_names.txt"))
        | set(names._name_list("census_surnames.txt")))
    assert set(names._known_lists().also_real) == (
        set(names._name_list(names.REAL_GIVEN_NAMES_FILE))
        | set(names._name_list(names.REAL_FAMILY_NAMES_FILE)))
    assert names.is_known_name("smith", given=False) and not names.is_known_name("smtih")


def test_the_census_loses_its_typing_slips_but_keeps_surnames_a_distant_letter_apart():
    """SMTIH, WILLAMS, JOHSON are data-entry slips of far commoner surnames; GORTON is a
    surname of its own, a d for a t (not keyboard neighbours) from GORDON."""
    slip = _generator()._typing_slip
    assert slip("smtih", "smith") and slip("willams", "williams") and slip("weight", "wright")
    assert not slip("gorton", "gordon") and not slip("hutt", "hunt")
    family = set(names._name_list("census_surnames.txt"))
    assert {"gorton", "smith", "williams", "gordon"} <= family
    assert not {"smtih", "willams", "johson"} & family


@pytest.mark.parametrize("file_name", [names.REAL_GIVEN_NAMES_FILE,
                                       names.REAL_FAMILY_NAMES_FILE])
def test_the_real_name_files_hold_one_plain_name_a_line_once(file_name):
    listed = names._name_list(file_name)
    assert len(listed) > 1000
    assert all(re.fullmatch(r"[a-z]{2,}", name) for name in listed), \
        [name for name in listed if not re.fullmatch(r"[a-z]{2,}", name)]
    assert len(set(listed)) == len(listed)
    assert _shipped(file_name).startswith("# ") and "Licence:" in _shipped(file_name)


def test_a_name_list_holds_exactly_its_names():
    listed = names.NameList(["mary", "maryam", "al", "", "mary"])
    assert sorted(listed) == ["", "al", "mary", "maryam"]
    assert "mary" in listed and "maryam" in listed and "al" in listed and "" in listed
    for absent in ("mar", "marya", "maryams", "a", "l", "ary", "mary\nmaryam", None):
        assert absent not in listed
    assert "" not in names.NameList(["ann"])


def test_matching_loads_no_faker_and_no_gender_detector():
    """A fresh worker that loads every list imports neither Faker (its ~90 person providers:
    38 MiB) nor gender-guesser's Detector (24 MiB)."""
    code = ("import sys\n"
            "from webapp.rules import matching, names\n"
            "names.warm()\n"
            "print(names.is_known_name('smith'), names.gender_of('james'), sorted(\n"
            "    m for m in sys.modules if m == 'faker' or m.startswith(('faker.',\n"
            "    'gender_guesser.detector'))))")
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True, env={"PATH": "/usr/bin"})
    assert output.stdout.strip() == "True male []"


@pytest.mark.parametrize("files", [
    ("given_name_synonyms.txt", "given_name_pet_forms.txt", "name_spellings.txt"),
    ("given_name_forms.txt",), ("family_name_forms.txt", "family_name_spellings.txt"),
    ("name_spelling_groups.txt",)])
def test_relations_answer_as_the_sets_they_are_made_from(files):
    for relations in names._parse_synonym_sets(names._data_text(*files)):
        compact = names.Relations(relations)
        assert set(compact) == set(relations) and len(compact) == len(relations)
        for name, others in relations.items():
            assert compact.get(name) == frozenset(others)
            assert all(compact.relates(name, other) for other in others)
            assert not compact.relates(name, name + "x") and not compact.relates(name, "")
    assert names.Relations({}).get("anna") == frozenset()
    assert not names.Relations({"anna": {"ann"}}).relates("anna", "ann\nanna")


def test_the_loaded_relations_are_the_files_and_the_gender_lists_pairs_less_the_wrong_ones():
    same, related = names._parse_synonym_sets(names._data_text("given_name_forms.txt"))
    wrong, _ = names._parse_synonym_sets(names._data_text("given_name_forms_wrong.txt"))
    for name, other in names._guesser_equivalents():
        related.setdefault(name, set()).add(other)
        related.setdefault(other, set()).add(name)
    loaded_same, loaded_related = names._form_lines()
    for name, others in same.items():
        assert loaded_same.get(name) == frozenset(others - wrong.get(name, set()))
    for name, others in related.items():
        assert loaded_related.get(name) == frozenset(others - wrong.get(name, set()))
    assert "tom" in wrong.get("antonio", set()) | wrong.get("tom", set())


def test_the_gender_lists_equivalent_names_are_read_whole():
    """nam_dict.txt's '=' lines (748 in gender-guesser 0.4.0): each a pair of compact names,
    a + in a name read as a space, the country columns left out."""
    pairs = list(names._guesser_equivalents())
    assert len(pairs) >= 700
    assert ("aga", "agnieszka") in pairs and ("zhenya", "jevgeni") in pairs
    assert all(first and second and first != second and " " not in first + second
               for first, second in pairs)
    # a two- or three-letter short form is kept only when it begins as the name does
    assert ("ina", "martina") not in pairs and ("robert", "ted") not in pairs
    assert all(min(len(first), len(second)) > 3 or first[:2] == second[:2]
               for first, second in pairs)
    assert "agnieszka" in names.name_forms("aga") and "aga" in names.name_forms("agnieszka")


def test_the_nickname_lines_answer_as_the_nicknamer():
    """name_family reads the `nicknames` dataset from compact lines, not from NickNamer's
    dicts of sets: for every name NickNamer knows, and for names it does not, the same
    nicknames and canonical names, made compact."""
    from nicknames import NickNamer

    namer = NickNamer()
    lines = names._nickname_lines()
    known = namer.nickname_lookup.keys() | namer.canonical_lookup.keys()
    assert set(lines) == known and any(not name.isalpha() for name in known)
    for name in known | {"zzzz", "", "nick\tolas"}:
        expected = {names.compact(other)
                    for other in namer.nicknames_of(name) | namer.canonicals_of(name)}
        assert lines.get(name) == expected, name
        assert all(lines.relates(name, other) for other in expected)
    assert "nick" in names.name_family("nicholas") and "nicholas" in names.name_family("nick")


def test_name_lists_and_relations_take_any_first_letters():
    """Names are grouped by their first three characters: names shorter than three, with
    characters other than a to z, and neighbours across a group's edge are all found."""
    listed = names.NameList(["a", "ab", "abc", "abd", "abcd", "zzz", "zzzz", "k.c.", "é", "ab c"])
    for name in ("a", "ab", "abc", "abd", "abcd", "zzz", "zzzz", "k.c.", "é", "ab c"):
        assert name in listed
    for absent in ("b", "abe", "zz", "zzzzz", "k.c", "e", "ab", "abc\n"):
        assert (absent in listed) == (absent == "ab")
    related = names.Relations({"zzz": {"a", "b"}, "a": {"zzz"}, "ab": set(), "ab c": {""}})
    assert related.get("zzz") == {"a", "b"} and related.get("ab") == frozenset()
    assert related.get("ab c") == {""} and related.relates("ab c", "")
    assert not related.relates("ab", "") and not related.relates("zzz", "a\tb")
    assert related.get("z") == frozenset() and related.get("zzzz", frozenset({"x"})) == {"x"}
    with pytest.raises(ValueError):
        names.Relations({"a\tb": {"c"}})


def test_the_blocks_loaded_first_are_every_block_the_lists_use():
    """names.LIST_BLOCKS names the Unicode blocks whose anyascii tables are loaded before
    the lists are read (so the worker keeps less memory): a list that gains letters of
    another block fails here until the block is added."""
    data = resources.files("webapp.rules.data")
    texts = [data.joinpath(entry.name).read_text(encoding="utf-8")
             for entry in data.iterdir() if entry.name.endswith(".txt")]
    texts.append(resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_text(
        encoding="utf-8"))
    used = {ord(character) >> 8 for text in texts for character in text if ord(character) > 127}
    assert used <= set(names.LIST_BLOCKS)
    assert {0x00, 0x01} <= used


def test_a_nickname_the_lines_cannot_hold_is_left_out_not_refused(monkeypatch):
    """The `nicknames` package is outside the project: a name in it with a tab or a line
    break is left out of the lines, and every other name still loads (refusing it would fail
    every verification)."""
    import nicknames

    class Namer:
        nickname_lookup = {"robert": {"bob", "rob"}, "bad\tname": {"bob"}}
        canonical_lookup = {"bob": {"robert", "bad\tname"}}

    monkeypatch.setattr(nicknames, "NickNamer", Namer)
    lines = names.Relations.from_packed(names._nickname_lines_packed())
    assert set(lines) == {"robert", "bob"}
    assert lines.get("robert") == {"bob", "rob"}


def test_the_real_name_files_are_real_names_but_not_known_names():
    """is_real_name reads them (the slip rules); is_known_name does not (the spelling rules
    would take their spellings of one name, Rashed and Rashid, for two names)."""
    assert names.is_real_name("aled") and not names.is_known_name("aled")
    assert names.is_real_name("smith") and names.is_real_name("james")
    assert not names.is_real_name("smtih") and not names.is_real_name("zzqx")
