"""Realistic synthetic British learners for demos, tests and benchmarks.

Faker's en_GB names, valid ULNs, and the awkward cases the matching engine must handle:
hyphenated and apostrophe surnames, double given names, changed surnames with the previous
one held, and linked ULNs. The same seed always gives the same learners."""

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TextIO

from webapp.formats.learner_csv import COLUMNS
from webapp.rules.uln import check_digit

APOSTROPHE_PREFIXES = ("O'", "O’")
SAFE_POSTCODES = ("SW1A 1AA", "M1 1AE", "B33 8TH", "LS1 4AP", "CR2 6XH", "DN55 1PT",
                  "EH1 1YZ", "CF10 1EP", "BT1 5GS", "NE1 7RU", "BS1 6QF", "L1 8JQ")


def _uln(rng: random.Random, taken: set[str]) -> str:
    while True:
        first_nine = str(rng.randint(100_000_000, 999_999_999))
        digit = check_digit(first_nine)
        if digit is not None and (uln := first_nine + str(digit)) not in taken:
            taken.add(uln)
            return uln


def _clean(name: str) -> str:
    """Faker occasionally offers characters the register does not allow."""
    return "".join(ch for ch in name if ch.isalpha() or ch in " -'’.")[:35].strip() or "Alex"


def generate(count: int, seed: int, today: date) -> Iterator[dict]:
    """`count` learner rows (dicts keyed by the import columns); about 2 % of them are
    linked ULNs pointing at a master generated just before."""
    from faker import Faker  # only here: a web worker never generates learners

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    taken: set[str] = set()
    produced = 0
    while produced < count:
        gender = rng.choice("12")
        given = _clean(fake.first_name_male() if gender == "1" else fake.first_name_female())
        if rng.random() < 0.08:
            second = given
            while second == given:
                second = _clean(fake.first_name_female() if gender == "2"
                                else fake.first_name_male())
            given = f"{given} {second}"[:35]
        family = _clean(fake.last_name())
        roll = rng.random()
        if roll < 0.05:
            family = _clean(f"{family}-{fake.last_name()}")
        elif roll < 0.08:
            family = _clean(rng.choice(APOSTROPHE_PREFIXES) + family)
        previous = ""
        if rng.random() < 0.10:
            previous = family
            while family == previous:
                family = _clean(fake.last_name())
        born = today - timedelta(days=rng.randint(12 * 366, 60 * 365))
        row = {
            "uln": _uln(rng, taken), "given_name": given, "family_name": family,
            "preferred_given_name": "", "middle_other_names": "",
            "previous_family_name": previous, "family_name_at_16": previous,
            "date_of_birth": born.isoformat(), "gender": gender,
            "postcode": rng.choice(SAFE_POSTCODES), "master_uln": "",
        }
        yield row
        produced += 1
        if produced < count and rng.random() < 0.02:
            yield {**row, "uln": _uln(rng, taken), "master_uln": row["uln"]}
            produced += 1


def write_csv(out: TextIO, count: int, seed: int, today: date) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    written = 0
    for row in generate(count, seed, today):
        writer.writerow(row)
        written += 1
    return written
