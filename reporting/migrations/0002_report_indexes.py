"""Indexes the annual aggregates filter on, on tables of other apps.

Each breakdown filters by a state and a date range: confirmed deliveries by delivery date,
redemptions by review time, batches by treasury date, transfers by creation time. Plain
CREATE INDEX IF NOT EXISTS works on SQLite and PostgreSQL alike.
"""

from django.db import migrations

INDEXES = {
    "reporting_delivery_state_on": "vouchers_delivery (state, delivered_on)",
    "reporting_redemption_state_reviewed": "vouchers_redemption (state, reviewed_at)",
    "reporting_batch_state_paid_on": "vouchers_paymentbatch (state, paid_on)",
    "reporting_transfer_credit_created": "ledger_transfer (credit_account_id, created_at)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("vouchers", "0001_initial"),
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in INDEXES.items()
    ]
