"""The progress timeline (办件进度) of an application, an order or a redemption.

Done steps come from the audit trail of the record and its related records (an order's:
its deliveries, redemptions, their payment batch and a revocation of its voucher), each with
its label (accounts/audit_labels.py), time, acting organisation and reason. The steps still to
come follow from the record's state (the machines of vouchers/states.py) and say who acts
next, naming the issuing region's authority. One query for the entries, one or two for the
related records' states, whatever the number of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from accounts.audit_display import actor_label
from accounts.audit_labels import action_label
from accounts.models import AuditEntry, Organisation, User
from accounts.templatetags.money import format_yuan
from vouchers.models import Application, Delivery, Redemption, ServiceOrder, Voucher

# Lines that are bookkeeping beside the progress (files, ratings): the audit trail shows them.
NOT_STEPS = frozenset({"evidence_attach", "delivery_rate", "delivery_rate_change"})

_A, _O, _D, _R = Application.State, ServiceOrder.State, Delivery.State, Redemption.State
TONES: dict[str, str] = {
    _A.SUBMITTED: "info", _A.APPROVED: "success", _A.REJECTED: "danger", _A.RETURNED: "warning",
    _O.PLACED: "info", _O.DELIVERED: "info", _O.REDEEMED: "success", _O.REFUSED: "danger",
    _O.CANCELLED: "neutral", _O.LAPSED: "warning",
    _R.REQUESTED: "info", _R.PAID: "success", _R.CLAWED_BACK: "danger",
    # Sanctions (the order's and the claim's suspended and voided share their values)
    _O.SUSPENDED: "warning", _O.VOIDED: "danger", _R.WITHDRAWN: "danger",
}
VIEWERS_OF_STAFF = frozenset({User.Role.AUTHORITY_REVIEWER, User.Role.AUTHORITY_FINANCE,
                              User.Role.OPERATOR})


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    at: datetime | None = None
    actor: str = ""
    reason: str = ""
    amount: str = ""
    current: bool = False


@dataclass(frozen=True)
class Timeline:
    state_label: str
    tone: str
    steps: list[Step] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return all(step.done for step in self.steps)


def application_timeline(*, application: Application, viewer: User | None) -> Timeline:
    entries = _entries(Q(object_type="vouchers.application", object_id=str(application.pk))
                       | Q(object_type="vouchers.voucher", action="voucher_issue",
                           object_id__in=_voucher_pks(application)))
    authority = application.program.region.authority_name
    upcoming = []
    if application.state == _A.SUBMITTED:
        upcoming = [_("等待%(authority)s审核") % {"authority": authority},
                    _("审核通过后发放创新券")]
    elif application.state == _A.RETURNED:
        upcoming = [_("等待企业修改后重新提交"),
                    _("等待%(authority)s审核") % {"authority": authority}]
    return _timeline(application.get_state_display(), application.state, entries, upcoming,
                     viewer)


def order_timeline(*, order: ServiceOrder, viewer: User | None) -> Timeline:
    redemptions = list(order.redemptions.order_by("-requested_at", "-pk"))
    entries = _entries(_order_lines(order))
    latest = redemptions[0] if redemptions else None
    live = order.deliveries.exclude(state=_D.DISPUTED).order_by("-logged_at", "-pk").first()
    return _timeline(order.get_state_display(), order.state, entries,
                     _order_upcoming(order, live, latest), viewer)


def redemption_timeline(*, redemption: Redemption, viewer: User | None) -> Timeline:
    entries = _entries(
        Q(object_type="vouchers.redemption", object_id=str(redemption.pk))
        | Q(object_type="vouchers.paymentbatch", action="payment_batch_pay",
            object_id=str(redemption.batch_id or ""))
    )
    upcoming = _redemption_upcoming(redemption.state, redemption.program.region.authority_name)
    return _timeline(redemption.get_state_display(), redemption.state, entries, upcoming,
                     viewer)


def _order_upcoming(
    order: ServiceOrder, live: Delivery | None, latest: Redemption | None
) -> list[str]:
    authority = order.voucher.program.region.authority_name
    request = (_("等待企业申请兑付") if order.payee_id == order.enterprise_id
               else _("等待服务机构申请兑付"))
    if order.state == _O.PLACED:
        return [_("等待服务机构提交交付材料"), _("等待企业确认交付"), request,
                *_redemption_upcoming(_R.REQUESTED, authority)]
    if order.state == _O.SUSPENDED:
        return [_("等待%(authority)s对暂停事项作出决定") % {"authority": authority}]
    if order.state == _O.DELIVERED:
        if latest is not None and latest.state == _R.SUSPENDED:
            return _redemption_upcoming(latest.state, authority)
        if live is not None and live.state == _D.LOGGED:
            return [_("等待企业确认交付"), request, *_redemption_upcoming(_R.REQUESTED, authority)]
        if latest is not None and latest.state == _R.REQUESTED:
            return _redemption_upcoming(_R.REQUESTED, authority)
        return [request, *_redemption_upcoming(_R.REQUESTED, authority)]
    if order.state == _O.REDEEMED and latest is not None:
        return _redemption_upcoming(latest.state, authority)
    return []  # refused, cancelled, lapsed: nothing follows


def _redemption_upcoming(state: str, authority: str) -> list[str]:
    pay = _("等待%(authority)s通过国库支付") % {"authority": authority}
    if state == _R.REQUESTED:
        return [_("等待%(authority)s审核兑付") % {"authority": authority}, pay]
    if state == _R.APPROVED:
        return [pay]
    if state == _R.SUSPENDED:
        return [_("等待%(authority)s对暂停事项作出决定") % {"authority": authority}]
    # Rejected, voided, withdrawn and clawed back are final; after paid only a claw-back (a
    # sanction) may follow.
    return []


def _order_lines(order: ServiceOrder) -> Q:
    redemptions = order.redemptions.all()
    return (
        Q(object_type="vouchers.serviceorder", object_id=str(order.pk))
        | Q(object_type="vouchers.delivery", object_id__in=_pks(order.deliveries.all()))
        | Q(object_type="vouchers.redemption", object_id__in=_pks(redemptions))
        | Q(object_type="vouchers.paymentbatch", action="payment_batch_pay",
            object_id__in=redemptions.exclude(batch=None).values_list(
                Cast("batch_id", CharField()), flat=True))
        | Q(object_type="vouchers.voucher", action="voucher_revoke",
            object_id=str(order.voucher_id))
    )


def _pks(queryset: QuerySet[Delivery] | QuerySet[Redemption]) -> QuerySet[Any, str]:
    return queryset.values_list(Cast("pk", CharField()), flat=True)  # a subquery, not a list


def _voucher_pks(application: Application) -> QuerySet[Any, str]:
    return Voucher.objects.filter(application=application).values_list(
        Cast("pk", CharField()), flat=True)


def _entries(lines: Q) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(lines).exclude(action__in=NOT_STEPS)
        .select_related("actor", "organisation").order_by("created_at", "pk")
    )


def _timeline(
    state_label: str, state: str, entries: list[AuditEntry], upcoming: list[str],
    viewer: User | None,
) -> Timeline:
    done = [_done(entry, viewer) for entry in entries]
    later = [Step(label=label, done=False, current=index == 0)
             for index, label in enumerate(upcoming)]
    if not later and done:
        done[-1] = replace(done[-1], current=True)
    return Timeline(state_label=str(state_label), tone=TONES.get(state, "success"),
                    steps=done + later)


def _done(entry: AuditEntry, viewer: User | None) -> Step:
    return Step(
        label=action_label(entry.action), done=True, at=entry.created_at,
        actor=_who(entry, viewer), reason=entry.reason,
        amount=format_yuan(entry.amount_fen) if entry.amount_fen is not None else "",
    )


def _who(entry: AuditEntry, viewer: User | None) -> str:
    """The acting organisation; for authority staff also the person, to authority and
    operator viewers only (an enterprise sees the department, not the reviewer)."""
    organisation = entry.organisation
    if entry.actor_id is None or organisation is None:
        return actor_label(entry)
    staff = organisation.kind == Organisation.Kind.AUTHORITY
    if staff and viewer is not None and getattr(viewer, "role", None) in VIEWERS_OF_STAFF:
        return f"{organisation.name} · {actor_label(entry)}"
    return organisation.name
