"""Downloads: CSV streamed to the browser as it is written."""

from collections.abc import Iterable

from flask import Response, stream_with_context

from webapp.formats.csv_files import stream_csv


def csv_download(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    """`filename` is chosen by the app, never taken from input."""
    return Response(stream_with_context(stream_csv(header, rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
