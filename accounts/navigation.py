"""The portal's navigation, grouped by task for each role (templates/includes/site_nav.html).

Data, not template branches: the header renders it, and tests/views/test_shell.py walks it to
check that every link answers for the role that sees it. Labels are Chinese source strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Group:
    name: str | Promise
    links: tuple[tuple[str | Promise, str], ...]  # (label, URL name)


PUBLIC = Group(_("公开信息"), ((_("服务机构名录"), "vouchers:directory"),
                           (_("公示"), "accounts:notices")))
ACCOUNT = Group(_("我的账户"), ((_("记录"), "vouchers:history"),
                            (_("API 令牌"), "accounts:api_tokens"),
                            (_("修改密码"), "accounts:password_change")))
AUDIT = (_("审计记录"), "accounts:audit_trail")
REPORTS = (_("统计与对账"), "reporting:index")

NAVIGATION: dict[str, tuple[Group, ...]] = {
    "enterprise": (
        Group(_("申领"), ((_("申领项目"), "vouchers:programs"),
                         (_("我的申领"), "vouchers:application_list"),
                         (_("我的创新券"), "vouchers:voucher_list"))),
        Group(_("用券"), ((_("选择服务机构下单"), "vouchers:institution_search"),
                         (_("我的订单"), "vouchers:order_list"),
                         (_("兑付"), "vouchers:redemption_list"),
                         (_("服务评价"), "vouchers:rating_list"))),
    ),
    "institution": (
        Group(_("服务"), ((_("收到的订单"), "vouchers:order_list"),
                         (_("服务目录"), "vouchers:catalogue"))),
        Group(_("回款"), ((_("兑付与回款"), "vouchers:redemption_list"),
                         (_("服务评价"), "vouchers:rating_list"))),
    ),
    "authority_reviewer": (
        Group(_("审核"), ((_("注册审核"), "accounts:registration_queue"),
                         (_("申领审核"), "vouchers:application_queue"),
                         (_("兑付审核"), "vouchers:redemption_queue"),
                         (_("公示与异议"), "accounts:notice_review"))),
        Group(_("监管"), ((_("订单"), "vouchers:order_list"),
                         # The checker's queue and the cases are a click away on 抽查, the
                         # suspended items on 黑名单 (and on the to-do list): the desktop
                         # header keeps to two rows.
                         (_("抽查"), "vouchers:spot_check_list"),
                         (_("服务评价"), "vouchers:rating_list"),
                         (_("信用与绩效"), "vouchers:record_list"),
                         (_("黑名单"), "vouchers:blacklist"),
                         (_("追回款"), "vouchers:claw_back_list"),
                         (_("准入与公示规则"), "accounts:region_rules"),
                         AUDIT)),
        Group(_("资金与统计"), ((_("项目与预算"), "vouchers:budget_use"),
                              (_("支付批次"), "vouchers:batch_list"),
                              REPORTS)),
    ),
    "city_reviewer": (
        Group(_("初审"), ((_("市级初审"), "vouchers:city_queue"),)),
    ),
    "authority_finance": (
        Group(_("支付"), ((_("支付批次"), "vouchers:batch_list"),
                         (_("兑付"), "vouchers:redemption_list"),
                         (_("追回款"), "vouchers:claw_back_list"))),
        Group(_("统计"), ((_("预算使用"), "vouchers:budget_use"), REPORTS, AUDIT)),
    ),
    "operator": (
        Group(_("统计"), ((_("跨区域总览"), "vouchers:overview"),
                         (_("预算使用"), "vouchers:budget_use"),
                         REPORTS)),
        Group(_("监管"), ((_("订单"), "vouchers:order_list"),
                         (_("服务评价"), "vouchers:rating_list"),
                         (_("信用与绩效"), "vouchers:record_list"),
                         AUDIT)),
        Group(_("基础数据"), ((_("基础数据"), "vouchers:reference"),)),
    ),
}


def navigation_for(role: str | None) -> tuple[Group, ...]:
    """The task groups of a signed-in user's role, then the public pages (no account group:
    the header adds it with the sign-out button)."""
    return (*NAVIGATION.get(role or "", ()), PUBLIC)
