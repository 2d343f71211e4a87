"""Import of the treasury's receipts of claw-back repayments (CSV or XLSX), all or nothing.

The same file rules as the payments' file (`treasury_import`: header names, UTF-8 CSV or
XLSX, yuan by the one amount rule, every bad line named); each line names the claw-back
(`CB-<n>`, the reference the payee was given), the payer's credit code, the amount, the date
received and the bank's reference. Lines already imported (same bank reference, claw-back
and amount) are recognised and not recorded again, so a file imported twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from stdnum.cn import uscc

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.credit_codes import normalise_credit_code
from accounts.models import Region, User
from accounts.permissions import require_region
from accounts.transactions import service_transaction
from reporting.services.treasury_import import (
    RowError,
    TreasuryFileInvalid,
    file_amount_fen,
    file_rows,
)
from vouchers.models import ClawBackRepayment
from vouchers.services.recovery import RepaymentLine, repayments_apply

COLUMNS = ("claw_back_reference", "credit_code", "amount", "received_on", "bank_reference")
HEADERS = {
    "追回编号": "claw_back_reference", "claw_back_reference": "claw_back_reference",
    "统一社会信用代码": "credit_code", "付款单位统一社会信用代码": "credit_code",
    "credit_code": "credit_code",
    "金额": "amount", "金额（元）": "amount", "退回金额（元）": "amount", "amount": "amount",
    "到账日期": "received_on", "received_on": "received_on",
    "银行流水号": "bank_reference", "bank_reference": "bank_reference",
}
REFERENCE = re.compile(r"^CB-?(\d{1,18})$", re.IGNORECASE)


@dataclass(frozen=True)
class RepaymentImport:
    recorded: list[ClawBackRepayment]
    already_imported: int


@service_transaction
def treasury_repayments_import(
    *, actor: User, region: Region, name: str, content: bytes, now: datetime
) -> RepaymentImport:
    """Import the treasury's receipts of claw-back repayments for `region`. Every line is
    checked first (format here, the business rules in `repayments_apply`); one bad line
    refuses the whole file (TreasuryFileInvalid naming each line and reason)."""
    require_action(actor, "treasury.import", now=now)
    require_region(actor, region)
    errors: list[RowError] = []
    lines: list[RepaymentLine] = []
    rows = list(file_rows(name, content, columns=COLUMNS, headers=HEADERS))
    for line_number, cells in rows:
        try:
            lines.append(_parse(line_number, cells))
        except ValueError as error:
            errors.append(RowError(line_number, str(error)))
    if not rows:
        errors.append(RowError(1, "文件没有数据行"))
    applied = None
    if not errors:
        applied = repayments_apply(actor=actor, region=region, lines=lines,
                                   source=ClawBackRepayment.Source.TREASURY, now=now,
                                   source_name=name)
        errors = [RowError(refusal.line or 0, refusal.reason) for refusal in applied.refusals]
    if errors or applied is None:
        raise TreasuryFileInvalid(
            f"追回款到账文件有{len(errors)}处错误，未导入任何记录",
            extra={"errors": [{"line": e.line, "reason": e.reason} for e in errors]},
        )
    audit_record(
        actor=actor, action="treasury_repayments_import", region=region, now=now,
        after={"file": name, "rows": len(applied.created)},
        amount_fen=sum(repayment.amount_fen for repayment in applied.created),
    )
    return RepaymentImport(recorded=applied.created, already_imported=len(applied.replayed))


def _parse(line: int, cells: list[str]) -> RepaymentLine:
    raw_reference, raw_code, raw_amount, raw_date, bank_reference = cells
    match = REFERENCE.match(raw_reference.replace(" ", ""))
    if match is None:
        raise ValueError(f"追回编号{raw_reference or '（空）'}格式应为CB-数字")
    code = normalise_credit_code(raw_code)
    if not uscc.is_valid(code):
        raise ValueError(f"统一社会信用代码{raw_code or '（空）'}无效")
    try:
        received_on = date.fromisoformat(raw_date.replace("/", "-"))
    except ValueError as error:
        raise ValueError(f"到账日期{raw_date or '（空）'}格式应为YYYY-MM-DD") from error
    if not bank_reference or len(bank_reference) > 64:
        raise ValueError("银行流水号为空或超过64个字符")
    return RepaymentLine(
        claw_back_id=int(match.group(1)), amount_fen=file_amount_fen(raw_amount),
        received_on=received_on, bank_reference=bank_reference, credit_code=code,
        line_number=line,
    )
