"""Pricing: how much of a service fee the voucher pays. Pure rules, no reads, no writes.

Order placement and the order preview both price here, so the two never disagree.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.templatetags.money import basis_points, format_yuan
from vouchers.errors import refuse
from vouchers.models import BASIS_POINTS, Program, ProgramCategory


def voucher_ratio_bp(
    program: Program, enterprise: Organisation, institution: Organisation, rule: ProgramCategory
) -> int:
    """The subsidy ratio in basis points: the category's own, else the same-region or
    other-region ratio, else the program's."""
    ratio: int | None
    if rule.ratio_bp is not None:
        ratio = rule.ratio_bp
    elif institution.region_id == enterprise.region_id:
        ratio = program.same_region_ratio_bp
    else:
        ratio = program.other_region_ratio_bp
    return program.ratio_bp if ratio is None else ratio


def voucher_portion(
    program: Program,
    enterprise: Organisation,
    institution: Organisation,
    rule: ProgramCategory,
    total_fee_fen: int,
) -> tuple[int, int]:
    """(ratio in basis points, voucher portion in fen) before the balance cap.

    Precedence: small-order threshold (whole fee), then the ratio (voucher_ratio_bp); the
    portion is rounded down to the fen.
    """
    threshold = program.small_order_threshold_fen
    if threshold is not None and total_fee_fen < threshold:
        return BASIS_POINTS, total_fee_fen
    ratio = voucher_ratio_bp(program, enterprise, institution, rule)
    return ratio, total_fee_fen * ratio // BASIS_POINTS


def require_voucher_share(ratio_bp: int, portion_fen: int, total_fee_fen: int) -> None:
    """Refuse a fee whose voucher share rounds down to 0 fen (the order preview asks too):
    the enterprise is told exactly that, not that the voucher is spent."""
    if portion_fen <= 0:
        message = format_lazy(
            _("按补贴比例{ratio}计算，服务费{fee}中创新券可支付的金额不足1分，"
              "不能使用创新券支付；请由企业全额自付"),
            ratio=basis_points(ratio_bp), fee=format_yuan(total_fee_fen),
        )
        refuse("voucher_share_zero", message, ratio_bp=ratio_bp, total_fee_fen=total_fee_fen)
