"""Learner verification (guide appendix C): compare what an awarding organisation supplied
with what the register holds, and say how each field matched or why it did not.

Pure functions: the caller loads the held learner (the master's record for a linked ULN,
and for a linked ULN the linked record's own details too) as LearnerDetails, or anything
with the same attributes (a models.Learner). What is known about single names (folds,
sound keys, synonyms, genders, real names) lives in rules/names.py with its sources.

Every supplied and held name is first put in Unicode NFC (a decomposed accent is the same
text). A supplied name matches a held name at the first rule that holds, strongest first:
  exact      equal after NFC, ignoring case and surrounding spaces           (exact codes)
  folded     equal once accents, apostrophes, hyphens, full stops and spacing are ignored
             and letters without a decomposition are written plainly (ł ı đ ø æ ß → l i d
             o ae ss; ä ö ü ø å also as ae oe ue oe aa): O’Brien ~ OBrien, Yıldız ~ Yildiz
  prefix     equal once a prefix is written one way or left out: Mc/Mac, O’, Al-, de la, van
             (MacDonald ~ Mc Donald, MacArthur ~ McArthur, Al-Rashid ~ Rashid)
  part       a double name against a part of it, whole parts only: every supplied part
             matches a held part (Sally ~ Sally Ann, Usman ~ Muhammad Usman) or every held
             part a supplied one with at most one part more (Sally Ann ~ Sally). A supplied
             name of more than MAX_PARTS parts is a list, not a name: no part rule. Parts
             that many people share (data/common_name_elements.txt: Muhammad, Abdul, Singh,
             Kaur, Bibi, Begum …) never carry a part match on their own
  synonym    given names only: the same name or a short form, chained once through the
             `nicknames` dataset, data/given_name_synonyms.txt and data/given_name_pet_forms.txt
             (Kate ~ Catherine, Kostya ~ Konstantin,
             Dami ~ Oluwadamilola, Kasia ~ Katarzyna, Dafydd ~ David; a short form the data
             lists is trusted over the gender list: Vanya ~ Ivan); or a language form,
             spelling or short form Wiktionary gives (data/given_name_forms.txt: Guillaume ~
             William, Giacomo ~ James), used directly, never chained, never between a boy's
             and a girl's name nor between two names both in English use (Ava/Eva), though a
             short form it gives is trusted over the gender list (Fede ~ Federico); or the
             beginning of the name with a pet ending (PET_ENDINGS: Danny ~ Daniel, Jarek ~
             Jarosław, Gintas ~ Gintaras), also after the first element of a Yoruba or Igbo
             compound (Tobi ~ Oluwatobiloba). Family names: two spellings on one line of
             the hand-made data spelt alike (Hossain ~ Hussain, Cabdi ~ Abdi), or one name
             in Gaelic and English or two Chinese romanisations (data/family_name_forms.txt:
             O Ceallaigh ~ Kelly, Zhou ~ Chow), as a spelling. Given names also: gender-
             guesser's hand-kept pairs of one name (its '=' lines: Aga ~ Agnieszka, Laci ~
             László; a two- or three-letter one only when it begins the name), as the
             Wiktionary forms; and another spelling (names.spelling_shape) of a name the
             hand-made lines or the forms relate directly to the supplied one, all three of
             five letters or more and alike in ending, first letter and number of vowels
             (Michail ~ Michael through Mikhail; _synonym_of_a_spelling says what else)
  spelling   the names sound the same (names.sound_key: Stuart ~ Stewart, Graeme ~
             Graham, Chowdhury ~ Chaudhry, Geraldine ~ Jeraldine: a soft g; Farquharson ~
             Farquarson: a silent h), the shorter of five letters or more (two English
             given names may also spell an unstressed vowel either way: Aidan ~ Aiden,
             Jordan ~ Jordon); voiced for
             voiceless (g/k, d/t, b/p) only when one is no known name; or they are two
             romanisations of one name (names.spelling_shape: the same consonants written
             one way, w/v, zh/j, doubled letters, and vowel for vowel the same vowel written
             another way: Naseem ~ Nasim, Nowak ~ Novak, Pavlyuk ~ Pavliuk, Kabiru ~ Kabir;
             names of three or four letters only with long-vowel spellings: Sood ~ Sud);
             or s and sh inside a name of five letters or more, not between two known
             names (South Asian romanisations: Prashanth ~ Prasanth; Shaima/Saima differ).
             Never when a vowel differs in a way no romanisation writes (Hall/Hill,
             Kamal/Kamil, Baranov/Barinov, Adewale/Adewole), nor, between two known names,
             a short vowel (Patel/Patil, Salam/Salem): different names
  slip       one typing slip: two letters swapped (any length), a letter dropped or doubled
             or added (names of three letters or more), or a neighbouring key (four or more
             for given names, three for family names; not vowel for vowel). Not when the
             supplied name is itself a real name, given or family (Faker's name lists of
             every locale, gender-guesser, census surnames less their typing slips, and
             data/real_given_names.txt, real_family_names.txt): a different real name is not
             a typo (Holly/Molly, Dean/Sean, Roberts/Robert, Anwar/Ansar, Aled/Alex), nor a Slavic
             woman's family name of the man's (Hristov/Hristova)
  ocr        a scanning confusion: rn ~ m, l ~ I, cl ~ d, vv ~ w, 0 ~ o (Bames ~ Barnes); an
             h read as li, not at the start, when the supplied name is no real name
             (Jolinson ~ Johnson; Liu/Hu, Jolin/John are names of their own)
A boy's and a girl's form of a name are different people (gender-guesser: Justin/Justine,
Louis/Louise, Daniel/Danielle): ‘spelling’, ‘slip’ and ‘ocr’ never join them.
Only ‘exact’ can give VRC001/VRC002; everything else, and any match against a previous
family name, family name at 16, preferred or middle name or a swapped name, is at best a
possible match (VRC003/VRC004).

A name matches a held name of the other kind (given for family, family for given) only
when both names are swapped: ‘Claire Clarke’ is not ‘Stephanie Clarke’.

Linked ULNs (guide 13.2): the supplied details are compared with the linked record's own
details and with the master's; the better comparison gives the code (VRC002/VRC004) and the
master's details are returned.

Held details (and held names in the explanation) are returned only for a match where the
supplied date of birth was supplied and matched: names alone, however well guessed, reveal
nothing held (`withheld` says so, for the page).

Measured against two labelled sets in bench/match_quality.py (figures in docs/benchmarks.md).

Failure flags: VRF1 and VRF5 when the supplied given/family name does not match the held
given/family name; the cross-checks VRF2/VRF3 (given name against the held family and
previous family name) and VRF4/VRF6 (family name against the held given and previous family
name) are reported when the direct check failed and the cross-check failed too; VRF7/VRF8
when a supplied date of birth or gender differs. Gender 0 (not known) and 9 (not
specified) count as not supplied, on either side.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import date

from rapidfuzz.distance import OSA, Levenshtein

from webapp.rules import names
from webapp.rules.learner_data import LearnerDetails
from webapp.rules.names import fold, normalise  # noqa: F401  (part of this module's API)

KNOWN_GENDERS = {"1", "2"}
SOUND_SHORTEST = 5  # letters in the shorter name for the sound rule
FAMILY_SPELLING_LIKENESS = 0.5  # share of letters in place for a given-name spelling
MAX_PARTS = 3  # more parts than this in one supplied name is a list of guesses, not a name

EXACT, FOLDED, PREFIX, PART, SYNONYM, SPELLING, SLIP, OCR = (
    "exact", "folded", "prefix", "part", "synonym", "spelling", "slip", "ocr")
POSSIBLE_KINDS = (FOLDED, PREFIX, PART, SYNONYM, SPELLING, SLIP, OCR)

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
    PREFIX: "once a prefix (Mc/Mac, O’, Al-, de …) is written the same way or left out",
    PART: "as one part of a double name",
    SYNONYM: "as a short form or nickname",
    SPELLING: "as a spelling variant that sounds the same",
    SLIP: "as a spelling variant (one letter different)",
    OCR: "as a scanning confusion (such as rn for m, or l for I)",
}
WITHHELD = ("The date of birth was not supplied, so the details held for this learner are not "
            "shown. Verify again with the date of birth to see them.")

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWEL_LETTERS = frozenset("aeiou")


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

    def describe(self, reveal: bool = True) -> str:
        """How it matched; the held value only when the held details are shown."""
        held = f" ‘{self.held_value}’" if reveal else ""
        return f"matches the held {self.held_field}{held} {KIND_WORDS[self.kind]}"


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
    withheld: str | None = None  # why a matched learner's details are not returned

    @property
    def meaning(self) -> str:
        return CODES[self.code]


# --- comparing one name with one held name --------------------------------------------------

def _neighbours() -> dict[str, set[str]]:
    near: dict[str, set[str]] = {}
    for row_index, row in enumerate(KEYBOARD_ROWS):
        for column, letter in enumerate(row):
            around = set(row[max(column - 1, 0):column + 2]) - {letter}
            for other_row in (row_index - 1, row_index + 1):
                if 0 <= other_row < len(KEYBOARD_ROWS):
                    around |= set(KEYBOARD_ROWS[other_row][max(column - 1, 0):column + 2])
            near[letter] = around
    return near


NEIGHBOURS = _neighbours()


def _substitution(first: str, second: str) -> tuple[str, str] | None:
    differing = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    return differing[0] if len(differing) == 1 else None


def _one_vowel_changed(first: str, second: str) -> bool:
    """Hall/Hill, Kamal/Kamil, Mohamed/Mohamud: a vowel for another that no romanisation
    writes for it is another name (Jaber/Jabir, Hossain/Hussain are one name)."""
    return names.vowels_differ(first, second)


def _differing_parts(supplied: str, held: str) -> tuple[str, str]:
    """The one part that differs when the names have the same parts otherwise, so that the
    real-name and gender checks look at that part (Muhammad Alim against Muhammad Ali)."""
    supplied_parts, held_parts = names.parts(supplied), names.parts(held)
    if len(supplied_parts) == len(held_parts) > 1:
        differing = [(s, h) for s, h in zip(supplied_parts, held_parts, strict=True) if s != h]
        if len(differing) == 1:
            return differing[0]
    return names.compact(supplied), names.compact(held)


def _different_people(supplied: str, held: str, given: bool) -> bool:
    """A boy's and a girl's name, or the supplied name is itself another real name."""
    supplied_part, held_part = _differing_parts(supplied, held)
    return bool(given and names.opposite_genders(supplied_part, held_part))


def _is_slip(supplied: str, held: str, given: bool) -> bool:
    """One typing slip between two compact names (see the rules at the top)."""
    if abs(len(supplied) - len(held)) > 1 or OSA.distance(supplied, held) != 1:
        return False
    shortest = min(len(supplied), len(held))
    if Levenshtein.distance(supplied, held) == 2:       # two letters swapped
        return True
    if len(supplied) != len(held):                      # a letter added, dropped or doubled
        return shortest >= 3
    wrong, right = _substitution(supplied, held)
    return shortest >= (4 if given else 3) and wrong in NEIGHBOURS.get(right, ())


def _part_matches(supplied: str, held: str, given: bool) -> bool:
    if supplied == held:
        return True
    if given and names.are_synonyms(supplied, held):
        return True
    return (min(len(supplied), len(held)) >= SOUND_SHORTEST
            and names.sound_key(supplied) == names.sound_key(held)
            and not _one_vowel_changed(supplied, held)
            and not (given and names.opposite_genders(supplied, held)))


def _covered(smaller: tuple[str, ...], larger: tuple[str, ...], given: bool) -> list[str] | None:
    """The parts of `smaller` each matched to a different part of `larger`, or None."""
    free = list(larger)
    matched = []
    for part in smaller:
        for index, other in enumerate(free):
            if _part_matches(part, other, given):
                matched.append(part)
                del free[index]
                break
        else:
            return None
    return matched


def _part_match(supplied: str, held: str, given: bool) -> bool:
    supplied_parts, held_parts = names.parts(supplied), names.parts(held)
    if len(supplied_parts) > MAX_PARTS or (len(supplied_parts) < 2 and len(held_parts) < 2):
        return False
    matched = _covered(supplied_parts, held_parts, given)
    if matched is None and len(supplied_parts) <= len(held_parts) + 1:
        matched = _covered(held_parts, supplied_parts, given)
    return bool(matched) and not all(names.is_common_element(part) for part in matched)


def _synonym_match(supplied: str, held: str) -> bool:
    supplied_key, held_key = names.compact(supplied), names.compact(held)
    if names.are_synonyms(supplied_key, held_key):
        return True
    if _synonym_of_a_spelling(supplied_key, held_key) or _synonym_of_a_spelling(held_key,
                                                                                 supplied_key):
        return True
    single = len(names.parts(supplied)) == 1 and len(names.parts(held)) == 1
    return single and (_is_truncation(supplied_key, held_key)
                       or _is_pet_form(supplied_key, held_key)
                       or _is_pet_form(held_key, supplied_key)
                       or _is_short_of_compound(supplied_key, held_key)
                       or _is_short_of_compound(held_key, supplied_key))


def _synonym_of_a_spelling(name: str, other: str) -> bool:
    """`other` is another spelling of a name the lists relate to `name` directly (Nastya ~
    Anastasiya: the lists have Anastasia; Michail ~ Michael: they have Mikhail; a relative
    from the forms data, not the hand-made lines, with the same vowel letters), the three
    alike where spellings of one name are alike and other names often differ: five letters
    or more each, the same kind of ending (a, o, e/i/y or a consonant: Gabriele is no
    Gabriella), and the relative and `other` with the same first letter and as many vowels.
    Not between two English names (the English lists decide there: Kate/Kerry), nor through
    a pet form shorter than the name or from a pet form to a pet form (Johnny's Jackie:
    two short forms of one name are two people's names, Jacky and Johnny)."""
    if (min(len(name), len(other)) < SOUND_SHORTEST
            or names.ending_kind(name) != names.ending_kind(other)):
        return False
    # the relatives filed by first letter and ending (cached per name): most names have none
    # to compare, and the others' consonants are worked out only for the few that could be
    candidates = names.relatives_by_start_and_ending(name).get(
        (other[0], names.ending_kind(other)), ())
    if not candidates:
        return False
    consonants, vowels = names.consonant_key(other), len(names.vowel_runs(other))
    # the relatives' shapes first: the real-name lists are read only for names that pass
    spelt_alike = any(candidate != other and len(candidate) >= SOUND_SHORTEST
                      and names.consonant_key(candidate) == consonants
                      and len(names.vowel_runs(candidate)) == vowels
                      and not (_has_pet_ending(candidate)
                               and (len(candidate) < len(name) or _has_pet_ending(name)))
                      and _same_shape(candidate, other, True)
                      and (names.is_hand_made_relative(name, candidate)
                           or _same_vowel_letters(candidate, other))
                      for candidate in candidates)
    return spelt_alike and not (names.opposite_genders(name, other)
                                or names.is_english_name(name) and names.is_english_name(other))


def _same_vowel_letters(first: str, second: str) -> bool:
    """The same vowels, run for run, y written i and a doubled letter as one (Mikhail,
    Michail): a link from the forms data, which are wide, must differ in consonants only
    (Seamas is no link from Jacob to Simas, nor Eachann from Hector to Eshan)."""
    return _vowel_letters(first) == _vowel_letters(second)


def _vowel_letters(name: str) -> tuple[str, ...]:
    return tuple(re.sub(r"(.)\1+", r"\1", run) for run in names.vowel_runs(name))


# The endings of pet forms that are not also the endings of full names (-a, -o, -is are both).
PET_FORM_ENDINGS = ("ie", "y", "ey", "ee", "i", "ya", "sha", "ka", "ko")


def _has_pet_ending(name: str) -> bool:
    return name.endswith(PET_FORM_ENDINGS)


# The first elements of Yoruba and Igbo compound given names (Oluwa-, Olu-, Ade-, Ayo-,
# Ola-, Omo-, Oyin-, Baba-, Chi-, Chukwu-, Nwa-): the name is shortened from what follows
# as well as from its beginning (Funmi ~ Oluwafunmilayo, Bukky ~ Oluwabukola).
COMPOUND_FIRST_ELEMENTS = ("oluwa", "olu", "ade", "ayo", "ola", "omo", "oyin", "baba",
                           "chukwu", "chi", "nwa")


def _is_short_of_compound(short: str, full: str) -> bool:
    if not full.startswith(COMPOUND_FIRST_ELEMENTS):    # most names: one test
        return False
    for element in COMPOUND_FIRST_ELEMENTS:
        rest = full[len(element):]
        if full.startswith(element) and len(rest) >= 3 and len(short) >= 4 and (
                rest == short or _is_truncation(short, rest) or _is_pet_form(short, rest)):
            return True
    return False


# Pet endings put on the beginning of a given name, and how many letters of the full name
# they must replace: English -ie/-y (Angie, Danny: two or more), and the pet and short endings
# of other languages, which replace more of the name (Polish Jarek ~ Jarosław, Lithuanian
# Gintas ~ Gintaras, Greek Alexis ~ Alexandros, Spanish Rafa ~ Rafael, Bulgarian Dimo ~
# Dimitar, Polish -sia/-zia/-cia, Russian -sha). Not -ya or -ik: Kavya, Bhavik are names.
PET_ENDINGS = (("ie", 2), ("y", 2), ("i", 2), ("ee", 2), ("ey", 2),
               ("ek", 3), ("as", 3), ("is", 3), ("a", 3), ("o", 3), ("ka", 3), ("ko", 3),
               ("sia", 3), ("zia", 3), ("cia", 3), ("sha", 3))
# A boy's pet ending is no short form of a girl's name the gender list does not know
# (Gintas is not Gintarė, Jarek is not Jarosława).
BOYS_PET_ENDINGS = frozenset({"as", "is", "ek", "o", "ko"})


def _is_pet_form(short: str, full: str) -> bool:
    """A pet form made of the beginning of a given name (three letters or more) and a pet
    ending, its last consonant perhaps doubled (Angie ~ Angharad, Flori ~ Florentina, Danny ~
    Daniel, Jarek ~ Jarosław, Gintas ~ Gintaras): the full name longer than the beginning by
    what the ending replaces (PET_ENDINGS), not a boy's and a girl's."""
    for ending, replaced in PET_ENDINGS:
        if not short.endswith(ending) or len(short) - len(ending) < 3:
            continue
        stem = short[:-len(ending)]
        for beginning in (stem, stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else ""):
            if (beginning and full.startswith(beginning)
                    and len(full) - len(beginning) >= replaced and full != short):
                if ending in BOYS_PET_ENDINGS and full.endswith(("a", "e")):
                    return False
                return not names.opposite_genders(short, full)
    return False


def _is_truncation(first: str, second: str) -> bool:
    """A short form made by cutting a given name (Ash ~ Ashwin, Des ~ Desmond, Nika ~
    Veronika): the beginning (three letters or more) or the end (four or more) of the
    other, at least two letters shorter, and not a boy's and a girl's name."""
    shorter, longer = sorted((first, second), key=len)
    if len(longer) - len(shorter) < 2 or len(shorter) < 3:
        return False
    cut = longer.startswith(shorter) or (len(shorter) >= 4 and longer.endswith(shorter))
    return cut and not names.opposite_genders(shorter, longer)


def _two_real_names(supplied_part: str, held_part: str) -> bool:
    """Two real names whose vowels differ in a way no romanisation does are two names
    (Hall/Hill, Kamal/Kamil, Marin/Marian, Nikolov/Nikolaev, Hassan/Hassoun); Nasim/Naseem,
    Jaber/Jabir and Daly/Daley write one vowel two ways."""
    if not (names.is_known_name(supplied_part) and names.is_known_name(held_part)):
        return False
    if _one_vowel_changed(supplied_part, held_part):
        return True
    # the first vowel is already compared by its sound (Munro ~ Monroe): look at the others
    supplied_vowels = names.vowel_runs(supplied_part)[1:]
    held_vowels = names.vowel_runs(held_part)[1:]
    return len(supplied_vowels) == len(held_vowels) and not all(
        names.same_vowel(names.vowel_shape(a), names.vowel_shape(b), first_vowel=False,
                         short_vowels=False)
        for a, b in zip(supplied_vowels, held_vowels, strict=True))


def _unstressed_vowel_respelt(first: str, second: str) -> bool:
    """One single-letter vowel after the first vowel, between consonants and not the last
    letter, written as another (Aidan ~ Aiden, Kirsten ~ Kirstin, Jordan ~ Jordon): English
    speech reduces it, so English given names spell it either way."""
    if len(first) != len(second):
        return False
    differing = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
    if len(differing) != 1:
        return False
    at = differing[0]
    first_vowel = next((i for i, letter in enumerate(first) if letter in _VOWEL_LETTERS), at)
    return (first[at] in _VOWEL_LETTERS and second[at] in _VOWEL_LETTERS
            and first_vowel < at < len(first) - 1
            and first[at - 1] not in _VOWEL_LETTERS and first[at + 1] not in _VOWEL_LETTERS)


def _sounds_same(supplied: str, held: str, given: bool) -> bool:
    supplied_profile, held_profile = names.profile(supplied), names.profile(held)
    # Short names that sound alike are too often two names (Sara/Sahra, Ross/Rose, Li/Liu):
    # their spellings are in the synonym data, their slips are slips.
    shortest = min(len(supplied_profile.compact), len(held_profile.compact))
    if shortest < SOUND_SHORTEST or len(supplied_profile.parts) > MAX_PARTS:
        return False
    supplied_part, held_part = _differing_parts(supplied, held)
    # voiced for voiceless (g/k, d/t, b/p) only when one of them is no known name
    if names.sound_key(supplied) != names.sound_key(held) and (
            names.voiceless_key(supplied) != names.voiceless_key(held)
            or names.is_known_name(supplied_part) and names.is_known_name(held_part)):
        return False
    english_spellings = (given and _unstressed_vowel_respelt(supplied_part, held_part)
                         and names.is_english_name(supplied_part)
                         and names.is_english_name(held_part))
    if not english_spellings and (_two_real_names(supplied_part, held_part)
                                  or names.vowels_differ(supplied_part, held_part)):
        return False
    return not _different_people(supplied, held, given)


def _same_shape(supplied: str, held: str, given: bool) -> bool:
    """Another romanisation of the same name (names.spelling_shape): the same consonants
    and, vowel for vowel, the same vowels written another way (Naseem ~ Nasim, Nowak ~
    Novak, Jaber ~ Jabir); names of three or four letters only with doubled or long vowel
    spellings (Sood ~ Sud, Mann ~ Maan, Meera ~ Mira)."""
    supplied_part, held_part = _differing_parts(supplied, held)
    shortest = min(len(supplied_part), len(held_part))
    if shortest < 3 or len(names.parts(supplied)) > MAX_PARTS:
        return False
    strict = shortest < SOUND_SHORTEST
    # The widest reading first, so the name lists are read only for names that could be
    # spellings of each other (a worker that never needs them never loads them).
    if not names.same_spelling_shape(supplied_part, held_part, strict=strict):
        return False
    both_known = names.is_known_name(supplied_part) and names.is_known_name(held_part)
    english = names.is_english_name(supplied_part) or names.is_english_name(held_part)
    return (names.same_spelling_shape(supplied_part, held_part, strict=strict,
                                      short_vowels=not both_known,
                                      swapped_consonants=not both_known and not english)
            and not _different_people(supplied, held, given))


def _s_written_sh(supplied: str, held: str, given: bool) -> bool:
    """South Asian and Persian romanisations write one sound s or sh inside a name
    (Prashanth ~ Prasanth, Rukshana ~ Ruksana, Thushyanthan ~ Thusyanthan): one h after an
    s, not at the start (Shaima and Saima, Shafi and Safi are two names) nor at the end
    (Aneesh, Anees), in names of five letters or more, and not between two known names
    (Anisha, Anisa)."""
    shorter, longer = sorted(_differing_parts(supplied, held), key=len)
    if len(shorter) < SOUND_SHORTEST or len(longer) != len(shorter) + 1:
        return False
    inside = range(1, len(longer) - 2)   # where an "sh" may start: not first, not last
    if not any(longer.startswith("sh", at) and longer[:at + 1] + longer[at + 2:] == shorter
               for at in inside):
        return False
    both_known = names.is_known_name(shorter) and names.is_known_name(longer)
    return not both_known and not _different_people(supplied, held, given)


def _slip(supplied: str, held: str, given: bool) -> bool:
    if not _is_slip(names.compact(supplied), names.compact(held), given):
        return False
    supplied_part, held_part = _differing_parts(supplied, held)
    if names.is_real_name(supplied_part):   # given or family: many family names are
        return False                         # given names (Ansar, Anwar, Hussain)
    # A letter more or less at the end of a real name makes another name (Abbas/Abbasi,
    # Bain/Bains, Rupa/Rupal), not a slip.
    shorter, longer = sorted((supplied_part, held_part), key=len)
    if len(shorter) < len(longer) and longer.startswith(shorter) and (
            names.is_real_name(shorter) or _womans_form(shorter, longer)):
        return False
    return not _different_people(supplied, held, given)


# Slavic family names a woman's form adds -a to (Hristov/Hristova, Pushkin/Pushkina,
# Lebedev/Lebedeva): the lists know the commonest, the rule the rest.
SLAVIC_MENS_ENDINGS = ("ov", "ev", "iev", "in", "yn")


def _womans_form(shorter: str, longer: str) -> bool:
    return longer == shorter + "a" and shorter.endswith(SLAVIC_MENS_ENDINGS)


def _ocr(supplied: str, held: str, given: bool) -> bool:
    supplied_key, held_key = names.ocr_key(supplied), names.ocr_key(held)
    if supplied_key != held_key and not _h_scanned_as_li(supplied, held):
        return False
    return len(held_key) >= 2 and not _different_people(supplied, held, given)


def _h_scanned_as_li(supplied: str, held: str) -> bool:
    """The held name's h read as li by a scanner (Johnson → Jolinson, Ahmed → Alimed): not
    at the start, and only when the supplied name is no real name (Liu, Hu; Lian, Han; Jolin,
    John are names of their own)."""
    supplied_key, held_key = names.ocr_key(supplied), names.ocr_key(held)
    return (len(held_key) >= 4 and "li" in supplied_key[1:]
            and supplied_key[0] + supplied_key[1:].replace("li", "h") == held_key
            and not names.is_real_name(_differing_parts(supplied, held)[0]))


def _family_spelling(supplied: str, held: str) -> bool:
    """Many family names are given names (a father's name: Hussain, Osman, Cabdi): two
    spellings on one line of the given-name data that are spelt alike (half the letters or
    more in place: Hossain ~ Hussain, Cabdi ~ Abdi, Cumar ~ Omar), not its pet and language
    forms (Bill/William, Yusuf/Joseph are two family names)."""
    return ((names.are_spellings(supplied, held) or names.are_listed_spelling(supplied, held))
            and Levenshtein.normalized_similarity(supplied, held) >= FAMILY_SPELLING_LIKENESS)


def compare_name(supplied: str, held: str, held_field: str,
                 synonyms: bool = False) -> NameMatch | None:
    """How a supplied name matches one held name, or None. `synonyms` marks a comparison
    with a held given name: short forms count, and given-name lists and genders apply."""
    if not held or not supplied:
        return None
    given = synonyms
    supplied_profile, held_profile = names.profile(supplied), names.profile(held)
    if not supplied_profile.normalised or not held_profile.normalised:
        return None
    if supplied_profile.normalised == held_profile.normalised:
        return NameMatch(EXACT, held_field, held)
    if supplied_profile.compacts & held_profile.compacts:
        return NameMatch(FOLDED, held_field, held)
    supplied_core, held_core = supplied_profile.core, held_profile.core
    if supplied_core and supplied_core == held_core and not (
            given and names.is_common_element(held_core)):
        return NameMatch(PREFIX, held_field, held)
    if _part_match(supplied, held, given):
        return NameMatch(PART, held_field, held)
    if given and _synonym_match(supplied, held):
        return NameMatch(SYNONYM, held_field, held)
    if not given and (_family_spelling(supplied_profile.compact, held_profile.compact)
                      or names.are_family_forms(supplied_profile.compact, held_profile.compact)):
        return NameMatch(SPELLING, held_field, held)
    if (_sounds_same(supplied, held, given) or _same_shape(supplied, held, given)
            or _s_written_sh(supplied, held, given)):
        return NameMatch(SPELLING, held_field, held)
    if _slip(supplied, held, given):
        return NameMatch(SLIP, held_field, held)
    if _ocr(supplied, held, given):
        return NameMatch(OCR, held_field, held)
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


def _given_and_middle(held: LearnerDetails) -> str:
    middle = (getattr(held, "middle_other_names", "") or "").strip()
    return f"{held.given_name} {middle}" if middle else ""


_RANK = {"VRC001": 0, "VRC003": 1, "VRC005": 2}


def verify(supplied: Supplied, held: LearnerDetails | None, linked: bool = False,
           linked_held: LearnerDetails | None = None) -> Verification:
    """The return code, failure flags and explanation for one verification. `held` is the
    learner whose details are returned (the master, for a linked ULN); `linked_held` the
    supplied linked ULN's own record, compared too (guide 13.2)."""
    given_name, family_name = names.nfc(supplied.given_name), names.nfc(supplied.family_name)
    if given_name != supplied.given_name or family_name != supplied.family_name:
        supplied = replace(supplied, given_name=given_name, family_name=family_name)
    if held is None:
        return Verification(
            code="VRC006",
            flags=["VRF1", "VRF2", "VRF3", "VRF4", "VRF5", "VRF6"]
            + (["VRF7"] if supplied.date_of_birth else [])
            + (["VRF8"] if _known_gender(supplied.gender) else []),
            checks=[FieldCheck("ULN", supplied.uln, False,
                               "No learner on the register has this ULN")])
    outcome = _compare(supplied, held)
    if linked_held is not None and outcome[0] != "VRC001":  # nothing ranks above VRC001
        own = _compare(supplied, linked_held)
        if _RANK[own[0]] < _RANK[outcome[0]]:
            outcome = own
    code, flags, checks, given_match, family_match = outcome
    if linked:
        code = {"VRC001": "VRC002", "VRC003": "VRC004"}.get(code, code)
    recognised = code != "VRC005"
    # Names alone reveal nothing held: details only when the date of birth was supplied
    # (a supplied date that differs already made the code VRC005).
    reveal = recognised and supplied.date_of_birth is not None
    checks[:0] = [_name_check("Given name", supplied.given_name, given_match, reveal),
                  _name_check("Family name", supplied.family_name, family_match, reveal)]
    return Verification(code=code, flags=flags, checks=checks,
                        returned=held if reveal else None,
                        withheld=WITHHELD if recognised and not reveal else None)


def _exact_names(supplied: Supplied, held: LearnerDetails) -> tuple[NameMatch, NameMatch] | None:
    """Both names exactly the held ones (compare_name's first rule): decided without the
    fuzzy rules, which could add nothing (no flag, no cross-check, no swapped names)."""
    given, family = held.given_name, held.family_name
    if not (given and family and supplied.given_name and supplied.family_name):
        return None
    given_key, family_key = names.normalise(given), names.normalise(family)
    if (given_key and family_key and names.normalise(supplied.given_name) == given_key
            and names.normalise(supplied.family_name) == family_key):
        return NameMatch(EXACT, "given name", given), NameMatch(EXACT, "family name", family)
    return None


def _compare(supplied: Supplied, held: LearnerDetails):
    """(unlinked code, flags, checks, given match, family match) against one held record."""
    if exact := _exact_names(supplied, held):
        given_match, family_match = exact
        flags, checks = [], []
        date_ok, gender_ok = _date_and_gender(supplied, held, flags, checks)
        code = "VRC001" if date_ok and gender_ok else "VRC005"
        return code, flags, checks, given_match, family_match
    return _compare_names(supplied, held)


def _compare_names(supplied: Supplied, held: LearnerDetails):
    """_compare through every name rule."""
    given_direct = compare_name(supplied.given_name, held.given_name, "given name", True)
    given_alternative = given_direct or _first_match(supplied.given_name, [
        ("preferred given name", getattr(held, "preferred_given_name", "")),
        ("middle or other names", getattr(held, "middle_other_names", "")),
        ("given and middle names", _given_and_middle(held))], synonyms=True)
    family_direct = compare_name(supplied.family_name, held.family_name, "family name")
    family_alternative = family_direct or _first_match(supplied.family_name, [
        ("previous family name", getattr(held, "previous_family_name", "")),
        ("family name at 16", getattr(held, "family_name_at_16", ""))], synonyms=False)

    # The cross-checks are needed only when a direct check failed (for the flags) or an
    # alternative failed (for swapped names): most verifications skip them.
    previous = getattr(held, "previous_family_name", "")
    given_as_family = given_as_previous = family_as_given = None
    if not given_direct or not family_direct or not (given_alternative and family_alternative):
        given_as_family = compare_name(supplied.given_name, held.family_name, "family name")
        given_as_previous = compare_name(supplied.given_name, previous, "previous family name")
        family_as_given = compare_name(supplied.family_name, held.given_name, "given name",
                                       True)

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
        if not compare_name(supplied.family_name, previous, "previous family name"):
            flags.append("VRF6")
    flags.sort()

    checks = []
    date_ok, gender_ok = _date_and_gender(supplied, held, flags, checks)
    exact = (given_direct is not None and given_direct.kind == EXACT
             and family_direct is not None and family_direct.kind == EXACT)
    if exact and date_ok and gender_ok:
        code = "VRC001"
    elif given_match and family_match and date_ok and gender_ok:
        code = "VRC003"
        if swapped and not given_alternative and not family_alternative:
            checks.append(FieldCheck("Names", "", True,
                                     "the given and family names appear to be swapped"))
    else:
        code = "VRC005"
    return code, flags, checks, given_match, family_match


def _date_and_gender(supplied: Supplied, held: LearnerDetails, flags: list[str],
                     checks: list[FieldCheck]) -> tuple[bool, bool]:
    """Whether the date of birth and gender agree (True when either side has none),
    adding their flags and checks."""
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
    return date_ok, gender_ok


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
