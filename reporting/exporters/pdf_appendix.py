"""The PDF's appendix: what each figure counts, its unit and the date that puts it in a year
or month (docs/reporting.md, "Annual totals" and "Reconciliation", in a reader's words)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from reporting.models import Discrepancy

# figure, definition, unit, date that decides the year and month
ANNUAL_FIGURES = [
    (N_("服务金额"), N_("已确认交付的服务订单的服务费用总额，含企业自付部分"), N_("元"),
     N_("交付日期")),
    (N_("创新券使用金额"), N_("上述订单下单时由创新券预留支付的部分"), N_("元"), N_("交付日期")),
    (N_("兑付金额"), N_("已批准、已支付或已追回的兑付申请的核定金额；追回不减少该金额"),
     N_("元"), N_("兑付审核通过日期")),
    (N_("支付金额"), N_("已支付或已追回的兑付申请的核定金额"), N_("元"), N_("国库支付日期")),
    (N_("到期退回金额"), N_("创新券到期、撤销或关闭后退回项目预算的金额"), N_("元"),
     N_("记账日期")),
    (N_("订单数"), N_("已确认交付的服务订单数"), N_("单"), N_("交付日期")),
    (N_("企业数"), N_("上述订单涉及的不重复企业数"), N_("家"), N_("交付日期")),
    (N_("服务机构数"), N_("上述订单涉及的不重复服务机构数"), N_("家"), N_("交付日期")),
    (N_("年度预算"), N_("发券地区本年度创新券项目的预算合计"), N_("元"), N_("项目年度")),
    (N_("发放金额"), N_("年内发放的创新券面额合计，含此后撤销或到期的"), N_("元"),
     N_("发放日期")),
    (N_("发放张数"), N_("年内发放的创新券张数"), N_("张"), N_("发放日期")),
    (N_("申领企业数"), N_("年内获发创新券的不重复企业数"), N_("家"), N_("发放日期")),
    (N_("年末预留金额"), N_("为订单预留、年末尚未兑付也未释放的金额（存量）；"
        "年度未结束时为数据截至时的金额"),
     N_("元"), N_("年末或数据截至时")),
    (N_("追回金额"), N_("因违规追回的已支付金额，以冲正分录记账，不修改原记录"), N_("元"),
     N_("追回日期")),
]
ANNUAL_RULES = [
    N_("金额在系统中以分为单位记账，本报表以元列示，精确到分。"),
    N_("日期均为北京时间：某时刻在Y年1月1日0时（含）至Y+1年1月1日0时（不含）之间的，"
       "计入Y年。"),
    N_("数据截至：统计年度结束时（次年1月1日0时）与报表生成时取较早者，"
       "此后的业务不计入本报表。"),
    N_("发券地区为创新券所属项目的地区，服务地区为提供服务的服务机构所在地区；"
       "流向矩阵中发券地区与服务地区不同的单元格即跨区域业务。"),
    N_("城市为企业所在城市。到期退回金额属于创新券而非订单，"
       "按流向和按服务类别不列示（“—”）。"),
    N_("地区的年度报表计入本地区发放的创新券或本地区服务机构提供服务的订单；"
       "到期退回金额只计本地区的创新券。"),
    N_("各项金额不在年度之间相加：一年发放的创新券可在下一年使用、兑付和支付。"),
]
RECONCILIATION_KINDS = {
    Discrepancy.Kind.UNPAID_OVERDUE: N_(
        "兑付批准已超过约定天数（默认30天），其支付批次在期末前仍无国库支付记录"),
    Discrepancy.Kind.AMOUNT_MISMATCH: N_("国库支付金额与该批次兑付核定金额之和不一致"),
    Discrepancy.Kind.UNMATCHED_PAYMENT: N_(
        "国库支付的批次号在本地区不存在，或收款单位与批次不符，或批次未登记为已支付"),
    Discrepancy.Kind.DUPLICATE_PAYMENT: N_("同一批次的第二笔及以后的国库支付"),
    Discrepancy.Kind.POSTING_WITHOUT_RECORD: N_(
        "期间内的兑付或支付记账，没有状态和金额相符的兑付记录"),
    Discrepancy.Kind.RECORD_WITHOUT_POSTING: N_("期间内批准或支付的兑付，没有相应金额的记账"),
    Discrepancy.Kind.CLAW_BACK_OVERDUE: N_(
        "期末仍未退清、且还款截止日已过的追回款（应为追回金额，实为期末前到账的退回金额）"),
}
RECONCILIATION_RULES = [
    N_("“应为”是业务记录（兑付核定金额）所示金额，“实为”是国库支付或总账记账所示金额，"
       "单位为元，精确到分。"),
    N_("国库支付记录按支付批次号与支付批次对应；日期均为北京时间。"),
    N_("数据截至：对账期间最后一日的次日0时（北京时间）。"),
    N_("账龄按北京时间的天数计，自追回登记、兑付申请或下单之日起至期末，分0–30天、31–90天、"
       "91–180天和180天以上；各表只计期末时仍未了结的金额。"),
]


# figure, definition, unit (report set 5, spot-check results and sanctions)
SPOT_CHECK_FIGURES = [
    (N_("抽查批次"), N_("统计年度内期间结束的抽查：按抽查计划自动抽取（每个项目每期一次）"
        "或审核员人工抽取"), N_("次")),
    (N_("总体数量"), N_("抽查期间内审核批准且仍为已批准、已支付或已追回状态的兑付数"), N_("笔")),
    (N_("样本数量"), N_("按抽查比例抽取的兑付数：总体数量乘以比例，向上取整"), N_("笔")),
    (N_("已核查"), N_("已登记核查结果的样本数，即核查通过与发现问题之和"), N_("笔")),
    (N_("待核查"), N_("尚未登记核查结果的样本数"), N_("笔")),
    (N_("无合格核查人"), N_("待核查样本中，本地区没有既未审批该兑付、又与其无利益关联的审核员的"),
     N_("笔")),
    (N_("核查问题"), N_("核查发现问题而立案的事项，及其状态和处理结果"), N_("件")),
    (N_("追回金额"), N_("统计年度内对本地区兑付执行的追回金额（冲正分录，不修改原记录）"),
     N_("元")),
    (N_("列入黑名单"), N_("统计年度内本地区主管部门列入黑名单的企业和服务机构"), N_("家")),
]
SPOT_CHECK_RULES = [
    N_("抽查按期间结束日期计入年度；追回和列入黑名单按办理时间计入年度，均为北京时间。"),
    N_("抽查比例以基点精确保存（1基点 = 0.01%），抽取所用的随机种子记录在案，可复核。"),
    N_("批准该兑付的审核员不能核查该兑付。"),
]


def spot_check_rows() -> tuple[list[str], list[list[str]]]:
    headers = [_("指标"), _("定义"), _("单位")]
    return headers, [[_(text) for text in row] for row in SPOT_CHECK_FIGURES]


def annual_rows() -> tuple[list[str], list[list[str]]]:
    headers = [_("指标"), _("定义"), _("单位"), _("计入年度和月份的日期")]
    return headers, [[_(text) for text in row] for row in ANNUAL_FIGURES]


def reconciliation_rows() -> tuple[list[str], list[list[str]]]:
    labels = dict(Discrepancy.Kind.choices)
    headers = [_("差异类型"), _("定义")]
    return headers, [[str(labels[kind]), _(text)] for kind, text in RECONCILIATION_KINDS.items()]


def rules(kind: str) -> list[str]:
    chosen = {"annual_totals": ANNUAL_RULES, "spot_checks": SPOT_CHECK_RULES}.get(
        kind, RECONCILIATION_RULES)
    return [_(text) for text in chosen]
