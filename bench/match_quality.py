"""Match quality of the learner-verification engine (guide appendix C), scored per return
code on two labelled evaluation sets, beside a raw baseline timing measured in the same run.

    .venv/bin/python bench/match_quality.py [--set old|independent|both] [--learners 3000]

The old set is generated below from synthetic learners (by the hands that tuned the
engine); the independent set is bench/data/match_cases_independent.csv, built by someone who
never saw the engine (its README is beside it). Each set is scored on its own. `--csv PATH`
scores another set in the same columns, such as bench/data/match_cases_fresh.csv (a third,
held-out set; see docs/benchmarks.md for why its first figures are the fair ones).

Prints confusion matrices (by expected code and by case category), per-code precision and
recall, the three headline figures against the aims, example misses per category, and
the cost of `matching.verify` against a plain comparison of normalised names.

Every case carries the code a careful human would expect. Generated cases come from the
held learners (exact, genuine variations, twins, unrelated names with the same birthday,
date of birth or gender differing, ULN not on the register); the hand-written hard cases
in HARD_CASES say why each expectation was chosen. Fixed seeds: the same run gives the
same cases and the same figures, timings apart."""

import argparse
import csv
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from nicknames import NickNamer

from webapp.rules import matching, names
from webapp.rules.learner_data import LearnerDetails as Held
from webapp.rules.matching import Supplied
from webapp.services import synthetic_learners

INDEPENDENT_CSV = Path(__file__).parent / "data" / "match_cases_independent.csv"

SEED = 20_260_101
TODAY = date(2026, 1, 1)
OMIT_DOB_GENDER_SHARE = 0.25  # variation cases sent without date of birth and gender
LINKED_SHARE = 0.15           # exact and variation cases verified against a linked ULN
MISSES_SHOWN = 15
CODES = tuple(matching.CODES)
EXACT_CODES = {"VRC001", "VRC002"}
POSSIBLE_CODES = {"VRC003", "VRC004"}

EXACT = "exact"
TWINS = "twins (same family name and birthday)"
UNRELATED = "unrelated, same birthday"
DOB_MISMATCH = "date of birth differs"
GENDER_MISMATCH = "gender differs"
NOT_ON_REGISTER = "not on register"
HARD = "hard case, expected {code}"
TYPO_KINDS = ("transposition", "dropped letter", "substituted letter", "doubled letter")
VARIATIONS = tuple(f"typo: {kind}" for kind in TYPO_KINDS) + (
    "nickname or short form", "first part of double given name", "hyphenated surname",
    "apostrophe", "accent added", "previous family name", "given/family swapped")
HARD_CATEGORIES = tuple(HARD.format(code=code) for code in ("VRC001", "VRC003", "VRC005"))
CATEGORY_ORDER = (EXACT, *VARIATIONS, *HARD_CATEGORIES, TWINS, UNRELATED, DOB_MISMATCH,
                  GENDER_MISMATCH, NOT_ON_REGISTER)

QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
ACCENTS = {"e": "é", "a": "á", "o": "ö", "i": "ï", "u": "ü"}

# (held given, held family, supplied given, supplied family, expected, why). Date of birth
# and gender are supplied and equal, so only the names decide.
HARD_CASES = [
    ("Siobhan", "O'Brien", "Siobhan", "OBrien", "VRC003", "apostrophe dropped"),
    ("Siobhan", "O'Brien", "Siobhan", "O’Brien", "VRC003", "typographic apostrophe"),
    ("Siobhan", "O'Brien", "Siobhan", "O Brien", "VRC003", "apostrophe as a space"),
    ("Mary", "Smith-Jones", "Mary", "Smith Jones", "VRC003", "hyphen as a space"),
    ("Mary", "Smith-Jones", "Mary", "SmithJones", "VRC003", "hyphen dropped"),
    ("Mary", "Smith-Jones", "Mary", "Jones", "VRC003", "one part of a double surname"),
    ("Anne-Marie", "Hall", "Ann Marie", "Hall", "VRC003", "Anne-Marie written Ann Marie"),
    ("Zoë", "Brontë", "Zoe", "Bronte", "VRC003", "accents dropped"),
    ("José", "Álvarez", "Jose", "Alvarez", "VRC003", "accents dropped"),
    ("Chloe", "Dubois", "Chloé", "Dubois", "VRC003", "accent added"),
    ("John", "Smith", "Smith", "John", "VRC003", "given and family swapped"),
    ("Wei", "Li", "Li", "Wei", "VRC003", "family name first, as written in Chinese"),
    ("Mohammed", "Khan", "Muhammad", "Khan", "VRC003", "transliteration"),
    ("Mohammed", "Khan", "Mohamed", "Khan", "VRC003", "transliteration"),
    ("Mohammed", "Khan", "Mohammad", "Khan", "VRC003", "transliteration"),
    ("Catherine", "Jones", "Katherine", "Jones", "VRC003", "C/K spelling"),
    ("Catherine", "Jones", "Kathryn", "Jones", "VRC003", "spelling of the same name"),
    ("Stephen", "Ward", "Steven", "Ward", "VRC003", "spelling of the same name"),
    ("Jon", "Evans", "John", "Evans", "VRC003", "short name, one letter added"),
    ("Ian", "Evans", "Iain", "Evans", "VRC003", "short name, Scottish spelling"),
    ("Amy", "Evans", "Amie", "Evans", "VRC003", "short name, spelling"),
    ("Sara", "Hughes", "Sarah", "Hughes", "VRC003", "final h"),
    ("John", "Smith", "John", "Smyth", "VRC003", "i/y spelling"),
    ("Sean", "McDonald", "Sean", "MacDonald", "VRC003", "Mc/Mac"),
    ("Sean", "MacDonald", "Sean", "McDonald", "VRC003", "Mac/Mc"),
    ("Sean", "McDonald", "Sean", "Mc Donald", "VRC003", "Mc spaced"),
    ("Sean", "McDonald", "SEAN", "MCDONALD", "VRC001", "capitals only"),
    ("Sean", "St John", "Sean", "St. John", "VRC003", "full stop"),
    ("Paul", "Thompson", "Paul", "Thomson", "VRC003", "p dropped"),
    ("Paul", "Johnston", "Paul", "Johnson", "VRC003", "t dropped"),
    ("Henry", "Wilson", "Harry", "Wilson", "VRC003", "Harry is a short form of Henry"),
    ("William", "Wilson", "Bill", "Wilson", "VRC003", "nickname"),
    ("Margaret", "Wilson", "Peggy", "Wilson", "VRC003", "nickname"),
    ("Alfred", "Wilson", "Alfie", "Wilson", "VRC003", "British short form"),
    ("Frederick", "Wilson", "Freddie", "Wilson", "VRC003", "British short form"),
    ("Oliver", "Wilson", "Ollie", "Wilson", "VRC003", "British short form"),
    ("Isabelle", "Wilson", "Izzy", "Wilson", "VRC003", "British short form"),
    ("Abigail", "Wilson", "Abi", "Wilson", "VRC003", "British short form"),
    ("Rebecca", "Wilson", "Becky", "Wilson", "VRC003", "British short form"),
    ("Joshua", "Wilson", "Josh", "Wilson", "VRC003", "British short form"),
    ("Mary Ann", "Wilson", "Ann", "Wilson", "VRC003", "second part of a double name"),
    # A human would say these are different people (siblings, or another family):
    ("Emily", "Clarke", "Emma", "Clarke", "VRC005", "distinct names, typical sisters"),
    ("Lily", "Brown", "Lucy", "Brown", "VRC005", "distinct names"),
    ("James", "Smith", "John", "Smith", "VRC005", "distinct names"),
    ("Sophie", "Taylor", "Sophie", "Turner", "VRC005", "distinct surnames"),
    ("Adam", "Smith", "Adam", "Smithson", "VRC005", "a longer, different surname"),
    ("Jack", "Wood", "Jake", "Wood", "VRC005", "distinct names, one letter apart"),
    ("Ella", "Hughes", "Ellie", "Hughes", "VRC005", "distinct names, typical sisters"),
    ("Tom", "Hughes", "Tim", "Hughes", "VRC005", "twins' short names, one letter apart"),
    ("Eva", "Hughes", "Ava", "Hughes", "VRC005", "twins' short names, one letter apart"),
    ("Ray", "Hughes", "Roy", "Hughes", "VRC005", "twins' short names, one letter apart"),
]


@dataclass(frozen=True)
class Case:
    category: str
    expected: str
    supplied: Supplied
    held: Held | None
    linked: bool = False
    required_flag: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    case: Case
    code: str
    flags: tuple[str, ...]
    explanation: str

    @property
    def correct(self) -> bool:
        flag = self.case.required_flag
        return self.code == self.case.expected and (flag is None or flag in self.flags)


# --- the held learners ----------------------------------------------------------------------

def held_from_row(row: dict) -> Held:
    return Held(
        uln=row["uln"], given_name=row["given_name"], family_name=row["family_name"],
        date_of_birth=date.fromisoformat(row["date_of_birth"]), gender=row["gender"],
        preferred_given_name=row["preferred_given_name"] or "",
        middle_other_names=row["middle_other_names"] or "",
        previous_family_name=row["previous_family_name"] or "",
        family_name_at_16=row["family_name_at_16"] or "")


def held_learners(count: int) -> list[Held]:
    """The register's own learners; linked duplicates (same person, same names) left out."""
    rows = synthetic_learners.generate(count, SEED, TODAY)
    return [held_from_row(row) for row in rows if not row["master_uln"]]


# --- name mutations -------------------------------------------------------------------------

def _case_like(letter: str, model: str) -> str:
    return letter.upper() if model.isupper() else letter.lower()


def _letter_positions(name: str) -> list[int]:
    return [i for i, ch in enumerate(name) if ch.isalpha()]


def _keyboard_neighbours(letter: str) -> str:
    for row_index, row in enumerate(QWERTY_ROWS):
        if (column := row.find(letter.lower())) >= 0:
            around = row[max(column - 1, 0):column + 2].replace(letter.lower(), "")
            above_below = [QWERTY_ROWS[r][column] for r in (row_index - 1, row_index + 1)
                           if 0 <= r < len(QWERTY_ROWS) and column < len(QWERTY_ROWS[r])]
            return around + "".join(above_below)
    return "e"


def transpose(name: str, rng: random.Random) -> str | None:
    spots = [i for i in _letter_positions(name)[:-1]
             if name[i + 1].isalpha() and name[i].lower() != name[i + 1].lower()]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + _case_like(name[i + 1], name[i]) + _case_like(name[i], name[i + 1]) \
        + name[i + 2:]


def drop_letter(name: str, rng: random.Random) -> str | None:
    i = rng.choice(_letter_positions(name))
    dropped = name[:i] + name[i + 1:]
    if i == 0 and dropped:
        dropped = _case_like(dropped[0], name[0]) + dropped[1:]
    return dropped


def substitute_letter(name: str, rng: random.Random) -> str | None:
    i = rng.choice(_letter_positions(name))
    return name[:i] + _case_like(rng.choice(_keyboard_neighbours(name[i])), name[i]) \
        + name[i + 1:]


def double_letter(name: str, rng: random.Random) -> str | None:
    i = rng.choice(_letter_positions(name))
    return name[:i + 1] + name[i].lower() + name[i + 1:]


TYPOS: dict[str, Callable[[str, random.Random], str | None]] = dict(
    zip(TYPO_KINDS, (transpose, drop_letter, substitute_letter, double_letter), strict=True))


def add_accent(name: str) -> str | None:
    for plain, accented in ACCENTS.items():
        if (i := name.find(plain)) >= 0:
            return name[:i] + accented + name[i + 1:]
    return None


@dataclass
class NameVariants:
    """Related given names from the `nicknames` dataset (the engine's own source)."""
    namer: NickNamer

    def related(self, given: str) -> list[str]:
        first = given.split()[0].casefold()
        options = self.namer.nicknames_of(first) or self.namer.canonicals_of(first)
        return sorted(name.title() for name in options if len(name) > 1 and name != first)


# --- building the labelled cases ------------------------------------------------------------

def supplied_for(held: Held, given: str, family: str, rng: random.Random,
                 omit_share: float = 0.0) -> Supplied:
    if rng.random() < omit_share:
        return Supplied(held.uln, given, family)
    return Supplied(held.uln, given, family, held.date_of_birth, held.gender)


def restyle(name: str, rng: random.Random) -> str:
    """The same name with changed letter case or surrounding spaces."""
    style = rng.choice(("as held", "upper", "lower", "spaces", "swapped case"))
    return {"as held": name, "upper": name.upper(), "lower": name.lower(),
            "spaces": f"  {name} ", "swapped case": name.swapcase()}[style]


def rng_for(purpose: str, held: Held) -> random.Random:
    """A random stream per learner and purpose, so changing one kind of case leaves the
    others as they were."""
    return random.Random(f"{SEED}:{purpose}:{held.uln}")


def exact_case(held: Held, rng: random.Random) -> Case:
    given, family = restyle(held.given_name, rng), restyle(held.family_name, rng)
    supplied = supplied_for(held, given, family, rng, OMIT_DOB_GENDER_SHARE)
    return Case(EXACT, "VRC001", supplied, held)


def variation_names(kind: str, held: Held, rng: random.Random,
                    variants: NameVariants) -> tuple[str, str, str] | None:
    """(given, family, note) for one genuine variation of the held names, or None."""
    given, family = held.given_name, held.family_name
    if kind.startswith("typo: "):
        in_given = rng.random() < 0.5
        typo = TYPOS[kind.removeprefix("typo: ")](given if in_given else family, rng)
        if typo is None:
            return None
        return (typo, family, "given") if in_given else (given, typo, "family")
    if kind == "nickname or short form":
        options = variants.related(given)
        return (rng.choice(options), family, "") if options else None
    if kind == "first part of double given name":
        return (given.split()[0], family, "") if " " in given else None
    if kind == "hyphenated surname":
        if "-" not in family:
            return None
        parts = family.split("-")
        return given, rng.choice((" ".join(parts), parts[0], parts[-1])), ""
    if kind == "apostrophe":
        if "'" not in family and "’" not in family:
            return None
        bare = family.replace("’", "'")
        options = (bare.replace("'", ""), bare.replace("'", "’"), bare.replace("'", " "))
        return given, rng.choice([o for o in options if o != family]), ""
    if kind == "accent added":
        in_given = rng.random() < 0.5
        accented = add_accent(given if in_given else family)
        if accented is None:
            return None
        return (accented, family, "given") if in_given else (given, accented, "family")
    if kind == "previous family name":
        previous = held.previous_family_name
        changed = previous and matching.fold(previous) != matching.fold(family)
        return (given, previous, "") if changed else None
    if kind == "given/family swapped":
        return family, given, ""
    raise ValueError(kind)


def variation_cases(held: Held, variants: NameVariants) -> Iterator[Case]:
    for kind in VARIATIONS:
        rng = rng_for(kind, held)
        if names := variation_names(kind, held, rng, variants):
            given, family, note = names
            supplied = supplied_for(held, given, family, rng, OMIT_DOB_GENDER_SHARE)
            yield with_linked_share(Case(kind, "VRC003", supplied, held, note=note), rng)


def with_linked_share(case: Case, rng: random.Random) -> Case:
    if rng.random() >= LINKED_SHARE:
        return case
    linked_code = {"VRC001": "VRC002", "VRC003": "VRC004"}[case.expected]
    return replace(case, expected=linked_code, linked=True)


def twin_case(held: Held, same_gender: list[Held], rng: random.Random) -> Case:
    """Same family name and birthday, a sibling's given name sharing no part with the held
    one. Names the nicknames dataset relates (Anna, Hannah) are kept: parents do give
    twins such names, and the misses show which rule let them through."""
    held_parts = set(matching.fold(held.given_name).split())
    while True:
        other = rng.choice(same_gender).given_name
        if not held_parts & set(matching.fold(other).split()):
            return Case(TWINS, "VRC005", Supplied(held.uln, other, held.family_name,
                                                  held.date_of_birth, held.gender), held)


def unrelated_case(held: Held, everyone: list[Held], rng: random.Random) -> Case:
    while True:
        other = rng.choice(everyone)
        if matching.fold(other.given_name) != matching.fold(held.given_name) \
                or matching.fold(other.family_name) != matching.fold(held.family_name):
            supplied = Supplied(held.uln, other.given_name, other.family_name,
                                held.date_of_birth, held.gender)
            return Case(UNRELATED, "VRC005", supplied, held)


def wrong_date(born: date, rng: random.Random) -> date:
    """A typical data-entry slip: a day or a year out, or day and month swapped."""
    if born.day <= 12 and born.day != born.month and rng.random() < 0.3:
        return born.replace(month=born.day, day=born.month)
    if rng.random() < 0.5:
        return born + timedelta(days=rng.choice((-1, 1)))
    return born.replace(year=born.year + rng.choice((-1, 1)), day=min(born.day, 28))


def mismatch_cases(held: Held, rng: random.Random) -> Iterator[Case]:
    given, family = restyle(held.given_name, rng), restyle(held.family_name, rng)
    yield Case(DOB_MISMATCH, "VRC005", Supplied(
        held.uln, given, family, wrong_date(held.date_of_birth, rng), held.gender), held,
        required_flag="VRF7")
    other_gender = "2" if held.gender == "1" else "1"
    yield Case(GENDER_MISMATCH, "VRC005", Supplied(
        held.uln, given, family, held.date_of_birth, other_gender), held,
        required_flag="VRF8")


def not_on_register_case(held: Held, number: int) -> Case:
    supplied = Supplied(f"99{number:08d}", held.given_name, held.family_name,
                        held.date_of_birth, held.gender)
    return Case(NOT_ON_REGISTER, "VRC006", supplied, None)


def hard_cases(born: date) -> Iterator[Case]:
    for index, (held_given, held_family, given, family, code, why) in enumerate(HARD_CASES):
        held = Held(f"{index:010d}", held_given, held_family, born, "1")
        supplied = Supplied(held.uln, given, family, born, "1")
        yield Case(HARD.format(code=code), code, supplied, held, note=why)


def build_cases(learners: list[Held]) -> list[Case]:
    variants = NameVariants(NickNamer())
    by_gender = defaultdict(list)
    for held in learners:
        by_gender[held.gender].append(held)
    cases = []
    for number, held in enumerate(learners):
        rng = rng_for(EXACT, held)
        cases.append(with_linked_share(exact_case(held, rng), rng))
        cases.extend(variation_cases(held, variants))
        cases.append(twin_case(held, by_gender[held.gender], rng_for(TWINS, held)))
        cases.append(unrelated_case(held, learners, rng_for(UNRELATED, held)))
        cases.extend(mismatch_cases(held, rng_for(DOB_MISMATCH, held)))
        if number % 10 == 0:
            cases.append(not_on_register_case(held, number))
    cases.extend(hard_cases(date(2008, 5, 1)))
    return cases


# --- the independent set -------------------------------------------------------------------

INDEPENDENT_CODES = {"exact": "VRC001", "possible": "VRC003", "no_match": "VRC005"}
INDEPENDENT_EXPECTED: dict[str, str] = {}  # kind → exact/possible/no_match, filled on load


def independent_cases(path: Path = INDEPENDENT_CSV) -> list[Case]:
    """The independent set as read, without trimming or normalising (its README asks)."""
    cases = []
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            INDEPENDENT_EXPECTED[row["kind"]] = row["expected"]
            held = Held(uln=f"{len(cases) + 1:010d}", given_name=row["held_given"],
                        family_name=row["held_family"],
                        date_of_birth=date.fromisoformat(row["held_dob"]),
                        gender=row["held_gender"], middle_other_names=row["held_middle"],
                        previous_family_name=row["held_previous_family"])
            supplied = Supplied(
                held.uln, row["supplied_given"], row["supplied_family"],
                date.fromisoformat(row["supplied_dob"]) if row["supplied_dob"] else None,
                row["supplied_gender"] or None)
            cases.append(Case(row["kind"], INDEPENDENT_CODES[row["expected"]], supplied, held,
                              note=f"{row['tradition']}: {row['why']}"))
    return cases


# --- scoring --------------------------------------------------------------------------------

def explain(result: matching.Verification) -> str:
    return "; ".join(f"{check.field}: {check.explanation}" for check in result.checks
                     if check.field in ("Given name", "Family name", "Names"))


def evaluate(cases: list[Case]) -> list[Outcome]:
    outcomes = []
    for case in cases:
        result = matching.verify(case.supplied, case.held, case.linked)
        outcomes.append(Outcome(case, result.code, tuple(result.flags), explain(result)))
    return outcomes


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.2f} %" if whole else "     n/a"


def print_code_matrix(outcomes: list[Outcome]) -> None:
    counts = Counter((o.case.expected, o.code) for o in outcomes)
    print("Confusion matrix by return code (rows expected, columns returned)")
    print(f"{'expected':<10}" + "".join(f"{code:>9}" for code in CODES)
          + f"{'total':>9}{'recall':>11}")
    for expected in CODES:
        row = [counts[expected, code] for code in CODES]
        recall = percent(counts[expected, expected], sum(row))
        print(f"{expected:<10}" + "".join(f"{n:>9}" for n in row) + f"{sum(row):>9}{recall:>11}")
    precision = [percent(counts[c, c], sum(counts[e, c] for e in CODES)) for c in CODES]
    print(f"{'precision':<10}" + "".join(f"{p.replace(' ', ''):>9}" for p in precision))
    print()


def by_category(outcomes: list[Outcome]) -> list[tuple[str, list[Outcome]]]:
    groups = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.case.category].append(outcome)
    order = {category: index for index, category in enumerate(CATEGORY_ORDER)}
    return sorted(groups.items(), key=lambda item: (
        order.get(item[0], len(order)), INDEPENDENT_EXPECTED.get(item[0], ""), item[0]))


def print_category_matrix(outcomes: list[Outcome]) -> None:
    print("Confusion matrix by case category (columns returned; correct = expected code, "
          "and VRF7/VRF8 where required)")
    print(f"{'category':<40}{'expected':>14}" + "".join(f"{code:>8}" for code in CODES)
          + f"{'correct':>11}")
    for category, group in by_category(outcomes):
        returned = Counter(o.code for o in group)
        expected = "/".join(sorted({o.case.expected for o in group}))
        correct = sum(o.correct for o in group)
        print(f"{category:<40}{expected:>14}" + "".join(f"{returned[c]:>8}" for c in CODES)
              + f"{percent(correct, len(group)):>11}")
    print()


def share(outcomes: list[Outcome], chosen: Callable[[Outcome], bool],
          hit: Callable[[Outcome], bool]) -> tuple[int, int]:
    picked = [o for o in outcomes if chosen(o)]
    return sum(hit(o) for o in picked), len(picked)


def is_exact_case(case: Case) -> bool:
    return case.category == EXACT or INDEPENDENT_EXPECTED.get(case.category) == "exact"


def is_genuine_case(case: Case) -> bool:
    return case.category in VARIATIONS or INDEPENDENT_EXPECTED.get(case.category) == "possible"


def is_different_person(case: Case) -> bool:
    """Different people by name: twins and unrelated (old set); every no_match kind of the
    independent set except those that differ only by date of birth or gender."""
    return case.category in (TWINS, UNRELATED) or (
        INDEPENDENT_EXPECTED.get(case.category) == "no_match"
        and case.category not in ("dob-differs", "gender-differs"))


def print_headlines(outcomes: list[Outcome]) -> None:
    exact = share(outcomes, lambda o: is_exact_case(o.case), lambda o: o.code in EXACT_CODES)
    genuine = share(outcomes, lambda o: is_genuine_case(o.case),
                    lambda o: o.code in POSSIBLE_CODES)
    unrelated = share(outcomes, lambda o: is_different_person(o.case),
                      lambda o: o.code in POSSIBLE_CODES | EXACT_CODES)
    rows = [
        ("every exact case exact (VRC001/VRC002)", exact, lambda p: p == 100),
        ("≥ 98 % of genuine variations a possible match (VRC003/VRC004)", genuine,
         lambda p: p >= 98),
        ("≤ 1 % of different people a match (look-alikes included)", unrelated,
         lambda p: p <= 1),
    ]
    print("Headline figures against the aims")
    for label, (hits, total), met in rows:
        verdict = "met" if total and met(100 * hits / total) else "NOT met"
        print(f"  {label:<66}{hits:>6} / {total:<6}{percent(hits, total)}  {verdict}")
    print_false_positive_rules(outcomes)
    print()


CROSS_CHECKS = ("Given name: matches the held family name",
                "Given name: matches the held previous family name",
                "Family name: matches the held given name")


def print_false_positive_rules(outcomes: list[Outcome]) -> None:
    """Which rules let an unrelated name through (a case can count under two rules)."""
    rules = Counter()
    for o in outcomes:
        if is_different_person(o.case) and o.code in POSSIBLE_CODES:
            rules.update(kind for kind, words in matching.KIND_WORDS.items()
                         if kind != matching.EXACT and words in o.explanation)
            rules.update(["cross-check"] if any(c in o.explanation for c in CROSS_CHECKS) else [])
    print("  unrelated names matched, by rule: "
          + (", ".join(f"{kind} {n}" for kind, n in rules.most_common()) or "none"))


def describe_names(given: str, family: str) -> str:
    return f"‘{given}’ ‘{family}’"


def spread(items: list, most: int) -> list:
    """Up to `most` items taken evenly through the list, so examples are not all alike."""
    if len(items) <= most:
        return items
    return [items[i * len(items) // most] for i in range(most)]


def mutated_name_length(case: Case) -> int:
    if case.note not in ("given", "family"):
        return 99
    held_name = case.held.given_name if case.note == "given" else case.held.family_name
    return len(held_name)


def print_misses(outcomes: list[Outcome]) -> None:
    print(f"Example misses (up to {MISSES_SHOWN} per category, taken evenly through them)")
    for category, group in by_category([o for o in outcomes if not o.correct]):
        total = sum(o.case.category == category for o in outcomes)
        summary = f"{len(group)} of {total} missed"
        if category.startswith("typo: "):
            short = sum(mutated_name_length(o.case) <= 3 for o in group)
            summary += f", {short} of them in a name of three letters or fewer"
        print(f"\n  {category}: {summary}")
        for o in spread(group, MISSES_SHOWN):
            print("    " + miss_line(o))


def miss_line(outcome: Outcome) -> str:
    case, supplied = outcome.case, outcome.case.supplied
    line = f"supplied {describe_names(supplied.given_name, supplied.family_name)}"
    if case.held is not None:
        line += f" vs held {describe_names(case.held.given_name, case.held.family_name)}"
        if case.held.previous_family_name:
            line += f" (previous ‘{case.held.previous_family_name}’)"
    line += f" → {outcome.code} expected {case.expected}"
    if outcome.flags:
        line += f" [{' '.join(outcome.flags)}]"
    if case.note:
        line += f" ({case.note})"
    return line + (f"\n        {outcome.explanation}" if outcome.explanation else "")


# --- timing ---------------------------------------------------------------------------------

def per_case_microseconds(function: Callable[[Case], object], cases: list[Case],
                          repeats: int = 3, before: Callable[[], None] = lambda: None) -> float:
    """The best of `repeats` passes (this machine's speed varies from pass to pass);
    `before` runs ahead of each, untimed."""
    best = float("inf")
    for _ in range(repeats):
        before()
        start = time.perf_counter()
        for case in cases:
            function(case)
        best = min(best, time.perf_counter() - start)
    return best / len(cases) * 1_000_000


def plain_equality(case: Case) -> bool:
    supplied, held, normalise = case.supplied, case.held, matching.normalise
    return (normalise(supplied.given_name) == normalise(held.given_name)
            and normalise(supplied.family_name) == normalise(held.family_name))


def print_timing(cases: list[Case]) -> None:
    sample = [case for case in cases if case.held is not None]

    def verify(case: Case) -> None:
        matching.verify(case.supplied, case.held, case.linked)

    cold = per_case_microseconds(verify, sample, before=names.clear_name_caches)
    baseline = per_case_microseconds(plain_equality, sample)
    engine = per_case_microseconds(verify, sample)
    print(f"\nTiming over {len(sample)} cases")
    print(f"  plain == of normalised names (baseline) {baseline:9.2f} µs per case   1.00 ×")
    print(f"  matching.verify, names seen before      {engine:9.2f} µs per case "
          f"{engine / baseline:6.1f} ×   (best of 3 passes)")
    print(f"  matching.verify, every name new         {cold:9.2f} µs per case "
          f"{cold / baseline:6.1f} ×   (best of 3, per-name caches emptied before each)")


def report(title: str, cases: list[Case], misses: bool) -> None:
    outcomes = evaluate(cases)
    print(f"=== {title}: {len(cases)} labelled cases ===\n")
    print_code_matrix(outcomes)
    print_category_matrix(outcomes)
    print_headlines(outcomes)
    if misses:
        print_misses(outcomes)
    print_timing(cases)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=3000)
    parser.add_argument("--set", choices=("old", "independent", "both"), default="both")
    parser.add_argument("--no-misses", action="store_true", help="leave out example misses")
    parser.add_argument("--csv", type=Path, action="append", default=[],
                        help="also score a set in the independent set's columns (repeatable)")
    arguments = parser.parse_args()

    started = time.perf_counter()
    names.warm()
    print(f"Lists loaded in {time.perf_counter() - started:.1f} s\n")
    if arguments.set in ("old", "both"):
        learners = held_learners(arguments.learners)
        report(f"Old generated set ({len(learners)} held learners, seed {SEED})",
               build_cases(learners), not arguments.no_misses)
    if arguments.set in ("independent", "both"):
        report(f"Independent set ({INDEPENDENT_CSV.name})", independent_cases(),
               not arguments.no_misses)
    for path in arguments.csv:
        report(f"Set {path.name}", independent_cases(path), not arguments.no_misses)
    print(f"Whole run {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
