"""The XLSX's charts sheet (图表) and number formats: the charts reference the small tables
with the right titles, the flow matrix is colour-scaled, and every numeric cell of every
sheet carries a number format (yuan, counts, months), still streamed in write-only mode."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart

from reporting.exporters import render_xlsx
from reporting.services.annual_totals import annual_totals_compute
from reporting.services.documents import annual_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def workbook(year):
    result = annual_totals_compute(year=2024, region=None)
    output = io.BytesIO()
    render_xlsx(annual_document(result, authority="平台"), output)
    output.seek(0)
    return load_workbook(output), result


def _reference(series) -> str:
    return series.val.numRef.f


def test_the_charts_sheet_holds_the_trend_and_categories_as_charts(workbook):
    book, result = workbook
    assert book.sheetnames[:2] == ["概览", "图表"]
    sheet = book["图表"]
    charts = sheet._charts
    assert [type(chart) for chart in charts] == [LineChart, BarChart]
    line, bars = charts
    assert line.title.tx.rich.p[0].r[0].t == "月度服务金额与兑付金额（元）"
    assert bars.title.tx.rich.p[0].r[0].t == "按服务类别（元）"
    # The trend's table: title row 1, header row 2, twelve months in rows 3–14.
    assert [_reference(s) for s in line.series] == ["'图表'!$B$3:$B$14", "'图表'!$C$3:$C$14"]
    assert [s.tx.strRef.f for s in line.series] == ["'图表'!B2", "'图表'!C2"]
    assert line.series[0].cat.numRef is None
    assert line.series[0].cat.strRef.f == "'图表'!$A$3:$A$14"
    assert [sheet.cell(2, c).value for c in (1, 2, 3)] == ["月份", "服务金额", "兑付金额"]
    months = {row["month"]: row for row in result["by_month"]}
    for month in range(1, 13):
        expected = Decimal(months.get(month, {}).get("service_fen", 0)) / 100
        assert sheet.cell(2 + month, 1).value == f"{month}月"
        assert Decimal(str(sheet.cell(2 + month, 2).value)) == expected
    categories = len(result["by_category"])
    first = 1 + 16 + 2 + 2  # after the trend's block (16 rows), a gap of two, title and header
    assert sheet.cell(first - 2, 1).value == "按服务类别（元）"
    assert _reference(bars.series[0]) == f"'图表'!$B${first}:$B${first + categories - 1}"
    assert bars.type == "bar"
    assert line.x_axis.delete is False
    assert line.y_axis.delete is False


def test_the_flow_is_a_colour_scaled_matrix(workbook):
    book, result = workbook
    sheet = book["图表"]
    rules = list(sheet.conditional_formatting)
    assert len(rules) == 1
    (matrix,) = rules
    assert matrix.rules[0].type == "colorScale"
    cells = str(matrix.sqref)
    top = int(cells.split(":")[0][1:])
    assert cells == f"B{top}:E{top + 3}"
    assert sheet.cell(top - 1, 1).value == "发券地区"
    assert [sheet.cell(top - 1, c).value for c in range(2, 6)] == [
        "上海市", "江苏省", "浙江省", "安徽省"]
    flows = {(c["issuing_region_name"], c["serving_region_name"]): c["service_fen"]
             for c in result["by_flow"]}
    for row in range(4):
        issuing = sheet.cell(top + row, 1).value
        for column in range(4):
            serving = sheet.cell(top - 1, 2 + column).value
            value = sheet.cell(top + row, 2 + column).value
            assert Decimal(str(value)) == Decimal(flows[(issuing, serving)]) / 100


def test_every_numeric_cell_of_every_sheet_has_a_number_format(workbook):
    book, _result = workbook
    numbers = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    numbers += 1
                    assert cell.number_format != "General", (sheet.title, cell.coordinate)
    assert numbers > 100
    summary = {row[0].value: row[1] for row in book["概览"].iter_rows(min_row=2)}
    assert summary["服务金额"].number_format == "#,##0.00"
    assert summary["订单数"].number_format == "#,##0"
    months = book["按月份"]
    assert months.cell(2, 1).number_format == "0"  # a month number, not 1,000-style
    assert months.cell(2, 2).number_format == "#,##0.00"
