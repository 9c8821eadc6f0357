"""The trawl of issue 8, simulated: a signed-in user who knows learners' ULNs but not their
details tries to read them by guessing names, 50 requests per learner at most.

    .venv/bin/python bench/trawl.py [--learners 2000] [--requests 50]

The register is the demo's (webapp/services/synthetic_learners.py, DEMO_LEARNERS learners).
The attacker's lists are common British given and family names (written below from the
ONS's published lists of popular baby names and the commonest surnames in England and Wales:
names, not counts). A second attacker, stronger than any real one, uses the commonest names
of the register itself. Three ways of asking, each adapting to the failure flags:

  lists     the attack the review found: six given names and five family names per request
  doubles   two given and two family names per request, written as double names (the guide's
            ‘Sally Ann’ rule), names already confirmed by the flags kept, with a guessed date
            of birth in every request
  singles   one given and one family name per request, with a guessed date of birth

A learner's details are *revealed* when any answer returns the held details (name, date of
birth, gender). Separately the bench counts learners whose given and family name the flags
*confirm* (VRF1 and VRF5 absent), which tells the attacker the names but nothing held beyond
them. Aim (issue 8): under 1 % revealed within 50 requests each.
"""

import argparse
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from webapp.rules import matching, names
from webapp.rules.learner_data import LearnerDetails
from webapp.services import synthetic_learners
from webapp.services.demo import DEMO_LEARNERS

SEED = 20_260_102
TODAY = date(2026, 1, 1)
YOUNGEST_DAYS, OLDEST_DAYS = 12 * 366, 60 * 365  # the register's ages (synthetic_learners)

BRITISH_GIVEN = """
oliver george harry noah jack leo arthur muhammad oscar charlie jacob thomas henry william
freddie alfie theo archie joshua james ethan isaac joseph alexander max lucas mason logan
daniel samuel edward finley benjamin adam sebastian dylan ryan luke matthew david michael
john paul mark andrew peter richard christopher stephen robert anthony kevin jason lee
gary simon ian neil craig darren scott wayne steven martin christian nathan liam callum
olivia amelia isla ava mia ivy lily isabella rosie sophia grace freya willow florence emily
ella poppy evie elsie charlotte evelyn sienna sofia daisy phoebe sophie alice harper ruby
matilda emma jessica hannah lucy chloe megan lauren rebecca amy laura sarah rachel gemma
emma claire nicola louise kelly michelle joanne karen helen julie susan elizabeth jennifer
victoria katie samantha natalie zoe jade holly abigail eleanor georgia mary margaret ann
""".split()  # noqa: SIM905 (a list of words reads best as words)
BRITISH_FAMILY = """
smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson
thompson wright walker white edwards hughes green hall lewis harris clarke patel jackson
wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan allen
james scott phillips watson davis parker price bennett young griffiths mitchell kelly cook
carter richardson bailey collins bell shaw murphy miller cox richards khan marshall
anderson simpson ellis adams singh begum wilkinson foster chapman powell webb rogers gray
mason ali hunt hussain campbell matthews owen palmer holmes mills barnes knight lloyd butler
russell barker fisher stevens jenkins murray dixon harvey graham pearson ahmed fletcher
""".split()  # noqa: SIM905


@dataclass
class Outcome:
    revealed_after: int | None = None   # the request that returned held details
    confirmed_after: int | None = None  # the request after which both names were known


def register(count: int) -> list[LearnerDetails]:
    rows = synthetic_learners.generate(count, SEED, TODAY)
    return [LearnerDetails(
        uln=row["uln"], given_name=row["given_name"], family_name=row["family_name"],
        date_of_birth=date.fromisoformat(row["date_of_birth"]), gender=row["gender"],
        previous_family_name=row["previous_family_name"] or "",
        family_name_at_16=row["family_name_at_16"] or "")
        for row in rows if not row["master_uln"]]


def register_lists(learners: list[LearnerDetails], size: int) -> tuple[list[str], list[str]]:
    """The strongest attacker: the register's own commonest name parts."""
    given = Counter(part for learner in learners for part in names.parts(learner.given_name))
    family = Counter(part for learner in learners for part in names.parts(learner.family_name))
    return ([name for name, _ in given.most_common(size)],
            [name for name, _ in family.most_common(size)])


def guessed_date(rng: random.Random) -> date:
    return TODAY - timedelta(days=rng.randint(YOUNGEST_DAYS, OLDEST_DAYS))


def attack(learner: LearnerDetails, given_list: list[str], family_list: list[str],
           how: str, requests: int, rng: random.Random) -> Outcome:
    outcome = Outcome()
    per_request = {"lists": (6, 5), "doubles": (2, 2), "singles": (1, 1)}[how]
    given_queue, family_queue = list(given_list), list(family_list)
    known_given = known_family = None
    for number in range(1, requests + 1):
        given = known_given or " ".join(given_queue[:per_request[0]]) or "x"
        family = known_family or " ".join(family_queue[:per_request[1]]) or "x"
        if not known_given:
            del given_queue[:per_request[0]]
        if not known_family:
            del family_queue[:per_request[1]]
        supplied = matching.Supplied(learner.uln, given[:35], family[:35],
                                     None if how == "lists" else guessed_date(rng))
        result = matching.verify(supplied, learner)
        if result.returned is not None and outcome.revealed_after is None:
            outcome.revealed_after = number
        if "VRF1" not in result.flags:
            known_given = known_given or given
        if "VRF5" not in result.flags:
            known_family = known_family or family
        if known_given and known_family and outcome.confirmed_after is None:
            outcome.confirmed_after = number
        if outcome.revealed_after:
            break
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=DEMO_LEARNERS)
    parser.add_argument("--requests", type=int, default=50)
    arguments = parser.parse_args()
    started = time.perf_counter()
    names.warm()
    learners = register(arguments.learners)
    attackers = {
        "British lists": (BRITISH_GIVEN, BRITISH_FAMILY),
        "register's own commonest names": register_lists(learners, 200),
    }
    print(f"{len(learners)} learners on the register (seed {SEED}); at most "
          f"{arguments.requests} requests per learner\n")
    print(f"{'attacker':<34}{'asking':<10}{'revealed':>16}{'names confirmed':>20}")
    for attacker, (given_list, family_list) in attackers.items():
        for how in ("lists", "doubles", "singles"):
            rng = random.Random(f"{SEED}:{attacker}:{how}")
            outcomes = [attack(learner, given_list, family_list, how, arguments.requests, rng)
                        for learner in learners]
            revealed = sum(o.revealed_after is not None for o in outcomes)
            confirmed = sum(o.confirmed_after is not None for o in outcomes)
            print(f"{attacker:<34}{how:<10}"
                  f"{revealed:>6} ({100 * revealed / len(learners):5.2f} %)"
                  f"{confirmed:>10} ({100 * confirmed / len(learners):5.2f} %)")
    print(f"\nWhole run {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
