"""Shared infrastructure every domain builds on: settings, database, clock, errors, principal,
audit log, mail, job outbox. Imports no domain and nothing of the shell."""
