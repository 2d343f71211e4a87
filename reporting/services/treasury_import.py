"""Import of the treasury's payment file (CSV or XLSX): validated row by row, all or nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook
from stdnum.cn import uscc

from accounts.access import require_action
from accounts.amounts import InvalidAmount, yuan_to_fen
from accounts.audit import audit_record
from accounts.credit_codes import normalise_credit_code
from accounts.errors import InvalidInput
from accounts.models import Region, User
from accounts.permissions import require_region
from accounts.transactions import service_transaction
from reporting.models import TreasuryPayment

COLUMNS = ("batch_reference", "credit_code", "amount", "paid_on", "bank_reference")
HEADERS = {
    "批次号": "batch_reference", "支付批次号": "batch_reference",
    "batch_reference": "batch_reference",
    "统一社会信用代码": "credit_code", "收款单位统一社会信用代码": "credit_code",
    "credit_code": "credit_code",
    "金额": "amount", "金额（元）": "amount", "支付金额（元）": "amount", "amount": "amount",
    "支付日期": "paid_on", "paid_on": "paid_on", "paid_date": "paid_on",
    "银行流水号": "bank_reference", "bank_reference": "bank_reference",
}
MAX_ROWS = 100_000


class TreasuryFileInvalid(InvalidInput):
    """`extra["errors"]` lists every bad row as {"line": n, "reason": "..."}."""

    code = "treasury_file_invalid"


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@service_transaction
def treasury_payments_import(
    *, actor: User, region: Region, name: str, content: bytes, now: datetime
) -> list[TreasuryPayment]:
    """Import the treasury's file for `region`. Every row is checked first; one bad row
    refuses the whole file (TreasuryFileInvalid naming each line and reason)."""
    require_action(actor, "treasury.import", now=now)
    require_region(actor, region)
    rows = list(file_rows(name, content))
    errors: list[RowError] = []
    payments = _validate(rows, region=region, today=timezone.localdate(now), errors=errors)
    if not rows:
        errors.append(RowError(1, "文件没有数据行"))
    if errors:
        raise TreasuryFileInvalid(
            f"国库支付文件有{len(errors)}处错误，未导入任何记录",
            extra={"errors": [{"line": e.line, "reason": e.reason} for e in errors]},
        )
    for payment in payments:
        payment.source_name, payment.imported_by, payment.imported_at = name[:200], actor, now
    created = TreasuryPayment.objects.bulk_create(payments)
    audit_record(
        actor=actor, action="treasury_import", region=region, now=now,
        after={"file": name, "rows": len(created)},
        amount_fen=sum(payment.amount_fen for payment in created),
    )
    return created


def file_rows(
    name: str, content: bytes, *, columns: tuple[str, ...] = COLUMNS,
    headers: dict[str, str] = HEADERS,
) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each data row; the header row maps `columns` by name
    (`headers`: the names a column may carry). Shared with the repayments' file."""
    if name.lower().endswith(".xlsx"):
        lines = _xlsx_lines(content)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise TreasuryFileInvalid("文件须为 UTF-8 编码的 CSV 或 XLSX") from error
        lines = enumerate(csv.reader(io.StringIO(text)), start=1)
    header = None
    for line, cells in lines:
        cells = [str(cell).strip() if cell is not None else "" for cell in cells]
        if not any(cells):
            continue
        if header is None:
            header = _header(line, cells, columns=columns, headers=headers)
            continue
        if line > MAX_ROWS + 1:
            raise TreasuryFileInvalid(f"文件超过{MAX_ROWS}行")
        yield line, [cells[index] if index < len(cells) else "" for index in header]


def _xlsx_lines(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # any unreadable workbook is the same refusal
        raise TreasuryFileInvalid("无法读取 XLSX 文件") from error
    sheet = workbook.worksheets[0]
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield line, [_xlsx_cell(value) for value in values]
    workbook.close()


def _xlsx_cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):  # plain digits: 1e16 is a number the sheet stored, not typed
        return format(Decimal(str(value)), "f")
    return "" if value is None else str(value)


def _header(
    line: int, cells: list[str], *, columns: tuple[str, ...], headers: dict[str, str]
) -> list[int]:
    positions = {headers.get(cell.strip().lower(), headers.get(cell.strip())): index
                 for index, cell in enumerate(cells)}
    missing = [column for column in columns if column not in positions]
    if missing:
        raise TreasuryFileInvalid(
            f"第{line}行表头缺少列：{'、'.join(missing)}",
            extra={"errors": [{"line": line, "reason": f"表头缺少列：{'、'.join(missing)}"}]},
        )
    return [positions[column] for column in columns]


def _validate(
    rows: list[tuple[int, list[str]]], *, region: Region, today: date, errors: list[RowError]
) -> list[TreasuryPayment]:
    imported = set(
        TreasuryPayment.objects.filter(
            region=region, bank_reference__in=[cells[4] for _line, cells in rows]
        ).values_list("bank_reference", flat=True)
    )
    seen: dict[str, int] = {}
    payments: list[TreasuryPayment] = []
    for line, cells in rows:
        try:
            payment = _parse(cells, region=region, today=today)
        except ValueError as error:
            errors.append(RowError(line, str(error)))
            continue
        reference = payment.bank_reference
        if reference in seen:
            errors.append(RowError(line, f"银行流水号{reference}与第{seen[reference]}行重复"))
        elif reference in imported:
            errors.append(RowError(line, f"银行流水号{reference}已导入过"))
        seen.setdefault(reference, line)
        payment.line_number = line
        payments.append(payment)
    return payments


def _parse(cells: list[str], *, region: Region, today: date) -> TreasuryPayment:
    batch_reference, raw_code, raw_amount, raw_date, bank_reference = cells
    if not batch_reference or len(batch_reference) > 64:
        raise ValueError("批次号为空或超过64个字符")
    code = normalise_credit_code(raw_code)
    if not uscc.is_valid(code):
        raise ValueError(f"统一社会信用代码{raw_code or '（空）'}无效")
    amount_fen = file_amount_fen(raw_amount)
    paid_on = _paid_on(raw_date, today)
    if not bank_reference or len(bank_reference) > 64:
        raise ValueError("银行流水号为空或超过64个字符")
    return TreasuryPayment(
        region=region, batch_reference=batch_reference, credit_code=code,
        amount_fen=amount_fen, paid_on=paid_on, bank_reference=bank_reference, line_number=0,
    )


def file_amount_fen(raw: str) -> int:
    """The file's amount in yuan, read by the one amount rule the web forms use."""
    try:
        return yuan_to_fen(raw)
    except InvalidAmount as error:
        raise ValueError(f"金额{raw or '（空）'}：{error.message}") from error


def _paid_on(raw: str, today: date) -> date:
    try:
        paid_on = date.fromisoformat(raw.replace("/", "-"))
    except ValueError as error:
        raise ValueError(f"支付日期{raw or '（空）'}格式应为YYYY-MM-DD") from error
    if paid_on > today:
        raise ValueError(f"支付日期{raw}晚于今天")
    return paid_on
