"""Tests of the steps past one machine (docs/scaling.md): each starts the servers it needs —
a second PostgreSQL cluster, a replica, PgBouncer, pgBackRest's repository — on spare ports
(tests/faults/servers.py), installing Debian's packages when missing as .ci/run does, and
never touches the shared server's configuration.

Each module sets `pytestmark = [pytest.mark.scale, pytest.mark.postgres]`: it runs in CI's
PostgreSQL run, where every `postgres` test must pass, and is deselected on the embedded
default.
"""
