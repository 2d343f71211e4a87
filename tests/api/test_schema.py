"""The committed OpenAPI schema (docs/openapi.yaml) is the one the code generates."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
REGENERATE = (
    ".venv/bin/python manage.py spectacular --file docs/openapi.yaml --validate --fail-on-warn"
)


def test_committed_schema_matches_the_code(tmp_path, db):
    generated = tmp_path / "openapi.yaml"

    call_command("spectacular", file=str(generated), validate=True, fail_on_warn=True)

    assert generated.read_text() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date with the API code (an endpoint, serializer or "
        f"filter changed). Regenerate it with:\n    {REGENERATE}\nand commit the result."
    )
