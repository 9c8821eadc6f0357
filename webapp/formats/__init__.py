"""Files in and out: readers that stream rows with their row numbers and field problems,
and writers that stream rows out. Pure of the database and of Flask, so a file of a
million rows passes through in bounded memory and the same code serves the CLI, the
portal's downloads and (later) batch files."""
