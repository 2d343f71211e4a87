"""Use cases of the voucher life cycle, one module per record; each public service is one
durable transaction that checks the actor, moves the state, moves money through the ledger
and writes its audit line."""
