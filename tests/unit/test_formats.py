"""formats/: the CSV reader checks the header and numbers rows by file line; the writer
streams spreadsheet-safe cells; what the reader accepts, the writer writes back unchanged."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.formats.csv_files import read_rows, safe_cell, stream_csv
from webapp.formats.learner_csv import COLUMNS, read_learners
from webapp.rules.problems import RuleBroken

COLUMNS_ABC = ("a", "b", "c")


def rows_of(text: str, columns=COLUMNS_ABC, optional=()):
    return list(read_rows(io.StringIO(text), columns, optional))


def test_rows_read_by_place_keep_the_header_order_lines_and_shape_problems():
    """Cells are found by their column's place in the header (the columns in any order, an
    optional one left out reads as empty), after blank lines and across a quoted line
    break; a row short or long of the header says so."""
    rows = rows_of('c,a\n\n"x\ny",1\n\n2\n3,4,5\n', optional=("b",))
    assert [(row.number, list(row.cells.items())) for row in rows] == [
        (4, [("a", "1"), ("b", ""), ("c", "x\ny")]),
        (6, [("a", ""), ("b", ""), ("c", "2")]),
        (7, [("a", "4"), ("b", ""), ("c", "3")])]
    assert [[(p.code, p.message, p.value) for p in row.problems] for row in rows] == [
        [], [("TOO_FEW_CELLS", "This row has 1 cells; the header has 2", "")],
        [("TOO_MANY_CELLS", "This row has 3 cells; the header has 2", "5")]]


def test_rows_carry_their_file_line_and_stripped_cells():
    rows = rows_of("a,b,c\n 1 , 2,3\n\n4,5,6\n")
    assert [(row.number, row.cells) for row in rows] == [
        (2, {"a": "1", "b": "2", "c": "3"}), (4, {"a": "4", "b": "5", "c": "6"})]


def test_a_quoted_cell_over_several_lines_keeps_the_numbering_honest():
    rows = rows_of('a,b,c\n"x\ny",2,3\n4,5,6\n')
    assert [row.number for row in rows] == [3, 4]
    assert rows[0].cells["a"] == "x\ny"


def test_header_columns_may_come_in_any_order_with_a_byte_order_mark_and_spaces():
    rows = rows_of("\ufeff c , a,b\n3,1,2\n")
    assert rows[0].cells == {"a": "1", "b": "2", "c": "3"}


@pytest.mark.parametrize("header,words", [
    ("a,b", "missing c"),
    ("a,b,c,shoe_size", "not expected shoe_size"),
    ("a,b,c,a", "repeated a"),
])
def test_a_bad_header_names_what_is_wrong_and_how_to_fix_it(header, words):
    with pytest.raises(RuleBroken) as broken:
        rows_of(header + "\n1,2,3\n")
    problem = broken.value.problems[0]
    assert problem.code == "BAD_HEADER" and words in problem.message
    assert problem.fix == "The header row must be: a,b,c"


def test_an_empty_file_is_refused_plainly():
    with pytest.raises(RuleBroken) as broken:
        rows_of("")
    assert broken.value.problems[0].code == "EMPTY_FILE"


def test_optional_columns_may_be_left_out():
    assert rows_of("a,b\n1,2\n", optional=("c",))[0].cells == {"a": "1", "b": "2", "c": ""}


def test_rows_with_too_many_or_too_few_cells_say_so():
    too_many, too_few = rows_of("a,b,c\n1,2,3,4\n1,2\n")
    assert [p.code for p in too_many.problems] == ["TOO_MANY_CELLS"]
    assert too_many.problems[0].value == "4"
    assert [p.code for p in too_few.problems] == ["TOO_FEW_CELLS"]


@pytest.mark.parametrize("value,expected", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+44 1632", "'+44 1632"), ("-1", "'-1"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), (None, ""), (7, "7"), (-5, "'-5"),
])
def test_cells_that_a_spreadsheet_would_run_are_quoted(value, expected):
    assert safe_cell(value) == expected


def test_the_writer_streams_in_pieces():
    pieces = list(stream_csv(["n"], ([n] for n in range(1200))))
    assert len(pieces) == 3  # 500 rows a piece, then the rest
    assert "".join(pieces).splitlines()[:3] == ["n", "0", "1"]


cell_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                    max_size=20).map(str.strip).filter(
    lambda text: not text.startswith(("=", "+", "-", "@", "\t", "\r")))


@given(st.lists(st.tuples(cell_text, cell_text, cell_text), min_size=1, max_size=20))
def test_what_the_writer_writes_the_reader_reads_back_unchanged(rows):
    text = "".join(stream_csv(list(COLUMNS_ABC), rows))
    read = [tuple(row.cells[c] for c in COLUMNS_ABC) for row in rows_of(text)]
    assert read == rows


def test_learner_rows_are_typed_with_blank_optional_cells_as_none():
    text = ",".join(COLUMNS) + "\n1000000043,James,Smith,,,,,2008-05-01,1,sw1a 1aa,\n"
    (row,) = read_learners(io.StringIO(text))
    assert row.number == 2 and row.problems == []
    assert row.details.postcode == "SW1A 1AA" and row.details.preferred_given_name is None
    assert row.details.date_of_birth.isoformat() == "2008-05-01"


def test_a_learner_date_that_is_not_yyyy_mm_dd_is_a_field_problem():
    text = ",".join(COLUMNS) + "\n1000000043,James,Smith,,,,,01/05/2008,1,,\n"
    (row,) = read_learners(io.StringIO(text))
    assert [(p.code, p.field, p.value) for p in row.problems] == [
        ("BAD_DATE", "date_of_birth", "01/05/2008")]
    assert row.details.date_of_birth is None


def test_an_empty_download_still_has_its_header_row():
    assert next(csv.reader(io.StringIO("".join(stream_csv(["x", "y"], []))))) == ["x", "y"]
