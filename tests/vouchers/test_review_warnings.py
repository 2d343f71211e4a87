"""Warnings shown to reviewers for the patterns the schemes guard against."""

from __future__ import annotations

from devtools.factories import vouchers as build
from vouchers.selectors import redemption_warnings


def _redemption(*, fees=(10_000_00,), enterprise_fields=None, institution_fields=None, **program):
    program = build.make_program(**program)
    enterprise = build.enterprise_user(**(enterprise_fields or {}))
    institution = build.institution_user(**(institution_fields or {}))
    voucher = build.issue_voucher(program, enterprise)
    orders = [build.place_order(voucher, enterprise, institution.organisation, fee) for fee in fees]
    build.delivered_and_confirmed(orders[0], institution, enterprise)
    return build.request_redemption(orders[0], institution)


def test_an_ordinary_redemption_has_no_warning(db):
    assert redemption_warnings(redemption=_redemption()) == []


def test_orders_split_just_under_the_small_order_threshold_are_flagged(db):
    redemption = _redemption(fees=(950_00, 900_00), small_order_threshold_fen=1000_00)
    assert any("拆单" in warning for warning in redemption_warnings(redemption=redemption))


def test_one_order_under_the_threshold_is_not_a_split(db):
    redemption = _redemption(fees=(950_00,), small_order_threshold_fen=1000_00)
    assert not any("拆单" in warning for warning in redemption_warnings(redemption=redemption))


def test_shared_legal_representative_and_phone_are_flagged(db):
    shared = {"legal_representative": "赵六", "contact_phone": "021-5555 0001"}
    redemption = _redemption(
        enterprise_fields=shared,
        institution_fields={"legal_representative": "赵六", "contact_phone": "(021) 55550001"},
    )
    warnings = redemption_warnings(redemption=redemption)
    assert "企业与服务机构的法定代表人相同" in warnings
    assert "企业与服务机构的联系电话相同" in warnings


def test_a_page_of_redemptions_gets_its_warnings_in_eight_queries_and_the_same_as_alone(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vouchers.models import Redemption
    from vouchers.review_warnings import redemption_warnings_for

    shared = {"legal_representative": "赵六", "contact_phone": "021-5555 0001"}
    _redemption(fees=(950_00, 900_00), small_order_threshold_fen=1000_00, name="甲")  # split
    _redemption(enterprise_fields=shared, institution_fields=shared, name="乙")  # identity
    _redemption(fees=(10_000_00, 20_000_00), name="丙")  # all to one institution
    queued = list(Redemption.objects.select_related(
        "program", "order__enterprise", "order__institution").order_by("pk"))
    alone = {redemption.pk: redemption_warnings(redemption=redemption) for redemption in queued}
    assert sum(bool(warnings) for warnings in alone.values()) == 3

    with CaptureQueriesContext(connection) as one:
        redemption_warnings_for(queued[:1])
    with CaptureQueriesContext(connection) as page:
        together = redemption_warnings_for(queued)

    assert together == alone
    assert len(one) == len(page) == 8  # one per signal, whatever the number of rows
