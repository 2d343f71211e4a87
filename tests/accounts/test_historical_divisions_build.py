"""How build_historical_divisions derives a successor from GB/T 2260 revisions, and how the
migration keys controllers typed before identities were normalised."""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps

from accounts.management.commands.build_historical_divisions import build_rows
from devtools.factories.accounts import OrganisationFactory

REVISIONS = {
    "199012": {
        "320500": "苏州市", "320502": "沧浪区", "320525": "吴江县", "320571": "苏州工业园区",
        "320600": "南通市", "320611": "郊区", "320701": "市辖区",
        "341500": "六安市", "341521": "寿县", "340400": "淮南市",
        "342200": "宿县地区", "342223": "宿县", "342299": "示例县",
        "330100": "杭州市",
    },
    "201904": {
        "320500": "苏州市", "320508": "姑苏区", "320509": "吴江区",
        "320600": "南通市", "320700": "连云港市", "320711": "郊区",
        "341500": "六安市", "340400": "淮南市", "340422": "寿县", "341300": "宿州市",
        "330100": "杭州市",
    },
}


def test_successors_are_derived_in_the_documented_order():
    rows = {row[0]: row for row in build_rows(REVISIONS)}

    assert {code: (row[3], row[5]) for code, row in rows.items()} == {
        "320502": ("320500", "city"),  # 沧浪区: name gone, 苏州 still exists
        "320525": ("320509", "renamed"),  # 吴江县 → 吴江区
        "320611": ("320600", "city"),  # 郊区 is generic: never matched by name
        "341521": ("340422", "same_name"),  # 寿县 moved to 淮南 under the same name
        "342200": ("341300", "curated"),  # 宿县地区 → 宿州市 (Ministry's list)
        "342223": ("341300", "prefecture"),  # its prefecture's successor
        "342299": ("341300", "prefecture"),
    }
    assert rows["320502"][1:3] == ["沧浪区", "2019"]
    assert rows["342200"][6].startswith("民政部《1998年县级以上行政区划变更情况》")


def test_headings_and_development_zones_are_not_divisions():
    codes = {row[0] for row in build_rows(REVISIONS)}
    assert "320701" not in codes  # 市辖区
    assert "320571" not in codes  # xx7x statistical development zone


def test_migration_keys_controllers_typed_before(db):
    typed = OrganisationFactory(actual_controller="  张三 ", actual_controller_key="")
    migration = importlib.import_module(
        "accounts.migrations.0007_historical_divisions_and_controller_identity"
    )

    migration.key_existing_controllers(django_apps, None)

    typed.refresh_from_db()
    assert (typed.actual_controller, typed.actual_controller_key) == ("  张三 ", "name:张三")
