"""One pending application per enterprise and program; on PostgreSQL a program's required
evidence is a non-empty array of known kinds (the service checks the same on every database).

A new evidence kind needs a migration that widens the PostgreSQL check.
"""

from django.db import migrations, models

CREATE = """
ALTER TABLE vouchers_program ADD CONSTRAINT program_required_evidence_known_kinds CHECK (
    jsonb_typeof(required_evidence) = 'array'
    AND jsonb_array_length(required_evidence) > 0
    AND required_evidence <@ '["contract", "invoice", "payment_proof", "report"]'::jsonb
);
"""

DROP = "ALTER TABLE vouchers_program DROP CONSTRAINT IF EXISTS program_required_evidence_known_kinds;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0004_invoice_identity_contract_per_institution_batch_sequence"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "submitted")),
                fields=("program", "enterprise"),
                name="application_one_pending_per_enterprise",
                violation_error_message="您已有一份待审核的申请",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
