"""Recovery of claw-backs: the payee's repayments, typed by finance or read from the treasury.

A claw-back (`oversight.redemption_claw_back`) credits the payee's CLAWBACK account, the
issuing region's receivable; each repayment debits it and credits the region's FUNDING account
(`movements.repay_spec`), so the receivable is what is still owed. The CLAWBACK account is
debit-limited: the database refuses a repayment of more than was clawed back, whatever the
code path. A claw-back is due `Program.claw_back_due_days` Beijing days after it was booked;
an unpaid one past its due date blocks the payee's new redemption requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import InvalidInput
from accounts.models import Organisation, Region, User
from accounts.permissions import require_region
from accounts.transactions import service_transaction
from vouchers.errors import refuse
from vouchers.ledger.services import ledger_post
from vouchers.locks import lock_claw_backs
from vouchers.models import ClawBack, ClawBackRepayment, Program
from vouchers.movements import repay_spec
from vouchers.program_dates import china_date

Source = ClawBackRepayment.Source


def claw_back_due_on(program: Program, *, booked_at: datetime) -> date:
    """The last Beijing date to repay: the booking's date plus the program's days."""
    return china_date(booked_at) + timedelta(days=program.claw_back_due_days)


def overdue_claw_backs(*, payee: Organisation, now: datetime) -> QuerySet[ClawBack]:
    """The payee's claw-backs, of any region, still owed after their due date (Beijing)."""
    return ClawBack.objects.filter(
        redemption__payee=payee, due_on__lt=china_date(now), repaid_fen__lt=F("amount_fen")
    )


def require_no_overdue_claw_back(payee: Organisation, *, now: datetime) -> None:
    """A payee that has not repaid a claw-back by its due date may not claim new money."""
    overdue = list(overdue_claw_backs(payee=payee, now=now).order_by("due_on", "pk")[:1])
    if overdue:
        claw_back = overdue[0]
        refuse(
            "claw_back_overdue",
            _("收款方有逾期未退回的追回款（%(reference)s，截止%(due_on)s，尚欠%(amount)s元），"
              "退回前不能申请新的兑付")
            % {"reference": claw_back.reference, "due_on": claw_back.due_on.isoformat(),
               "amount": _yuan(claw_back.outstanding_fen)},
            claw_back=claw_back.pk,
        )


@dataclass(frozen=True)
class RepaymentLine:
    """One repayment to record: from a page, the API or a line of the treasury's file."""

    claw_back_id: int
    amount_fen: int
    received_on: date
    bank_reference: str
    credit_code: str = ""  # the payer's, as the treasury's file states it
    line_number: int | None = None
    note: str = ""


@dataclass(frozen=True)
class LineRefusal:
    line: int | None
    code: str
    reason: str


@dataclass(frozen=True)
class Applied:
    """What `repayments_apply` did: repayments recorded now, lines recognised as recorded
    before (same bank reference, claw-back and amount), and refusals (then nothing else)."""

    created: list[ClawBackRepayment]
    replayed: list[ClawBackRepayment]
    refusals: list[LineRefusal]


@service_transaction
def claw_back_repay(
    *, actor: User, claw_back: ClawBack, amount_fen: int, received_on: date,
    bank_reference: str, note: str = "", now: datetime,
) -> ClawBackRepayment:
    """Finance records money the payee paid back on one claw-back (partial allowed).

    Refusal codes: repayment_exceeds_outstanding, repayment_date_in_future,
    repayment_before_claw_back, bank_reference_required, bank_reference_used (the same
    reference for another claw-back or amount; the same one again returns the first record).
    """
    require_action(actor, "clawback.repay", now=now)
    require_region(actor, claw_back.redemption.program.region_id)
    line = RepaymentLine(claw_back_id=claw_back.pk, amount_fen=amount_fen,
                         received_on=received_on, bank_reference=bank_reference.strip(),
                         note=note.strip())
    region = claw_back.redemption.program.region
    applied = repayments_apply(actor=actor, region=region, lines=[line], source=Source.MANUAL,
                               now=now)
    if applied.refusals:
        refusal = applied.refusals[0]
        raise InvalidInput(refusal.reason, code=refusal.code,
                           extra={"field": _REFUSAL_FIELDS.get(refusal.code, "amount_fen")})
    return (applied.created + applied.replayed)[0]


_REFUSAL_FIELDS = {
    "repayment_date_in_future": "received_on",
    "repayment_before_claw_back": "received_on",
    "bank_reference_required": "bank_reference",
    "bank_reference_used": "bank_reference",
}


def repayments_apply(
    *, actor: User, region: Region, lines: Sequence[RepaymentLine], source: str, now: datetime,
    source_name: str = "",
) -> Applied:
    """Check every line, then (only if none is refused) record and post them; joins the
    caller's transaction. A line whose bank reference is already recorded for the same
    claw-back and amount is the same repayment: it is returned, not recorded again.
    With any refusal nothing is written."""
    claw_backs = {c.pk: c for c in lock_claw_backs({line.claw_back_id for line in lines})}
    known = {r.bank_reference: r for r in ClawBackRepayment.objects.filter(
        region=region, bank_reference__in=[line.bank_reference for line in lines])}
    today = timezone.localdate(now)
    refusals: list[LineRefusal] = []
    planned: list[tuple[RepaymentLine, ClawBack]] = []
    replayed: list[ClawBackRepayment] = []
    owed = {pk: claw_back.outstanding_fen for pk, claw_back in claw_backs.items()}
    seen: set[str] = set()
    for line in lines:
        claw_back = claw_backs.get(line.claw_back_id)
        refusal = _line_refusal(line, claw_back, region=region, today=today, known=known,
                                seen=seen, owed=owed)
        if refusal == "replay":
            replayed.append(known[line.bank_reference])
        elif refusal is not None:
            refusals.append(LineRefusal(line.line_number, *refusal))
        elif claw_back is not None:
            owed[claw_back.pk] -= line.amount_fen
            planned.append((line, claw_back))
        seen.add(line.bank_reference)
    if refusals:
        return Applied([], [], refusals)
    created = [_record(line, claw_back, actor=actor, region=region, source=source,
                       source_name=source_name, now=now) for line, claw_back in planned]
    return Applied(created, replayed, [])


def _line_refusal(
    line: RepaymentLine, claw_back: ClawBack | None, *, region: Region, today: date,
    known: dict[str, ClawBackRepayment], seen: set[str], owed: dict[int, int],
) -> tuple[str, str] | str | None:
    if claw_back is None or claw_back.redemption.program.region_id != region.pk:
        return "claw_back_unknown", _("追回编号CB-%(id)s不是本地区的追回") % {
            "id": line.claw_back_id}
    if not line.bank_reference or len(line.bank_reference) > 64:
        return "bank_reference_required", _("请填写银行流水号（不超过64个字符）")
    if line.bank_reference in seen:
        return "bank_reference_used", _("银行流水号%(reference)s在本次提交中重复") % {
            "reference": line.bank_reference}
    if line.bank_reference in known:
        first = known[line.bank_reference]
        if first.claw_back_id == claw_back.pk and first.amount_fen == line.amount_fen:
            return "replay"
        return "bank_reference_used", _("银行流水号%(reference)s已登记为另一笔退回") % {
            "reference": line.bank_reference}
    if line.credit_code and line.credit_code != claw_back.redemption.payee.credit_code:
        return "payer_mismatch", _("付款单位统一社会信用代码与%(reference)s的收款方不符") % {
            "reference": claw_back.reference}
    if line.received_on > today:
        return "repayment_date_in_future", _("到账日期晚于今天")
    if line.received_on < china_date(claw_back.created_at):
        return "repayment_before_claw_back", _("到账日期早于登记追回的日期")
    if line.amount_fen > owed[claw_back.pk]:
        return "repayment_exceeds_outstanding", _(
            "退回金额超过%(reference)s尚未退回的金额（尚欠%(amount)s元）") % {
            "reference": claw_back.reference, "amount": _yuan(owed[claw_back.pk])}
    return None


def _record(
    line: RepaymentLine, claw_back: ClawBack, *, actor: User, region: Region, source: str,
    source_name: str, now: datetime,
) -> ClawBackRepayment:
    repayment = ClawBackRepayment.objects.create(
        claw_back=claw_back, region=region, amount_fen=line.amount_fen,
        received_on=line.received_on, bank_reference=line.bank_reference, source=source,
        source_name=source_name[:200], line_number=line.line_number, note=line.note[:255],
        recorded_by=actor, recorded_at=now,
    )
    ledger_post(transfers=[repay_spec(repayment, now=now)], now=now, actor=actor)
    before = claw_back.repaid_fen
    ClawBack.objects.filter(pk=claw_back.pk).update(repaid_fen=F("repaid_fen") + line.amount_fen)
    claw_back.repaid_fen = before + line.amount_fen
    audit_record(
        actor=actor, action="claw_back_repay", target=claw_back.redemption, region=region,
        now=now, before={"repaid_fen": before},
        after={"repaid_fen": claw_back.repaid_fen, "bank_reference": line.bank_reference,
               "received_on": line.received_on.isoformat(), "source": source},
        amount_fen=line.amount_fen, reason=line.note,
    )
    return repayment


def _yuan(fen: int) -> str:
    return f"{(Decimal(fen) / 100).quantize(Decimal('0.01')):,}"
