"""Entries: files uploaded straight to object storage, verified, versioned, chosen, submitted and pinned."""
