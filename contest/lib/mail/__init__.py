"""Outgoing mail, rendered in the recipient's language and sent by a job through the outbox."""
