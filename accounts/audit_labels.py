"""Human labels for the audit trail: one per action code and per before/after field.

Every `action=` a service passes to `audit_record` has a label here, in Chinese (the source
language) with its English translation in the catalogue; tests/accounts/test_audit_labels.py
scans the code base and fails on a code without one. Adding an action: add its code here,
its msgid/msgstr (msgctxt "audit action") to locale/en/LC_MESSAGES/django.po, done.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext, pgettext_lazy

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
    "program_review_tiers_change": pgettext_lazy("audit action", "调整项目市级初审要求"),
    # Applications and vouchers
    "application_submit": pgettext_lazy("audit action", "企业提交申领"),
    "application_approve": pgettext_lazy("audit action", "申领审核通过"),
    "application_reject": pgettext_lazy("audit action", "申领被驳回"),
    "application_return": pgettext_lazy("audit action", "申领退回修改"),
    "application_resubmit": pgettext_lazy("audit action", "企业修改后重新提交申领"),
    "program_materials_change": pgettext_lazy("audit action", "调整申领材料清单"),
    "region_rules_change": pgettext_lazy("audit action", "调整地区准入与公示规则"),
    "application_recommend": pgettext_lazy("audit action", "市级初审提出申领意见"),
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
    "redemption_recommend": pgettext_lazy("audit action", "市级初审提出兑付意见"),
    "bulk_review_start": pgettext_lazy("audit action", "提交批量审核"),
    "bulk_review_succeed": pgettext_lazy("audit action", "批量审核完成"),
    "bulk_review_fail": pgettext_lazy("audit action", "批量审核失败"),
    "bulk_review_requeue": pgettext_lazy("audit action", "批量审核重新排队"),
    "payment_batch_create": pgettext_lazy("audit action", "创建支付批次"),
    "payment_batch_pay": pgettext_lazy("audit action", "支付批次已支付"),
    "payment_batch_cancel": pgettext_lazy("audit action", "撤销支付批次"),
    "spot_check_draw": pgettext_lazy("audit action", "抽取抽查样本"),
    "spot_check_record": pgettext_lazy("audit action", "登记抽查结果"),
    # Sanctions: what a revoked voucher or a blacklisting stops
    "order_void": pgettext_lazy("audit action", "订单作废终止"),
    "order_suspend": pgettext_lazy("audit action", "订单暂停"),
    "order_suspension_lift": pgettext_lazy("audit action", "解除订单暂停"),
    "redemption_voided": pgettext_lazy("audit action", "兑付申请作废"),
    "redemption_suspended": pgettext_lazy("audit action", "兑付暂停"),
    "redemption_suspension_lift": pgettext_lazy("audit action", "解除兑付暂停"),
    "redemption_withdrawn": pgettext_lazy("audit action", "撤回已批准的兑付"),
    "spot_check_sweep_draw": pgettext_lazy("audit action", "按抽查计划自动抽取样本"),
    "oversight_case_open": pgettext_lazy("audit action", "抽查发现问题，立案核查"),
    "oversight_case_close": pgettext_lazy("audit action", "核查问题结案"),
    # Reports and reconciliation
    "report_request": pgettext_lazy("audit action", "申请生成报表"),
    "report_run_succeed": pgettext_lazy("audit action", "报表生成完成"),
    "report_run_fail": pgettext_lazy("audit action", "报表生成失败"),
    "report_run_requeue": pgettext_lazy("audit action", "报表重新排队生成"),
    "report_download": pgettext_lazy("audit action", "下载报表"),
    "treasury_import": pgettext_lazy("audit action", "导入国库支付记录"),
    "discrepancy_resolve": pgettext_lazy("audit action", "处理对账差异"),
    "claw_back_repay": pgettext_lazy("audit action", "登记追回款退回"),
    "treasury_repayments_import": pgettext_lazy("audit action", "导入国库追回款到账记录"),
}

# What an unknown code (a line written before its label existed) reads as: never the code.
UNKNOWN_ACTION = pgettext_lazy("audit action", "其他操作")

FIELD_LABELS: dict[str, Promise] = {
    "documents": pgettext_lazy("audit field", "申领材料"),
    "submission": pgettext_lazy("audit field", "提交次数"),
    "materials": pgettext_lazy("audit field", "申领材料清单"),
    "founded_on": pgettext_lazy("audit field", "成立日期"),
    "integrity_declared": pgettext_lazy("audit field", "诚信承诺"),
    "min_years_in_operation": pgettext_lazy("audit field", "最低成立年限"),
    "integrity_declaration_required": pgettext_lazy("audit field", "须作诚信承诺"),
    "required_documents": pgettext_lazy("audit field", "注册所需材料"),
    "notice_days": pgettext_lazy("audit field", "公示期（天）"),
    "publish_redemption_results": pgettext_lazy("audit field", "公示兑付结果"),
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
    "redemptions": pgettext_lazy("audit field", "兑付编号"),
    "count": pgettext_lazy("audit field", "笔数"),
    "chosen": pgettext_lazy("audit field", "由经办人挑选"),
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
    "rate_bp": pgettext_lazy("audit field", "抽查比例"),
    "without_checker": pgettext_lazy("audit field", "无合格核查人的兑付"),
    "redemption": pgettext_lazy("audit field", "兑付"),
    "program": pgettext_lazy("audit field", "项目"),
    "period": pgettext_lazy("audit field", "期间"),
    "outcome": pgettext_lazy("audit field", "处理结果"),
    "vouchers_follow": pgettext_lazy("audit field", "已发创新券随之调整"),
    "recommendation_superseded": pgettext_lazy("audit field", "失效的市级初审意见"),
    "repaid_fen": pgettext_lazy("audit field", "已退回金额"),
    "bank_reference": pgettext_lazy("audit field", "银行流水号"),
    "received_on": pgettext_lazy("audit field", "到账日期"),
    "due_on": pgettext_lazy("audit field", "还款截止日"),
    "source": pgettext_lazy("audit field", "来源"),
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

    "recommend_approval": pgettext_lazy("audit field", "市级初审建议批准"),
    "recommended_fen": pgettext_lazy("audit field", "市级初审建议金额"),
    "without_recommendation": pgettext_lazy("audit field", "未经市级初审"),
    "against_recommendation": pgettext_lazy("audit field", "与市级初审意见不同"),
    "application_city_review": pgettext_lazy("audit field", "申领须经市级初审"),
    "redemption_city_review": pgettext_lazy("audit field", "兑付须经市级初审"),
    "applications_without_recommendation": pgettext_lazy("audit field", "待审且无初审意见的申领数"),
    "redemptions_without_recommendation": pgettext_lazy("audit field", "待审且无初审意见的兑付数"),
    "decision": pgettext_lazy("audit field", "审核结果"),
    "done": pgettext_lazy("audit field", "已处理数"),
    "skipped": pgettext_lazy("audit field", "已跳过数"),
    "payment_reference": pgettext_lazy("audit field", "国库支付凭证号"),
    "paid_on": pgettext_lazy("audit field", "支付日期"),
    "claim_state": pgettext_lazy("audit field", "兑付状态"),
    "destination": pgettext_lazy("audit field", "款项去向"),
    "left_batch": pgettext_lazy("audit field", "移出的支付批次"),
    "suspended_claims": pgettext_lazy("audit field", "暂停的兑付数"),
    "suspended_orders": pgettext_lazy("audit field", "暂停的订单数"),
}

# A line's object, by object_type, in the singular (the models' verbose names are plural in
# English); a type missing here reads as its model's verbose name.
OBJECT_LABELS: dict[str, Promise] = {
    "vouchers.serviceorder": pgettext_lazy("audit object", "服务订单"),
    "vouchers.application": pgettext_lazy("audit object", "申领"),
    "vouchers.voucher": pgettext_lazy("audit object", "创新券"),
    "vouchers.delivery": pgettext_lazy("audit object", "服务交付"),
    "vouchers.evidencefile": pgettext_lazy("audit object", "证明材料"),
    "vouchers.redemption": pgettext_lazy("audit object", "兑付申请"),
    "vouchers.paymentbatch": pgettext_lazy("audit object", "支付批次"),
    "vouchers.program": pgettext_lazy("audit object", "创新券项目"),
    "vouchers.spotcheck": pgettext_lazy("audit object", "抽查"),
    "vouchers.spotcheckitem": pgettext_lazy("audit object", "抽查明细"),
    "vouchers.oversightcase": pgettext_lazy("audit object", "核查问题"),
    "vouchers.servicerating": pgettext_lazy("audit object", "服务评价"),
    "vouchers.institutionservice": pgettext_lazy("audit object", "服务目录条目"),
    "vouchers.bulkreview": pgettext_lazy("audit object", "批量审核"),
    "accounts.organisation": pgettext_lazy("audit object", "机构"),
    "accounts.user": pgettext_lazy("audit object", "用户"),
    "accounts.city": pgettext_lazy("audit object", "城市"),
    "accounts.apitoken": pgettext_lazy("audit object", "API 令牌"),
    "accounts.objection": pgettext_lazy("audit object", "公示异议"),
    "accounts.historicaldivision": pgettext_lazy("audit object", "历史行政区划"),
    "accounts.regionrules": pgettext_lazy("audit object", "地区准入与公示规则"),
    "reporting.reportrun": pgettext_lazy("audit object", "报表任务"),
    "reporting.discrepancy": pgettext_lazy("audit object", "对账差异"),
}

# A refused permission (permission_denied's "action", e.g. "application.review") reads as
# verb + noun: 审核申领.
PERMISSION_NOUNS: dict[str, Promise] = {
    "account": pgettext_lazy("permission noun", "账户"),
    "directory": pgettext_lazy("permission noun", "服务机构名录"),
    "notice": pgettext_lazy("permission noun", "公示"),
    "reference": pgettext_lazy("permission noun", "基础数据"),
    "api": pgettext_lazy("permission noun", "接口文档"),
    "home": pgettext_lazy("permission noun", "首页"),
    "api_token": pgettext_lazy("permission noun", "API 令牌"),
    "me": pgettext_lazy("permission noun", "本人信息"),
    "notification": pgettext_lazy("permission noun", "消息"),
    "delivery": pgettext_lazy("permission noun", "交付"),
    "record": pgettext_lazy("permission noun", "信用与绩效"),
    "rating": pgettext_lazy("permission noun", "服务评价"),
    "program": pgettext_lazy("permission noun", "创新券项目"),
    "application": pgettext_lazy("permission noun", "申领"),
    "voucher": pgettext_lazy("permission noun", "创新券"),
    "institution": pgettext_lazy("permission noun", "服务机构"),
    "order": pgettext_lazy("permission noun", "订单"),
    "catalogue": pgettext_lazy("permission noun", "服务目录"),
    "evidence": pgettext_lazy("permission noun", "证明材料"),
    "redemption": pgettext_lazy("permission noun", "兑付"),
    "payment": pgettext_lazy("permission noun", "支付"),
    "history": pgettext_lazy("permission noun", "操作记录"),
    "registration": pgettext_lazy("permission noun", "注册"),
    "region_rules": pgettext_lazy("permission noun", "准入与公示规则"),
    "spotcheck": pgettext_lazy("permission noun", "抽查"),
    "clawback": pgettext_lazy("permission noun", "追回"),
    "blacklist": pgettext_lazy("permission noun", "黑名单"),
    "batch": pgettext_lazy("permission noun", "支付批次"),
    "treasury": pgettext_lazy("permission noun", "国库支付记录"),
    "reconciliation": pgettext_lazy("permission noun", "对账差异"),
    "budget": pgettext_lazy("permission noun", "预算"),
    "report": pgettext_lazy("permission noun", "报表"),
    "audit": pgettext_lazy("permission noun", "审计记录"),
    "ledger": pgettext_lazy("permission noun", "账簿"),
    "overview": pgettext_lazy("permission noun", "跨区域总览"),
    "organisation": pgettext_lazy("permission noun", "机构"),
}
PERMISSION_VERBS: dict[str, Promise] = {
    "login": pgettext_lazy("permission verb", "登录"),
    "register": pgettext_lazy("permission verb", "注册"),
    "view": pgettext_lazy("permission verb", "查看"),
    "object": pgettext_lazy("permission verb", "提出异议："),
    "docs": pgettext_lazy("permission verb", "查看"),
    "password_change": pgettext_lazy("permission verb", "修改密码："),
    "manage": pgettext_lazy("permission verb", "管理"),
    "read": pgettext_lazy("permission verb", "标记已读："),
    "preferences": pgettext_lazy("permission verb", "设置"),
    "rate": pgettext_lazy("permission verb", "评价"),
    "submit": pgettext_lazy("permission verb", "提交"),
    "search": pgettext_lazy("permission verb", "搜索"),
    "place": pgettext_lazy("permission verb", "提交"),
    "cancel": pgettext_lazy("permission verb", "取消"),
    "confirm": pgettext_lazy("permission verb", "确认"),
    "dispute": pgettext_lazy("permission verb", "提出异议："),
    "log": pgettext_lazy("permission verb", "登记"),
    "upload": pgettext_lazy("permission verb", "上传"),
    "request": pgettext_lazy("permission verb", "申请"),
    "review": pgettext_lazy("permission verb", "审核"),
    "conclude": pgettext_lazy("permission verb", "办结"),
    "fund": pgettext_lazy("permission verb", "拨付"),
    "perform": pgettext_lazy("permission verb", "登记"),
    "repay": pgettext_lazy("permission verb", "登记退回："),
    "import": pgettext_lazy("permission verb", "导入"),
    "resolve": pgettext_lazy("permission verb", "处理"),
    "download": pgettext_lazy("permission verb", "下载"),
    "recommend": pgettext_lazy("permission verb", "初审"),
}
UNKNOWN_PERMISSION = pgettext_lazy("permission noun", "其他操作")

YES = pgettext_lazy("audit value", "是")
NO = pgettext_lazy("audit value", "否")
SYSTEM = pgettext_lazy("audit actor", "系统")
UNKNOWN_OBJECT = pgettext_lazy("audit object", "记录")


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, UNKNOWN_ACTION))


def permission_label(code: str) -> str:
    """ "application.review" → 审核申领 (Review applications)."""
    noun, _, verb = code.partition(".")
    if noun not in PERMISSION_NOUNS or verb not in PERMISSION_VERBS:
        return str(UNKNOWN_PERMISSION)
    return pgettext("permission", "%(verb)s%(noun)s") % {
        "verb": PERMISSION_VERBS[verb], "noun": PERMISSION_NOUNS[noun]}


def object_label(object_type: str) -> str | None:
    label = OBJECT_LABELS.get(object_type)
    return str(label) if label is not None else None


__all__ = ["ACTION_LABELS", "FIELD_LABELS", "OBJECT_LABELS", "UNKNOWN_ACTION", "action_label",
           "object_label", "permission_label"]
