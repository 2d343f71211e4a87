"""Health checks, structured logs, error reporting and metrics: the operator's view of the system.

Nothing in the domain apps imports this package; it reads their tables (the health and
metrics reads in `checks.py` and `metrics.py`) and wraps requests and tasks from the outside.
"""
