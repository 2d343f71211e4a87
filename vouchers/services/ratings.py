"""The enterprise rates a service it confirmed: once per delivery, editable for 30 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import AccessDenied, InvalidInput
from accounts.models import User
from accounts.text import clean_text
from accounts.transactions import service_transaction
from vouchers.errors import refuse
from vouchers.locks import lock_order
from vouchers.models import Delivery, ServiceRating
from vouchers.models.rating import CRITERIA, RATING_EDIT_DAYS
from vouchers.services.records import record_refresh_after_commit


@service_transaction
def delivery_rate(
    *, actor: User, delivery: Delivery, quality: int, timeliness: int, price: int,
    communication: int, comment: str = "", now: datetime,
) -> ServiceRating:
    """Rate a confirmed delivery on four criteria (1–5) with an optional comment, or change
    the rating within RATING_EDIT_DAYS of first giving it. Refusal codes: not_your_order,
    delivery_not_confirmed, rating_edit_closed."""
    require_action(actor, "delivery.rate", now=now)
    order = lock_order(delivery.order_id)
    if order.enterprise_id != actor.organisation_id:
        raise AccessDenied("只能评价本企业的订单", code="not_your_order")
    delivery.refresh_from_db()
    if delivery.state != Delivery.State.CONFIRMED:
        refuse("delivery_not_confirmed", "只能评价已确认的交付")
    scores = {"quality": quality, "timeliness": timeliness, "price": price,
              "communication": communication}
    for name, value in scores.items():
        if not (isinstance(value, int) and 1 <= value <= 5):
            raise InvalidInput("每项评分须为1至5分", extra={"field": name})
    fields: dict[str, object] = {
        **scores,
        "score_centi": round(sum(scores.values()) * 100 / len(CRITERIA)),
        "comment": clean_text(comment, field="comment", label="评价意见", max_length=1000,
                              multiline=True, required=False),
        "updated_at": now,
    }
    rating = ServiceRating.objects.select_for_update().filter(delivery=delivery).first()
    if rating is None:
        rating = ServiceRating.objects.create(
            delivery=delivery, enterprise_id=order.enterprise_id,
            institution_id=order.institution_id, category_id=order.category_id,
            rated_by=actor, rated_at=now, **fields,
        )
        _audit(actor, rating, action="delivery_rate", before=None, now=now)
        record_refresh_after_commit(institution_id=rating.institution_id,
                                    year=order.voucher.program.year)
        return rating
    if now > rating.rated_at + timedelta(days=RATING_EDIT_DAYS):
        refuse("rating_edit_closed", f"评价提交{RATING_EDIT_DAYS}天后不能再修改")
    before = _scores(rating)
    for name, new_value in fields.items():
        setattr(rating, name, new_value)
    rating.save(update_fields=list(fields))
    _audit(actor, rating, action="delivery_rate_change", before=before, now=now)
    record_refresh_after_commit(institution_id=rating.institution_id,
                                year=order.voucher.program.year)
    return rating


def _scores(rating: ServiceRating) -> dict[str, object]:
    return {**{name: getattr(rating, name) for name in CRITERIA}, "comment": rating.comment}


def _audit(actor: User, rating: ServiceRating, *, action: str,
           before: dict[str, object] | None, now: datetime) -> None:
    audit_record(
        actor=actor, action=action, target=rating, organisation=rating.institution,
        before=before, after=_scores(rating), reason=rating.comment, now=now,
    )
