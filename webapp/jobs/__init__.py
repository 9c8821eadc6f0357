"""Work that runs in chunks, each chunk its own unit of work: called by the `lrs` command
and (with batch files) by the background worker. A failure in one chunk leaves the chunks
already committed in place; running the same file again changes nothing."""

from datetime import date
from typing import TextIO

from webapp.formats.learner_csv import read_learners
from webapp.formats.qualification_csv import read_qualifications
from webapp.services import learners, qualifications
from webapp.services.unit_of_work import unit_of_work, unit_of_work_per_chunk


def import_learners(source: TextIO, today: date,
                    chunk_rows: int = learners.CHUNK_ROWS) -> learners.ImportReport:
    """Read learners from CSV and insert or update them by ULN, a chunk per transaction.
    A bad header raises RuleBroken before anything is written."""
    load = learners.LearnerLoad(today)
    for chunk in unit_of_work_per_chunk(load.valid(read_learners(source)), chunk_rows):
        load.save(chunk)
    with unit_of_work():
        return load.finish()


def import_qualifications(source: TextIO,
                          chunk_rows: int = qualifications.CHUNK_ROWS
                          ) -> qualifications.ImportReport:
    """Read qualifications and units from CSV and insert or update them by reference, a
    chunk per transaction. A bad header raises RuleBroken before anything is written."""
    load = qualifications.QualificationLoad()
    for chunk in unit_of_work_per_chunk(load.valid(read_qualifications(source)), chunk_rows):
        load.save(chunk)
    with unit_of_work():
        return load.finish()
