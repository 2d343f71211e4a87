"""A small but varied year for the reports: three issuing regions, cross-region orders, a partial
approval, an unpaid approval, an undelivered order and an expiry — all through the real services.

Shared by the reporting tests (the `year` fixture) and benchmark 2, which copies it in SQL
(`bench/annual_totals_data.py`). It builds through the tests' factories, like `bench/fixtures.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from accounts.models import User
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW, TZ
from vouchers.models import PaymentBatch, Program, Redemption, Voucher
from vouchers.services import redemptions, settlements, vouchers

PAID_ON = date(2024, 4, 2)
# The payment is registered on the treasury's date: a payment cannot be dated after its record.
PAID_AT = datetime(2024, 4, 2, 10, 0, tzinfo=TZ)
EXPIRED_AT = datetime(2024, 12, 2, 1, 0, tzinfo=TZ)


@dataclass
class Year:
    programs: dict[str, Program] = field(default_factory=dict)
    reviewers: dict[str, User] = field(default_factory=dict)
    finance: dict[str, User] = field(default_factory=dict)
    institutions: dict[str, User] = field(default_factory=dict)
    redemptions: dict[str, Redemption] = field(default_factory=dict)
    batches: dict[str, PaymentBatch] = field(default_factory=dict)
    vouchers: dict[str, Voucher] = field(default_factory=dict)


def _redeem(
    year: Year,
    name: str,
    region: str,
    voucher,
    enterprise,
    serving: str,
    fee: int,
    *,
    code: str = "testing",
    approve_fen: int | None = None,
) -> Redemption:
    institution = year.institutions[serving]
    order = build.place_order(voucher, enterprise, institution.organisation, fee, code=code)
    build.delivered_and_confirmed(order, institution, enterprise)
    redemption = build.request_redemption(order, institution)
    reason = "部分费用不符合规定" if approve_fen else ""
    redemption = redemptions.redemption_approve(
        actor=year.reviewers[region],
        redemption=redemption,
        now=NOW,
        amount_fen=approve_fen,
        reason=reason,
    )
    year.redemptions[name] = redemption
    return redemption


def _pay(year: Year, name: str, region: str, serving: str, reference: str) -> PaymentBatch:
    batch = settlements.payment_batch_create(
        actor=year.finance[region], payee=year.institutions[serving].organisation, now=NOW
    )
    batch = settlements.payment_batch_pay(
        actor=year.finance[region],
        batch=batch,
        payment_reference=reference,
        paid_on=PAID_ON,
        now=PAID_AT,
    )
    year.batches[name] = batch
    return batch


def build_year() -> Year:
    year = Year()
    for region in ("JS", "SH", "ZJ"):
        year.reviewers[region] = build.authority(region)
        year.finance[region] = build.authority(region, role=User.Role.AUTHORITY_FINANCE)
        year.programs[region] = build.make_program(
            region_code=region,
            actor=year.reviewers[region],
            categories={"testing": None, "consulting": None},
        )
    for region in ("SH", "JS", "ZJ"):
        year.institutions[region] = build.institution_user(region, codes=("testing", "consulting"))
    js_enterprise, js_other = build.enterprise_user("JS"), build.enterprise_user("JS")
    sh_enterprise, zj_enterprise = build.enterprise_user("SH"), build.enterprise_user("ZJ")
    js_voucher = build.issue_voucher(
        year.programs["JS"], js_enterprise, 100_000_00, reviewer=year.reviewers["JS"]
    )
    js_other_voucher = build.issue_voucher(
        year.programs["JS"], js_other, 50_000_00, reviewer=year.reviewers["JS"]
    )
    sh_voucher = build.issue_voucher(
        year.programs["SH"], sh_enterprise, 80_000_00, reviewer=year.reviewers["SH"]
    )
    zj_voucher = build.issue_voucher(
        year.programs["ZJ"], zj_enterprise, 60_000_00, reviewer=year.reviewers["ZJ"]
    )
    year.vouchers.update(js=js_voucher, zj=zj_voucher)
    # Jiangsu enterprises served in Shanghai (cross-region) and at home, one partly approved.
    _redeem(year, "js_sh", "JS", js_voucher, js_enterprise, "SH", 10_000_00)
    _redeem(
        year, "js_sh_consulting", "JS", js_voucher, js_enterprise, "SH", 6_000_01, code="consulting"
    )
    _redeem(
        year,
        "js_js_partial",
        "JS",
        js_other_voucher,
        js_other,
        "JS",
        8_000_00,
        approve_fen=3_000_00,
    )
    _pay(year, "js_sh", "JS", "SH", "GK-JS-001")
    _pay(year, "js_js", "JS", "JS", "GK-JS-002")
    # Shanghai enterprise served in Zhejiang: approved, not paid.
    _redeem(year, "sh_zj", "SH", sh_voucher, sh_enterprise, "ZJ", 12_000_00)
    # Zhejiang: served in Jiangsu and paid; an order placed and never delivered; expiry.
    _redeem(year, "zj_js", "ZJ", zj_voucher, zj_enterprise, "JS", 20_000_00)
    _pay(year, "zj_js", "ZJ", "JS", "GK-ZJ-001")
    build.place_order(zj_voucher, zj_enterprise, year.institutions["SH"].organisation, 4_000_00)
    vouchers.voucher_expire(voucher=zj_voucher, now=EXPIRED_AT)
    vouchers.voucher_expire(voucher=js_other_voucher, now=EXPIRED_AT)
    return year
