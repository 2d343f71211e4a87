"""What the reviewer of a redemption should know, for a whole page of redemptions at once.

Signals: a repeated invoice (among other redemptions, rejected ones included, or other
deliveries), an institution taking most of the enterprise's voucher money of the year, split
orders just under the small-order threshold, an enterprise and institution sharing a legal
representative, phone or address, the institution's low ratings and disputed deliveries of the
past year, its D grade of the year, and a blacklisting by any region.

Each signal is one query for all the redemptions given (eight in all, whatever their number):
the queue page used to run them per row (5, then 9, queries a row). Pass redemptions loaded
with `order__enterprise`, `order__institution` and `program` (the queue's selector does), or
each row reads those itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TypeVar

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from accounts.models import Organisation
from vouchers.models import (
    Blacklisting,
    Delivery,
    InstitutionRecord,
    Redemption,
    ServiceOrder,
    ServiceRating,
)
from vouchers.rating_selectors import LOW_SCORE_CENTI, WARNING_WINDOW

K = TypeVar("K")
V = TypeVar("V")

HIGH_INSTITUTION_SHARE = 0.8  # of an enterprise's voucher money in a year, to one institution
SPLIT_WINDOW = timedelta(days=30)


def redemption_warnings_for(redemptions: Sequence[Redemption]) -> dict[int, list[str]]:
    """The warnings of each redemption, by its id."""
    if not redemptions:
        return {}
    facts = _Facts(redemptions)
    return {redemption.pk: facts.warnings(redemption) for redemption in redemptions}


class _Facts:
    """The rows every signal needs, read once for the redemptions given."""

    def __init__(self, redemptions: Sequence[Redemption]) -> None:
        keys = {redemption.invoice_key for redemption in redemptions}
        orders = [redemption.order for redemption in redemptions]
        enterprises = {order.enterprise_id for order in orders}
        institutions = {order.institution_id for order in orders}
        years = {redemption.program.year for redemption in redemptions}
        since = min(redemption.requested_at for redemption in redemptions) - WARNING_WINDOW
        self.redemptions_by_invoice = _grouped(
            Redemption.objects.filter(invoice_key__in=keys).values_list("invoice_key", "pk"))
        self.deliveries_by_invoice = _grouped(
            Delivery.objects.filter(invoice_key__in=keys).values_list("invoice_key", "pk"))
        self.year_spending: dict[tuple[int, int], dict[int, tuple[int, int]]] = defaultdict(dict)
        for row in (ServiceOrder.objects.filter(enterprise_id__in=enterprises,
                                                voucher__program__year__in=years)
                    .exclude(state=ServiceOrder.State.CANCELLED)
                    .values("enterprise_id", "voucher__program__year", "institution_id")
                    .annotate(total=Sum("voucher_fen"), count=Count("pk")).order_by()):
            pair = (row["enterprise_id"], row["voucher__program__year"])
            self.year_spending[pair][row["institution_id"]] = (row["total"] or 0, row["count"])
        earliest = min(order.placed_at for order in orders) - SPLIT_WINDOW
        latest = max(order.placed_at for order in orders) + SPLIT_WINDOW
        self.pair_orders = _grouped(
            ((enterprise, institution), (placed_at, fee))
            for enterprise, institution, placed_at, fee in ServiceOrder.objects.filter(
                enterprise_id__in=enterprises, institution_id__in=institutions,
                placed_at__range=(earliest, latest),
            ).exclude(state=ServiceOrder.State.CANCELLED).values_list(
                "enterprise_id", "institution_id", "placed_at", "total_fee_fen")
        )
        self.low_ratings = _grouped(ServiceRating.objects.filter(
            institution_id__in=institutions, rated_at__gte=since,
            score_centi__lte=LOW_SCORE_CENTI).values_list("institution_id", "rated_at"))
        self.disputes = _grouped(Delivery.objects.filter(
            order__institution_id__in=institutions, state=Delivery.State.DISPUTED,
            answered_at__gte=since).values_list("order__institution_id", "answered_at"))
        self.records = {
            (record.institution_id, record.year): record
            for record in InstitutionRecord.objects.filter(institution_id__in=institutions,
                                                           year__in=years)
        }
        self.blacklisted_in = _grouped(
            Blacklisting.objects.filter(organisation_id__in=institutions)
            .order_by("region__code").values_list("organisation_id", "region__name"))

    def warnings(self, redemption: Redemption) -> list[str]:
        order = redemption.order
        warnings = []
        if set(self.redemptions_by_invoice.get(redemption.invoice_key, [])) - {redemption.pk}:
            warnings.append(_("发票%(number)s曾在其他兑付申请中出现")
                            % {"number": redemption.invoice_label})
        if set(self.deliveries_by_invoice.get(redemption.invoice_key, [])) - {
                redemption.delivery_id}:
            warnings.append(_("发票%(number)s也登记在其他交付中")
                            % {"number": redemption.invoice_label})
        warnings += self._concentration(redemption)
        warnings += shared_identity_warnings(order.enterprise, order.institution)
        if self._looks_split(order, redemption.program.small_order_threshold_fen):
            warnings.append(_("该企业近30天内向同一服务机构下了多笔略低于小额门槛的订单，疑似拆单"))
        warnings += self._institution(redemption)
        return warnings

    def _concentration(self, redemption: Redemption) -> list[str]:
        order = redemption.order
        by_institution = self.year_spending.get((order.enterprise_id, redemption.program.year),
                                                {})
        total = sum(amount for amount, _count in by_institution.values())
        count = sum(count for _amount, count in by_institution.values())
        same = by_institution.get(order.institution_id, (0, 0))[0]
        if count > 1 and total and same / total >= HIGH_INSTITUTION_SHARE:
            return [_("本年度该企业%(percent)d%%的创新券金额流向同一服务机构")
                    % {"percent": round(100 * same / total)}]
        return []

    def _looks_split(self, order: ServiceOrder, threshold_fen: int | None) -> bool:
        """Two or more orders of one pair within 30 days, each just under the small-order
        threshold (80–100 %), suggest one service split to get the whole fee paid."""
        if not threshold_fen:
            return False
        near = [
            placed_at
            for placed_at, fee in self.pair_orders.get((order.enterprise_id,
                                                        order.institution_id), [])
            if abs(placed_at - order.placed_at) <= SPLIT_WINDOW
            and threshold_fen * 8 // 10 <= fee < threshold_fen
        ]
        return len(near) >= 2

    def _institution(self, redemption: Redemption) -> list[str]:
        institution_id = redemption.order.institution_id
        since = redemption.requested_at - WARNING_WINDOW
        warnings = []
        low = sum(1 for rated_at in self.low_ratings.get(institution_id, []) if rated_at >= since)
        if low:
            warnings.append(_("该服务机构近一年有%(count)d条低分服务评价（2.5分及以下）")
                            % {"count": low})
        disputed = len([answered_at for answered_at in self.disputes.get(institution_id, [])
                        if answered_at is not None and answered_at >= since])
        if disputed:
            warnings.append(_("该服务机构近一年有%(count)d次交付被企业提出异议")
                            % {"count": disputed})
        year = redemption.program.year
        record = self.records.get((institution_id, year))
        if record is not None and record.grade == InstitutionRecord.Grade.D:
            warnings.append(_("该服务机构%(year)s年度信用与绩效等级为D（%(score)s分）")
                            % {"year": year, "score": record.score})
        regions = self.blacklisted_in.get(institution_id, [])
        if regions:
            warnings.append(_("该服务机构已被%(regions)s列入黑名单")
                            % {"regions": "、".join(regions)})
        return warnings


def shared_identity_warnings(enterprise: Organisation, institution: Organisation) -> list[str]:
    """Enterprise and institution sharing a legal representative, phone or address."""
    warnings = []
    if enterprise.legal_representative and (
        enterprise.legal_representative.strip() == institution.legal_representative.strip()
    ):
        warnings.append(_("企业与服务机构的法定代表人相同"))
    if len(_digits(enterprise.contact_phone)) >= 5 and (
        _digits(enterprise.contact_phone) == _digits(institution.contact_phone)
    ):
        warnings.append(_("企业与服务机构的联系电话相同"))
    if enterprise.address and enterprise.address.strip() == institution.address.strip():
        warnings.append(_("企业与服务机构登记地址相同"))
    return warnings


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _grouped(pairs: Iterable[tuple[K, V]]) -> dict[K, list[V]]:
    grouped: dict[K, list[V]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped
