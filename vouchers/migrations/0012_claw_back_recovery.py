"""Claw-back recovery (issue 21): due dates, repayments, and the claw-back account as a
debit-limited receivable.

Claw-backs booked before this migration get the default 30 days from their booking's Beijing
date. The CLAWBACK accounts had no debits before (nothing repaid), so making them
debit-limited holds for every existing row.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


CHINA = ZoneInfo("Asia/Shanghai")


def fill_due_dates(apps, schema_editor):
    ClawBack = apps.get_model("vouchers", "ClawBack")
    for claw_back in ClawBack.objects.select_related("redemption__program").order_by("pk"):
        days = claw_back.redemption.program.claw_back_due_days
        claw_back.due_on = claw_back.created_at.astimezone(CHINA).date() + timedelta(days=days)
        claw_back.save(update_fields=["due_on"])
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(kind="clawback").update(debits_must_not_exceed_credits=True)


def unlimit_claw_back_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(kind="clawback").update(debits_must_not_exceed_credits=False)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_english_place_names'),
        ('vouchers', '0011_sanctions'),
        ('ledger', '0003_journal_indexes_no_query_uses'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ClawBackRepayment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount_fen', models.BigIntegerField(verbose_name='退回金额（分）')),
                ('received_on', models.DateField(verbose_name='到账日期')),
                ('bank_reference', models.CharField(max_length=64, verbose_name='银行流水号')),
                ('source', models.CharField(choices=[('manual', '财务人员登记'), ('treasury', '国库到账文件')], max_length=16, verbose_name='来源')),
                ('source_name', models.CharField(blank=True, max_length=200, verbose_name='来源文件')),
                ('line_number', models.PositiveIntegerField(blank=True, null=True, verbose_name='行号')),
                ('note', models.CharField(blank=True, max_length=255, verbose_name='备注')),
                ('recorded_at', models.DateTimeField(verbose_name='登记时间')),
            ],
            options={
                'verbose_name': '追回款退回',
                'verbose_name_plural': '追回款退回',
                'ordering': ['received_on', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='clawback',
            name='due_on',
            field=models.DateField(null=True, verbose_name='还款截止日'),
        ),
        migrations.AddField(
            model_name='clawback',
            name='repaid_fen',
            field=models.BigIntegerField(default=0, verbose_name='已退回金额（分）'),
        ),
        migrations.AddField(
            model_name='program',
            name='claw_back_due_days',
            field=models.PositiveSmallIntegerField(default=30, help_text='自登记追回之日起，收款方须在此天数内退回款项（北京时间，含当日）', verbose_name='追回款还款期限（天）'),
        ),
        migrations.RunPython(fill_due_dates, unlimit_claw_back_accounts),
        migrations.AlterField(
            model_name='clawback',
            name='due_on',
            field=models.DateField(verbose_name='还款截止日'),
        ),
        migrations.AddIndex(
            model_name='clawback',
            index=models.Index(fields=['due_on'], name='claw_back_due_on'),
        ),
        migrations.AddConstraint(
            model_name='clawback',
            constraint=models.CheckConstraint(condition=models.Q(('repaid_fen__gte', 0), ('repaid_fen__lte', models.F('amount_fen'))), name='claw_back_repaid_within_amount'),
        ),
        migrations.AddField(
            model_name='clawbackrepayment',
            name='claw_back',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='repayments', to='vouchers.clawback'),
        ),
        migrations.AddField(
            model_name='clawbackrepayment',
            name='recorded_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='clawbackrepayment',
            name='region',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.region'),
        ),
        migrations.AddConstraint(
            model_name='clawbackrepayment',
            constraint=models.CheckConstraint(condition=models.Q(('amount_fen__gt', 0)), name='repayment_amount_gt_0'),
        ),
        migrations.AddConstraint(
            model_name='clawbackrepayment',
            constraint=models.UniqueConstraint(fields=('region', 'bank_reference'), name='repayment_bank_reference_once'),
        ),
    ]
