from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0004_claw_back_overdue_findings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reportrun',
            name='kind',
            field=models.CharField(choices=[('annual_totals', '年度统计'), ('reconciliation', '对账'), ('spot_checks', '抽查结果与处罚')], max_length=16, verbose_name='类型'),
        ),
    ]
