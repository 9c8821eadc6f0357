"""Batch files (guide 6.2 and 7.3): the verify and achievement formats, CSV and XML, read
and written as streams so a file of a million rows runs in bounded memory.

Reading yields BatchRow(number, cells, problems): `number` is the CSV line (the header is
line 1) or the XML record's position (the first <Learner> or <Achievement> is 1). A file
that cannot be read at all (encoding, header, a DTD, broken XML) raises RuleBroken naming
what is wrong and how to fix it; a row that is merely wrong carries its problems.

`field_problems` is every check that needs no register (ULN check digit, names, dates,
codes): the offline `lrs batch validate` and the worker both run it before a row reaches
the services, which check the rest exactly as for the portal."""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO
from xml.sax.saxutils import escape

from webapp.formats.csv_files import read_rows, safe_cell
from webapp.rules.achievements import ACTION_REASONS, language_problem, provider_ukprn_problem
from webapp.rules.learner_data import GENDERS, NAME_MAX, postcode_errors
from webapp.rules.problems import Problem, RuleBroken
from webapp.rules.qualifications import reference_problem
from webapp.rules.uln import normalise_uln, uln_problem

VERIFY, ACHIEVEMENT = "verify", "achievement"
KINDS = (VERIFY, ACHIEVEMENT)
CSV, XML = "csv", "xml"
FORMATS = (CSV, XML)

VERIFY_COLUMNS = ("MISIdentifier", "ULN", "FamilyName", "GivenName", "DateOfBirth", "Gender")
ACHIEVEMENT_COLUMNS = ("MISIdentifier", "Action", "ULN", "GivenName", "FamilyName",
                       "DateOfBirth", "Gender", "LearnerPostcode", "Reference", "AwardDate",
                       "Grade", "ProviderUKPRN", "Language", "ActionDate", "ActionReason",
                       "NewULN")
COLUMNS = {VERIFY: VERIFY_COLUMNS, ACHIEVEMENT: ACHIEVEMENT_COLUMNS}
# XML: <VerifyBatch><Learner>…</Learner></VerifyBatch>, one child element per column.
XML_ROOTS = {VERIFY: "VerifyBatch", ACHIEVEMENT: "AchievementBatch"}
XML_RECORDS = {VERIFY: "Learner", ACHIEVEMENT: "Achievement"}
ACTIONS = ("create", "update", "withdraw", "reinstate", "move")
MIS_IDENTIFIER_MAX = 128
FIELD_MAX = 1000  # no cell of either format is longer; a longer one is a broken quote
SAVE_CSV_FIX = ("Save the file as CSV UTF-8: in Excel choose File > Save As > ‘CSV UTF-8 "
                "(Comma delimited)’; in LibreOffice choose Text CSV with character set "
                "Unicode (UTF-8)")

# The services name fields as the portal does; a batch row names the file's column.
SERVICE_FIELDS = {"uln": "ULN", "given_name": "GivenName", "family_name": "FamilyName",
                  "date_of_birth": "DateOfBirth", "gender": "Gender",
                  "postcode": "LearnerPostcode", "reference": "Reference",
                  "award_date": "AwardDate", "grade": "Grade",
                  "provider_ukprn": "ProviderUKPRN", "language": "Language",
                  "action_date": "ActionDate", "action_reason": "ActionReason",
                  "new_uln": "NewULN"}


@dataclass
class BatchRow:
    number: int
    cells: dict[str, str]
    problems: list[Problem] = field(default_factory=list)


def refuse(code: str, message: str, fix: str, field_name: str = "file", value: str = ""):
    raise RuleBroken(Problem(code, message, field_name, value, fix))


# --- which format ------------------------------------------------------------------------

def format_of(file_name: str, head: bytes) -> str:
    """CSV or XML, from the file name's extension, checked against the first bytes."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        refuse("BAD_EXTENSION", "The file must be a .csv or .xml file",
               "Save the batch file as CSV or XML and choose it again", value=extension)
    looks_like_xml = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if looks_like_xml != (extension == XML):
        refuse("EXTENSION_MISMATCH", f"The file is called .{extension} but its content is "
               f"{'XML' if looks_like_xml else 'not XML'}",
               "Give the file the extension that matches its content (.csv or .xml)")
    return extension


# --- reading -----------------------------------------------------------------------------

def read_batch(source: BinaryIO, kind: str, file_format: str) -> Iterator[BatchRow]:
    """The rows of a batch file of `kind` in `file_format`, in file order."""
    if file_format == XML:
        return _read_xml(source, kind)
    return _read_csv(source, kind)


def _read_csv(source: BinaryIO, kind: str) -> Iterator[BatchRow]:
    text = io.TextIOWrapper(source, encoding="utf-8", errors="strict", newline="")
    line = 1
    try:
        for row in read_rows(text, COLUMNS[kind]):
            line = row.number
            problems = list(row.problems) + _too_long(
                row.cells, "Shorten the value, or close the quote opened before it")
            yield BatchRow(row.number, row.cells, problems)
    except UnicodeDecodeError:
        refuse("NOT_UTF8", f"The file is not in UTF-8 (after line {line})", SAVE_CSV_FIX,
               "encoding")
    except csv.Error as error:
        refuse("BROKEN_CSV", f"The file cannot be read after line {line}: {error}",
               "Check that every quote in a cell is doubled (\"\") and every quoted cell "
               "is closed", "structure")
    finally:
        text.detach()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_xml(source: BinaryIO, kind: str) -> Iterator[BatchRow]:
    """Streamed with defusedxml: a DTD, any entity or an external reference is refused
    before it is expanded; each record is cleared once read."""
    # Loaded with the first XML file, not in every web worker (about 0.8 MiB).
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    columns, record_tag = COLUMNS[kind], XML_RECORDS[kind]
    number, root, depth = 0, None, 0
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True,
                                        forbid_entities=True, forbid_external=True):
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                    if _local(root.tag) != XML_ROOTS[kind]:
                        refuse("BAD_ROOT", f"The XML root element must be {XML_ROOTS[kind]}",
                               f"Start the file as the {kind} XSD shows",
                               "structure", _local(root.tag))
                continue
            depth -= 1
            if depth != 1:  # inside a record, or the root's own end
                continue
            if _local(element.tag) == record_tag:
                number += 1
                yield _xml_record(number, element, columns)
            element.clear()  # every child of the root, records or not: bounded memory
            root.clear()
    except RuleBroken:
        raise
    except DefusedXmlException:
        refuse("XML_NOT_ALLOWED", "The XML file has a DTD or entity declarations, which "
               "batch files may not contain", "Remove the <!DOCTYPE …> declaration",
               "structure")
    except (LookupError, ValueError):  # an encoding Python does not know
        refuse("BAD_ENCODING", "The XML file declares an encoding that cannot be read",
               'Save the file as UTF-8 and declare it: <?xml version="1.0" '
               'encoding="UTF-8"?>', "structure")
    except ParseError as error:
        refuse("BROKEN_XML", f"The XML cannot be read: {error}",
               "Check the file against the XSD", "structure")
    if root is None:
        refuse("EMPTY_FILE", "The file is empty", "Start the file with the root element")


def _xml_record(number: int, element, columns: tuple[str, ...]) -> BatchRow:
    cells = dict.fromkeys(columns, "")
    problems = []
    for child in element:
        name = _local(child.tag)
        if name not in cells:
            problems.append(Problem("UNKNOWN_ELEMENT", f"{name} is not an element of a record",
                                    name, fix="Use only the elements the XSD names"))
            continue
        cells[name] = (child.text or "").strip()
    return BatchRow(number, cells, problems + _too_long(cells, "Shorten the value"))


def _too_long(cells: dict[str, str], fix: str) -> list[Problem]:
    """No cell of either format is longer than FIELD_MAX: a longer one is refused before
    any rule reads it."""
    return [Problem("FIELD_TOO_LONG", f"{name} is longer than {FIELD_MAX} characters", name,
                    value[:40] + "…", fix)
            for name, value in cells.items() if len(value) > FIELD_MAX]


def count_rows(source: BinaryIO, kind: str, file_format: str, limit: int) -> int:
    """Check a whole file's structure (encoding, header, XML) and count its rows; more than
    `limit` or none at all is refused."""
    count = 0
    for _row in read_batch(source, kind, file_format):
        count += 1
        if count > limit:
            refuse("TOO_MANY_ROWS", f"The file has more than {limit:,} rows",
                   f"Split it into files of at most {limit:,} rows")
    if count == 0:
        refuse("NO_ROWS", "The file has a header but no rows", "Add at least one row")
    return count


# --- field rules that need no register ---------------------------------------------------

def parse_date(text: str) -> date | None:
    """An ISO date YYYY-MM-DD, or None for an empty cell; ValueError otherwise."""
    if not text:
        return None
    if len(text) != 10:
        raise ValueError(text)
    return date.fromisoformat(text)


def _date_problem(cells: dict, name: str, required: bool = False) -> Problem | None:
    value = cells.get(name, "")
    if not value:
        return Problem("REQUIRED", f"Enter {name}", name, fix="Give the date as YYYY-MM-DD") \
            if required else None
    try:
        parse_date(value)
    except ValueError:
        return Problem("BAD_DATE", f"{name} must be a date written YYYY-MM-DD", name, value,
                       "Write the date as year-month-day, for example 2008-03-27")
    return None


def _name_problem(cells: dict, name: str) -> Problem | None:
    value = cells.get(name, "")
    if not value:
        return Problem("NAME_REQUIRED", f"Enter {name}", name, fix=f"Give the learner's {name}")
    if len(value) > NAME_MAX:
        return Problem("NAME_TOO_LONG", f"{name} must be {NAME_MAX} characters or fewer",
                       name, value, f"Shorten {name} to {NAME_MAX} characters")
    return None


def _learner_problems(cells: dict) -> list[Problem]:
    problems = [Problem("MIS_IDENTIFIER_TOO_LONG", "MISIdentifier must be "
                        f"{MIS_IDENTIFIER_MAX} characters or fewer", "MISIdentifier",
                        cells["MISIdentifier"][:40] + "…", "Shorten your row key")
                ] if len(cells.get("MISIdentifier", "")) > MIS_IDENTIFIER_MAX else []
    if problem := uln_problem(normalise_uln(cells.get("ULN", "")), "ULN"):
        problems.append(problem)
    problems += [p for name in ("GivenName", "FamilyName") if (p := _name_problem(cells, name))]
    if problem := _date_problem(cells, "DateOfBirth"):
        problems.append(problem)
    gender = cells.get("Gender", "")
    if gender and gender not in GENDERS:
        problems.append(Problem("BAD_GENDER", "Gender must be 0, 1, 2 or 9", "Gender", gender,
                                "Use 1 male, 2 female, 0 not known, 9 not specified"))
    return problems


def _achievement_problems(cells: dict) -> list[Problem]:
    action = cells["Action"].lower()
    if action not in ACTIONS:
        return [Problem("BAD_ACTION", "Action must be create, update, withdraw, reinstate or "
                        "move", "Action", cells["Action"], "Use one of the five actions")]
    problems = _learner_problems(cells)
    postcode = cells["LearnerPostcode"]
    if postcode:
        problems += [p for p in postcode_errors(postcode.upper()) if p.code == "BAD_FORMAT"]
    if problem := reference_problem(cells["Reference"]):
        problems.append(problem)
    if problem := _date_problem(cells, "AwardDate", required=True):
        problems.append(problem)
    for check, name in ((provider_ukprn_problem, "ProviderUKPRN"),
                        (language_problem, "Language")):
        if cells[name] and (problem := check(cells[name], name)):
            problems.append(problem)
    if action in ("withdraw", "reinstate"):
        if problem := _date_problem(cells, "ActionDate", required=True):
            problems.append(problem)
        if cells["ActionReason"] not in ACTION_REASONS:
            problems.append(Problem("BAD_ACTION_REASON", "ActionReason must be one of the "
                                    "guide's appendix D reasons", "ActionReason",
                                    cells["ActionReason"],
                                    "Use one of: " + ", ".join(ACTION_REASONS)))
    if action == "move" and (problem := uln_problem(normalise_uln(cells["NewULN"]), "NewULN",
                                                    "NewULN")):
        problems.append(problem)
    return [_named(problem) for problem in problems]


def _named(problem: Problem) -> Problem:
    column = SERVICE_FIELDS.get(problem.field or "", problem.field)
    return problem if column == problem.field else Problem(
        problem.code, problem.message, column, problem.value, problem.fix)


def field_problems(kind: str, row: BatchRow) -> list[Problem]:
    """The row's shape problems, then every field rule that needs no register."""
    if row.problems:
        return row.problems
    if kind == VERIFY:
        return [_named(problem) for problem in _learner_problems(row.cells)]
    return _achievement_problems(row.cells)


# --- writing -----------------------------------------------------------------------------

def write_csv(target: io.TextIOBase, header: Iterable[str], rows: Iterable[Iterable],
              formula_safe: bool = True) -> None:
    """CSV in UTF-8; with `formula_safe` every cell is safe to open in a spreadsheet."""
    writer = csv.writer(target, lineterminator="\r\n")
    writer.writerow(header)
    cell = safe_cell if formula_safe else _plain_cell
    writer.writerows([cell(value) for value in row] for row in rows)


def _plain_cell(value) -> str:
    return "" if value is None else str(value)


def _xml_text(value) -> str:
    text = "" if value is None else str(value)
    # characters XML 1.0 cannot carry are dropped rather than breaking the file
    return escape("".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20))


def write_xml(target: io.TextIOBase, root: str, record: str, header: tuple[str, ...],
              rows: Iterable[Iterable], summary: dict | None = None) -> None:
    target.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>\n')
    for row in rows:
        cells = "".join(f"<{name}>{_xml_text(value)}</{name}>"
                        for name, value in zip(header, row, strict=True) if value not in (None, ""))
        target.write(f"  <{record}>{cells}</{record}>\n")
    if summary:
        cells = "".join(f"<{name}>{value}</{name}>" for name, value in summary.items())
        target.write(f"  <Summary>{cells}</Summary>\n")
    target.write(f"</{root}>\n")


def write_input(target: io.TextIOBase, kind: str, file_format: str,
                rows: Iterable[dict]) -> None:
    """A batch file in the input format (templates, tests, benchmarks)."""
    columns = COLUMNS[kind]
    values = ([row.get(name, "") for name in columns] for row in rows)
    if file_format == XML:
        write_xml(target, XML_ROOTS[kind], XML_RECORDS[kind], columns, values)
    else:
        write_csv(target, columns, values, formula_safe=False)


def kind_of(file_format: str, head: bytes) -> str:
    """Which batch a file is, from its first bytes: the XML root, or the CSV header."""
    text = head.decode("utf-8", errors="replace")
    if file_format == XML:
        return ACHIEVEMENT if f"<{XML_ROOTS[ACHIEVEMENT]}" in text else VERIFY
    header = text.splitlines()[0] if text else ""
    return ACHIEVEMENT if "Action" in header.split(",") else VERIFY


def validation_report(source: BinaryIO, kind: str, file_format: str
                      ) -> Iterator[tuple[int, Problem]]:
    """(row number, problem) for every problem found without the register."""
    for row in read_batch(source, kind, file_format):
        for problem in field_problems(kind, row):
            yield row.number, problem
