"""Every audit action has a label in both languages, and the trail reads in words: field labels,
state labels, yuan, percent, dates, 是/否 and names, never codes, model names or dicts.

Coverage is checked by reading the source (ast), not by running it: a code written on a path
no test runs is still found. Every call of audit_record, audit_entry_build or a module's own
`_audit…` helper is read; a literal code must have a label; an f-string code (the services
write `delivery_{target}`, `redemption_{state}`…) must be listed in DYNAMIC_CODES with the
targets its state machine allows, so a new one fails here until it is labelled.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.audit import audit_record
from accounts.audit_display import describe_entries, entry_changes, object_reference
from accounts.audit_labels import ACTION_LABELS, FIELD_LABELS, action_label
from accounts.models import AuditEntry, City, Objection
from accounts.states import ORGANISATION_TRANSITIONS
from devtools.factories.accounts import UserFactory
from vouchers.models import Delivery, Redemption, ServiceOrder
from vouchers.states import DELIVERY_TRANSITIONS, REDEMPTION_TRANSITIONS

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "vouchers", "reporting", "config")
WRITERS = {"audit_record", "audit_entry_build"}
CJK = re.compile(r"[\u4e00-\u9fff]")

# f-string template → the values its placeholder takes (from the state machines).
DYNAMIC_CODES: dict[str, set[str]] = {
    "delivery_{}": set(DELIVERY_TRANSITIONS[Delivery.State.LOGGED]),
    "redemption_{}": set(REDEMPTION_TRANSITIONS[Redemption.State.REQUESTED]),
    "organisation_{}": set().union(*ORGANISATION_TRANSITIONS.values()),
    "objection_{}": {Objection.Status.UPHELD, Objection.Status.DISMISSED},
}


def _callee(node: ast.Call) -> str:
    function = node.func
    return function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")


def _template(value: ast.JoinedStr) -> str:
    return "".join(part.value if isinstance(part, ast.Constant) else "{}"
                   for part in value.values)


def _wrapper_parameters(tree: ast.Module) -> dict[ast.Call, set[str]]:
    """Each writer call with the parameter names of the function around it."""
    found: dict[ast.Call, set[str]] = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            names = {argument.arg for argument in ast.walk(function.args)
                     if isinstance(argument, ast.arg)}
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    found.setdefault(node, names)
    return found


def scanned_codes() -> tuple[set[str], set[str], list[str]]:
    """(literal codes, f-string templates, places whose code cannot be read)."""
    literals: set[str] = set()
    templates: set[str] = set()
    unreadable: list[str] = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            parameters = _wrapper_parameters(tree)
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = _callee(node)
                if name not in WRITERS and not name.startswith("_audit"):
                    continue
                for keyword in node.keywords:
                    if keyword.arg != "action":
                        continue
                    value = keyword.value
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        literals.add(value.value)
                    elif isinstance(value, ast.JoinedStr):
                        templates.add(_template(value))
                    elif isinstance(value, ast.Name) and value.id in parameters.get(node, set()):
                        continue  # a wrapper passing its own `action` on: its callers are read
                    else:
                        unreadable.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return literals, templates, unreadable


def all_codes() -> set[str]:
    literals, templates, _ = scanned_codes()
    expanded = {template.replace("{}", str(value))
                for template in templates for value in DYNAMIC_CODES.get(template, set())}
    return literals | expanded


def test_the_scan_finds_the_codes_it_should():
    codes = all_codes()
    # A scan that silently finds nothing would pass everything: pin a few of each kind.
    for code in ("login", "permission_denied", "order_place", "delivery_confirmed",
                 "redemption_rejected", "organisation_notice", "report_run_fail",
                 "delivery_rate"):
        assert code in codes
    assert len(codes) >= 60


def test_every_action_code_in_the_code_base_has_a_label():
    _, templates, unreadable = scanned_codes()
    assert unreadable == [], "pass `action=` a literal or an f-string listed in DYNAMIC_CODES"
    assert templates <= set(DYNAMIC_CODES), "list the new f-string code's values in DYNAMIC_CODES"
    missing = sorted(all_codes() - set(ACTION_LABELS))
    assert missing == [], f"add labels to accounts/audit_labels.py: {missing}"


def test_no_label_is_left_over_for_a_code_nobody_writes():
    assert sorted(set(ACTION_LABELS) - all_codes()) == []


@pytest.mark.parametrize("labels", [ACTION_LABELS, FIELD_LABELS], ids=["actions", "fields"])
def test_every_label_reads_in_both_languages(labels):
    with translation.override("zh-hans"):
        chinese = {code: str(label) for code, label in labels.items()}
    with translation.override("en"):
        english = {code: str(label) for code, label in labels.items()}
    assert [code for code, text in chinese.items() if not CJK.search(text)] == []
    untranslated = [code for code, text in english.items() if CJK.search(text)]
    assert untranslated == [], "add the English to locale/en/LC_MESSAGES/django.po"


def test_a_refused_permission_reads_as_what_was_refused():
    from accounts.access import MATRIX
    from accounts.audit_labels import permission_label

    assert permission_label("application.review") == "审核申领"
    with translation.override("en"):
        assert permission_label("application.review") == "Review applications"
    labels = {code: permission_label(code) for code in MATRIX}
    assert [code for code, label in labels.items() if label == "其他操作"] == []


def _entry(**fields) -> AuditEntry:
    return AuditEntry(created_at=timezone.now(), **fields)


def _lines(entry: AuditEntry) -> list[str]:
    lines = []
    for change in entry_changes(entry):
        if change.has_before and change.has_after:
            lines.append(f"{change.label}：{change.before} → {change.after}")
        else:
            lines.append(f"{change.label}：{change.before or change.after}")
    return lines


def test_the_issues_examples_read_in_words(db):
    entry = _entry(action="order_place", object_type="vouchers.serviceorder", object_id="21",
                   after={"state": "placed", "ratio_bp": 5000, "total_fee_fen": 1_000_000})

    assert action_label("order_place") == "企业下单"
    assert action_label("delivery_confirmed") == "企业确认交付"
    assert _lines(entry) == ["状态：已下单", "补贴比例：50%", "服务费：¥10,000.00"]
    assert object_reference(entry).label == "服务订单 #21"
    with translation.override("en"):
        assert action_label("order_place") == "Order placed"
        assert object_reference(entry).label == "Service order #21"
        assert _lines(entry)[:2] == ["State：Placed", "Subsidy ratio：50%"]


def test_before_and_after_values_are_human(db):
    suzhou = City.objects.get(code="320500")
    entry = _entry(
        action="redemption_approved", object_type="vouchers.redemption", object_id="3",
        before={"state": "requested", "requested_fen": 500_000, "in_common_area": False,
                "city": suzhou.code, "expires_at": "2024-12-31T23:59:59.999999+08:00",
                "mystery_key": "x"},
        after={"state": "approved", "requested_fen": 400_000, "in_common_area": True,
               "city": suzhou.code, "filters": {"action": "login", "date_from": "2024-01-01"}},
    )

    assert _lines(entry) == [
        "状态：待审核 → 已批准",
        "申请金额：¥5,000.00 → ¥4,000.00",
        "属于通用区域：否 → 是",
        f"城市：{suzhou.name} → {suzhou.name}",
        "有效期至：2024年12月31日 23:59",
        "mystery key：x",
        "筛选条件：操作：登录；起始日期：2024年1月1日",
    ]
    assert all("{" not in line and "'" not in line for line in _lines(entry))


def test_an_order_state_on_a_delivery_line_uses_the_orders_labels(db):
    entry = _entry(action="delivery_log", object_type="vouchers.delivery", object_id="1",
                   before={"order_state": ServiceOrder.State.PLACED})
    assert _lines(entry) == ["订单状态：已下单"]


def test_objects_link_to_their_page_only_for_a_viewer_who_may_open_it(db):
    from devtools.factories import vouchers as build

    reviewer = build.authority("JS")
    program = build.make_program(actor=reviewer)
    enterprise = build.enterprise_user("JS")
    institution = build.institution_user("SH")
    voucher = build.issue_voucher(program, enterprise, reviewer=reviewer)
    order = build.place_order(voucher, enterprise, institution.organisation)
    def line() -> list[AuditEntry]:  # fresh instances: describe_entries annotates them
        return list(AuditEntry.objects.filter(action="order_place"))

    (own,) = describe_entries(line(), viewer=enterprise)
    (other,) = describe_entries(line(), viewer=build.enterprise_user("ZJ"))

    assert own.object_reference.url == reverse("vouchers:order_detail", args=[order.pk])
    assert other.object_reference.url == ""
    assert other.object_reference.label == f"服务订单 #{order.pk}"


def _trail(count: int, region_code: str = "JS") -> None:
    from accounts.models import Region

    region = Region.objects.get(short_code=region_code)
    city = City.objects.filter(region=region).first()
    for number in range(count):
        audit_record(actor=None, action="city_common_area_changed", target=city, region=region,
                     before={"in_common_area": False}, after={"in_common_area": True},
                     reason=f"第{number}次", now=timezone.now())
        audit_record(actor=None, action="order_place", region=region,
                     after={"state": "placed", "ratio_bp": 5000, "city": city.code},
                     now=timezone.now())


def _queries(client, url: str) -> int:
    client.get(url)  # the first request after signing in also touches the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_audit_trail_page_shows_labels_and_takes_constant_queries(client, db):
    reviewer = UserFactory.authority("JS")
    client.force_login(reviewer)
    url = reverse("accounts:audit_trail")
    _trail(2)
    few = _queries(client, url)
    _trail(10)
    many = _queries(client, url)

    body = client.get(url).content.decode()
    assert few == many
    assert "调整通用区域城市" in body
    assert "属于通用区域：否 → 是" in body
    assert "补贴比例：50%" in body
    for code in ("city_common_area_changed", "order_place", "{'", "accounts.city", "ratio_bp"):
        assert code not in body


def test_the_records_page_shows_labels_and_takes_constant_queries(client, db):
    reviewer = UserFactory.authority("JS")
    client.force_login(reviewer)
    url = reverse("vouchers:history")
    _trail(2)
    few = _queries(client, url)
    _trail(10)
    many = _queries(client, url)

    body = client.get(url).content.decode()
    assert few == many
    assert "企业下单" in body
    assert "order_place" not in body
    csv = b"".join(client.get(url + "?format=csv").streaming_content).decode("utf-8-sig")
    assert "企业下单" in csv
    assert "order_place" not in csv
    assert "accounts.city" not in csv


def test_the_audit_csv_has_the_label_beside_the_code(client, db):
    reviewer = UserFactory.authority("JS")
    client.force_login(reviewer)
    _trail(1)

    text = b"".join(client.get(reverse("accounts:audit_trail") + "?format=csv")
                    .streaming_content).decode("utf-8-sig")

    header, *rows = [line.split(",") for line in text.splitlines()]
    assert header[1:3] == ["操作", "操作说明"]
    assert ["order_place", "企业下单"] in [row[1:3] for row in rows]


def test_the_organisation_registration_reads_in_words(db):
    organisation = UserFactory.authority("JS").organisation
    entry = _entry(action="organisation_approved", object_type="accounts.organisation",
                   object_id=str(organisation.pk),
                   before={"status": "notice"}, after={"status": "approved"})
    assert action_label(entry.action) == "机构注册通过"
    assert _lines(entry) == ["状态：公示中 → 已通过"]
