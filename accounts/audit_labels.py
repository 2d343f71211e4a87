"""Audit lines in words: what an action did and what it changed, in the page's language.

The stored line keeps its codes (exports, the API and the checks read them); the pages show
these labels, the record's kind by its model's name and each changed field by its label."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "api_token_create": _("创建 API 令牌"), "api_token_revoke": _("吊销 API 令牌"),
    "application.review": _("查看申领"), "application_approve": _("批准申领"),
    "application_reject": _("驳回申领"), "application_submit": _("提交申领"),
    "audit_export": _("导出审计记录"), "catalogue_entry_add": _("添加服务目录"),
    "catalogue_entry_remove": _("移除服务目录"),
    "city_common_area_changed": _("修改通用区域城市"), "delivery_log": _("登记交付"),
    "delivery_confirmed": _("确认交付"), "delivery_disputed": _("对交付提出异议"),
    "delivery_rate": _("评价服务"), "delivery_rate_change": _("修改服务评价"),
    "discrepancy_resolve": _("处理对账差异"), "evidence_attach": _("上传材料"),
    "historical_division_changed": _("修改历史行政区划"),
    "historical_division_recorded": _("添加历史行政区划"), "login": _("登录"),
    "login_failed": _("登录失败"), "login_locked_out": _("登录被锁定"),
    "objection_lodge": _("提出异议"), "objection_upheld": _("异议成立"),
    "objection_dismissed": _("异议不成立"), "order_cancel": _("取消订单"),
    "order_lapse": _("订单到期作废"), "order_place": _("下单"),
    "organisation_actual_controller_set": _("设置实际控制人"),
    "organisation_blacklist": _("列入黑名单"), "organisation_city_set": _("设置所在城市"),
    "organisation_create": _("创建机构"), "organisation_register": _("注册"),
    "organisation_approved": _("注册通过"), "organisation_rejected": _("注册驳回"),
    "organisation_notice": _("进入公示"), "payment_batch_cancel": _("取消支付批次"),
    "payment_batch_create": _("创建支付批次"), "payment_batch_pay": _("登记国库支付"),
    "permission_denied": _("越权访问被拒绝"), "program_create": _("新建项目"),
    "program_deadlines_change": _("调整项目期限"), "program_fund": _("拨付预算"),
    "program_serving_area_change": _("调整服务区域"),
    "program_serving_city_add": _("增加服务城市"), "program_update": _("修改项目"),
    "rating.view": _("查看服务评价"), "redemption_claw_back": _("追回兑付资金"),
    "redemption_request": _("申请兑付"), "redemption_approved": _("批准兑付"),
    "redemption_rejected": _("驳回兑付"), "report_download": _("下载报表"),
    "report_request": _("申请报表"), "report_run_fail": _("报表生成失败"),
    "report_run_requeue": _("报表重新排队"), "report_run_succeed": _("报表生成完成"),
    "spot_check_draw": _("抽取抽查样本"), "spot_check_record": _("记录抽查结果"),
    "treasury_import": _("导入国库支付文件"), "user_create": _("创建用户"),
    "voucher_expire": _("创新券到期"), "voucher_issue": _("发放创新券"),
    "voucher_revoke": _("作废创新券"), "voucher_use_by_change": _("调整使用截止日期"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def record_model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except LookupError:
        return None


def record_kind(object_type: str) -> str:
    """`vouchers.serviceorder` → 服务订单 (the model's name in the page's language)."""
    model = record_model(object_type)
    return str(model._meta.verbose_name) if model is not None else ""


def shown_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list | tuple):
        return str(_("、")).join(shown_value(item) for item in value)
    return str(value)


def _fields_named(name: str, model: type[models.Model] | None) -> list[Any]:
    """The record's own field first, then same-named fields of the other records: an audit line
    also notes the state of a related record ("order": "delivered" on a delivery's line)."""
    found = []
    for each in ([model] if model is not None else []) + list(apps.get_models()):
        try:
            found.append(each._meta.get_field(name))
        except FieldDoesNotExist:
            continue
    return found


def _choices_of(name: str) -> dict[Any, Any]:
    model_label, field_name = SAME_CHOICES[name]
    return dict(apps.get_model(model_label)._meta.get_field(field_name).choices or {})


def _label_and_text(name: str, value: Any, model: type[models.Model] | None) -> tuple[str, str]:
    if name in SAME_CHOICES:
        choices = _choices_of(name)
        items = value if isinstance(value, list | tuple) else [value]
        text = str(_("、")).join(str(choices.get(item, shown_value(item))) for item in items)
        return str(FIELD_LABELS[name]), text
    fields = _fields_named(name, model)
    for field in fields:
        related = field.related_model if field.is_relation else None
        choices_of = related._meta.get_field("state") if related is not None and any(
            f.name == "state" for f in related._meta.fields) else field
        choices = dict(getattr(choices_of, "choices", None) or {})
        if isinstance(value, str | int) and not isinstance(value, bool) and value in choices:
            return _field_label(field), str(choices[value])
    label = _field_label(fields[0]) if fields else str(FIELD_LABELS.get(name, name))
    return label, shown_value(value)


def _field_label(field: Any) -> str:
    """A field's label; a relation left with Django's default label says its record's name."""
    label = getattr(field, "verbose_name", None)
    if label and not (field.is_relation and label == field.name.replace("_", " ")):
        return str(label)
    model_meta = field.related_model._meta
    return str(model_meta.verbose_name if field.many_to_one else model_meta.verbose_name_plural)


FIELD_LABELS = {"sha256": "SHA-256", "invoice": _("发票"), "order_state": _("订单状态"),
                "required_evidence": _("兑付材料")}
# Keys whose values are another record's choices (an order's state on a delivery's line).
SAME_CHOICES = {"order_state": ("vouchers.serviceorder", "state"),
                "required_evidence": ("vouchers.evidencefile", "kind")}


def changes(object_type: str, values: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) per recorded field: the field's label, a choice's label, "—" for none."""
    model = record_model(object_type)
    return [_label_and_text(name, value, model) for name, value in (values or {}).items()]
