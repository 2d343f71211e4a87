from __future__ import annotations

import csv
import io

import pytest

from accounts.downloads import csv_lines, csv_response
from accounts.templatetags.money import basis_points, format_yuan


@pytest.mark.parametrize(
    ("fen", "shown"),
    [(0, "¥0.00"), (5, "¥0.05"), (1234560, "¥12,345.60"), (-199, "-¥1.99"),
     (9223372036854775807, "¥92,233,720,368,547,758.07"), (None, "—")],
)
def test_fen_are_shown_as_yuan_with_separators(fen, shown):
    assert format_yuan(fen) == shown


def test_basis_points_as_percent():
    assert basis_points(5000) == "50%"
    assert basis_points(3750) == "37.5%"


def test_csv_starts_with_a_bom_and_neutralises_formulas():
    text = "".join(csv_lines(["名称", "金额"], [["=cmd|' /C calc'!A0", 1], ["@SUM(A1)", "-2"],
                                              ["正常", "+1"], ["\tx", "ok"]]))
    assert text.startswith("\ufeff名称,金额")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert rows[2] == ["'@SUM(A1)", "'-2"]
    assert rows[3] == ["正常", "'+1"]
    assert rows[4][0] == "'\tx"


def test_csv_response_streams_with_a_utf8_filename():
    response = csv_response(filename="创新券.csv", header=["a"], rows=iter([[1], [2]]))
    assert response.streaming
    assert "UTF-8''%E5%88%9B" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).decode("utf-8") == "\ufeffa\r\n1\r\n2\r\n"
