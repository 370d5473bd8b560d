"""The names of the change measures (no heavy imports: the CLI's ``choices``)."""

MEASURES = ("excess", "apd", "prt", "jsd")
