"""The home page: the organisation's to-do list (vouchers/todo.py), with counts that are the
lengths of the lists they link to, and what the user can do next."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.decorators import action_required
from accounts.models import User
from vouchers.todo import todo_items

# (label, URL name): the role's starting points, whatever is waiting. The labels differ from
# the navigation's (a link named like a menu entry would make two links of one name).
ACTIONS = {
    User.Role.ENTERPRISE: [(_("申领创新券"), "vouchers:programs"),
                           (_("查找服务机构"), "vouchers:institution_search"),
                           (_("查看创新券余额"), "vouchers:voucher_list")],
    User.Role.INSTITUTION: [(_("增减可提供的服务类别"), "vouchers:catalogue"),
                            (_("查看收款情况"), "vouchers:redemption_list")],
    User.Role.AUTHORITY_REVIEWER: [(_("新建创新券项目"), "vouchers:program_create"),
                                   (_("抽取样本核查"), "vouchers:spot_check_list"),
                                   (_("将失信主体列入名单"), "vouchers:blacklist")],
    User.Role.AUTHORITY_FINANCE: [(_("导出国库支付清单"), "vouchers:batch_list")],
    User.Role.OPERATOR: [(_("查看各地区数据"), "vouchers:overview"),
                         (_("维护通用区域城市"), "vouchers:reference"),
                         (_("查询服务机构"), "vouchers:directory")],
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
