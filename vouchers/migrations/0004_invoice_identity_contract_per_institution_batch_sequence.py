"""Issue 14: invoice identity (code + number, or a 数电票's 20-digit number), contracts unique
per institution, what the enterprise paid, and payment batch numbers run per region and year.

Existing rows are converted, nothing is dropped:
- an invoice number that folds to 20 digits becomes a 数电票; one that folds to 18 digits (a
  10-digit code and an 8-digit number typed into the one field there was) is split into code
  and number; anything else is kept as typed, without a code, its key the folded old value
  (as before), so old claims still block their invoice;
- redemptions get their order's institution;
- an order's `enterprise_paid_fen` is its fee under 通用 (payee = enterprise), else its share;
- batches keep their numbers (the treasury has them); year and sequence are read back from
  the number, and each region's counter starts after the highest sequence of that year.
The helpers below are frozen copies: later changes to the app must not change this migration.
"""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, Q

SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH_NUMBER = re.compile(r"^[A-Z]+-PAY-(?P<year>\d{4})-(?P<sequence>\d+)$")


def _fold(raw):
    folded = unicodedata.normalize("NFKC", raw or "")
    return "".join(
        ch for ch in folded
        if not ch.isspace() and ch not in "-_/" and unicodedata.category(ch)[0] != "C"
    ).upper()


def _shape(raw):
    """(code, number, key) of an invoice number typed before the shapes were checked."""
    folded = _fold(raw)
    if folded.isascii() and folded.isdigit() and len(folded) == 20:
        return "", folded, folded
    if folded.isascii() and folded.isdigit() and len(folded) == 18:
        return folded[:10], folded[10:], f"{folded[:10]}:{folded[10:]}"
    return "", raw, folded


def _immediate_constraints(schema_editor, mode):
    # PostgreSQL refuses to ALTER a table with pending deferred-FK events from this transaction.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"SET CONSTRAINTS ALL {mode}")


def convert(apps, schema_editor):
    _immediate_constraints(schema_editor, "IMMEDIATE")
    Delivery = apps.get_model("vouchers", "Delivery")
    Redemption = apps.get_model("vouchers", "Redemption")
    ServiceOrder = apps.get_model("vouchers", "ServiceOrder")
    for model in (Delivery, Redemption):
        for record in model.objects.order_by("pk").iterator():
            code, number, key = _shape(record.invoice_number)
            model.objects.filter(pk=record.pk).update(
                invoice_code=code, invoice_number=number, invoice_key=key
            )
    for redemption in Redemption.objects.select_related("order").order_by("pk").iterator():
        Redemption.objects.filter(pk=redemption.pk).update(
            institution_id=redemption.order.institution_id
        )
    ServiceOrder.objects.filter(payee=F("enterprise")).update(
        enterprise_paid_fen=F("total_fee_fen")
    )
    ServiceOrder.objects.exclude(payee=F("enterprise")).update(
        enterprise_paid_fen=F("enterprise_share_fen")
    )
    _number_batches(apps)
    _immediate_constraints(schema_editor, "DEFERRED")


def _number_batches(apps):
    PaymentBatch = apps.get_model("vouchers", "PaymentBatch")
    PaymentBatchCounter = apps.get_model("vouchers", "PaymentBatchCounter")
    last: dict[tuple[int, int], int] = {}
    unparsed = []
    for batch in PaymentBatch.objects.order_by("created_at", "pk").iterator():
        match = BATCH_NUMBER.match(batch.number)
        if match is None:
            unparsed.append(batch)
            continue
        year, sequence = int(match["year"]), int(match["sequence"])
        PaymentBatch.objects.filter(pk=batch.pk).update(year=year, sequence=sequence)
        last[batch.region_id, year] = max(last.get((batch.region_id, year), 0), sequence)
    for batch in unparsed:  # numbers of another shape are kept; they take the next sequence
        year = batch.created_at.astimezone(SHANGHAI).year
        sequence = last.get((batch.region_id, year), 0) + 1
        PaymentBatch.objects.filter(pk=batch.pk).update(year=year, sequence=sequence)
        last[batch.region_id, year] = sequence
    PaymentBatchCounter.objects.bulk_create(
        PaymentBatchCounter(region_id=region_id, year=year, last_sequence=sequence)
        for (region_id, year), sequence in sorted(last.items())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_reviewer_links"),
        ("vouchers", "0003_order_fee_maximum_and_justification"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="invoice_code",
            field=models.CharField(blank=True, max_length=12, verbose_name="发票代码"),
        ),
        migrations.AddField(
            model_name="delivery",
            name="invoice_key",
            field=models.CharField(
                db_index=True, default="", max_length=80, verbose_name="发票（规范化）"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="redemption",
            name="invoice_code",
            field=models.CharField(blank=True, max_length=12, verbose_name="发票代码"),
        ),
        migrations.AlterField(
            model_name="redemption",
            name="invoice_key",
            field=models.CharField(max_length=80, verbose_name="发票（规范化）"),
        ),
        migrations.AddField(
            model_name="redemption",
            name="institution",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="serviceorder",
            name="enterprise_paid_fen",
            field=models.BigIntegerField(default=0, verbose_name="企业向服务机构支付（分）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="paymentbatch",
            name="year",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="批次年度"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="paymentbatch",
            name="sequence",
            field=models.PositiveIntegerField(default=0, verbose_name="年度序号"),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="PaymentBatchCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                ("last_sequence", models.PositiveIntegerField(default=0, verbose_name="已用序号")),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.region",
                    ),
                ),
            ],
            options={
                "verbose_name": "支付批次编号计数",
                "verbose_name_plural": "支付批次编号计数",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("region", "year"), name="batch_counter_per_region_year"
                    )
                ],
            },
        ),
        migrations.RunPython(convert, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="redemption",
            name="institution",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RemoveConstraint(model_name="redemption", name="redemption_contract_once"),
        migrations.AddConstraint(
            model_name="redemption",
            constraint=models.UniqueConstraint(
                condition=~Q(state="rejected"),
                fields=("institution", "contract_key"),
                name="redemption_contract_once_per_institution",
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceorder",
            constraint=models.CheckConstraint(
                condition=(
                    Q(payee=F("institution")) & Q(enterprise_paid_fen=F("enterprise_share_fen"))
                )
                | (Q(payee=F("enterprise")) & Q(enterprise_paid_fen=F("total_fee_fen"))),
                name="order_enterprise_paid_by_payee_mode",
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentbatch",
            constraint=models.UniqueConstraint(
                fields=("region", "year", "sequence"),
                name="batch_sequence_unique_per_region_year",
            ),
        ),
    ]
