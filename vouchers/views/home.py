"""The home page: the organisation's to-do list (vouchers/todo.py), with counts that are the
lengths of the lists they link to, and what the user can do next."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.decorators import action_required
from accounts.models import User
from vouchers.todo import todo_items

# (label, URL name): the role's starting points, whatever is waiting.
ACTIONS = {
    User.Role.ENTERPRISE: [(_("申领创新券"), "vouchers:programs"),
                           (_("查找服务机构并下单"), "vouchers:institution_search"),
                           (_("我的创新券"), "vouchers:voucher_list"),
                           (_("我的订单"), "vouchers:order_list")],
    User.Role.INSTITUTION: [(_("维护服务目录"), "vouchers:catalogue"),
                            (_("收到的订单"), "vouchers:order_list"),
                            (_("兑付与收款"), "vouchers:redemption_list")],
    User.Role.AUTHORITY_REVIEWER: [(_("创新券项目"), "vouchers:programs"),
                                   (_("兑付抽查"), "vouchers:spot_check_list"),
                                   (_("黑名单"), "vouchers:blacklist")],
    User.Role.AUTHORITY_FINANCE: [(_("支付批次"), "vouchers:batch_list"),
                                  (_("兑付记录"), "vouchers:redemption_list")],
    User.Role.OPERATOR: [(_("区域概览"), "vouchers:overview"),
                         (_("参考数据与通用区域"), "vouchers:reference"),
                         (_("服务机构名录"), "vouchers:directory")],
}


@action_required("home.view")
def home(request):
    """What waits for this user's organisation, by role."""
    user = request.user
    return render(request, "vouchers/home.html", {
        "organisation": user.organisation,
        "todo": todo_items(user),
        "actions": ACTIONS.get(user.role, []),
    })
