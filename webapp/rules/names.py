"""What the matching engine knows about names, one name at a time (pure; cached).

Every function here looks at a single name and returns a key or a fact; the engine in
matching.py compares keys. Each name's facts are computed once (lru_cache), so a
verification costs a few dictionary look-ups and a handful of short string comparisons.

Sources (say where every list comes from and its licence):
  anyascii (ISC)              letters without a decomposition: ł ı đ ø æ ß, and other scripts
  nicknames (MIT)             US-centred given names and nicknames
  gender-guesser (GPLv3; data from Jörg Michael's ‘gender’, GNU FDL)   given-name genders,
                               read from the installed package (not copied here)
  Faker person providers (MIT) given and family names of every locale: the ‘known real names’;
                               data/faker_*_names.txt, made by bench/build_known_names.py
  names (MIT; US Census 1990 surname list, public domain)   more known family names;
                               data/census_surnames.txt, made by bench/build_known_names.py
  data/given_name_synonyms.txt   hand-made (project licence): short forms and spellings
  data/given_name_pet_forms.txt  hand-made (project licence): standard pet forms of 34
                                  traditions, from general knowledge, by a hand that saw no set
  gender-guesser's '=' lines     pairs of one name (Aga ~ Agnieszka), read from the package
  data/name_spellings.txt        hand-made (project licence): spellings of one name, given or family
  data/common_name_elements.txt  hand-made (project licence): elements many people share
  data/name_spelling_groups.txt  hand-made (project licence): spellings of one given name
  data/family_name_spellings.txt hand-made (project licence): spellings of one family name; both
                                  from general knowledge, by a hand that saw no evaluation set
  data/real_given_names.txt,     hand-made (project licence): real names of 41 traditions the
  data/real_family_names.txt      lists above miss, from general knowledge, by a hand that saw
                                  no evaluation set: real, not known, names (is_real_name)
  data/family_name_forms.txt     hand-made (project licence): Gaelic/English and Chinese
                                  romanisations of one family name
  data/given_name_forms.txt      Wiktionary's given-name relations as collected by namor_data
                                  (BSD 3-Clause; Wiktionary text CC BY-SA): language forms,
                                  spellings, short forms; made by bench/build_given_name_forms.py
  spelling_shape's tables         hand-made from general knowledge of how Arabic, South Asian,
                                  Cyrillic, Polish and Baltic names are romanised (no list copied)
"""

import gc
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import chain

from anyascii import anyascii

MALE, FEMALE = "male", "female"

# Letters that German and Nordic names write with two plain letters (Müller ~ Mueller).
_TWO_LETTER_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ø": "oe", "å": "aa",
                                   "æ": "ae", "ß": "ss"})
_DROPPED = re.compile(r"[’'`.‘ʼ]")
_SPACING = re.compile(r"[-‐‑–—\s_]+")
_NON_LETTERS = re.compile(r"[^a-z ]")

# Particles a family name may be written with or without (O’Brien ~ Brien is not claimed:
# only the particles written as separate words or with a hyphen, and O’ with its apostrophe).
_PARTICLE = re.compile(
    r"^(?:o['’`‘]\s*|(?:al|el|ul|da|das|dos|do|de|del|della|der|di|du|la|le|van|von|ter|ten|bin|"
    r"ibn|ben|st|saint)(?:[-\s]+|$))+", re.IGNORECASE)
_MAC = re.compile(r"^mac(?=[^aeiou])")
_MAC_AS_WRITTEN = re.compile(r"^Ma?c(?=[A-Z])")  # MacArthur, McArthur: a capital after it

# OCR confusions: what a scanner or a careless reader turns one shape into (applied to the
# text as written, before case is folded, so a capital I and a small l meet).
_OCR_BEFORE_CASE = (("I", "l"), ("1", "l"), ("|", "l"), ("0", "o"), ("5", "s"))
_OCR_AFTER_CASE = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("ii", "u"), ("nn", "m"))


def nfc(name: str) -> str:
    """The same text in one Unicode form (some forms and Macs send decomposed accents)."""
    return unicodedata.normalize("NFC", name or "")


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """Exact comparison: NFC, surrounding and repeated spaces ignored, letter case ignored.
    str.lower, not casefold: ß and ss are different text (a possible match, not exact)."""
    return " ".join(nfc(name).split()).lower()


@lru_cache(maxsize=65536)
def folds(name: str) -> tuple[str, ...]:
    """Plain-letter spellings, parts separated by one space: accents dropped, letters with no
    decomposition transliterated (anyascii: ł → l, ı → i, đ → d, ø → o), apostrophes and
    full stops dropped, hyphens as spaces. A second spelling writes ä ö ü ø å æ ß the German
    and Nordic way (ae oe ue oe aa ae ss) when the name has one of them."""
    text = normalise.__wrapped__(name)   # not cached twice: folds keeps its own answers
    spellings = [text]
    if any(ch in text for ch in "äöüøåæß"):
        spellings.append(text.translate(_TWO_LETTER_FOLDS))
    result = []
    for spelling in spellings:
        plain = anyascii(_DROPPED.sub("", spelling)).lower()
        plain = _SPACING.sub(" ", _DROPPED.sub("", plain))
        plain = " ".join(_NON_LETTERS.sub("", plain).split())
        if plain not in result:
            result.append(plain)
    return tuple(result)


def fold(name: str) -> str:
    return folds(name)[0]


@lru_cache(maxsize=65536)
def compact(name: str) -> str:
    return folds(name)[0].replace(" ", "")


def _compact_when_loading(name: str) -> str:
    """compact, but leaving the per-name caches to the names verifications ask about: the
    lists' tens of thousands of names would fill them (about 300 bytes a name)."""
    return folds.__wrapped__(name)[0].replace(" ", "")


@lru_cache(maxsize=65536)
def parts(name: str) -> tuple[str, ...]:
    return tuple(fold(name).split())


@lru_cache(maxsize=65536)
def without_particles(name: str) -> str:
    """The compact name with particles and prefixes written one way: O’, Al-, de la, van …
    left out, Mac written Mc (MacDonald ~ McDonald ~ Mc Donald, Al-Rashid ~ Rashid)."""
    text = nfc(name).strip()
    stripped = _PARTICLE.sub("", text)
    if _MAC_AS_WRITTEN.match(stripped):
        return "mc" + compact(_MAC_AS_WRITTEN.sub("", stripped))
    core = compact(stripped) or compact(text)
    return _MAC.sub("mc", core)


@lru_cache(maxsize=65536)
def ocr_key(name: str) -> str:
    text = nfc(name).strip()
    for shape, letter in _OCR_BEFORE_CASE:
        text = text.replace(shape, letter)
    key = compact(text)
    for shape, letter in _OCR_AFTER_CASE:
        key = key.replace(shape, letter)
    return key


# --- how a name sounds -----------------------------------------------------------------------

_VOWELS = "aeiouy"
# Spellings of one sound, longest first (applied left to right on the compact name; a merged
# sound is written in capitals so that a later rule does not split it again).
_SOUND_SPELLINGS = (
    ("tch", "C"), ("sch", "S"), ("zh", "Z"), ("ph", "f"), ("gh", "g"), ("kh", "k"), ("dh", "d"),
    ("bh", "b"), ("th", "t"), ("ch", "C"), ("sh", "X"), ("ck", "k"), ("qu", "kw"), ("q", "k"),
    ("x", "ks"), ("z", "s"), ("v", "f"), ("c", "k"),
)
# Vowel spellings, by the sound they usually make in British use.
_VOWEL_CLASSES = (
    ("aa", "a"), ("ae", "a"), ("ai", "a"), ("ay", "a"), ("a", "a"),
    ("ee", "i"), ("ea", "i"), ("ie", "i"), ("ey", "i"), ("i", "i"), ("y", "i"),
    ("ei", "e"), ("e", "e"),
    ("oo", "o"), ("ou", "o"), ("au", "o"), ("oa", "o"), ("oe", "o"), ("o", "o"),
    ("ue", "o"), ("ua", "o"), ("u", "o"),
)
_VOWEL_CLASS_OF = dict(_VOWEL_CLASSES)
_FINAL_CLASS = {"a": "a", "e": "i", "i": "i", "o": "o"}


def _vowel_class(cluster: str) -> str:
    """The sound of the vowel spelling `cluster` begins with, two letters before one."""
    return _VOWEL_CLASS_OF.get(cluster[:2]) or _VOWEL_CLASS_OF.get(cluster[:1], "")


# The sound key's patterns, compiled once (in the order _sound_key applies them).
_OLUWA = re.compile(r"^oluwa(?=[^aeiou])")
_INITIAL_J_SOUND = re.compile(r"^(?:gi|[iy])(?=[aeiou])")
_EW_AS_U = re.compile(r"ew(?!sk|icz)")
_SOFT_C = re.compile(r"c(?=[eiy])")
_SOFT_G = re.compile(r"dg|(?<!^)g(?=[eiy])|^g(?=e)")
_SILENT_FIRST_H = re.compile(r"^h(?=[^aeiouy])")
_HARD_CH = re.compile(r"ch(?=[lr])")
_Y_BETWEEN_VOWELS = re.compile(r"(?<=[aeiou])y(?=[aeiou])")
_W_IN_A_VOWEL = re.compile(r"(?<=[aeiou])w(?![aeiouy]|sk|icz)")
_H_AFTER_VOWEL = re.compile(r"(?<=[aeiouy])h")
_H_AFTER_CONSONANT = re.compile(r"(?<=[^aeiouyCX])h")
_DOUBLED_LETTER = re.compile(r"(.)\1+")
_ONSET_VOWEL_REST = re.compile(r"([^aeiouy]*)([aeiouy]*)(.*)")
_FINAL_VOWEL_RUN = re.compile(r"[aeiouy]+$")
_NO_VOWELS = str.maketrans("", "", "aeiouy")


def _one_letter(doubled: re.Match) -> str:
    return doubled.group(1)


def sound_key(name: str) -> str:
    return _sound_key(name, soft_g=True)


@lru_cache(maxsize=65536)
def _sound_key(name: str, soft_g: bool) -> str:
    """How a name sounds, roughly, in British use: consonant spellings of one sound merged
    (ph/f, c/k, z/s, v/f, x/ks, dh/d; with `soft_g` a g before e, i or y and dg as j), a
    silent h (after a vowel or a consonant, or before a first consonant) dropped, doubled
    letters as one, a final silent e dropped; the first vowel kept as one of four sounds
    (a, e, i, o/u); later vowels, which English speech reduces, dropped except a final one
    (kept as a, i or o). So Stuart ~ Stewart, Graeme ~ Graham, Aisha ~ Ayesha, Yusuf ~
    Yousef, Elinor ~ Eleanor, Monroe ~ Munro, Chowdhury ~ Chaudhry, Aimee ~ Amy; but
    Hall/Hill, Wong/Wang, Shaw/Shah (aw/ah), Dean/Sean, Holly/Molly keep different keys."""
    text = compact(name)
    if not text:
        return ""
    text = _OLUWA.sub("olu", text)                         # Yoruba Oluwa- / Olu-
    text = _INITIAL_J_SOUND.sub("j", text)                 # Iuliana, Yannis, Giannis
    text = _EW_AS_U.sub("u", text)                         # Stewart; Polish -ewski has a v
    text = _SOFT_C.sub("s", text)
    if soft_g:   # English: Geoffrey ~ Jeffrey, Margery ~ Marjorie, Hodgson ~ Hodgeson
        text = _SOFT_G.sub("j", text)
    text = _SILENT_FIRST_H.sub("", text)                   # Hrithik: a silent first h
    text = _HARD_CH.sub("k", text)                         # Chloe, Christopher
    text = _Y_BETWEEN_VOWELS.sub("", text)                 # Ayesha: y between vowels
    text = _W_IN_A_VOWEL.sub("u", text)                    # Chowdhury, Shaw: w in a vowel
    for spelling, sound in _SOUND_SPELLINGS:
        text = text.replace(spelling, sound)
    text = _H_AFTER_VOWEL.sub("", text)                    # Sarah, Graham, John
    text = _H_AFTER_CONSONANT.sub("", text)                # Urquhart, Rhona: after a consonant
    if len(text) > 3 and text.endswith("e") and text[-2] not in _VOWELS:
        text = text[:-1]                                       # a silent final e
    text = _DOUBLED_LETTER.sub(_one_letter, text)
    match = _ONSET_VOWEL_REST.match(text)
    onset, first_vowel, rest = match.groups()
    final = ""
    if final_cluster := _FINAL_VOWEL_RUN.search(rest):
        final = _FINAL_CLASS.get(_vowel_class(final_cluster.group(0)), "")
    skeleton = rest.translate(_NO_VOWELS)
    skeleton = skeleton.replace("nstn", "nsn").replace("mps", "ms")
    return f"{onset}{_vowel_class(first_vowel)}{skeleton}{('-' + final) if final else ''}"


# --- how a name is spelt from another script ---------------------------------------------
# Romanisations of one name differ in how they write a sound, not in the sounds: long vowels
# doubled or not (Naseem/Nasim, Sood/Sud, Maan/Mann), w or v (Nowak/Novak, Oliwia/Olivia),
# zh, j or dj (Zheleva/Jeleva, Adjei/Agyei is not claimed), ts or c (Tsvetkov/Cvetkov), a
# consonant doubled (Bhat/Bhatt), an h after a vowel (Ezeh/Eze, Shahnaz/Shanaz) or after a
# consonant (Rhona/Rona, Bishwas/Biswas), a y between vowels (Iliyana/Iliana, Riya/Ria),
# Lithuanian -ija (Emilija/Emilia), Cyrillic х as kh or h before r or l (Khristo/Hristo).
_SHAPE_CONSONANTS = (
    ("dzh", "j"), ("zh", "j"), ("dj", "j"), ("tch", "C"), ("sch", "S"), ("ch", "C"),
    ("sh", "S"), ("ph", "f"), ("ck", "k"), ("q", "k"), ("w", "v"),
    ("ts", "c"),   # Cyrillic ц: ts in Bulgarian and Russian romanisation, c in Serbian, Czech
)
_LITHUANIAN_IJA = re.compile(r"ija$")
_KH_BEFORE_R_OR_L = re.compile(r"^kh(?=[rl])")
_FINAL_H_AFTER_VOWEL = re.compile(r"(?<=[aeiou])h$")
_H_AFTER_A_CONSONANT = re.compile(r"(?<=[^aeiouy])h")
_DOUBLED_CONSONANT = re.compile(r"([^aeiouy])\1+")
_SHAPE_RUN = re.compile(r"[aeiouy]+|[^aeiouy]+")
# Each vowel spelling as the vowel it writes (doubled and long spellings of one vowel).
_VOWEL_SHAPES = {"aa": "a", "ah": "a", "ee": "i", "ii": "i", "ie": "i", "ea": "i", "y": "i",
                 "iy": "i", "uu": "u", "oo": "u"}
# Two spellings of one vowel or glide, in any position: Cyrillic я ю ё е (Ulyana/Uliana,
# Pavlyuk/Pavliuk, Kovalyov/Kovalev, Iordanova/Yordanova), y or i after a vowel (Boyko/Boiko),
# Arabic diphthongs (Leila/Laila, Zeinab/Zainab), Urdu ai for e (Javaid/Javed, Sumaira/
# Sumera), a final silent e (Monroe/Munro).
_SAME_VOWEL = frozenset({frozenset(pair) for pair in (
    ("ya", "ia"), ("ya", "iia"), ("yu", "iu"), ("yo", "io"), ("yo", "e"), ("yo", "o"),
    ("ye", "e"), ("ye", "ie"), ("ie", "e"), ("oy", "oi"), ("ay", "ai"), ("ey", "ei"),
    ("ei", "ai"), ("ey", "i"), ("ou", "u"), ("oe", "o"), ("ai", "e"), ("ae", "e"))})
# Short vowels that romanisations write either way (Arabic and South Asian: Jaber/Jabir,
# Haidar/Haider, Hossain/Hussain), trusted only when one of the names is in no list: between
# two known names they are two names (Patel/Patil, Salam/Salem, Milena/Milana). Not a/i, a/o,
# a/u, e/u or i/o: those make other names (Kamal/Kamil, Adewale/Adewole, Mohamed/Mohamud,
# Paramjit/Paramjot, Baranov/Barinov). The first vowel, which carries the name, not e/a.
_SHORT_VOWELS_LATER = frozenset({frozenset(pair) for pair in (
    ("e", "i"), ("e", "a"), ("o", "u"), ("ei", "i"), ("ei", "e"), ("oi", "i"))})
_SHORT_VOWELS_FIRST = frozenset({frozenset(pair) for pair in (
    ("e", "i"), ("o", "u"), ("ei", "i"), ("ai", "e"))})
# A final vowel some traditions add or leave out: Hausa -u (Kabiru/Kabir, Umaru/Umar), French
# -e (Amine/Amin). Not -i (Abbas/Abbasi is another name), nor -a (Ivanov/Ivanova, Roman/
# Romana: a woman's form).
_FINAL_VOWELS = frozenset({"u", "e"})


@lru_cache(maxsize=65536)
def spelling_shape(name: str) -> tuple[str, tuple[str, ...]]:
    """(consonants, vowels): the name's consonant spellings written one way and its vowel
    spellings in order, each as the vowel it writes (see the rules above)."""
    text = compact(name)
    text = _LITHUANIAN_IJA.sub("ia", text)
    text = _KH_BEFORE_R_OR_L.sub("h", text)   # Cyrillic х before r, l: Khristo ~ Hristo
    for spelling, sound in _SHAPE_CONSONANTS:
        text = text.replace(spelling, sound)
    text = _Y_BETWEEN_VOWELS.sub("", text)
    text = _FINAL_H_AFTER_VOWEL.sub("", text)
    text = _H_AFTER_A_CONSONANT.sub("", text)
    text = _DOUBLED_CONSONANT.sub(_one_letter, text)
    consonants, vowels = [], []
    for run in _SHAPE_RUN.findall(text):
        if run[0] in _VOWELS:
            vowels.append(vowel_shape(run))
            consonants.append("_")
        else:
            consonants.append(run)
    return "".join(consonants), tuple(vowels)


def vowel_shape(run: str) -> str:
    return _VOWEL_SHAPES.get(run, run)


def same_vowel(first: str, second: str, first_vowel: bool, short_vowels: bool = True) -> bool:
    """Two vowel shapes that romanisations use for one vowel; `short_vowels` trusts the
    short-vowel pairs too."""
    pair = frozenset((first, second))
    if first == second or pair in _SAME_VOWEL:
        return True
    return short_vowels and pair in (_SHORT_VOWELS_FIRST if first_vowel else
                                     _SHORT_VOWELS_LATER)


def _without_final_vowel(shape: tuple[str, tuple[str, ...]]) -> tuple[str, tuple[str, ...]]:
    consonants, vowels = shape
    if consonants.endswith("_") and len(consonants) > 2 and vowels[-1] in _FINAL_VOWELS:
        return consonants[:-1], vowels[:-1]
    return shape


# Consonant spellings that some romanisations swap: French ch for sh (Rachid/Rashid); one
# sound written z, j, x, g or h: Bengali z/j (Zubair/Jubair), Spanish x/j/g (Ximénez/
# Jiménez/Giménez), Somali x for h (Xuseen/Hussein), Ukrainian h for Russian g (Hrytsenko/
# Gritsenko). Trusted with the short vowels only: one of the names in no list, five letters.
_SWAPPED_CONSONANTS = str.maketrans({"C": "S", "z": "h", "x": "h", "j": "h", "g": "h"})


def same_spelling_shape(first: str, second: str, strict: bool,
                        short_vowels: bool = True, swapped_consonants: bool | None = None
                        ) -> bool:
    """The same consonants and, vowel for vowel, the same vowels written another way, a
    final vowel perhaps added to a name of five letters or more (_FINAL_VOWELS: Khan/Khanna,
    Ross/Rose are two names). `strict` (short names) allows only doubled
    and long spellings of one vowel; `short_vowels` trusts the short-vowel pairs and
    `swapped_consonants` (by default as `short_vowels`) the consonant swaps."""
    if swapped_consonants is None:
        swapped_consonants = short_vowels
    first_shape, second_shape = spelling_shape(first), spelling_shape(second)
    if not strict and first_shape[0] != second_shape[0]:
        if len(first_shape[0]) > len(second_shape[0]):
            first_shape = _without_final_vowel(first_shape)
        else:
            second_shape = _without_final_vowel(second_shape)
    (first_consonants, first_vowels), (second_consonants, second_vowels) = \
        first_shape, second_shape
    if swapped_consonants and not strict:
        first_consonants = first_consonants.translate(_SWAPPED_CONSONANTS)
        second_consonants = second_consonants.translate(_SWAPPED_CONSONANTS)
    if first_consonants != second_consonants or len(first_vowels) != len(second_vowels):
        return False
    return all(a == b or (not strict and same_vowel(a, b, index == 0, short_vowels))
               for index, (a, b) in enumerate(zip(first_vowels, second_vowels, strict=True)))


def ending_kind(name: str) -> str:
    """a, o, i (e, i or y) or c (a consonant): the kind of ending that often tells a boy's
    name from a girl's and one tradition's form from another's."""
    last = name[-1]
    return last if last in "ao" else "i" if last in "eiy" else "c"


@lru_cache(maxsize=65536)
def relatives_by_start_and_ending(name: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """The name's listed relatives (not the name itself) filed by first letter and
    ending_kind: a cheap first test of which could be another spelling of a name."""
    filed: dict[tuple[str, str], list[str]] = {}
    for relative in listed_relatives(name) - {name}:
        if relative:
            filed.setdefault((relative[0], ending_kind(relative)), []).append(relative)
    return {key: tuple(relatives) for key, relatives in filed.items()}


@lru_cache(maxsize=65536)
def consonant_key(name: str) -> str:
    """What two names must share to be spelt alike (same_spelling_shape): the consonants as
    spelling_shape writes them, the swaps some romanisations make merged, a final vowel left
    out. A cheap first test."""
    return spelling_shape(name)[0].translate(_SWAPPED_CONSONANTS).rstrip("_")


def vowels_differ(first: str, second: str) -> bool:
    """The same consonants but, vowel for vowel, a vowel that makes another name
    (Hall/Hill, Kamal/Kamil, Baranov/Barinov, Adewale/Adewole)."""
    first_consonants, first_vowels = spelling_shape(first)
    second_consonants, second_vowels = spelling_shape(second)
    return (first_consonants == second_consonants and len(first_vowels) == len(second_vowels)
            and not same_spelling_shape(first, second, strict=False))


@dataclass(frozen=True, slots=True)
class NameProfile:
    """What the engine's first rules compare about one name, computed once per name (the
    sound and OCR keys are cached on their own: most names that match never need them)."""
    normalised: str
    compacts: frozenset[str]   # each plain-letter spelling without spaces
    compact: str
    parts: tuple[str, ...]
    core: str                  # without particles (O’, Al-, de …), Mac as Mc


@lru_cache(maxsize=65536)
def profile(name: str) -> NameProfile:
    return NameProfile(normalise(name), frozenset(f.replace(" ", "") for f in folds(name)),
                       compact(name), parts(name), without_particles(name))


# --- what is known about given names -------------------------------------------------------

# A list packed for _Lines: its text, the groups it holds and where each starts (4-byte
# numbers; the starts have one more: where the last group ends).
Packed = tuple[str, bytes, bytes]


class _Lines:
    """Lines of text, each starting with a key, in one string: "\nkey" or "\nkey\tvalue",
    grouped by the key's first three characters, with the groups the text holds and the
    offset where each starts (only the groups used: a small list holds a few hundred of the
    28 ** 3 there could be). Tens of thousands of names so cost three large allocations,
    not a Python string (and a set or dict slot) a name.

    Loading a list makes many small temporary objects. Python keeps a 1 MiB arena of small
    objects while any object in it lives, so a long-lived small object made while the
    temporaries live keeps their freed arenas in the worker (measured: 6 MiB after the
    known-name lists were read). So the loaders pack a list (pack: only the large
    allocations outlive it), let its temporaries go, and only then make the few small
    objects that hold it (_Lines(packed))."""

    __slots__ = ("_text", "_groups", "_starts")

    # A key's group: its first three characters, a to z as 1 to 26, anything else as 27,
    # none (a shorter key) as 0.
    _SYMBOLS = {letter: number for number, letter in enumerate("abcdefghijklmnopqrstuvwxyz", 1)}

    def __init__(self, packed: Packed):
        self._text = packed[0]
        self._groups = memoryview(packed[1]).cast("I")
        self._starts = memoryview(packed[2]).cast("I")

    @classmethod
    def pack(cls, lines: dict[str, str] | set[str]) -> Packed:
        """The keys of `lines` (a set, or a dict of key → the rest of its line)."""
        grouped = sorted((cls._group(key), key) for key in lines)
        keys = [key for _, key in grouped]
        if any("\n" in key or "\t" in key for key in keys):
            raise ValueError("a name with a tab or a line break cannot be listed")
        values = lines if isinstance(lines, dict) else {}
        groups, starts, offset = array("I"), array("I"), 0
        for group, key in grouped:
            if not groups or groups[-1] != group:
                groups.append(group)
                starts.append(offset)
            offset += 1 + len(key) + len(values.get(key, ""))
        starts.append(offset)
        text = "".join(f"\n{key}{values.get(key, '')}" for key in keys) + "\n"
        return text, groups.tobytes(), starts.tobytes()

    @classmethod
    def _group(cls, key: str) -> int:
        symbol = cls._SYMBOLS.get
        if len(key) >= 3:  # most names: written out, as this runs for every name loaded
            return (symbol(key[0], 27) * 28 + symbol(key[1], 27)) * 28 + symbol(key[2], 27)
        group = 0
        for character in key:
            group = group * 28 + symbol(character, 27)
        return group * 28 ** (3 - len(key))

    def find(self, key: str, after: str = "\n") -> int:
        """Where the line of `key` starts in the text, or -1. `after` is what follows the
        key on its line: a line break for a key alone, a tab for a key with a value."""
        if "\n" in key or "\t" in key:
            return -1
        group = self._group(key)
        at = bisect_left(self._groups, group)
        if at == len(self._groups) or self._groups[at] != group:
            return -1
        line = f"\n{key}{after}"
        return self._text.find(line, self._starts[at], self._starts[at + 1] + len(line))

    def value(self, start: int, key: str) -> tuple[int, int]:
        """(start, end) of the value on the line of `key` that starts at `start`."""
        begin = start + 1 + len(key)
        return begin, self._text.index("\n", begin)

    def text(self, start: int, end: int) -> str:
        return self._text[start:end]

    def holds(self, text: str, start: int, end: int) -> bool:
        return self._text.find(text, start, end) >= 0

    def keys(self) -> Iterator[str]:
        if self._text == "\n":
            return
        for line in self._text[1:-1].split("\n"):
            yield line.split("\t", 1)[0]

    def __len__(self) -> int:
        return self._text.count("\n") - 1


class Relations:
    """Compact names → the names related to each, held as lines of one text, each name
    followed by its related names between tabs (_Lines), rather than a dict of frozensets:
    the Wiktionary forms cost about 1 MiB so, against 3.5 MiB (each name's strings and a
    set table). get() answers as the dict of sets it was made from
    (tests/unit/test_known_name_lists.py checks every name)."""

    __slots__ = ("_lines",)

    def __init__(self, relations: dict[str, Iterable[str]]):
        self._lines = _Lines(self.pack(relations))

    @staticmethod
    def pack(relations: dict[str, Iterable[str]]) -> Packed:
        return _Lines.pack({name: "\t" + "".join(other + "\t" for other in sorted(others))
                            for name, others in relations.items()})

    @classmethod
    def from_packed(cls, packed: Packed) -> "Relations":
        relations = cls.__new__(cls)
        relations._lines = _Lines(packed)
        return relations

    def _related(self, name: str) -> tuple[int, int] | None:
        """Where the related names of `name` are in the text: "\tone\ttwo\t"."""
        start = self._lines.find(name, "\t")
        return None if start < 0 else self._lines.value(start, name)

    def get(self, name: str, default: frozenset[str] = frozenset()) -> frozenset[str]:
        span = self._related(name)
        if span is None:
            return default
        return frozenset(self._lines.text(*span).split("\t")[1:-1])

    def relates(self, name: str, other: str) -> bool:
        """`other` is among the names related to `name`."""
        span = self._related(name)
        return (span is not None and "\n" not in other and "\t" not in other
                and self._lines.holds(f"\t{other}\t", *span))

    def __iter__(self) -> Iterator[str]:
        return self._lines.keys()

    def __len__(self) -> int:
        return len(self._lines)


def _parse_synonym_sets(text: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(same: name → names on its 'a, b, c' lines; related: name → names it is a short form
    of, or that are short forms of it, on 'short > full' lines)."""
    same: dict[str, set[str]] = {}
    related: dict[str, set[str]] = {}
    for line in text.splitlines():
        body = line.split("#", 1)[0]
        if not body.strip():
            continue
        if ">" in body:
            left, right = body.split(">", 1)
            shorts = {_compact_when_loading(n) for n in left.split(",") if n.strip()} - {""}
            fulls = {_compact_when_loading(n) for n in right.split(",") if n.strip()} - {""}
            for name in shorts:
                same.setdefault(name, set()).update(shorts)
                related.setdefault(name, set()).update(fulls)
            for name in fulls:
                related.setdefault(name, set()).update(shorts)
        else:
            names = {_compact_when_loading(n) for n in body.split(",") if n.strip()} - {""}
            for name in names:
                same.setdefault(name, set()).update(names)
    return same, related


def _data_text(*files: str) -> str:
    data = resources.files("webapp.rules.data")
    return "\n".join(data.joinpath(name).read_text(encoding="utf-8") for name in files)


# The hand-made lines. The names of SYNONYM_FILES are known real names; those of the pet forms
# file are not, since its lines list romanisations of a full name (Viktoriia, Dariia) that the
# spelling rules should still join (Victoria ~ Viktoriia), not refuse as two real names.
SYNONYM_FILES = ("given_name_synonyms.txt", "name_spellings.txt")
PET_FORMS_FILE = "given_name_pet_forms.txt"


@cache
def _synonym_lines() -> tuple[Relations, Relations]:
    """The hand-made lines (SYNONYM_FILES and PET_FORMS_FILE): checked by hand,
    so trusted over the gender list and for family names too."""
    _load_what_outlives_the_lists()
    same, related = _synonym_lines_packed()
    return Relations.from_packed(same), Relations.from_packed(related)


def _synonym_lines_packed() -> tuple[Packed, Packed]:
    same, related = _parse_synonym_sets(_data_text(*SYNONYM_FILES, PET_FORMS_FILE))
    return Relations.pack(same), Relations.pack(related)


@cache
def _form_lines() -> tuple[Relations, Relations]:
    """Wiktionary's language forms, spellings and short forms (given_name_forms.txt): wide
    but not checked name by name, so a boy's and a girl's name stay apart (Mario, Mary),
    and the relations found wrong (given_name_forms_wrong.txt) are taken out."""
    _load_what_outlives_the_lists()
    same, related = _form_lines_packed()
    _give_back_temporaries()
    return Relations.from_packed(same), Relations.from_packed(related)


def _form_lines_packed() -> tuple[Packed, Packed]:
    same, related = _parse_synonym_sets(_data_text("given_name_forms.txt"))
    for name, other in _guesser_equivalents():
        related.setdefault(name, set()).add(other)
        related.setdefault(other, set()).add(name)
    wrong, _ = _parse_synonym_sets(_data_text("given_name_forms_wrong.txt"))
    return Relations.pack(_without(same, wrong)), Relations.pack(_without(related, wrong))


def _without(relations: dict[str, set[str]],
             wrong: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: others - wrong.get(name, set()) for name, others in relations.items()}


@cache
def _nickname_lines() -> Relations:
    """The `nicknames` dataset as Relations: each name (as NickNamer looks it up: lower
    case, no surrounding spaces) → its nicknames and the names it is a nickname of, made
    compact. NickNamer itself keeps two dicts of sets (about 1 MiB); it is dropped once read."""
    _load_what_outlives_the_lists()
    packed = _nickname_lines_packed()
    _give_back_temporaries()
    return Relations.from_packed(packed)


def _nickname_lines_packed() -> Packed:
    from nicknames import NickNamer

    namer = NickNamer()
    nicknames, canonicals = namer.nickname_lookup, namer.canonical_lookup
    # A name with a tab or a line break in a later release of the package is left out (the
    # lines cannot hold it) rather than refused: refusing would fail every verification.
    return Relations.pack({name: {_compact_when_loading(other) for other in
                                  nicknames.get(name, set()) | canonicals.get(name, set())}
                           for name in nicknames.keys() | canonicals.keys()
                           if not _LINE_BREAKING.search(name)})


_LINE_BREAKING = re.compile(r"[\t\n]")


# The Unicode blocks (code point // 256) of the letters in the lists and gender-guesser's
# file: anyascii loads a table for each block the first time it meets one, and keeps it
# (tests/unit/test_known_name_lists.py checks that these are all the blocks).
LIST_BLOCKS = (0x00, 0x01, 0x02, 0x03, 0x1E, 0x20, 0xA7)


@cache
def _load_what_outlives_the_lists() -> None:
    """What reading the lists would load and keep for good: the modules it imports and
    anyascii's tables. Loaded before the lists' temporaries are made, so that none of it
    lies among them and keeps their memory in the worker (see _Lines; measured with
    `import wsgi`, then names.warm(): 3 MiB less kept)."""
    import gender_guesser  # noqa: F401  (the package only: its data is read, not its Detector)
    import nicknames  # noqa: F401

    anyascii("".join(chr(block * 256 + 0x80) for block in LIST_BLOCKS))


def _give_back_temporaries() -> None:
    """After a large list is loaded: a full collection empties Python's free lists (of
    tuples, lists, dicts), which hold on to thousands of the loading's temporaries, and so
    pins the arenas they lie in. Measured (`import wsgi`, then names.warm(), PostgreSQL
    settings): the worker kept 11.5 MiB without it, 8.1 MiB with it; it costs one
    collection (tens of milliseconds) when a worker first loads the lists."""
    gc.collect()


@lru_cache(maxsize=65536)
def _same(name: str) -> frozenset[str]:
    """The name and its spellings on the hand-made 'same' lines (cached: name_family asks for
    a hub name's, Maria's or John's, once for each of their relatives)."""
    return _synonym_lines()[0].get(name, frozenset()) | {name}


@lru_cache(maxsize=65536)
def name_family(name: str) -> frozenset[str]:
    """Compact given names that are this name or a short form of it, chained once: the name's
    spellings (its 'same' lines), their nicknames and canonical forms (the `nicknames`
    dataset and the 'short > full' lines), and the spellings of those. Two short forms of one
    full name are not linked through it (Ella and Ellie are sisters' names)."""
    nickname_lines, related_lines = _nickname_lines(), _synonym_lines()[1]
    family = set(_same(name))
    for spelling in list(family):
        for other in (nickname_lines.get(spelling.lower().strip())
                      | related_lines.get(spelling, frozenset())):
            family |= _same(compact(other))
    return frozenset(family)


@lru_cache(maxsize=65536)
def name_family_sounds(name: str) -> frozenset[str]:
    """The sound keys of the name's family, the name itself left out."""
    return frozenset(sound_key(n) for n in name_family(name) if len(n) > 4 and n != name)


@lru_cache(maxsize=65536)
def name_forms(name: str) -> frozenset[str]:
    """The compact given names Wiktionary relates to this name: language forms, spellings,
    short forms (Cathal ~ Charles, Kuba ~ Jakub). Never chained, not even through the
    hand-made spellings: short forms are shared (Jas is short for Jan and for James), hub
    names have hundreds of forms, and one step through the hand-made John line joined Ivan
    (John's line) to Jonah (Wiktionary: Jonas ~ Jonah)."""
    same, related = _form_lines()
    return (same.get(name, frozenset()) | related.get(name, frozenset())) - {name}


def hand_made_relatives(name: str) -> frozenset[str]:
    """The names the hand-made lines relate to this one (checked by hand, so trusted more
    than the forms data)."""
    same, related = _synonym_lines()
    return same.get(name) | related.get(name)


def is_hand_made_relative(name: str, other: str) -> bool:
    """`other` is among hand_made_relatives(name) (read in place: a hub name has dozens)."""
    same, related = _synonym_lines()
    return same.relates(name, other) or related.relates(name, other)


def listed_relatives(name: str) -> frozenset[str]:
    """The names the hand-made lines and the forms data relate to this one directly: its
    spellings, its full names or short forms, its language forms (not the `nicknames`
    dataset, whose lines join a full name's short forms to each other: Polly, Molly)."""
    return hand_made_relatives(name) | name_forms(name)


def are_forms(first: str, second: str) -> bool:
    """One name is a Wiktionary form of the other. Not between two names both in English
    use (Faker's English locales: Ava and Eva, Joe and Joel are two names in Britain):
    there the English lists decide."""
    related = second in name_forms(first) or first in name_forms(second)
    return related and not (is_english_name(first) and is_english_name(second))


@cache
def _family_form_lines() -> Relations:
    _load_what_outlives_the_lists()
    return Relations(_parse_synonym_sets(_data_text(*FAMILY_FORMS_FILES))[0])


# One family name in Gaelic and English, in Chinese romanisations (family_name_forms.txt), and
# written several ways (family_name_spellings.txt): used for family names only.
FAMILY_FORMS_FILES = ("family_name_forms.txt", "family_name_spellings.txt")


@cache
def _spelling_group_lines() -> Relations:
    """name_spelling_groups.txt: given names that are one name written several ways."""
    _load_what_outlives_the_lists()
    return Relations(_parse_synonym_sets(_data_text("name_spelling_groups.txt"))[0])


def are_listed_spelling(first: str, second: str) -> bool:
    """Compact given names on one line of name_spelling_groups.txt (Ashleigh ~ Ashlee):
    trusted as one name, and never chained through the `nicknames` data, whose lines would
    take a spelling on to other people's names (Erick to Frederick, Kara to Carol)."""
    return first != second and _spelling_group_lines().relates(first, second)


def are_family_forms(first: str, second: str) -> bool:
    """Compact family names on one line of family_name_forms.txt: one name in Irish or
    Scottish Gaelic and English (O Ceallaigh ~ Kelly), or in two romanisations of Chinese
    (Zhou ~ Chow), however unlike they are spelt."""
    return first != second and _family_form_lines().relates(first, second)


def are_spellings(first: str, second: str) -> bool:
    """Compact names on one 'same name' line of the data (spellings, transliterations)."""
    return first != second and _synonym_lines()[0].relates(first, second)


def is_listed_short_form(first: str, second: str) -> bool:
    """One is a short form of the other on a 'short > full' line of the data (Vanya > Ivan:
    trusted over the gender list, which may know the short form as a girl's name)."""
    return _relates_either_way(_synonym_lines()[1], first, second)


def is_short_form_in_forms(first: str, second: str) -> bool:
    """One is a short form of the other in the forms data (Wiktionary's 'short > full'
    relations, gender-guesser's pairs): trusted over the gender list as the hand-made short
    forms are, since a short form serves both genders (Fede is short for Federica and
    Federico; the list knows it as a girl's name). Not a short form of three letters or
    fewer, which is as often a name of its own (Van, Vit, Eda); the relations found wrong
    across the genders are in given_name_forms_wrong.txt."""
    if min(len(first), len(second)) <= 3:
        return False
    return _relates_either_way(_form_lines()[1], first, second)


def _relates_either_way(relations: Relations, first: str, second: str) -> bool:
    return relations.relates(first, second) or relations.relates(second, first)


def are_synonyms(first: str, second: str) -> bool:
    """Given names (compact, folded) that are the same name or a short form of it, and not
    a boy's and a girl's form (unless the data says they are one name, or one a short form
    of the other)."""
    if first == second:
        return False
    if are_listed_spelling(first, second):
        return True
    if not (second in name_family(first) or first in name_family(second)):
        return are_forms(first, second) and (is_short_form_in_forms(first, second)
                                             or not opposite_genders(first, second))
    return (are_spellings(first, second) or is_listed_short_form(first, second)
            or not opposite_genders(first, second))


# Endings that make a girl's name of a boy's (Justin/Justine, Louis/Louise, Khalil/Khalila,
# Philip/Philippa, Antonio/Antonia, Alexander/Alexandra, Madhav/Madhavani, Juan/Juanita, Ram/Ramya,
# Jack/Jacklyn, Yevhen/Yevheniya, Octav/Octavia): the gender-guesser list does not know every
# name, and these endings hold across many traditions.
_FEMININE_ENDINGS = ("a", "e", "i", "ie", "ine", "ina", "ette", "elle", "ella", "pa", "ah",
                     "lyn", "lynn", "ani", "etta", "ita", "ya", "ia", "iya")


def _boy_and_girl_by_ending(first: str, second: str) -> tuple[str, str] | None:
    """(the boy's name, the girl's name) when one is the other with a girl's ending, or the
    same stem with a boy's and a girl's ending; else None."""
    shorter, longer = sorted((first, second), key=len)
    ending = longer[len(shorter):]
    if len(shorter) >= 3 and longer.startswith(shorter) and ending in _FEMININE_ENDINGS \
            and not (ending == "e" and shorter[-1] in _VOWELS):   # Ngozi, Ngozie: a spelling
        return shorter, longer
    for masculine, feminine in (("o", "a"), ("us", "a"), ("er", "ra"), ("en", "anie"),
                                ("an", "a"), ("as", "a"), ("os", "a"), ("ius", "ia")):
        for boy, girl in ((first, second), (second, first)):
            if boy.endswith(masculine) and girl.endswith(feminine) and len(boy) > 3 and \
                    boy[:-len(masculine)] == girl[:-len(feminine)]:
                return boy, girl
    return None


# gender-guesser's sex codes (nam_dict.txt's first column) as its Detector names them.
_GUESSER_GENDERS = {"M": "male", "1M": "mostly_male", "?M": "mostly_male", "F": "female",
                    "1F": "mostly_female", "?F": "mostly_female", "?": "andy"}
_GENDERS = {"male": MALE, "mostly_male": MALE, "female": FEMALE, "mostly_female": FEMALE}


def _guesser_lines():
    """(name, gender, country columns) of each line of gender-guesser's nam_dict.txt, read
    from the installed package (GPL-3, its data GNU FDL: not copied into this project) as its
    Detector(case_sensitive=False) reads them: the name in lower case, a + in it standing for
    nothing, a space or a hyphen. Read line by line: the whole text and its lines would
    stay in the worker as freed but unreturned memory (about 11 MiB)."""
    path = resources.files("gender_guesser").joinpath("data/nam_dict.txt")
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if not line or line[0] in "#=":
                continue
            code, name = line.split()[:2]
            if code not in _GUESSER_GENDERS:
                raise ValueError(f"gender-guesser's list has an unknown sex code {code!r}")
            columns = line[30:-1]
            name = name.lower()
            for spelling in ((name.replace("+", ""), name.replace("+", " "),
                              name.replace("+", "-")) if "+" in name else (name,)):
                yield spelling, _GUESSER_GENDERS[code], columns


def _guesser_equivalents() -> Iterator[tuple[str, str]]:
    """The pairs of names gender-guesser's nam_dict.txt gives as one name (its '=' lines,
    hand-kept by Jörg Michael: short forms and spellings across Europe, Aga ~ Agnieszka,
    Zhenya ~ Jevgeni, Laci ~ László), compact, read from the installed package as
    _guesser_lines reads the genders (not copied into this project). A short form of two
    or three letters is kept only when it begins as the name does (its first two letters):
    one cut from inside a name is often another tradition's own name (Ina ~ Martina, Lin ~
    Caroline, Lin ~ Lynne, Han ~ Johan, Ted ~ Robert)."""
    path = resources.files("gender_guesser").joinpath("data/nam_dict.txt")
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("="):
                first, second = (_compact_when_loading(name.replace("+", " "))
                                 for name in line[1:30].split()[:2])
                shorter, longer = sorted((first, second), key=len)
                if len(shorter) > 3 or shorter[:2] == longer[:2]:
                    yield first, second


# One gender's score of a name: (gender, countries, summed frequency, highest frequency).
Score = tuple[str, int, int, int]


def _score(gender: str, columns: str) -> Score:
    """The Detector's score of one gender of a name (countries first, the summed frequency
    to break a tie) and the gender's highest frequency in any country."""
    digits = columns.replace(" ", "")
    return (gender, len(digits),
            sum(ord(c) - 55 if ord(c) > 64 else ord(c) - 48 for c in digits),
            max((int(digit, 16) for digit in digits), default=0))


def _with_score(scores: tuple[Score, ...], score: Score) -> tuple[Score, ...]:
    """A later line of one gender replaces the earlier in its place (as the Detector's dict)."""
    for index, listed in enumerate(scores):
        if listed[0] == score[0]:
            return scores[:index] + (score,) + scores[index + 1:]
    return scores + (score,)


def _detector_gender(scores: tuple[Score, ...]) -> str | None:
    """The Detector's answer for a name with these scores: the first listed wins a tie; a
    name in no country is ‘andy’ (None)."""
    best, best_count, best_tie = scores[0][0], 0, 0
    for gender, count, tie, _ in scores:
        if count > best_count or (count == best_count and tie > best_tie):
            best, best_count, best_tie = gender, count, tie
    return _GENDERS.get(best) if best_count > 0 else None


def _repeated_names() -> frozenset[str]:
    """Names on more than one line of the list (about 2,000 of 61,000)."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for name, _, _ in _guesser_lines():
        (repeated if name in seen else seen).add(name)
    return frozenset(repeated)


def _gender_list() -> tuple[dict[str, str], set[str]]:
    """(name → MALE or FEMALE, names not rare): what the engine asks of gender-guesser's
    list, kept small (its Detector keeps every country's column of every name: 24 MiB).
    Only names of plain letters can be asked for (gender_of asks for a compact name), so
    only they keep a gender; the not-rare names (frequency ≥ KNOWN_NAME_FREQUENCY in some
    country) are kept compact. The list is read twice so that only the names on several
    lines are held while it is read: holding the scores of every name would leave the
    worker some 12 MiB larger, in freed memory the system does not get back."""
    repeated = _repeated_names()
    genders: dict[str, str] = {}
    not_rare: set[str] = set()
    pending: dict[str, tuple[Score, ...]] = {}
    for name, gender, columns in _guesser_lines():
        if name in repeated:
            pending[name] = _with_score(pending.get(name, ()), _score(gender, columns))
        else:
            _keep(name, (_score(gender, columns),), genders, not_rare)
    for name, scores in pending.items():
        _keep(name, scores, genders, not_rare)
    return genders, not_rare


def _keep(name: str, scores: tuple[Score, ...], genders: dict[str, str],
          not_rare: set[str]) -> None:
    plain = name.isascii() and name.isalpha()   # so compact(name) == name
    if plain and (gender := _detector_gender(scores)):
        genders[name] = gender
    if max(score[3] for score in scores) >= KNOWN_NAME_FREQUENCY:
        not_rare.add(name if plain else _compact_when_loading(name))


@lru_cache(maxsize=65536)
def gender_of(name: str) -> str | None:
    """MALE or FEMALE when the name is usually one or the other (gender-guesser's ‘male’,
    ‘mostly_male’ …), else None (unknown, or used for both)."""
    key, known = compact(name), _known_lists()
    return MALE if key in known.male else FEMALE if key in known.female else None


@lru_cache(maxsize=65536)
def opposite_genders(first: str, second: str) -> bool:
    """Boy/girl forms of one name are different people (Justin/Justine, Louis/Louise): the
    gender-guesser list says one is a boy's and one a girl's name, or (when it does not know
    both) one is the other with a girl's ending and the list does not say otherwise of
    either."""
    first, second = compact(first), compact(second)
    first_gender, second_gender = gender_of(first), gender_of(second)
    if first_gender and second_gender:
        return first_gender != second_gender
    pair = _boy_and_girl_by_ending(first, second)
    if pair is None:
        return False
    boy, girl = pair
    # A name the list knows overrules its ending: Aditya is a boy's name (Adit ~ Aditya).
    return gender_of(boy) != FEMALE and gender_of(girl) != MALE


# --- which names are real names --------------------------------------------------------------

def _name_list(file_name: str) -> list[str]:
    """The names of one of the generated lists (bench/build_known_names.py), one a line."""
    return [line for line in _data_text(file_name).splitlines()
            if line and not line.startswith("#")]


# Where names are English to begin with: not en_US (Jimenez) nor en_IN, en_PK, en_NG.
ENGLISH_LOCALES = ("en_GB", "en_IE", "en_AU", "en_NZ")
KNOWN_NAME_FREQUENCY = 2  # gender-guesser's frequency scale, 1 (rare) to 13 (very common)
CENSUS_SURNAME_RANK = 20000  # the US Census 1990 surnames, commonest first (88,799 in all)
CENSUS_SLIP_RATIO = 40       # a surname this much rarer than one a slip away is that slip


class NameList:
    """Compact names held as one text, a name a line, with an index of where each first
    three letters start (_Lines): 40,000 names cost about 0.4 MiB so, against 5 MiB as a
    set of Python strings. A look-up searches the names that share the first three letters:
    a few dozen mostly (about 1 µs), several hundred for 'mar' (about 5 µs); is_known_name
    keeps its answers, so a name is looked up once."""

    __slots__ = ("_lines",)

    def __init__(self, names: Iterable[str]):
        self._lines = _Lines(self.pack(names))

    @staticmethod
    def pack(names: Iterable[str]) -> Packed:
        return _Lines.pack(set(names))

    @classmethod
    def from_packed(cls, packed: Packed) -> "NameList":
        listed = cls.__new__(cls)
        listed._lines = _Lines(packed)
        return listed

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._lines.find(name) >= 0

    def __iter__(self) -> Iterator[str]:
        return self._lines.keys()


@dataclass(frozen=True, slots=True)
class KnownNames:
    """What the lists say about compact names (every worker that compares near names holds
    this)."""
    given: NameList
    family: NameList
    english: NameList
    male: NameList
    female: NameList
    also_real: NameList   # REAL_GIVEN_NAMES_FILE and REAL_FAMILY_NAMES_FILE


@cache
def _known_lists() -> KnownNames:
    """The known given names: Faker's (every locale), the names in SYNONYM_FILES, and
    gender-guesser's names that are not rare (frequency ≥ KNOWN_NAME_FREQUENCY in some
    country: its rarest names are too many, and most typing slips would be ‘real’). The
    known family names: Faker's and the US Census 1990 surnames (public domain; shipped in
    the `names` package, MIT) down to CENSUS_SURNAME_RANK: the commonest surnames of the many
    traditions in the United States, British, Irish, Polish, South Asian and others. The
    census kept data-entry slips (SMTIH, BULTER): a surname one typing slip away from one at
    least CENSUS_SLIP_RATIO times as common is taken for that slip and left out, though not
    for a letter a distant one (Gorton stays beside Gordon); bench/build_known_names.py does
    the filtering and writes census_surnames.txt. The English names: given and family names
    of Faker's ENGLISH_LOCALES. The genders: gender-guesser's (see _gender_list). Also real,
    not known: the names of the real-name files (is_real_name)."""
    _load_what_outlives_the_lists()
    _synonym_lines()  # loaded first, so that it is not among the lists' temporaries
    packed = _known_lists_packed()
    _give_back_temporaries()
    return KnownNames(*map(NameList.from_packed, packed))


def _known_lists_packed() -> tuple[Packed, ...]:
    """KnownNames' lists packed, in its order; the temporaries of reading them are gone
    when this returns (see _Lines)."""
    genders, not_rare = _gender_list()
    same, related = _parse_synonym_sets(_data_text(*SYNONYM_FILES))
    return (NameList.pack(chain(same, related, not_rare, _name_list("faker_given_names.txt"))),
            NameList.pack(chain(_name_list("faker_family_names.txt"),
                                _name_list("census_surnames.txt"))),
            NameList.pack(_name_list("faker_english_names.txt")),
            NameList.pack(name for name, gender in genders.items() if gender == MALE),
            NameList.pack(name for name, gender in genders.items() if gender == FEMALE),
            NameList.pack(chain(_name_list(REAL_GIVEN_NAMES_FILE),
                                _name_list(REAL_FAMILY_NAMES_FILE))))


# Real names of the traditions in British schools and colleges that the packages' lists
# miss (Aled, Rakib, Mehra), spellings of one name among them (Rashed, Rashid), written for
# this project: a name one letter from one of these is no typing slip of it (is_real_name).
# Not known names: between two known names the spelling rules are stricter, and these
# lists' spellings of one name would be taken for two names.
REAL_GIVEN_NAMES_FILE = "real_given_names.txt"
REAL_FAMILY_NAMES_FILE = "real_family_names.txt"   # both written compact, one name a line


def is_english_name(name: str) -> bool:
    """A name of Faker's English-language locales (Jones, Jackson, Gavin): written in
    English letters to begin with, so no romanisation swaps its consonants (Zones, Hackson
    and Havin are other names or slips, not spellings of these)."""
    return compact(name) in _known_lists().english


def _known_given_names() -> NameList:
    return _known_lists().given


def _known_family_names() -> NameList:
    return _known_lists().family


@lru_cache(maxsize=65536)
def is_known_name(name: str, given: bool | None = None) -> bool:
    """A real name of that kind (given or family; None: either), so not a typing slip of
    another name."""
    key = compact(name)
    if given is None:
        return key in _known_given_names() or key in _known_family_names()
    if given:
        return key in _known_given_names()
    return key in _known_family_names()


@lru_cache(maxsize=65536)
def is_real_name(name: str) -> bool:
    """A known name of either kind, or one of the real-name files' (REAL_GIVEN_NAMES_FILE):
    a name one letter from another is a slip of it only if it is no real name (Aled is no
    slip of Alex, Gorton none of Gordon)."""
    return is_known_name(name) or compact(name) in _known_lists().also_real


_VOWEL_RUNS = re.compile(r"[aeiouy]+")


def vowel_runs(name: str) -> tuple[str, ...]:
    """The vowel spellings of a name, a silent final e left out (Graeme, Monroe)."""
    text = compact(name)
    if len(text) > 3 and text.endswith("e"):
        text = text[:-1]
    return tuple(run.replace("y", "i") for run in _VOWEL_RUNS.findall(text))


_VOICELESS = str.maketrans("gdb", "ktp")


@lru_cache(maxsize=65536)
def voiceless_key(name: str) -> str:
    """The sound key with voiced and voiceless consonants merged (g/k, d/t, b/p): how some
    romanisations differ (Logeswaran/Lokeswaran, Dharmalingam/Tharmalingam)."""
    hard = _sound_key(name, soft_g=False) if _SOFT_G.search(compact(name)) else sound_key(name)
    return hard.translate(_VOICELESS)


@cache
def common_elements() -> frozenset[str]:
    text = resources.files("webapp.rules.data").joinpath("common_name_elements.txt").read_text(
        encoding="utf-8")
    return frozenset(line.split("#", 1)[0].strip() for line in text.splitlines()
                     if line.split("#", 1)[0].strip())


def is_common_element(part: str) -> bool:
    return part in common_elements()


def clear_name_caches() -> None:
    """Forget every name seen (the lists stay loaded): for timing names never seen before."""
    for function in (normalise, folds, compact, parts, without_particles, ocr_key, _sound_key,
                     spelling_shape,
                     voiceless_key, profile, _same, name_family, name_family_sounds, name_forms,
                     relatives_by_start_and_ending, consonant_key,
                     gender_of,
                     opposite_genders, is_known_name, is_real_name):
        function.cache_clear()


def warm() -> None:
    """Load every list now: gunicorn's workers (post_fork) and `lrs worker` call it before
    they take work, the bench before timing."""
    _known_lists()
    common_elements()
    name_family("james")
    name_forms("james")
    _family_form_lines()
