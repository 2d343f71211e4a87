"""Regions, prefecture-level cities and Shanghai's districts (../shared/DOMAIN.md).

Shanghai, Jiangsu and Zhejiang lie wholly in the common-use area; Anhui only partly, and the
list of its member cities must be confirmed by the platform operator, so none is set here.
"""

from django.db import migrations

REGIONS = [
    ("31", "SH", "上海市", "上海市科学技术委员会"),
    ("32", "JS", "江苏省", "江苏省科学技术厅"),
    ("33", "ZJ", "浙江省", "浙江省科学技术厅"),
    ("34", "AH", "安徽省", "安徽省科学技术厅"),
]

CITIES = {
    "31": [("3101", "上海市")],
    "32": [
        ("3201", "南京市"), ("3202", "无锡市"), ("3203", "徐州市"), ("3204", "常州市"),
        ("3205", "苏州市"), ("3206", "南通市"), ("3207", "连云港市"), ("3208", "淮安市"),
        ("3209", "盐城市"), ("3210", "扬州市"), ("3211", "镇江市"), ("3212", "泰州市"),
        ("3213", "宿迁市"),
    ],
    "33": [
        ("3301", "杭州市"), ("3302", "宁波市"), ("3303", "温州市"), ("3304", "嘉兴市"),
        ("3305", "湖州市"), ("3306", "绍兴市"), ("3307", "金华市"), ("3308", "衢州市"),
        ("3309", "舟山市"), ("3310", "台州市"), ("3311", "丽水市"),
    ],
    "34": [
        ("3401", "合肥市"), ("3402", "芜湖市"), ("3403", "蚌埠市"), ("3404", "淮南市"),
        ("3405", "马鞍山市"), ("3406", "淮北市"), ("3407", "铜陵市"), ("3408", "安庆市"),
        ("3410", "黄山市"), ("3411", "滁州市"), ("3412", "阜阳市"), ("3413", "宿州市"),
        ("3415", "六安市"), ("3416", "亳州市"), ("3417", "池州市"), ("3418", "宣城市"),
    ],
}

SHANGHAI_DISTRICTS = [
    ("310101", "黄浦区"), ("310104", "徐汇区"), ("310105", "长宁区"), ("310106", "静安区"),
    ("310107", "普陀区"), ("310109", "虹口区"), ("310110", "杨浦区"), ("310112", "闵行区"),
    ("310113", "宝山区"), ("310114", "嘉定区"), ("310115", "浦东新区"), ("310116", "金山区"),
    ("310117", "松江区"), ("310118", "青浦区"), ("310120", "奉贤区"), ("310151", "崇明区"),
]

WHOLLY_IN_COMMON_AREA = {"31", "32", "33"}


def load(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    City = apps.get_model("accounts", "City")
    District = apps.get_model("accounts", "District")
    for code, short_code, name, authority_name in REGIONS:
        region, _ = Region.objects.update_or_create(
            code=code,
            defaults={"short_code": short_code, "name": name, "authority_name": authority_name},
        )
        for prefix, city_name in CITIES[code]:
            City.objects.get_or_create(
                code=f"{prefix}00",
                defaults={
                    "region": region,
                    "name": city_name,
                    "in_common_area": code in WHOLLY_IN_COMMON_AREA,
                },
            )
    shanghai = City.objects.get(code="310100")
    for code, name in SHANGHAI_DISTRICTS:
        District.objects.get_or_create(code=code, defaults={"city": shanghai, "name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
