"""Seed the service categories of the scheme (editable afterwards in the admin)."""

from django.db import migrations

CATEGORIES = [
    ("testing", "检验检测", "Testing and inspection"),
    ("instruments", "大型科学仪器共享", "Shared large instruments"),
    ("rnd_design", "研发设计", "R&D and design"),
    ("consulting", "技术咨询", "Technology consulting"),
    ("tech_transfer", "技术转移与成果转化", "Technology transfer"),
    ("ip_services", "知识产权服务", "IP services"),
    ("pilot", "中试验证", "Pilot and proof of concept"),
    ("novelty_search", "科技查新与文献", "Novelty search and literature"),
]


def seed(apps, schema_editor):
    ServiceCategory = apps.get_model("vouchers", "ServiceCategory")
    for code, name, name_en in CATEGORIES:
        ServiceCategory.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )


def unseed(apps, schema_editor):
    ServiceCategory = apps.get_model("vouchers", "ServiceCategory")
    ServiceCategory.objects.filter(code__in=[code for code, *_ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
