"""Pages of the voucher life cycle, one module per role or record. Thin: read through
selectors, act through one service, map refusals to form errors."""
