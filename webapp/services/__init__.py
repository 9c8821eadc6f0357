"""Use cases. Each loads models, applies rules, writes in one transaction with its audit
record, then sends mail. Services raise domain errors; they never return HTML or JSON."""
