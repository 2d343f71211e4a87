"""The files carry every figure exactly: the CSV's headline section, the funnel in every
format, and XLSX money to the fen however large."""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from datetime import datetime

import pypdf
from openpyxl import load_workbook

from devtools.factories.vouchers import TZ
from reporting.exporters import render_csv, render_xlsx
from reporting.models import ReportRun
from reporting.services import runs
from reporting.services.documents import COUNT, MONEY, Column, ReportDocument, Section

NOW = datetime(2025, 2, 1, 10, 0, tzinfo=TZ)
HUGE_FEN = 10**16 + 298_45  # 100,000,000,000,298.45 yuan: past what a double holds


def annual_files() -> dict[str, bytes]:
    from reporting.tasks import execute_report_run

    run = runs.report_request(actor=None, kind=ReportRun.Kind.ANNUAL_TOTALS, region=None,
                              parameters={"year": 2024}, now=NOW)
    execute_report_run(run_id=run.pk)
    return {f.format: f.file.open("rb").read() for f in run.files.all()}


def csv_sections(data: bytes) -> tuple[list[str], dict[str, list[list[str]]]]:
    """The documented layout: a header line, then per section a blank line, 【title】, the
    column names and the rows; each section as its column line followed by its rows."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8").removeprefix("\ufeff"))))
    header, sections, title = rows[0], {}, None
    for previous, row in itertools.pairwise(rows):
        if previous == [] and len(row) == 1 and row[0].startswith("【"):
            title = row[0].strip("【】")
            sections[title] = []
        elif row and title is not None and row != [f"【{title}】"]:
            sections[title].append(row)
    return header, sections


def test_the_csv_starts_with_the_headline_section(year):
    header, sections = csv_sections(annual_files()["csv"])

    assert header[:2] == ["报表", "2024年度长三角科技创新券统计（全部地区）"]
    assert list(sections)[:2] == ["主要数据", "按发券地区（资金漏斗）"]
    assert sections["主要数据"] == [
        ["指标", "数值", "单位"],
        ["服务金额", "56000.01", "元"],
        ["创新券使用金额", "28000.00", "元"],
        ["兑付金额", "27000.00", "元"],
        ["支付金额", "21000.00", "元"],
        ["到期退回金额", "95000.00", "元"],
        ["订单数", "5", ""],
        ["企业数", "4", ""],
        ["服务机构数", "3", ""],
    ]


def test_every_format_carries_the_funnel(year):
    files = annual_files()

    _header, sections = csv_sections(files["csv"])
    funnel = sections["按发券地区（资金漏斗）"]
    assert funnel[0] == ["发券地区", "年度预算（元）", "发放金额（元）", "发放张数", "申领企业数",
                         "年末预留金额（元）", "服务金额（元）", "创新券使用金额（元）",
                         "兑付金额（元）", "支付金额（元）", "到期退回金额（元）", "追回金额（元）"]
    assert [row[0] for row in funnel[1:]] == ["上海市", "江苏省", "浙江省", "安徽省"]
    assert funnel[3] == ["浙江省", "1000000.00", "60000.00", "1", "1", "2000.00", "20000.00",
                         "10000.00", "10000.00", "10000.00", "48000.00", "0.00"]

    sheet = load_workbook(io.BytesIO(files["xlsx"]))["按发券地区（资金漏斗）"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[1] == ("江苏省", 1_000_000, 150_000, 2, 2, 0, 24_000.01, 12_000, 11_000,
                       11_000, 47_000, 0)

    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(files["pdf"])).pages)
    assert "按发券地区（资金漏斗）" in text
    assert "¥1,000,000.00" in text  # a region's budget
    assert "年末预留金额" in text


def document(*amounts: int) -> ReportDocument:
    return ReportDocument(
        title="t", period="p", authority="a",
        headline=[("兑付金额", amount, MONEY) for amount in amounts] + [("订单数", 7, COUNT)],
        sections=[Section("s", "S", [Column("fen", "金额（元）", MONEY)],
                          rows=lambda: [{"fen": amount} for amount in amounts])],
    )


def test_xlsx_money_is_exact_to_the_fen_for_any_64_bit_amount():
    # Given amounts around the 15-digit limit, past a double's reach, and the largest fen
    amounts = (1_234_50, 10**15 - 1, 10**15, HUGE_FEN, -HUGE_FEN, 2**63 - 1)
    buffer = io.BytesIO()
    render_xlsx(document(*amounts), buffer)

    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    cells = [row[0] for row in workbook["S"].iter_rows(min_row=2)]
    # Then each amount of up to 15 digits is a number shown in yuan, larger ones exact text
    assert [(cell.value, cell.data_type) for cell in cells] == [
        (1234.5, "n"),
        (9_999_999_999_999.99, "n"),
        ("10000000000000.00", "s"),
        ("100000000000298.45", "s"),
        ("-100000000000298.45", "s"),
        ("92233720368547758.07", "s"),
    ]
    assert {cell.number_format for cell in cells[:2]} == {"#,##0.00"}
    summary = [row[1].value for row in workbook["概览"].iter_rows(min_row=5)]
    assert summary == [1234.5, 9_999_999_999_999.99, "10000000000000.00", "100000000000298.45",
                       "-100000000000298.45", "92233720368547758.07", 7]
    # And the numbers are stored as their decimal text, not a float's 16-digit rendering
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        names = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        xml = "".join(archive.read(name).decode() for name in names)
    assert re.findall(r"<v>([^<]*)</v>", xml) == ["1234.50", "9999999999999.99", "7",
                                                 "1234.50", "9999999999999.99"]


def test_csv_money_is_exact_for_any_64_bit_amount():
    buffer = io.BytesIO()
    render_csv(document(HUGE_FEN, 2**63 - 1), buffer)

    _header, sections = csv_sections(buffer.getvalue())
    assert sections["主要数据"][1:] == [["兑付金额", "100000000000298.45", "元"],
                                    ["兑付金额", "92233720368547758.07", "元"],
                                    ["订单数", "7", ""]]
    assert sections["S"] == [["金额（元）"], ["100000000000298.45"], ["92233720368547758.07"]]
