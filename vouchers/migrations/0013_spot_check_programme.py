import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def percent_to_basis_points(apps, schema_editor):
    SpotCheck = apps.get_model("vouchers", "SpotCheck")
    SpotCheck.objects.update(rate_bp=models.F("percentage") * 100)


def basis_points_to_percent(apps, schema_editor):
    # Backwards, a fractional rate is rounded up to the whole percent the old column holds.
    SpotCheck = apps.get_model("vouchers", "SpotCheck")
    for check in SpotCheck.objects.all():
        SpotCheck.objects.filter(pk=check.pk).update(percentage=-(-check.rate_bp // 100))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_english_place_names'),
        ('ledger', '0003_journal_indexes_no_query_uses'),
        ('vouchers', '0012_claw_back_recovery'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OversightCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('open', '处理中'), ('closed', '已结案')], max_length=16, verbose_name='状态')),
                ('outcome', models.CharField(blank=True, choices=[('no_action', '不予处理'), ('claw_back', '追回资金'), ('blacklisting', '列入黑名单')], max_length=16, verbose_name='处理结果')),
                ('reason', models.TextField(blank=True, verbose_name='结案说明')),
                ('opened_at', models.DateTimeField(verbose_name='立案时间')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='结案时间')),
            ],
            options={
                'verbose_name': '核查问题',
                'verbose_name_plural': '核查问题',
                'ordering': ['-opened_at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='program',
            name='spot_check_cadence',
            field=models.CharField(choices=[('quarter', '每季度'), ('half_year', '每半年'), ('year', '每年')], default='half_year', max_length=16, verbose_name='抽查周期'),
        ),
        migrations.AddField(
            model_name='program',
            name='spot_check_rate_bp',
            field=models.PositiveIntegerField(default=500, help_text='1基点 = 0.01%；如 2.5% 即 250 基点', verbose_name='抽查比例（基点）'),
        ),
        migrations.AddField(
            model_name='spotcheck',
            name='program',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='spot_checks', to='vouchers.program', verbose_name='项目'),
        ),
        # A whole percent drawn before becomes its basis points (5 % = 500), exactly.
        migrations.AddField(
            model_name='spotcheck',
            name='rate_bp',
            field=models.PositiveIntegerField(null=True, verbose_name='抽查比例（基点）'),
        ),
        migrations.AlterField(
            model_name='spotcheck',
            name='percentage',
            field=models.PositiveSmallIntegerField(null=True, verbose_name='抽查比例（%）'),
        ),
        migrations.RunPython(percent_to_basis_points, basis_points_to_percent),
        migrations.AlterField(
            model_name='spotcheck',
            name='rate_bp',
            field=models.PositiveIntegerField(verbose_name='抽查比例（基点）'),
        ),
        migrations.RemoveConstraint(
            model_name='spotcheck',
            name='spot_check_percentage_range',
        ),
        migrations.RemoveField(
            model_name='spotcheck',
            name='percentage',
        ),
        migrations.AddField(
            model_name='spotcheckitem',
            name='assigned_to',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='spot_check_items', to=settings.AUTH_USER_MODEL, verbose_name='核查人'),
        ),
        migrations.AddField(
            model_name='spotcheckitem',
            name='needs_checker',
            field=models.BooleanField(default=False, verbose_name='无合格核查人'),
        ),
        migrations.AlterField(
            model_name='spotcheck',
            name='drawn_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='program',
            constraint=models.CheckConstraint(condition=models.Q(('spot_check_rate_bp__gt', 0), ('spot_check_rate_bp__lte', 10000)), name='program_spot_check_rate_range', violation_error_message='抽查比例须大于0且不超过100%%（10000基点）'),
        ),
        migrations.AddConstraint(
            model_name='spotcheck',
            constraint=models.CheckConstraint(condition=models.Q(('rate_bp__gt', 0), ('rate_bp__lte', 10000)), name='spot_check_rate_range'),
        ),
        migrations.AddConstraint(
            model_name='spotcheck',
            constraint=models.UniqueConstraint(condition=models.Q(('program__isnull', False)), fields=('program', 'period_start'), name='spot_check_once_per_program_period'),
        ),
        migrations.AddConstraint(
            model_name='spotcheck',
            constraint=models.CheckConstraint(condition=models.Q(('program__isnull', False), ('drawn_by__isnull', False), _connector='OR'), name='spot_check_drawn_by_reviewer_or_sweep'),
        ),
        migrations.AddField(
            model_name='oversightcase',
            name='closed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='oversightcase',
            name='item',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='case', to='vouchers.spotcheckitem', verbose_name='抽查明细'),
        ),
        migrations.AddField(
            model_name='oversightcase',
            name='redemption',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='vouchers.redemption'),
        ),
        migrations.AddField(
            model_name='oversightcase',
            name='region',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region'),
        ),
        migrations.AddIndex(
            model_name='oversightcase',
            index=models.Index(fields=['region', 'state'], name='vouchers_ov_region__76ab6e_idx'),
        ),
        migrations.AddConstraint(
            model_name='oversightcase',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'open'), ('outcome', ''), ('closed_at__isnull', True)), models.Q(('state', 'closed'), models.Q(('outcome', ''), _negated=True), models.Q(('reason', ''), _negated=True), ('closed_at__isnull', False), ('closed_by__isnull', False)), _connector='OR'), name='oversight_case_closed_with_outcome'),
        ),
    ]
