"""Spreadsheet-safe CSV cells: a cell starting with =, +, -, @, tab or carriage return is
read as a formula by Excel and LibreOffice (CSV injection), so it gets a leading quote."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(values) -> list[str]:
    return [safe_cell(value) for value in values]
