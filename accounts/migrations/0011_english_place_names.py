"""English names of the regions, cities and districts and of the regional authorities."""

from django.db import migrations, models

# Official English names: pinyin for cities and districts (the Ministry of Civil Affairs'
# romanisation), the authorities' own English titles. Two pairs of cities share a pinyin name,
# so each of them says its province.
REGIONS = {
    "31": ("Shanghai", "Science and Technology Commission of Shanghai Municipality"),
    "32": ("Jiangsu", "Department of Science and Technology of Jiangsu Province"),
    "33": ("Zhejiang", "Department of Science and Technology of Zhejiang Province"),
    "34": ("Anhui", "Department of Science and Technology of Anhui Province"),
}
CITIES = {
    "310100": "Shanghai",
    "320100": "Nanjing", "320200": "Wuxi", "320300": "Xuzhou", "320400": "Changzhou",
    "320500": "Suzhou", "320600": "Nantong", "320700": "Lianyungang", "320800": "Huai'an",
    "320900": "Yancheng", "321000": "Yangzhou", "321100": "Zhenjiang",
    "321200": "Taizhou (Jiangsu)", "321300": "Suqian",
    "330100": "Hangzhou", "330200": "Ningbo", "330300": "Wenzhou", "330400": "Jiaxing",
    "330500": "Huzhou", "330600": "Shaoxing", "330700": "Jinhua", "330800": "Quzhou",
    "330900": "Zhoushan", "331000": "Taizhou (Zhejiang)", "331100": "Lishui",
    "340100": "Hefei", "340200": "Wuhu", "340300": "Bengbu", "340400": "Huainan",
    "340500": "Ma'anshan", "340600": "Huaibei", "340700": "Tongling", "340800": "Anqing",
    "341000": "Huangshan", "341100": "Chuzhou", "341200": "Fuyang", "341300": "Suzhou (Anhui)",
    "341500": "Lu'an", "341600": "Bozhou", "341700": "Chizhou", "341800": "Xuancheng",
}
DISTRICTS = {
    "310101": "Huangpu District", "310104": "Xuhui District", "310105": "Changning District",
    "310106": "Jing'an District", "310107": "Putuo District", "310109": "Hongkou District",
    "310110": "Yangpu District", "310112": "Minhang District", "310113": "Baoshan District",
    "310114": "Jiading District", "310115": "Pudong New Area", "310116": "Jinshan District",
    "310117": "Songjiang District", "310118": "Qingpu District", "310120": "Fengxian District",
    "310151": "Chongming District",
}


def load_english_names(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    City = apps.get_model("accounts", "City")
    District = apps.get_model("accounts", "District")
    for code, (name_en, authority_name_en) in REGIONS.items():
        Region.objects.filter(code=code).update(name_en=name_en,
                                                authority_name_en=authority_name_en)
    for code, name_en in CITIES.items():
        City.objects.filter(code=code).update(name_en=name_en)
    for code, name_en in DISTRICTS.items():
        District.objects.filter(code=code).update(name_en=name_en)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_notifications'),
    ]

    operations = [
        migrations.AddField(
            model_name='city',
            name='name_en',
            field=models.CharField(blank=True, max_length=64, verbose_name='英文名称'),
        ),
        migrations.AddField(
            model_name='district',
            name='name_en',
            field=models.CharField(blank=True, max_length=64, verbose_name='英文名称'),
        ),
        migrations.AddField(
            model_name='region',
            name='authority_name_en',
            field=models.CharField(blank=True, max_length=128, verbose_name='科技主管部门英文名称'),
        ),
        migrations.AddField(
            model_name='region',
            name='name_en',
            field=models.CharField(blank=True, max_length=64, verbose_name='英文名称'),
        ),
        migrations.RunPython(load_english_names, migrations.RunPython.noop),
    ]
