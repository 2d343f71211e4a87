"""The annual PDF a regulator signs, read back as a reader sees it: each page rendered to
pixels and its text extracted (pypdfium2)."""

from __future__ import annotations

import hashlib
import io
import random
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pypdfium2
import pytest
from django.utils import translation

from accounts.models import Region
from reporting.exporters import render_pdf
from reporting.exporters.pdf_font import FONT_PATH, FONT_SHA256
from reporting.models import ReportRun
from reporting.services import runs
from reporting.services.documents import SHANGHAI, annual_document, reconciliation_document
from reporting.tasks import execute_report_run

REGIONS = [("SH", "上海市"), ("JS", "江苏省"), ("ZJ", "浙江省"), ("AH", "安徽省")]
CATEGORIES = ["检验检测", "大型科学仪器共享", "研发设计", "技术咨询", "技术转移与成果转化",
              "知识产权服务", "中试验证", "科技查新与文献"]
CITIES = [f"城市{number:03d}" for number in range(150)]  # enough rows for several pages
GENERATED_AT = datetime(2025, 3, 2, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
CHART_TITLES = ["月度服务金额与兑付金额（元）", "按服务类别的服务金额与兑付金额（元）",
                "跨区域流向矩阵（服务金额、订单数）", "预算使用（按发券地区，元）"]
HEADER = "长三角科技创新券年度统计报告 · 2024年度"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def figures(seed: int) -> dict[str, int]:
    draw = random.Random(seed)
    service = draw.randint(1, 5_000_000) * 100 + draw.randint(0, 99)
    return {"service_fen": service, "voucher_used_fen": service // 2,
            "redeemed_fen": service // 3, "paid_fen": service // 4, "returned_fen": 12_345,
            "orders": draw.randint(1, 300), "enterprises": draw.randint(1, 100),
            "institutions": draw.randint(1, 50)}


def stored_result() -> dict:
    """An annual run's stored result, shaped as annual_totals_compute writes it."""
    flow = [{**figures(10 * i + j), "returned_fen": None, "issuing_region": issuing,
             "serving_region": serving, "issuing_region_name": issuing_name,
             "serving_region_name": serving_name}
            for i, (issuing, issuing_name) in enumerate(REGIONS)
            for j, (serving, serving_name) in enumerate(REGIONS)]
    funnel = [{**figures(k), "issuing_region": code, "issuing_region_name": name,
               "budget_fen": 100_000_000_00, "issued_fen": (60 - 10 * k) * 1_000_000_00,
               "vouchers_issued": 100 + k, "enterprises_claimed": 50 + k, "held_fen": 1_000_00,
               "clawed_back_fen": 0} for k, (code, name) in enumerate(REGIONS)]
    return {
        "year": 2024, "region": "JS", "headline": figures(99), "funnel": funnel,
        "by_flow": flow,
        "by_category": [{**figures(100 + k), "category": f"C{k}", "category_name": name}
                        for k, name in enumerate(CATEGORIES)],
        "by_city": [{**figures(200 + k), "city": f"32{k:02d}", "city_name": name}
                    for k, name in enumerate(CITIES)],
        # July had no business: the breakdown has no row for it
        "by_month": [{**figures(300 + month), "month": month} for month in range(1, 13)
                     if month != 7],
    }


class Page:
    def __init__(self, page) -> None:
        self.textpage = page.get_textpage()
        self.text = self.textpage.get_text_range().replace("\r\n", "\n")
        self.image = page.render(scale=1).to_pil().convert("RGB")  # 1 pixel a point
        self.height = page.get_height()

    def box_of(self, text: str) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of `text` on the page, in points from the bottom."""
        found = self.textpage.search(text, consecutive=True).get_next()
        assert found is not None, text
        index, count = found
        first, last = self.textpage.get_charbox(index), self.textpage.get_charbox(
            index + count - 1)
        return first[0], min(first[1], last[1]), last[2], max(first[3], last[3])

    def coloured_pixels(self, *, top: float, bottom: float) -> int:
        """Pixels of a chart's colours (saturated, unlike text, rules and table shading)
        between two heights in points from the bottom of the page."""
        band = self.image.crop((0, int(self.height - top), self.image.width,
                                int(self.height - bottom)))
        saturation = band.convert("HSV").getchannel("S").histogram()
        return sum(saturation[100:])


def render(language: str, **parameters) -> list[Page]:
    with translation.override(language):
        document = annual_document(stored_result(), generated_at=GENERATED_AT, **parameters)
        output = io.BytesIO()
        render_pdf(document, output)
    return [Page(page) for page in pypdfium2.PdfDocument(output.getvalue())]


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    return render("zh-hans", authority="江苏省科学技术厅", region_name="江苏省")


def test_the_font_is_the_vendored_debian_file_with_its_recorded_checksum():
    assert hashlib.sha256(FONT_PATH.read_bytes()).hexdigest() == FONT_SHA256
    readme = (FONT_PATH.parent / "README.md").read_text(encoding="utf-8")
    assert FONT_SHA256 in readme
    assert "Debian package `fonts-wqy-microhei` 0.2.0-beta-3.1" in readme
    licence = (FONT_PATH.parent / "wqy-microhei.copyright").read_text(encoding="utf-8")
    assert "License: Apache-2.0 or GPL-3+ with Font exception" in licence


def test_the_cover_names_the_report_its_issuer_and_times_and_has_a_place_to_sign(pages):
    cover = pages[0].text
    for expected in ["2024年度长三角科技创新券统计报告", "统计年度", "2024年度",
                     "统计区域", "江苏省", "制表单位", "江苏省科学技术厅",
                     "生成时间", "2025-03-02 09:30（北京时间）",
                     "数据截至", "2024-12-31 24:00（北京时间）",
                     "制表人：", "审核人：", "负责人：", "盖章处"]:
        assert expected in cover, expected
    assert "页" not in cover  # no running header or page number on the cover
    # The title is drawn (the font embedded): dark pixels in its band
    left, bottom, right, top = pages[0].box_of("2024年度长三角科技创新券统计报告")
    band = pages[0].image.convert("L").crop(
        (int(left), int(pages[0].height - top), int(right), int(pages[0].height - bottom)))
    assert sum(band.histogram()[:128]) > 1500


def test_a_cross_region_report_is_issued_by_the_platform_for_the_common_use_area():
    cover = render("zh-hans", authority="长三角科技创新券通用通兑平台")[0].text
    assert "统计区域\n长三角通用区域" in cover.replace(" ", "\n")
    assert "长三角科技创新券通用通兑平台" in cover


def test_every_page_after_the_cover_has_the_running_header_and_page_n_of_n(pages):
    total = len(pages)
    assert total >= 8  # the city table alone spans several pages
    for number, page in enumerate(pages[1:], start=2):
        assert HEADER in page.text, number
        assert f"第 {number} 页 / 共 {total} 页" in page.text, number


def test_a_long_table_repeats_its_whole_header_on_each_page(pages):
    continued = [page for page in pages if "城市000" in page.text or "城市149" in page.text
                 or re.search(r"^城市\d{3} ", page.text, re.MULTILINE)]
    assert len(continued) >= 3
    assert "城市000" in continued[0].text
    assert "城市149" in continued[-1].text
    header = ("城市 服务金额（元） 创新券使用金额（元） 兑付金额（元） 支付金额（元） "
              "到期退回金额（元） 订单数 企业数 服务机构数")
    for page in continued:
        assert header in page.text
    for page in pages:  # no header anywhere broken inside its word
        assert page.text.count("服务金额（元") == page.text.count("服务金额（元）")
        assert "金额（\n" not in page.text
        assert "\n元）" not in page.text


def test_months_are_printed_as_months(pages):
    page = next(page for page in pages if "按月份" in page.text)
    section = page.text[page.text.index("按月份"):]
    rows = re.findall(r"^(\S+) ¥", section, re.MULTILINE)
    assert rows == [f"{month}月" for month in range(1, 13) if month != 7]
    assert "月份 服务金额（元）" in section
    monthly_chart = next(page for page in pages if CHART_TITLES[0] in page.text)
    assert all(f"{month}月" in monthly_chart.text for month in range(1, 13))  # the axis


@pytest.mark.parametrize("title", CHART_TITLES)
def test_each_chart_is_drawn_on_the_page_of_its_title(pages, title):
    holding = [page for page in pages if title in page.text]
    assert len(holding) == 1, title
    page = holding[0]
    _left, bottom, _right, _top = page.box_of(title)
    # the chart is drawn just below its title, on the same page
    assert page.coloured_pixels(top=bottom, bottom=max(bottom - 150, 0)) > 2000


def test_the_appendix_defines_each_figure_its_unit_and_its_date(pages):
    appendix = pages[-1].text
    assert "附录：指标定义" in appendix
    assert "指标 定义 单位 计入年度和月份的日期" in appendix
    for line in ["服务金额 已确认交付的服务订单的服务费用总额，含企业自付部分 元 交付日期",
                 "兑付金额 已批准、已支付或已追回的兑付申请的核定金额；追回不减少该金额 元 "
                 "兑付审核通过日期", "支付金额 已支付或已追回的兑付申请的核定金额 元 国库支付日期"]:
        assert line in appendix
    for figure in ["创新券使用金额", "到期退回金额", "订单数", "企业数", "服务机构数", "年度预算",
                   "发放金额", "发放张数", "申领企业数", "年末预留金额", "追回金额"]:
        assert f"\n{figure} " in appendix, figure
    assert "数据截至：统计年度结束时" in appendix


def test_the_english_pdf_has_no_chinese_but_its_data():
    pages = render("en", authority="江苏省科学技术厅", region_name="江苏省")
    # Joined without line breaks: a name wrapped in its cell is whole again
    text = "".join(page.text for page in pages).replace("\n", "")
    data = [name for _code, name in REGIONS] + CATEGORIES + CITIES + ["江苏省科学技术厅"]
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, "")
    assert CJK.findall(text) == []
    total = len(pages)
    assert f"Page 2 of {total}" in pages[1].text
    cover = pages[0].text.replace("\n", " ")
    assert "Yangtze River Delta Innovation Vouchers: Annual Report 2024" in cover
    assert "Issued by" in pages[0].text
    assert "Seal" in pages[0].text
    assert "2025-03-02 09:30 (Beijing time)" in pages[0].text
    months = next(page for page in pages if "By month" in page.text).text
    assert re.search(r"^Apr ¥", months, re.MULTILINE)
    assert "Appendix: definitions of the figures" in pages[-1].text


def test_a_runs_pdf_names_its_region_and_authority_and_when_it_was_computed(year):
    # Given a region's annual run, requested and then executed by the worker
    jiangsu = Region.objects.get(short_code="JS")
    run = runs.report_request(actor=None, kind=ReportRun.Kind.ANNUAL_TOTALS, region=jiangsu,
                              parameters={"year": 2024}, now=datetime(2025, 2, 1, tzinfo=UTC))
    execute_report_run(run_id=run.pk)
    run.refresh_from_db()
    # Then its PDF's cover names the region, its authority, the computation and the cut-off
    pdf = pypdfium2.PdfDocument(run.files.get(format="pdf").file.open("rb").read())
    cover = pdf[0].get_textpage().get_text_range()
    assert f"统计区域 {jiangsu.name}" in cover
    assert f"制表单位 {jiangsu.authority_name}" in cover
    assert "数据截至 2024-12-31 24:00（北京时间）" in cover
    generated = re.search(r"生成时间 (\S+ \S+)（北京时间）", cover).group(1)
    at = datetime.strptime(generated, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
    assert run.started_at - timedelta(minutes=1) <= at <= run.finished_at


def test_a_reconciliation_pdf_has_its_period_cut_off_findings_and_their_definitions():
    run = SimpleNamespace(region=SimpleNamespace(name="江苏省"),
                          parameters={"date_from": "2024-03-01", "date_to": "2024-04-30"},
                          result={"counts": {"unpaid_overdue": 1}})
    finding = {"kind": "unpaid_overdue", "subject": "兑付#12", "description": "已批准45天未支付",
               "expected_fen": 120_000, "actual_fen": None, "resolved_at": None,
               "resolution_note": ""}
    document = reconciliation_document(run, authority="江苏省科学技术厅",
                                       rows=lambda: [finding], generated_at=GENERATED_AT)
    output = io.BytesIO()
    render_pdf(document, output)
    pages = [Page(page) for page in pypdfium2.PdfDocument(output.getvalue())]
    assert "江苏省创新券兑付对账报告" in pages[0].text
    assert "统计期间 2024-03-01 至 2024-04-30" in pages[0].text
    assert "数据截至 2024-04-30 24:00（北京时间）" in pages[0].text
    assert "已批准逾期未支付 兑付#12 已批准45天未支付 ¥1,200.00 — 未处理" in pages[1].text
    assert f"江苏省创新券兑付对账报告 · 2024-03-01 至 2024-04-30\n第 2 页 / 共 {len(pages)} 页" in (
        pages[1].text)
    assert "差异类型 定义" in pages[-1].text


def test_a_year_without_business_still_renders_its_charts():
    result = {**stored_result(), "by_category": [], "by_city": [], "by_month": [],
              "funnel": [], "headline": dict.fromkeys(figures(0), 0)}
    for cell in result["by_flow"]:
        cell.update(dict.fromkeys(figures(0), 0))
    with translation.override("zh-hans"):
        output = io.BytesIO()
        render_pdf(annual_document(result, authority="江苏省科学技术厅"), output)
    pages = [Page(page) for page in pypdfium2.PdfDocument(output.getvalue())]
    text = "\n".join(page.text for page in pages)
    assert CHART_TITLES[0] in text
    assert CHART_TITLES[2] in text
    assert CHART_TITLES[1] not in text  # no category to draw
    assert "数据截至 2024-12-31 24:00（北京时间）" in pages[0].text
    assert "生成时间 —" in pages[0].text
