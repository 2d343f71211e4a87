from __future__ import annotations

from accounts.models import City


def test_reference_data_loaded(db):
    assert City.objects.count() == 1 + 13 + 11 + 16
