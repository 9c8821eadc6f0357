"""Learner verification (guide appendix C): compare what an awarding organisation supplied
with what the register holds, and say how each field matched or why it did not.

Pure functions: the caller loads the held learner (the master's record for a linked ULN)
as LearnerDetails, or anything with the same attributes (a models.Learner).

How names are compared, strongest first (a name matches a held field at the first rule
that holds):
  exact        equal after trimming and ignoring case                       (exact codes)
  folded       equal once accents, apostrophes, hyphens, full stops and
               spacing are ignored: O’Brien ~ OBrien, Smith-Jones ~ Smith Jones, Zoë ~ Zoe
  part         one part of a double name equals a part of the other: Sally Ann ~ Sally
  synonym      given names only: a direct short form or nickname in the `nicknames`
               dataset (Jim ~ James, Bill ~ William) or a group in
               data/given_name_synonyms.txt (Mohammed ~ Muhammad, Alfie ~ Alfred)
  spelling     Jaro-Winkler similarity ≥ SPELLING_THRESHOLD with lengths within two letters
               (Catherine ~ Katherine, but not Smith ~ Smithson), or one edit (a letter
               added, dropped, changed or two swapped) in a name of four or more letters,
               or of three or more in a family name, or two letters swapped at any
               length: Smyth ~ Smith, Cox ~ Cxo, Tom ~ Tmo, but not Tom ~ Tim
Only ‘exact’ can give VRC001/VRC002; everything else, and any match against a previous
family name, family name at 16, preferred or middle name or a swapped name, is at best a
possible match (VRC003/VRC004).

A name matches a held name of the other kind (given for family, family for given) only
when both names are swapped: ‘Claire Clarke’ is not ‘Stephanie Clarke’.

Measured against a labelled set in bench/match_quality.py (figures in docs/benchmarks.md).

Failure flags: VRF1 and VRF5 when the supplied given/family name does not match the held
given/family name; the cross-checks VRF2/VRF3 (given name against the held family and
previous family name) and VRF4/VRF6 (family name against the held given and previous family
name) are reported when the direct check failed and the cross-check failed too; VRF7/VRF8
when a supplied date of birth or gender differs. Gender 0 (not known) and 9 (not
specified) count as not supplied, on either side.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources

from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from webapp.rules.learner_data import LearnerDetails

SPELLING_THRESHOLD = 0.88
KNOWN_GENDERS = {"1", "2"}

EXACT, FOLDED, PART, SYNONYM, SPELLING = "exact", "folded", "part", "synonym", "spelling"
POSSIBLE_KINDS = (FOLDED, PART, SYNONYM, SPELLING)

CODES = {
    "VRC001": "Exact match",
    "VRC002": "Exact linked match",
    "VRC003": "Possible match",
    "VRC004": "Possible linked match",
    "VRC005": "Learner does not match",
    "VRC006": "ULN not found",
}
FLAGS = {
    "VRF1": "Supplied given name fails to match the held given name",
    "VRF2": "Supplied given name fails to match the held family name",
    "VRF3": "Supplied given name fails to match the held previous family name",
    "VRF4": "Supplied family name fails to match the held given name",
    "VRF5": "Supplied family name fails to match the held family name",
    "VRF6": "Supplied family name fails to match the held previous family name",
    "VRF7": "Supplied date of birth differs from the held date of birth",
    "VRF8": "Supplied gender differs from the held gender",
}
KIND_WORDS = {
    EXACT: "exactly (ignoring capital letters)",
    FOLDED: "once accents, apostrophes, hyphens and spaces are ignored",
    PART: "as one part of a double name",
    SYNONYM: "as a short form or nickname",
    SPELLING: "as a spelling variant",
}


@dataclass(frozen=True)
class Supplied:
    uln: str
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    gender: str | None = None


@dataclass(frozen=True)
class NameMatch:
    kind: str
    held_field: str
    held_value: str
    score: float | None = None
    one_edit: bool = False

    def describe(self, reveal: bool = True) -> str:
        """How it matched; the held value only when the learner was recognised."""
        words = KIND_WORDS[self.kind]
        if self.kind == SPELLING:
            words += " (one letter different)" if self.one_edit else (
                f" (similarity {self.score:.2f})")
        held = f" ‘{self.held_value}’" if reveal else ""
        return f"matches the held {self.held_field}{held} {words}"


@dataclass(frozen=True)
class FieldCheck:
    field: str
    supplied: str
    matched: bool
    explanation: str


@dataclass
class Verification:
    code: str
    flags: list[str] = field(default_factory=list)
    checks: list[FieldCheck] = field(default_factory=list)
    returned: LearnerDetails | None = None  # the master's details, for VRC001–VRC004 only

    @property
    def meaning(self) -> str:
        return CODES[self.code]


# --- comparing one name with one held name --------------------------------------------------

def normalise(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def fold(name: str) -> str:
    """Lower case, accents removed, punctuation dropped, hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"[’'`.]", "", plain)
    plain = re.sub(r"[-\s]+", " ", plain)
    return plain.strip()


@cache
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


@cache
def _synonym_groups() -> dict[str, frozenset[str]]:
    text = resources.files("webapp.rules.data").joinpath("given_name_synonyms.txt").read_text(
        encoding="utf-8")
    groups: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        names = frozenset(n.strip() for n in line.split("#", 1)[0].split(",") if n.strip())
        for name in names:
            groups[name] = groups.get(name, frozenset()) | names
    return groups


@cache
def _name_family(name: str) -> frozenset[str]:
    """A given name's nicknames and the names it is a nickname of (direct relations only:
    two nicknames of a third name are not linked through it), plus its group in
    data/given_name_synonyms.txt."""
    namer = _nicknamer()
    return frozenset(namer.nicknames_of(name) | namer.canonicals_of(name)
                     | _synonym_groups().get(name, frozenset()))


def are_synonyms(first: str, second: str) -> bool:
    return first != second and second in _name_family(first)


def spelling_score(first: str, second: str) -> float:
    return JaroWinkler.normalized_similarity(first, second)


def is_spelling_variant(first: str, second: str,
                        family_name: bool) -> tuple[bool, float, bool]:
    """(matches, Jaro-Winkler score, matched by a single edit). Short given names get no
    single-letter substitution (Tom and Tim, Eva and Ava are different people); a letter
    added or dropped can still score as similar (Jak ~ Jack, and so Eva ~ Evan): the date
    of birth and gender, when supplied, tell such people apart."""
    score = spelling_score(first, second)
    shortest = 3 if family_name else 4
    single = OSA.distance(first, second) == 1
    # Two letters typed the wrong way round is a slip at any length (Tmo for Tom).
    transposed = single and Levenshtein.distance(first, second) == 2
    one_edit = single and (transposed or min(len(first), len(second)) >= shortest)
    similar = score >= SPELLING_THRESHOLD and abs(len(first) - len(second)) <= 2
    return similar or one_edit, score, one_edit and not similar


def compare_name(supplied: str, held: str, held_field: str,
                 synonyms: bool = False) -> NameMatch | None:
    """How a supplied name matches one held name, or None. `synonyms` marks a comparison
    with a held given name: short forms count, single edits in short names do not."""
    if not (held or "").strip() or not (supplied or "").strip():
        return None
    if normalise(supplied) == normalise(held):
        return NameMatch(EXACT, held_field, held)
    folded_supplied, folded_held = fold(supplied), fold(held)
    if folded_supplied.replace(" ", "") == folded_held.replace(" ", ""):
        return NameMatch(FOLDED, held_field, held)
    supplied_parts, held_parts = folded_supplied.split(), folded_held.split()
    if set(supplied_parts) & set(held_parts):
        return NameMatch(PART, held_field, held)
    if synonyms and any(are_synonyms(s, h) for s in supplied_parts for h in held_parts):
        return NameMatch(SYNONYM, held_field, held)
    pairs = [(folded_supplied.replace(" ", ""), folded_held.replace(" ", ""))] + [
        (s, h) for s in supplied_parts for h in held_parts]
    results = [is_spelling_variant(s, h, family_name=not synonyms) for s, h in pairs]
    matched, score, one_edit = max(results, key=lambda result: (result[0], result[1]))
    if matched:
        return NameMatch(SPELLING, held_field, held, score, one_edit)
    return None


# --- the verification ----------------------------------------------------------------------

def _first_match(supplied: str, candidates: list[tuple[str, str]],
                 synonyms: bool) -> NameMatch | None:
    for held_field, held_value in candidates:
        if match := compare_name(supplied, held_value, held_field, synonyms):
            return match
    return None


def _known_gender(gender: str | None) -> str | None:
    gender = (gender or "").strip()
    return gender if gender in KNOWN_GENDERS else None


def verify(supplied: Supplied, held: LearnerDetails | None,
           linked: bool = False) -> Verification:
    """The return code, failure flags and explanation for one verification."""
    if held is None:
        return Verification(
            code="VRC006",
            flags=["VRF1", "VRF2", "VRF3", "VRF4", "VRF5", "VRF6"]
            + (["VRF7"] if supplied.date_of_birth else [])
            + (["VRF8"] if _known_gender(supplied.gender) else []),
            checks=[FieldCheck("ULN", supplied.uln, False,
                               "No learner on the register has this ULN")])

    given_direct = compare_name(supplied.given_name, held.given_name, "given name", True)
    given_alternative = given_direct or _first_match(supplied.given_name, [
        ("preferred given name", held.preferred_given_name),
        ("middle or other names", held.middle_other_names)], synonyms=True)
    given_as_family = compare_name(supplied.given_name, held.family_name, "family name")
    given_as_previous = compare_name(supplied.given_name, held.previous_family_name,
                                     "previous family name")

    family_direct = compare_name(supplied.family_name, held.family_name, "family name")
    family_alternative = family_direct or _first_match(supplied.family_name, [
        ("previous family name", held.previous_family_name),
        ("family name at 16", held.family_name_at_16)], synonyms=False)
    family_as_given = compare_name(supplied.family_name, held.given_name, "given name", True)

    swapped = (given_as_family or given_as_previous) and family_as_given
    given_match = given_alternative or (swapped and (given_as_family or given_as_previous))
    family_match = family_alternative or (swapped and family_as_given)

    flags = []
    if not given_direct:
        flags.append("VRF1")
        if not given_as_family:
            flags.append("VRF2")
        if not given_as_previous:
            flags.append("VRF3")
    if not family_direct:
        if not family_as_given:
            flags.append("VRF4")
        flags.append("VRF5")
        if not compare_name(supplied.family_name, held.previous_family_name,
                            "previous family name"):
            flags.append("VRF6")
    flags.sort()

    checks = []
    date_ok = True
    if supplied.date_of_birth is not None:
        date_ok = supplied.date_of_birth == held.date_of_birth
        if not date_ok:
            flags.append("VRF7")
        checks.append(FieldCheck("Date of birth", supplied.date_of_birth.isoformat(), date_ok,
                                 "matches the held date of birth" if date_ok
                                 else "differs from the held date of birth"))
    gender_ok = True
    supplied_gender, held_gender = _known_gender(supplied.gender), _known_gender(held.gender)
    if supplied_gender and held_gender:
        gender_ok = supplied_gender == held_gender
        if not gender_ok:
            flags.append("VRF8")
        checks.append(FieldCheck("Gender", supplied_gender, gender_ok,
                                 "matches the held gender" if gender_ok
                                 else "differs from the held gender"))

    exact = (given_direct is not None and given_direct.kind == EXACT
             and family_direct is not None and family_direct.kind == EXACT)
    if exact and date_ok and gender_ok:
        code = "VRC002" if linked else "VRC001"
    elif given_match and family_match and date_ok and gender_ok:
        code = "VRC004" if linked else "VRC003"
        if swapped and not given_alternative and not family_alternative:
            checks.append(FieldCheck("Names", "", True,
                                     "the given and family names appear to be swapped"))
    else:
        code = "VRC005"
    # A learner who does not match is not shown anything held, not even in the explanation.
    recognised = code != "VRC005"
    checks[:0] = [_name_check("Given name", supplied.given_name, given_match, recognised),
                  _name_check("Family name", supplied.family_name, family_match, recognised)]
    return Verification(code=code, flags=flags, checks=checks,
                        returned=held if recognised else None)


def _name_check(label: str, supplied: str, match: NameMatch | None,
                reveal: bool) -> FieldCheck:
    if match is None:
        return FieldCheck(label, supplied, False,
                          "matches none of the held names, even allowing for short forms, "
                          "double names and spelling variants")
    return FieldCheck(label, supplied, True, match.describe(reveal))


# What the guide tells the user to do next, for each code (appendix C).
NEXT_STEPS = {
    "VRC001": "You do not need to take any further action as the ULN has been verified.",
    "VRC002": "The details returned are for the learner marked as the ‘master’ learner. You do "
              "not need to take any further action as the ULN has been verified.",
    "VRC003": "Check the differences between the supplied information and the information "
              "returned. If you have any doubt about the result, get clarification from the "
              "learning provider.",
    "VRC004": "The details returned are for the master ULN. You do not need to take any further "
              "action as the ULN has been verified.",
    "VRC005": "Take a note of the failure flag descriptions and send a request to the learning "
              "provider to update their submission to you, or to update the LRS if it is "
              "incorrect.",
    "VRC006": "Take a note of the failure flag descriptions and send a request to the learning "
              "provider to provide an update.",
}
