"""Human labels for the audit trail: one per action code and per before/after field.

Every `action=` a service passes to `audit_record` has a label here, in Chinese (the source
language) with its English translation in the catalogue; tests/accounts/test_audit_labels.py
scans the code base and fails on a code without one. Adding an action: add its code here,
its msgid/msgstr (msgctxt "audit action") to locale/en/LC_MESSAGES/django.po, done.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

# Literal pgettext_lazy calls, so that makemessages finds each string.
ACTION_LABELS: dict[str, Promise] = {
    # Signing in, access and the trail itself
    "login": pgettext_lazy("audit action", "登录"),
    "login_failed": pgettext_lazy("audit action", "登录失败"),
    "login_locked_out": pgettext_lazy("audit action", "登录失败次数过多，账户暂时锁定"),
    "permission_denied": pgettext_lazy("audit action", "无权操作，已拒绝"),
    "audit_export": pgettext_lazy("audit action", "导出审计记录"),
    "api_token_create": pgettext_lazy("audit action", "创建 API 令牌"),
    "api_token_revoke": pgettext_lazy("audit action", "撤销 API 令牌"),
    "user_create": pgettext_lazy("audit action", "创建用户"),
    # Organisations, notices and objections
    "organisation_register": pgettext_lazy("audit action", "提交机构注册"),
    "organisation_create": pgettext_lazy("audit action", "创建机构"),
    "organisation_notice": pgettext_lazy("audit action", "注册审核通过，进入公示"),
    "organisation_approved": pgettext_lazy("audit action", "机构注册通过"),
    "organisation_rejected": pgettext_lazy("audit action", "机构注册被驳回"),
    "organisation_city_set": pgettext_lazy("audit action", "设置机构所在城市"),
    "organisation_actual_controller_set": pgettext_lazy("audit action", "设置实际控制人"),
    "organisation_blacklist": pgettext_lazy("audit action", "列入黑名单"),
    "objection_lodge": pgettext_lazy("audit action", "提出公示异议"),
    "objection_upheld": pgettext_lazy("audit action", "异议成立"),
    "objection_dismissed": pgettext_lazy("audit action", "异议不成立"),
    # Reference data
    "city_common_area_changed": pgettext_lazy("audit action", "调整通用区域城市"),
    "historical_division_recorded": pgettext_lazy("audit action", "登记历史行政区划"),
    "historical_division_changed": pgettext_lazy("audit action", "修改历史行政区划"),
    # Programs
    "program_create": pgettext_lazy("audit action", "创建创新券项目"),
    "program_update": pgettext_lazy("audit action", "修改创新券项目"),
    "program_fund": pgettext_lazy("audit action", "项目预算拨付"),
    "program_deadlines_change": pgettext_lazy("audit action", "调整项目截止日期"),
    "program_serving_area_change": pgettext_lazy("audit action", "调整项目服务区域"),
    "program_serving_city_add": pgettext_lazy("audit action", "项目服务区域增加城市"),
    # Applications and vouchers
    "application_submit": pgettext_lazy("audit action", "企业提交申领"),
    "application_approve": pgettext_lazy("audit action", "申领审核通过"),
    "application_reject": pgettext_lazy("audit action", "申领被驳回"),
    "voucher_issue": pgettext_lazy("audit action", "发放创新券"),
    "voucher_expire": pgettext_lazy("audit action", "创新券到期"),
    "voucher_revoke": pgettext_lazy("audit action", "创新券作废"),
    "voucher_use_by_change": pgettext_lazy("audit action", "调整创新券有效期"),
    # Orders, deliveries, evidence and ratings
    "order_place": pgettext_lazy("audit action", "企业下单"),
    "order_cancel": pgettext_lazy("audit action", "订单取消"),
    "order_lapse": pgettext_lazy("audit action", "订单逾期未兑付"),
    "delivery_log": pgettext_lazy("audit action", "服务机构登记交付"),
    "delivery_confirmed": pgettext_lazy("audit action", "企业确认交付"),
    "delivery_disputed": pgettext_lazy("audit action", "企业对交付提出异议"),
    "evidence_attach": pgettext_lazy("audit action", "上传证明材料"),
    "delivery_rate": pgettext_lazy("audit action", "企业评价服务"),
    "delivery_rate_change": pgettext_lazy("audit action", "企业修改服务评价"),
    "catalogue_entry_add": pgettext_lazy("audit action", "服务目录增加服务"),
    "catalogue_entry_remove": pgettext_lazy("audit action", "服务目录下架服务"),
    # Redemptions, payment and oversight
    "redemption_request": pgettext_lazy("audit action", "申请兑付"),
    "redemption_approved": pgettext_lazy("audit action", "兑付审核通过"),
    "redemption_rejected": pgettext_lazy("audit action", "兑付被驳回"),
    "redemption_claw_back": pgettext_lazy("audit action", "追回已支付款项"),
    "payment_batch_create": pgettext_lazy("audit action", "创建支付批次"),
    "payment_batch_pay": pgettext_lazy("audit action", "支付批次已支付"),
    "payment_batch_cancel": pgettext_lazy("audit action", "撤销支付批次"),
    "spot_check_draw": pgettext_lazy("audit action", "抽取抽查样本"),
    "spot_check_record": pgettext_lazy("audit action", "登记抽查结果"),
    # Reports and reconciliation
    "report_request": pgettext_lazy("audit action", "申请生成报表"),
    "report_run_succeed": pgettext_lazy("audit action", "报表生成完成"),
    "report_run_fail": pgettext_lazy("audit action", "报表生成失败"),
    "report_run_requeue": pgettext_lazy("audit action", "报表重新排队生成"),
    "report_download": pgettext_lazy("audit action", "下载报表"),
    "treasury_import": pgettext_lazy("audit action", "导入国库支付记录"),
    "discrepancy_resolve": pgettext_lazy("audit action", "处理对账差异"),
}

# What an unknown code (a line written before its label existed) reads as: never the code.
UNKNOWN_ACTION = pgettext_lazy("audit action", "其他操作")

FIELD_LABELS: dict[str, Promise] = {
    "state": pgettext_lazy("audit field", "状态"),
    "status": pgettext_lazy("audit field", "状态"),
    "order_state": pgettext_lazy("audit field", "订单状态"),
    "amount_fen": pgettext_lazy("audit field", "金额"),
    "requested_fen": pgettext_lazy("audit field", "申请金额"),
    "total_fee_fen": pgettext_lazy("audit field", "服务费"),
    "voucher_fen": pgettext_lazy("audit field", "创新券支付"),
    "ratio_bp": pgettext_lazy("audit field", "补贴比例"),
    "code": pgettext_lazy("audit field", "编号"),
    "number": pgettext_lazy("audit field", "编号"),
    "invoice": pgettext_lazy("audit field", "发票"),
    "kind": pgettext_lazy("audit field", "类型"),
    "name": pgettext_lazy("audit field", "名称"),
    "sha256": pgettext_lazy("audit field", "文件校验值"),
    "order": pgettext_lazy("audit field", "订单"),
    "city": pgettext_lazy("audit field", "城市"),
    "cities": pgettext_lazy("audit field", "城市"),
    "added": pgettext_lazy("audit field", "增加"),
    "removed": pgettext_lazy("audit field", "移除"),
    "region": pgettext_lazy("audit field", "地区"),
    "username": pgettext_lazy("audit field", "用户名"),
    "role": pgettext_lazy("audit field", "角色"),
    "ip_address": pgettext_lazy("audit field", "IP 地址"),
    "action": pgettext_lazy("audit field", "操作"),
    "filters": pgettext_lazy("audit field", "筛选条件"),
    "date_from": pgettext_lazy("audit field", "起始日期"),
    "date_to": pgettext_lazy("audit field", "截止日期"),
    "expires_at": pgettext_lazy("audit field", "有效期至"),
    "in_common_area": pgettext_lazy("audit field", "属于通用区域"),
    "is_active": pgettext_lazy("audit field", "在服务目录中"),
    "price_note": pgettext_lazy("audit field", "价格说明"),
    "blacklisted": pgettext_lazy("audit field", "列入黑名单"),
    "resolved": pgettext_lazy("audit field", "已处理"),
    "credit_code": pgettext_lazy("audit field", "统一社会信用代码"),
    "actual_controller": pgettext_lazy("audit field", "实际控制人"),
    "actual_controller_identifier": pgettext_lazy("audit field", "实际控制人证件号"),
    "lodged_by": pgettext_lazy("audit field", "异议人"),
    "seed": pgettext_lazy("audit field", "随机种子"),
    "population": pgettext_lazy("audit field", "抽样总数"),
    "sample": pgettext_lazy("audit field", "抽中的兑付"),
    "vouchers_follow": pgettext_lazy("audit field", "已发创新券随之调整"),
    "vouchers_changed": pgettext_lazy("audit field", "调整的创新券数"),
    "active_vouchers": pgettext_lazy("audit field", "有效创新券数"),
    "open_orders": pgettext_lazy("audit field", "未完结订单数"),
    "open_orders_in_removed_cities": pgettext_lazy("audit field", "移除城市中的未完结订单数"),
    "use_by_at": pgettext_lazy("audit field", "使用截止日期"),
    "redemption_deadline_at": pgettext_lazy("audit field", "兑付截止日期"),
    "file": pgettext_lazy("audit field", "文件"),
    "files": pgettext_lazy("audit field", "文件"),
    "rows": pgettext_lazy("audit field", "行数"),
    "parameters": pgettext_lazy("audit field", "参数"),
    "attempts": pgettext_lazy("audit field", "尝试次数"),
    "error": pgettext_lazy("audit field", "错误"),
    "format": pgettext_lazy("audit field", "格式"),
    "year": pgettext_lazy("audit field", "年度"),
    "comment": pgettext_lazy("audit field", "评价内容"),
    "quality": pgettext_lazy("audit field", "服务质量"),
    "timeliness": pgettext_lazy("audit field", "及时性"),
    "price": pgettext_lazy("audit field", "价格合理性"),
    "communication": pgettext_lazy("audit field", "沟通配合"),
}

YES = pgettext_lazy("audit value", "是")
NO = pgettext_lazy("audit value", "否")
SYSTEM = pgettext_lazy("audit actor", "系统")
UNKNOWN_OBJECT = pgettext_lazy("audit object", "记录")


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, UNKNOWN_ACTION))


__all__ = ["ACTION_LABELS", "FIELD_LABELS", "UNKNOWN_ACTION", "action_label"]
