"""Cross-cutting pieces of the HTTP API: authentication, errors, idempotency, paging."""
