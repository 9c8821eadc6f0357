"""CSV in general: a streaming reader that checks the header row, and a streaming writer
whose cells are safe to open in a spreadsheet."""

import csv
import io
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from webapp.rules.problems import Problem, RuleBroken

BYTE_ORDER_MARK = "\ufeff"
# Excel and LibreOffice run a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WRITE_BATCH_ROWS = 500  # rows per chunk of text handed to the response


@dataclass(frozen=True)
class CsvRow:
    number: int             # the line in the file where the row ends (the header is line 1)
    cells: dict[str, str]   # stripped text by column name; a missing cell is ""
    problems: list[Problem] = field(default_factory=list)  # too many or too few cells


def read_rows(source: TextIO, columns: tuple[str, ...],
              optional: tuple[str, ...] = ()) -> Iterator[CsvRow]:
    """Rows of a CSV file whose header names `columns` (any order; `optional` ones may be
    left out). The header is checked before the first row is read: a missing or unknown
    column raises RuleBroken naming them. A byte-order mark is ignored; blank lines are
    skipped."""
    reader = csv.reader(source)  # not DictReader: a dict a row, then ours, was half the read
    header = [name.strip().removeprefix(BYTE_ORDER_MARK).strip()
              for name in next(reader, ())]
    _check_header(header, columns, optional)
    width = len(header)
    # each column's place in a row; an optional column left out is past any row's end
    places = [(name, header.index(name) if name in header else sys.maxsize)
              for name in columns]
    for row in reader:
        if not row:
            continue
        cells = {name: row[place].strip() if place < len(row) else "" for name, place in places}
        yield CsvRow(reader.line_num, cells, _shape_problems(row, width))


def _shape_problems(row: list[str], width: int) -> list[Problem]:
    if len(row) > width:
        extra = row[width:]
        return [Problem("TOO_MANY_CELLS", f"This row has {len(row)} cells; the header "
                                          f"has {width}", None, ",".join(extra),
                        "Remove the extra cells, or put quotes round a value that contains "
                        "a comma")]
    if len(row) < width:
        return [Problem("TOO_FEW_CELLS", f"This row has {len(row)} cells; the header has "
                                         f"{width}", None,
                        fix="Give every column a cell, leaving optional ones empty")]
    return []


def _check_header(header: list[str], columns: tuple[str, ...], optional: tuple[str, ...]):
    if not header:
        raise RuleBroken(Problem(
            "EMPTY_FILE", "The file is empty", "header",
            fix="Start the file with the header row: " + ",".join(columns)))
    missing = [name for name in columns if name not in header and name not in optional]
    unknown = [name for name in header if name not in columns]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if missing or unknown or duplicated:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"not expected {', '.join(unknown)}"] if unknown else []) + (
            [f"repeated {', '.join(duplicated)}"] if duplicated else [])
        raise RuleBroken(Problem(
            "BAD_HEADER", "The header row is not right: " + "; ".join(parts), "header",
            ",".join(header), fix="The header row must be: " + ",".join(columns)))


def safe_cell(value) -> str:
    text = value if type(value) is str else "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def stream_csv(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text, a few hundred rows at a time: a download of any size is written
    without holding it all. Every cell is spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(value) for value in row])
        if count % WRITE_BATCH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
