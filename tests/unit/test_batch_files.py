"""Batch file formats: bad input refused fast and precisely, a bad row reported exactly,
and whatever the reader accepts the writer writes back unchanged (property)."""

import io
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.formats import batch_files, sealed_files
from webapp.formats.batch_files import ACHIEVEMENT, VERIFY
from webapp.rules.problems import RuleBroken

HEADER = ",".join(batch_files.VERIFY_COLUMNS)
GOOD = "A1,1000000043,Smith,James,2008-05-01,1"


def rows_of(data: bytes, kind=VERIFY, file_format="csv"):
    return list(batch_files.read_batch(io.BytesIO(data), kind, file_format))


def refusal(data: bytes, kind=VERIFY, file_format="csv") -> str:
    with pytest.raises(RuleBroken) as refused:
        rows_of(data, kind, file_format)
    problem = refused.value.problems[0]
    assert problem.fix, "every refusal says how to put it right"
    return problem.code


def problems(data: bytes, kind=VERIFY):
    return [(row.number, p.code, p.field) for row in rows_of(data, kind)
            for p in batch_files.field_problems(kind, row)]


# --- XML that must never be expanded ------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<VerifyBatch><Learner><MISIdentifier>&lol9;</MISIdentifier></Learner></VerifyBatch>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE VerifyBatch [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<VerifyBatch><Learner><GivenName>&secret;</GivenName></Learner></VerifyBatch>"""
DTD_ONLY = b"""<?xml version="1.0"?><!DOCTYPE VerifyBatch SYSTEM "http://example.com/x.dtd">
<VerifyBatch/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL, DTD_ONLY],
                         ids=["billion laughs", "external entity", "DTD"])
def test_xml_with_a_dtd_or_entities_is_refused_fast(data):
    started = time.perf_counter()
    assert refusal(data, file_format="xml") == "XML_NOT_ALLOWED"
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(("data", "code"), [
    (b"<VerifyBatch><Learner>", "BROKEN_XML"),
    (b"<AchievementBatch/>", "BAD_ROOT"),
    (b"", "BROKEN_XML"),
])
def test_broken_xml_is_refused(data, code):
    assert refusal(data, file_format="xml") == code


def test_an_xml_encoding_python_does_not_know_is_refused_with_how_to_save_it():
    data = b'<?xml version="1.0" encoding="klingon"?><VerifyBatch/>'
    assert refusal(data, file_format="xml") == "BAD_ENCODING"


def test_elements_that_are_not_records_do_not_pile_up_in_memory():
    """Memory stays bounded whatever the root holds, not only for records."""
    import tracemalloc

    data = b"<VerifyBatch>" + b"<x/>" * 500_000 + b"</VerifyBatch>"  # 2 MB
    tracemalloc.start()
    try:
        assert rows_of(data, file_format="xml") == []
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20, f"{peak / 2**20:.0f} MiB held while reading"


def test_an_unknown_xml_element_is_a_row_problem():
    (row,) = rows_of(b"<VerifyBatch><Learner><Shoe>9</Shoe></Learner></VerifyBatch>",
                     file_format="xml")
    assert [p.code for p in row.problems] == ["UNKNOWN_ELEMENT"]


def test_a_huge_xml_element_is_refused_before_any_rule_reads_it():
    """As a CSV cell is: no rule (nor the rules' caches) ever holds a megabyte of 'ULN'."""
    data = (f"<VerifyBatch><Learner><ULN>{'1' * 5000}</ULN><GivenName>James</GivenName>"
            "</Learner></VerifyBatch>").encode()
    (row,) = rows_of(data, file_format="xml")
    assert [(p.code, p.field, p.value) for p in batch_files.field_problems(VERIFY, row)] == [
        ("FIELD_TOO_LONG", "ULN", "1" * 40 + "…")]


# --- CSV ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "code"), [
    (b"", "EMPTY_FILE"),
    (b"ULN,Name\r\n1,2\r\n", "BAD_HEADER"),
    (f"{HEADER}\r\n{GOOD}\r\nA2,1000000043,Zoë,Ann,,\r\n".encode("cp1252"), "NOT_UTF8"),
    (f"{HEADER}\r\n{GOOD}\r\n".encode("utf-16"), "NOT_UTF8"),
])
def test_a_csv_file_that_cannot_be_read_is_refused_precisely(data, code):
    assert refusal(data) == code


def test_a_byte_order_mark_is_accepted():
    (row,) = rows_of(f"\ufeff{HEADER}\r\n{GOOD}\r\n".encode())
    assert row.cells["MISIdentifier"] == "A1" and not row.problems


def test_header_only_reads_no_rows_and_the_submit_check_refuses_it():
    assert rows_of(f"{HEADER}\r\n".encode()) == []
    with pytest.raises(RuleBroken) as refused:
        batch_files.count_rows(io.BytesIO(f"{HEADER}\r\n".encode()), VERIFY, "csv", 10)
    assert refused.value.problems[0].code == "NO_ROWS"


def test_wrong_columns_and_stray_quotes_are_row_problems():
    data = (f"{HEADER}\r\n{GOOD},extra\r\nA2,1000000043\r\n"
            'A3,1000000043,Sm"ith,James,,\r\n').encode()
    assert problems(data) == [(2, "TOO_MANY_CELLS", None), (3, "TOO_FEW_CELLS", None)]
    # a quote inside a cell is the cell's text (as a spreadsheet reads it)
    assert rows_of(data)[2].cells["FamilyName"] == 'Sm"ith'


def test_an_unclosed_quote_is_refused_or_reported_not_swallowed():
    data = (f'{HEADER}\r\nA1,1000000043,"Smith,James,,\r\n' + "x" * 200_000).encode()
    with pytest.raises(RuleBroken) as refused:
        [batch_files.field_problems(VERIFY, row) for row in rows_of(data)]
    assert refused.value.problems[0].code == "BROKEN_CSV"


def test_a_huge_field_is_reported():
    data = f"{HEADER}\r\nA1,1000000043,{'S' * 5000},James,,\r\n".encode()
    assert problems(data) == [(2, "FIELD_TOO_LONG", "FamilyName")]


def test_a_ten_thousand_row_file_with_one_bad_row_reports_exactly_that_row():
    lines = [f"A{n},1000000043,Smith,James,2008-05-01,1" for n in range(10_000)]
    lines[6_789] = "A6789,1000000043,Smith,James,2008-13-01,1"
    data = "\r\n".join([HEADER, *lines, ""]).encode()
    assert problems(data) == [(6_791, "BAD_DATE", "DateOfBirth")]  # line 6,791 of the file


def test_achievement_field_rules_need_no_register():
    header = ",".join(batch_files.ACHIEVEMENT_COLUMNS)
    line = "M1,{action},1000000044,James,Smith,,,,500/9126/8,2019-08-01,,,,{date},{why},"
    data = "\r\n".join([header, line.format(action="fly", date="", why=""),
                        line.format(action="withdraw", date="", why="NOPE"), ""]).encode()
    found = problems(data, ACHIEVEMENT)
    assert (2, "BAD_ACTION", "Action") in found
    assert {code for number, code, _ in found if number == 3} >= {"REQUIRED",
                                                                 "BAD_ACTION_REASON"}
    assert any(field == "ULN" for number, _, field in found if number == 3)


def test_format_comes_from_the_extension_and_must_agree_with_the_content():
    assert batch_files.format_of("a.XML", b"\xef\xbb\xbf <x/>") == "xml"
    with pytest.raises(RuleBroken):
        batch_files.format_of("a.xml", b"MISIdentifier,ULN")
    with pytest.raises(RuleBroken):
        batch_files.format_of("a.xlsx", b"PK")


def test_output_cells_are_safe_in_a_spreadsheet():
    text = io.StringIO()
    batch_files.write_csv(text, ["A"], [["=HYPERLINK(1)"], ["+1"], ["@x"], ["ok"]])
    assert text.getvalue().split("\r\n")[1:5] == ["'=HYPERLINK(1)", "'+1", "'@x", "ok"]


# --- round trip -----------------------------------------------------------------------------

cell = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from([VERIFY, ACHIEVEMENT]), file_format=st.sampled_from(["csv", "xml"]),
       values=st.lists(st.lists(cell, min_size=16, max_size=16), min_size=1, max_size=5))
def test_whatever_the_reader_accepts_the_writer_writes_back_unchanged(kind, file_format,
                                                                      values):
    columns = batch_files.COLUMNS[kind]
    rows = [dict(zip(columns, row, strict=False)) for row in values]
    first = io.StringIO()
    batch_files.write_input(first, kind, file_format, rows)
    read = [row.cells for row in rows_of(first.getvalue().encode(), kind, file_format)]
    assert read == rows
    again = io.StringIO()
    batch_files.write_input(again, kind, file_format, read)
    assert [row.cells for row in rows_of(again.getvalue().encode(), kind, file_format)] == read


# --- sealed files ---------------------------------------------------------------------------

def test_a_sealed_file_reads_back_and_holds_no_plain_text(tmp_path):
    key, path = sealed_files.new_key(), tmp_path / "f.sealed"
    plain = ("Smith,James\r\n" * 50_000).encode()
    with sealed_files.sealed_writer(path, key) as sealed:
        sealed.write(plain)
    assert b"Smith" not in path.read_bytes()
    with sealed_files.open_sealed(path, key) as opened:
        assert opened.read() == plain
    assert b"".join(sealed_files.plain_chunks(path, key)) == plain


def _sealed_chunks(path):
    """The file's (length, token) records, as stored."""
    data, records, at = path.read_bytes(), [], 0
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        records.append(data[at:at + 4 + length])
        at += 4 + length
    return records


@pytest.mark.parametrize("change", ["drop", "repeat", "swap", "cut the end"])
def test_chunks_dropped_repeated_reordered_or_cut_off_are_refused(tmp_path, change):
    key, path = sealed_files.new_key(), tmp_path / "f.sealed"
    with sealed_files.sealed_writer(path, key) as sealed:
        sealed.write(b"x" * (3 * sealed_files.CHUNK + 10))
    records = _sealed_chunks(path)
    assert len(records) == 4
    changed = {"drop": records[:1] + records[2:], "repeat": records[:2] + records[1:],
               "swap": [records[1], records[0], *records[2:]],
               "cut the end": records[:-1]}[change]
    path.write_bytes(b"".join(changed))
    with pytest.raises(sealed_files.SealBroken):
        b"".join(sealed_files.plain_chunks(path, key))


def test_a_sealed_xml_file_cut_short_is_a_broken_seal_not_the_submitters_error(tmp_path):
    """A stored file damaged after upload must stop the job as an unexpected error (logged
    for the service desk), not be reported as the submitter's XML encoding."""
    rows = ({"MISIdentifier": f"V{n}", "ULN": "4715200006", "GivenName": "Priya",
             "FamilyName": "Patel", "DateOfBirth": "2004-05-06", "Gender": "2"}
            for n in range(4000))
    text = io.StringIO()
    batch_files.write_input(text, "verify", "xml", rows)
    key, path = sealed_files.new_key(), tmp_path / "f.sealed"
    with sealed_files.sealed_writer(path, key) as sealed:
        sealed.write(text.getvalue().encode())
    records = _sealed_chunks(path)
    assert len(records) > 1
    path.write_bytes(b"".join(records[:-1]))
    with pytest.raises(sealed_files.SealBroken), sealed_files.open_sealed(path, key) as source:
        list(batch_files.read_batch(source, "verify", "xml"))
